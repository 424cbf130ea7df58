// SPDX-License-Identifier: Apache-2.0
// Node-only: libseccomp.so.2 through koffi, called the way runc calls it (libseccomp-golang):
// seccomp_init(default) → arch add/remove → attributes → seccomp_rule_add_array per rule →
// seccomp_export_bpf. Used as the differential oracle and to make fixtures; nothing here loads
// a filter into the kernel (that is ./seccomp.ts).
//
// Every libseccomp return code is checked and handed back as data (rc, errno name, stage);
// the only throw is an InternalError for a broken invariant of this file. The library is loaded
// lazily on first use; when it (or koffi) is missing, `loadLibseccomp()` says so and every call
// returns { ok: false, stage: 'load' }.
//
// Header facts used (/usr/include/seccomp.h, libseccomp 2.5.x and 2.6.x):
//   struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; scmp_datum_t datum_a, datum_b; }
//   enum scmp_compare { NE=1, LT, LE, EQ, GE, GT, MASKED_EQ=7 }   (an enum is an int on every Linux ABI)
//   enum scmp_filter_attr { ACT_DEFAULT=1, ACT_BADARCH=2, …, API_TSKIP=5, …, CTL_OPTIMIZE=8 }
//   seccomp_arch_resolve_name() returns 0 for an unknown name; SCMP_ARCH_NATIVE is 0.
//   seccomp_syscall_resolve_name_arch() returns __NR_SCMP_ERROR (-1) for an unknown name and a
//   negative __PNR_* pseudo number for a name that exists in the table but not on that arch.

import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archByName, type Endian } from '../arch/index.js';
import { decode } from '../bpf/encode.js';

export const LIBSECCOMP_SONAME = 'libseccomp.so.2';

export type CmpOp = 'NE' | 'LT' | 'LE' | 'EQ' | 'GE' | 'GT' | 'MASKED_EQ';

/** enum scmp_compare. */
export const SCMP_CMP: Readonly<Record<CmpOp, number>> = { NE: 1, LT: 2, LE: 3, EQ: 4, GE: 5, GT: 6, MASKED_EQ: 7 };

/** enum scmp_filter_attr (the ones this wrapper sets). */
export const SCMP_FLTATR = { ACT_DEFAULT: 1, ACT_BADARCH: 2, CTL_NNP: 3, CTL_TSYNC: 4, API_TSKIP: 5, CTL_LOG: 6, CTL_SSB: 7, CTL_OPTIMIZE: 8 } as const;

/** __NR_SCMP_ERROR */
export const NR_SCMP_ERROR = -1;

/**
 * One comparison, as struct scmp_arg_cmp: `a` is datum_a, `b` datum_b. For MASKED_EQ,
 * `a` is the mask and `b` the value (libseccomp's order), i.e. (arg & a) == b.
 */
export interface ArgCmp {
  readonly arg: number;
  readonly op: CmpOp;
  readonly a: bigint;
  readonly b?: bigint;
}

export interface LibseccompRule {
  readonly action: number;
  /** A name, resolved on the host's native arch as runc does (seccomp_syscall_resolve_name), or a native number. */
  readonly syscall: string | number;
  readonly args?: readonly ArgCmp[];
}

export interface ExportRequest {
  readonly defaultAction: number;
  /** libseccomp arch names; the first plays the native arch (seccomp_init's), the rest are added in order. */
  readonly arches: readonly string[];
  readonly rules: readonly LibseccompRule[];
  readonly attrs?: { readonly optimize?: 1 | 2; readonly badArch?: number; readonly tskip?: boolean };
}

/** What one libseccomp call returned. `rc` is the raw return (0 or -errno). */
export interface CallResult {
  readonly call: string;
  readonly rc: number;
  /** `EEXIST`, `EACCES`… for a negative rc. */
  readonly errno?: string;
}

export interface RuleResult extends CallResult {
  /** The native syscall number passed to libseccomp (undefined when the name did not resolve). */
  readonly nr?: number;
}

export interface LibseccompVersion {
  readonly major: number;
  readonly minor: number;
  readonly micro: number;
}

