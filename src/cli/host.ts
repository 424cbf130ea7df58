// SPDX-License-Identifier: Apache-2.0
// The CLI's window on the machine (TypeScript's ts.sys idea): files, streams, the host ABI.
// Commands receive a Host, so tests can run them in memory; only nodeHost touches node:*.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { arch as osArch, endianness, release } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface Host {
  /** Reads a file, or standard input for `-`. Throws a NodeJS error (code, message) on failure. */
  readFile(path: string): Uint8Array;
  /** Writes the whole file or nothing: a temporary file beside it, then rename. */
  writeFileAtomic(path: string, data: Uint8Array | string): void;
  stdout(text: string): void;
  stderr(text: string): void;
  /** `process.arch`, byte order and kernel release (`uname -r`) of this machine. */
  readonly machine: { readonly arch: string; readonly littleEndian: boolean; readonly kernel: string };
  /** Why standard output could not be written (a full disk, a closed pipe), once it failed. */
  outputFailure?(): string | undefined;
}

let stdoutFailure: string | undefined;
let stdoutClosed = false;

/**
 * Writes all of `data` to fd 1 or 2 synchronously, as one would in C: no stream, so a failure is
 * an error to report (never an unhandled 'error' event), and nothing is left buffered when the
 * process execs or exits. EAGAIN (a pipe someone made non-blocking) is retried.
 */
function writeAll(fd: 1 | 2, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let off = 0; off < bytes.length;) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

export const nodeHost: Host = {
  readFile(path) {
    return readFileSync(path === '-' ? 0 : path);
  },
  writeFileAtomic(path, data) {
    if (path === '-') {
      writeAll(1, data);
      return;
    }
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'wx', 0o644);
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, path);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      try { unlinkSync(tmp); } catch { /* it may not exist */ }
      throw e;
    }
  },
  stdout(text) {
    if (stdoutFailure !== undefined || stdoutClosed) return;
    try {
      writeAll(1, text);
    } catch (e) {
      // a reader that stopped reading (`| head`) is not an error, as SIGPIPE is not for C tools
      if ((e as { code?: string }).code === 'EPIPE') stdoutClosed = true;
      else stdoutFailure = describeFsError(e);
    }
  },
  stderr(text) {
    try {
      writeAll(2, text);
    } catch {
      // nowhere left to say it; the exit status still tells
    }
  },
  outputFailure: () => stdoutFailure,
  machine: { arch: osArch(), littleEndian: endianness() === 'LE', kernel: release() },
};

/** Why a file operation failed, in words (ENOENT → "no such file"). */
export function describeFsError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'EEXIST': return 'a temporary file of the same name exists';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return err.code ?? err.message ?? String(e);
  }
}
