// SPDX-License-Identifier: Apache-2.0
// The libseccomp side of the model differential suite, in its own process: libseccomp can
// loop forever inside seccomp_rule_add() (a corrupted argument-tree level, see
// src/resolve/libseccomp/merge.ts), and a synchronous FFI call that never returns would freeze
// the vitest worker. The parent (./model-harness.ts) kills this process when it goes silent.
//
// Protocol: one JSON request per stdin line, one JSON answer per stdout line, in order.
//   request: { id, req: ExportRequest with every bigint as a decimal string }
//   answer:  { id, status, ok, b64?, endian?, rules: [rc…], stage?, message? }
// The first line written is the status of loadLibseccomp() ({ status } only).

import { createInterface } from 'node:readline';
import { writeSync } from 'node:fs';
import { exportFilter, formatVersion, loadLibseccomp, type ExportRequest } from '../../src/linux/libseccomp.js';

export interface WireArg {
  readonly arg: number;
  readonly op: 'NE' | 'LT' | 'LE' | 'EQ' | 'GE' | 'GT' | 'MASKED_EQ';
  readonly a: string;
  readonly b: string;
}
export interface WireRequest {
  readonly id: number;
  readonly defaultAction: number;
  readonly arches: readonly string[];
  readonly rules: ReadonlyArray<{ readonly action: number; readonly syscall: string | number; readonly args: readonly WireArg[] }>;
  readonly attrs: { readonly optimize: 1 | 2; readonly badArch?: number; readonly tskip?: boolean };
}
export interface WireAnswer {
  readonly id: number;
  readonly ok: boolean;
  readonly b64?: string;
  readonly endian?: 'little' | 'big';
  readonly rules: readonly number[];
  readonly stage?: string;
  readonly message?: string;
}

function writeLine(v: unknown): void {
  const buf = Buffer.from(JSON.stringify(v) + '\n');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

function toRequest(w: WireRequest): ExportRequest {
  return {
    defaultAction: w.defaultAction,
    arches: w.arches,
    rules: w.rules.map((r) => ({ action: r.action, syscall: r.syscall, args: r.args.map((c) => ({ arg: c.arg, op: c.op, a: BigInt(c.a), b: BigInt(c.b) })) })),
    attrs: w.attrs,
  };
}

function main(): void {
  const status = loadLibseccomp(process.env['SYSCAGE_LIBSECCOMP']);
  writeLine({ status: status.available ? { available: true, version: formatVersion(status.version) } : status });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    const w = JSON.parse(line) as WireRequest;
    const res = exportFilter(toRequest(w));
    const rules = res.rules.map((r) => r.rc);
    if (res.ok) writeLine({ id: w.id, ok: true, b64: Buffer.from(res.bytes).toString('base64'), endian: res.endian, rules } satisfies WireAnswer);
    else writeLine({ id: w.id, ok: false, rules, stage: res.stage, message: res.message } satisfies WireAnswer);
  });
}

main();