export type ExportResult =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** Byte order of the filter (the first arch's); all arches of one filter share it. */
      readonly endian: Endian;
      /** One entry per request rule, in order; a failed rule is reported, not fatal (it was not added). */
      readonly rules: readonly RuleResult[];
      readonly calls: readonly CallResult[];
    }
  | {
      readonly ok: false;
      readonly stage: 'load' | 'init' | 'arch' | 'attr' | 'export';
      readonly message: string;
      readonly rules: readonly RuleResult[];
      readonly calls: readonly CallResult[];
    };

export type LibseccompStatus =
  | { readonly available: true; readonly version: LibseccompVersion; readonly api: number; readonly soname: string }
  | { readonly available: false; readonly reason: string };

interface Bindings {
  readonly version: LibseccompVersion;
  readonly api: number;
  init(def: number): unknown;
  release(ctx: unknown): void;
  archAdd(ctx: unknown, token: number): number;
  archRemove(ctx: unknown, token: number): number;
  archNative(): number;
  archResolveName(name: string): number;
  syscallResolveNameArch(token: number, name: string): number;
  syscallResolveNumArch(token: number, nr: number): string | null;
  ruleAddArray(ctx: unknown, action: number, nr: number, count: number, args: readonly object[] | null): number;
  attrSet(ctx: unknown, attr: number, value: number): number;
  exportBpf(ctx: unknown, fd: number): number;
}

let bindings: Bindings | undefined;
let loadError: string | undefined;

let soname = LIBSECCOMP_SONAME;

function bind(): Bindings | undefined {
  if (bindings || loadError !== undefined) return bindings;
  let koffi: typeof import('koffi');
  try {
    koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  } catch (e) {
    loadError = `koffi is not installed (${(e as Error).message.split('\n')[0]})`;
    return undefined;
  }
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(soname);
  } catch (e) {
    loadError = `${soname} cannot be loaded (${(e as Error).message}); install libseccomp2 (Debian/Ubuntu) or libseccomp (Fedora/Alpine)`;
    return undefined;
  }
  try {
    const versionT = koffi.struct('syscage_scmp_version', { major: 'uint', minor: 'uint', micro: 'uint' });
    koffi.struct('syscage_scmp_arg_cmp', { arg: 'uint', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
    const versionFn = lib.func('const syscage_scmp_version *seccomp_version(void)');
    const apiGet = lib.func('unsigned int seccomp_api_get(void)');
    const version = koffi.decode(versionFn(), versionT) as LibseccompVersion;
    const init = lib.func('void *seccomp_init(uint32_t def_action)');
    const release = lib.func('void seccomp_release(void *ctx)');
    const archAdd = lib.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)');
    const archRemove = lib.func('int seccomp_arch_remove(void *ctx, uint32_t arch_token)');
    const archNative = lib.func('uint32_t seccomp_arch_native(void)');
    const archResolveName = lib.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)');
    const resolveName = lib.func('int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)');
    const resolveNum = lib.func('void *seccomp_syscall_resolve_num_arch(uint32_t arch_token, int num)');
    const free = koffi.load('libc.so.6').func('void free(void *ptr)');
    const ruleAdd = lib.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const syscage_scmp_arg_cmp *arg_array)');
    const attrSet = lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)');
    const exportBpf = lib.func('int seccomp_export_bpf(void *ctx, int fd)');
    bindings = {
      version: { major: version.major, minor: version.minor, micro: version.micro },
      api: apiGet() as number,
      init: (def) => init(def >>> 0),
      release: (ctx) => release(ctx),
      archAdd: (ctx, t) => archAdd(ctx, t >>> 0) as number,
      archRemove: (ctx, t) => archRemove(ctx, t >>> 0) as number,
      archNative: () => (archNative() as number) >>> 0,
      archResolveName: (n) => (archResolveName(n) as number) >>> 0,
      syscallResolveNameArch: (t, n) => resolveName(t >>> 0, n) as number,
      syscallResolveNumArch: (t, nr) => {
        // The result is malloc'ed (strdup) and must be freed by the caller.
        const p = resolveNum(t >>> 0, nr | 0) as unknown;
        if (p === null) return null;
        const s = koffi.decode(p, 'char', -1) as string;
        free(p);
        return s;
      },
      ruleAddArray: (ctx, action, nr, count, args) => ruleAdd(ctx, action >>> 0, nr | 0, count, args) as number,
      attrSet: (ctx, attr, value) => attrSet(ctx, attr, value >>> 0) as number,
      exportBpf: (ctx, fd) => exportBpf(ctx, fd) as number,
    };
  } catch (e) {
    loadError = `${soname} loaded but a symbol is missing or mistyped: ${(e as Error).message}`;
    return undefined;
  }
  return bindings;
}

