// SPDX-License-Identifier: Apache-2.0
// Node-only: this machine's libseccomp.so.2 (./libseccomp.ts, through koffi) as the decompiler's
// Recompiler (../analysis/decompile/recompiler.ts). A filter exported by a libseccomp whose
// syscall table differs from syscage's (Debian's 2.5.4 has no map_shadow_stack on x32) is proved
// by recompiling the decompiled profile with that same library, the way runc calls it: the
// calls of the profile's ApiFilter, optimize 2 above 32 profile entries. runc's ENOSYS stub is
// runc's own code, not libseccomp's, so a request with a stub is refused; so is a rule libseccomp
// does not add. The bytes are decoded as they are (a big-endian export made on a little-endian
// machine can carry byte-swapped `ret` copies: libseccomp-behaviour.md §10.1; the proof then
// fails rather than hides it).

import { decode } from '../bpf/encode.js';
import { validate } from '../bpf/validate.js';
import type { CompileRequest, CompileResult, Recompiler } from '../analysis/decompile/recompiler.js';
import { exportFilter, formatVersion, loadLibseccomp, type ExportRequest } from './libseccomp.js';

/** The ExportRequest runc's calls make for this request (as test/differential/profiles-libseccomp builds it). */
export function exportRequest(req: CompileRequest): ExportRequest {
  const f = req.filter;
  return {
    defaultAction: f.defaultAction,
    arches: f.arches.map((a) => a.name),
    rules: f.rules.map((r) => ({ action: r.action, syscall: r.syscall, args: r.args.map((c) => ({ arg: c.arg, op: c.op, a: c.a, b: c.b })) })),
    attrs: { optimize: req.profileRules > 32 ? 2 : 1, ...(f.attrs.badArchAction !== undefined ? { badArch: f.attrs.badArchAction } : {}), ...(f.attrs.tskip ? { tskip: true } : {}) },
  };
}

/** libseccomp.so.2 as a Recompiler, or why it cannot be loaded. */
export function libseccompRecompiler(library?: string): { recompiler?: Recompiler; reason?: string } {
  const status = loadLibseccomp(library);
  if (!status.available) return { reason: status.reason };
  const name = `libseccomp ${formatVersion(status.version)}`;
  return {
    recompiler: {
      name,
      compile(req: CompileRequest): CompileResult {
        if (req.stub) return { reason: 'runc\'s ENOSYS stub is runc\'s code, not part of what libseccomp exports' };
        const out = exportFilter(exportRequest(req));
        if (!out.ok) return { reason: `${out.stage}: ${out.message}` };
        const bad = out.rules.findIndex((r) => r.rc !== 0);
        if (bad >= 0) return { reason: `${out.rules[bad]!.call} returns ${out.rules[bad]!.rc} (${out.rules[bad]!.errno ?? ''})` };
        const decoded = decode(out.bytes, req.filter.arches[0]!.endian).value;
        const program = decoded && validate(decoded).value;
        return program ? { program } : { reason: 'the exported bytes are not a valid filter' };
      },
    },
  };
}
