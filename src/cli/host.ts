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
}

export const nodeHost: Host = {
  readFile(path) {
    return readFileSync(path === '-' ? 0 : path);
  },
  writeFileAtomic(path, data) {
    if (path === '-') {
      process.stdout.write(data);
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
    process.stdout.write(text);
  },
  stderr(text) {
    process.stderr.write(text);
  },
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