/**
 * Loads the library if needed and says whether it is usable, and which version it is.
 * `library` (a soname or a path, default libseccomp.so.2) counts only on the first call: the
 * library is loaded once per process, and every later call reports that first outcome.
 */
export function loadLibseccomp(library?: string): LibseccompStatus {
  if (!bindings && loadError === undefined && library !== undefined) soname = library;
  const b = bind();
  if (!b) return { available: false, reason: loadError ?? 'unknown error' };
  return { available: true, version: b.version, api: b.api, soname };
}

export function formatVersion(v: LibseccompVersion): string {
  return `${v.major}.${v.minor}.${v.micro}`;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

/** `EEXIST` for -17; undefined for rc >= 0. */
export function errnoName(rc: number): string | undefined {
  if (rc >= 0) return undefined;
  return ERRNO_NAMES.get(-rc) ?? `errno ${-rc}`;
}

function result(call: string, rc: number): CallResult {
  const errno = errnoName(rc);
  return errno === undefined ? { call, rc } : { call, rc, errno };
}

/** The arch token (SCMP_ARCH_*) for a libseccomp arch name; undefined when this libseccomp does not know it. */
export function archToken(name: string): number | undefined {
  const b = bind();
  if (!b) return undefined;
  const t = b.archResolveName(name);
  return t === 0 ? undefined : t;
}

/** The token of the host's native arch, or undefined when the library is missing. */
export function nativeArchToken(): number | undefined {
  return bind()?.archNative();
}

/**
 * seccomp_syscall_resolve_name_arch: the number libseccomp uses for `name` on `arch` (x32 bit
 * and mips base included). Negative pseudo numbers (__PNR_*) are returned as they are:
 * a socket/ipc call on a multiplexer arch (-101…, -201…) or a syscall absent there (-10000…).
 * undefined when the arch or the name is unknown to libseccomp (or the library is missing).
 */
export function resolveSyscall(arch: string, name: string): number | undefined {
  const b = bind();
  const t = archToken(arch);
  if (!b || t === undefined) return undefined;
  const nr = b.syscallResolveNameArch(t, name);
  return nr === NR_SCMP_ERROR ? undefined : nr;
}

/** seccomp_syscall_resolve_num_arch: the name libseccomp gives number `nr` on `arch`. */
export function resolveSyscallNumber(arch: string, nr: number): string | undefined {
  const b = bind();
  const t = archToken(arch);
  if (!b || t === undefined) return undefined;
  return b.syscallResolveNumArch(t, nr) ?? undefined;
}

function endianOf(archName: string, bytes: Uint8Array): Endian {
  const known = archByName(archName)?.endian;
  if (known) return known;
  // Every libseccomp filter starts with `ld [4]` (code 0x0020).
  return bytes[0] === 0x20 && bytes[1] === 0x00 ? 'little' : 'big';
}

function exportToBytes(b: Bindings, ctx: unknown): { rc: number; bytes?: Uint8Array; message?: string } {
  let dir: string | undefined;
  let fd: number | undefined;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syscage-libseccomp-'));
    const file = path.join(dir, 'filter.bpf');
    fd = fs.openSync(file, 'wx+', 0o600);
    const rc = b.exportBpf(ctx, fd);
    if (rc !== 0) return { rc };
    const bytes = new Uint8Array(fs.readFileSync(file));
    return { rc, bytes };
  } catch (e) {
    return { rc: -1, message: (e as Error).message };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds a filter with libseccomp exactly as requested and exports its BPF. A rule that
 * libseccomp refuses (or whose name does not resolve on the native arch) is reported in
 * `rules` with its rc and skipped, as a best-effort caller would; failures of init, arch,
 * attribute or export calls end the build and are reported with their stage.
 */
export function exportFilter(req: ExportRequest): ExportResult {
  const calls: CallResult[] = [];
  const rules: RuleResult[] = [];
  const fail = (stage: 'load' | 'init' | 'arch' | 'attr' | 'export', message: string): ExportResult => ({ ok: false, stage, message, rules, calls });
  const b = bind();
  if (!b) return fail('load', loadError ?? 'libseccomp is not available');
  if (req.arches.length === 0) return fail('arch', 'no arch given');
  const tokens: number[] = [];
  for (const name of req.arches) {
    const t = b.archResolveName(name);
    if (t === 0) return fail('arch', `libseccomp ${formatVersion(b.version)} does not know arch '${name}'`);
    tokens.push(t);
  }
  const ctx = b.init(req.defaultAction);
  calls.push(ctx === null ? { call: 'seccomp_init', rc: -1, errno: 'returned NULL' } : { call: 'seccomp_init', rc: 0 });
  if (ctx === null) return fail('init', `seccomp_init(0x${(req.defaultAction >>> 0).toString(16)}) failed: invalid or unsupported default action`);
  try {
    const native = b.archNative();
    // seccomp_init added the host arch; keep it only when it is the first requested one.
    if (tokens[0] !== native) {
      const rc = b.archRemove(ctx, native);
      calls.push(result('seccomp_arch_remove(native)', rc));
      if (rc !== 0) return fail('arch', `seccomp_arch_remove(native) = ${rc} (${errnoName(rc)})`);
    }
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (i === 0 && t === native) continue;
      const rc = b.archAdd(ctx, t);
      calls.push(result(`seccomp_arch_add(${req.arches[i]})`, rc));
      if (rc !== 0) return fail('arch', `seccomp_arch_add(${req.arches[i]}) = ${rc} (${errnoName(rc)})`);
    }
    const attrs: Array<[string, number, number]> = [];
    if (req.attrs?.badArch !== undefined) attrs.push(['ACT_BADARCH', SCMP_FLTATR.ACT_BADARCH, req.attrs.badArch]);
    if (req.attrs?.optimize !== undefined) attrs.push(['CTL_OPTIMIZE', SCMP_FLTATR.CTL_OPTIMIZE, req.attrs.optimize]);
    if (req.attrs?.tskip !== undefined) attrs.push(['API_TSKIP', SCMP_FLTATR.API_TSKIP, req.attrs.tskip ? 1 : 0]);
    for (const [name, attr, value] of attrs) {
      const rc = b.attrSet(ctx, attr, value);
      calls.push(result(`seccomp_attr_set(${name}, ${value})`, rc));
      if (rc !== 0) return fail('attr', `seccomp_attr_set(${name}, ${value}) = ${rc} (${errnoName(rc)})`);
    }
    for (const rule of req.rules) rules.push(addRule(b, ctx, rule));
    const out = exportToBytes(b, ctx);
    calls.push(result('seccomp_export_bpf', out.rc));
    if (out.rc !== 0 || !out.bytes) return fail('export', out.message ?? `seccomp_export_bpf = ${out.rc} (${errnoName(out.rc)})`);
    if (decode(out.bytes, 'little').value === undefined) return fail('export', `seccomp_export_bpf wrote ${out.bytes.length} bytes, not a whole number of instructions`);
    return { ok: true, bytes: out.bytes, endian: endianOf(req.arches[0]!, out.bytes), rules, calls };
  } finally {
    b.release(ctx);
  }
}

function addRule(b: Bindings, ctx: unknown, rule: LibseccompRule): RuleResult {
  const label = `seccomp_rule_add_array(${typeof rule.syscall === 'string' ? rule.syscall : `#${rule.syscall}`})`;
  let nr: number;
  if (typeof rule.syscall === 'number') nr = rule.syscall;
  else {
    nr = b.syscallResolveNameArch(0, rule.syscall); // SCMP_ARCH_NATIVE, as seccomp_syscall_resolve_name
    // Not a libseccomp call failing: the name is unknown, so no rule is added (runc skips it too).
    if (nr === NR_SCMP_ERROR) return { call: `seccomp_syscall_resolve_name(${rule.syscall})`, rc: NR_SCMP_ERROR, errno: 'unknown syscall name' };
  }
  const args = rule.args ?? [];
  const arr = args.map((c) => ({ arg: c.arg, op: SCMP_CMP[c.op], datum_a: BigInt.asUintN(64, c.a), datum_b: BigInt.asUintN(64, c.b ?? 0n) }));
  const rc = b.ruleAddArray(ctx, rule.action, nr, arr.length, arr.length === 0 ? null : arr);
  return { ...result(label, rc), nr };
}
