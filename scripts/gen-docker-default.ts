// Makes examples/docker-default-amd64.bpf: Docker's default seccomp profile (moby/profiles
// seccomp/default.json, copied in ../shared/data/profiles/moby/) as runc + libseccomp load it on
// an amd64 host: arches x86_64 (native), x86, x32; Docker's default capabilities; kernel 6.18;
// rules whose action equals the default dropped, same-index conditions split (runc's reading);
// libseccomp's optimize=2 (runc uses the binary tree above 32 syscalls). runc's own -ENOSYS
// prefix (patchbpf) is not included. The compile itself is libseccomp's (koffi).
// Run: npx tsx scripts/gen-docker-default.ts   (needs libseccomp.so.2)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportFilter, formatVersion, loadLibseccomp, type ArgCmp, type CmpOp, type LibseccompRule } from '../src/linux/libseccomp.js';
import { parseAction } from '../src/seccomp/action.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'data/moby-default.json');
const DOCKER_CAPS = new Set(['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE']);
const ARCHES = ['x86_64', 'x86', 'x32'];
const KERNEL: [number, number] = [6, 18];

interface Filter { caps?: string[]; arches?: string[]; minKernel?: string }
interface Entry { names: string[]; action: string; errnoRet?: number; args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>; includes?: Filter; excludes?: Filter }
const profile = JSON.parse(readFileSync(source, 'utf8')) as { defaultAction: string; defaultErrnoRet?: number; syscalls: Entry[] };

const kernelAtLeast = (v: string) => { const [a, b] = v.split('.').map(Number) as [number, number]; return KERNEL[0] > a || (KERNEL[0] === a && KERNEL[1] >= b); };
const matches = (f: Filter | undefined, emptyIs: boolean): boolean => {
  if (!f || (!f.caps?.length && !f.arches?.length && !f.minKernel)) return emptyIs;
  const hits = [
    f.caps?.length ? f.caps.some((c) => DOCKER_CAPS.has(c)) : undefined,
    f.arches?.length ? f.arches.includes('amd64') || f.arches.includes('x86_64') : undefined,
    f.minKernel ? kernelAtLeast(f.minKernel) : undefined,
  ].filter((h) => h !== undefined);
  return hits.every(Boolean);
};
const action = (name: string, errno: number | undefined): number => {
  const short = name.replace(/^SCMP_ACT_/, '');
  return parseAction(short === 'ERRNO' ? `ERRNO(${errno ?? 1})` : short)!;
};

const defaultAction = action(profile.defaultAction, profile.defaultErrnoRet);
const rules: LibseccompRule[] = [];
for (const e of profile.syscalls) {
  if (!matches(e.includes, true) || (e.excludes && matches(e.excludes, false))) continue;
  const act = action(e.action, e.errnoRet ?? profile.defaultErrnoRet);
  if (act === defaultAction) continue; // runc drops it
  const conds: ArgCmp[] = (e.args ?? []).map((a) => ({ arg: a.index, op: a.op.replace(/^SCMP_CMP_/, '') as CmpOp, a: BigInt(a.value), b: BigInt(a.valueTwo ?? 0) }));
  const byIndex = new Map<number, ArgCmp[]>();
  for (const c of conds) byIndex.set(c.arg, [...(byIndex.get(c.arg) ?? []), c]);
  const split = [...byIndex.values()].some((cs) => cs.length > 1);
  for (const name of e.names) {
    if (split) for (const c of conds) rules.push({ action: act, syscall: name, args: [c] });
    else rules.push({ action: act, syscall: name, args: conds });
  }
}

const status = loadLibseccomp();
if (!status.available) throw new Error(status.reason);
const r = exportFilter({ defaultAction, arches: ARCHES, rules, attrs: { optimize: 2 } });
if (!r.ok) throw new Error(r.message);
const skipped = r.rules.filter((x) => x.rc !== 0).length;
writeFileSync(join(root, 'examples/docker-default-amd64.bpf'), r.bytes);
console.log(`libseccomp ${formatVersion(status.version)}: ${r.bytes.length / 8} instructions, ${rules.length} rules (${skipped} names libseccomp does not know skipped)`);
