// SPDX-License-Identifier: Apache-2.0
// Generates test/fixtures/libseccomp/: the same small profile exported by libseccomp.so.2
// (through src/linux/libseccomp.ts, the way runc calls it) for x86_64, aarch64, ppc64 (big
// endian), s390x (big endian) and the x86_64+x86+x32 multi-arch filter, plus a README saying
// how they were made. The bytes are libseccomp's output, unmodified.
//
//   npx tsx scripts/gen-fixtures.ts           write the fixtures
//   npx tsx scripts/gen-fixtures.ts --check   regenerate in memory; exit 1 if anything differs
//
// Outputs are written atomically (temp file + rename). Exit 2 when libseccomp is missing or
// refuses a call.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../src/bpf/encode.js';
import { validate } from '../src/bpf/validate.js';
import { encodeAction, formatAction } from '../src/seccomp/action.js';
import { exportFilter, formatVersion, loadLibseccomp, type ArgCmp, type LibseccompRule } from '../src/linux/libseccomp.js';
import { filterActions, repairSwappedRets } from '../test/differential/libseccomp-repair.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'test', 'fixtures', 'libseccomp');

const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;

const DEFAULT_ACTION = encodeAction('ERRNO', EPERM);
const RULES: readonly LibseccompRule[] = [
  { action: encodeAction('ALLOW'), syscall: 'read' },
  { action: encodeAction('ALLOW'), syscall: 'write' },
  { action: encodeAction('ALLOW'), syscall: 'exit_group' },
  { action: encodeAction('ALLOW'), syscall: 'openat' },
  { action: encodeAction('ALLOW'), syscall: 'socket', args: [{ arg: 0, op: 'EQ', a: BigInt(AF_UNIX) }] },
  { action: encodeAction('ERRNO', ENOSYS), syscall: 'clone3' },
];

const FILTERS: ReadonlyArray<{ readonly file: string; readonly arches: readonly string[]; readonly note: string }> = [
  { file: 'x86_64.bpf', arches: ['x86_64'], note: 'little endian; x32 guard (bit 30 → bad arch, except nr −1)' },
  { file: 'aarch64.bpf', arches: ['aarch64'], note: 'little endian' },
  { file: 'ppc64.bpf', arches: ['ppc64'], note: 'big endian; socket also gets the socketcall(102) companion with a0 == 1' },
  { file: 's390x.bpf', arches: ['s390x'], note: 'big endian; socket also gets the socketcall(102) companion with a0 == 1' },
  { file: 'x86_64+x86+x32.bpf', arches: ['x86_64', 'x86', 'x32'], note: 'little endian; x86_64 and x32 share one block (no guard), x86 gets the socketcall companion' },
];

function formatCmp(c: ArgCmp): string {
  return c.op === 'MASKED_EQ' ? `(a${c.arg} & 0x${c.a.toString(16)}) == 0x${(c.b ?? 0n).toString(16)}` : `a${c.arg} ${c.op} ${c.a}`;
}

function die(message: string): never {
  process.stderr.write(`gen-fixtures: ${message}\n`);
  process.exit(2);
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function main(): void {
  const check = process.argv.includes('--check');
  const status = loadLibseccomp();
  if (!status.available) die(status.reason);
  const version = formatVersion(status.version);
  const outputs = new Map<string, Uint8Array | string>();
  const table: string[] = [];
  for (const f of FILTERS) {
    const res = exportFilter({ defaultAction: DEFAULT_ACTION, arches: f.arches, rules: RULES });
    if (!res.ok) die(`${f.file}: ${res.stage}: ${res.message}`);
    const refused = res.rules.filter((r) => r.rc !== 0);
    if (refused.length > 0) die(`${f.file}: libseccomp refused ${refused.map((r) => `${r.call} = ${r.rc} (${r.errno})`).join(', ')}`);
    const program = decode(res.bytes, res.endian).value;
    if (!program) die(`${f.file}: output is not a whole number of instructions`);
    if (repairSwappedRets(program, filterActions(DEFAULT_ACTION, RULES.map((r) => r.action))).repaired.length > 0) die(`${f.file}: contains byte-swapped ret copies (ledger libseccomp-be-long-jump-ret-copy); keep the profile small`);
    if (!validate(program).value) die(`${f.file}: syscage's validator rejects libseccomp's output`);
    outputs.set(f.file, res.bytes);
    const sha = createHash('sha256').update(res.bytes).digest('hex');
    table.push(`| \`${f.file}\` | ${f.arches.join(', ')} | ${res.endian} | ${program.length} | \`${sha.slice(0, 16)}…\` | ${f.note} |`);
  }
  const rules = RULES.map((r) => `- ${formatAction(r.action)} \`${String(r.syscall)}\`${r.args?.length ? ` if ${r.args.map(formatCmp).join(' && ')}` : ''}`);
  outputs.set(
    'README.md',
    [
      '# libseccomp fixtures',
      '',
      `Raw \`seccomp_export_bpf()\` output of libseccomp ${version} (Debian 12 \`libseccomp2\`), made by`,
      '`scripts/gen-fixtures.ts` through `src/linux/libseccomp.ts` (koffi, called the way runc calls it:',
      '`seccomp_init`, arch remove/add, `seccomp_rule_add_array`, `seccomp_export_bpf`). These are our own',
      'outputs, committed for the CLI tests. Regenerate with `npx tsx scripts/gen-fixtures.ts`; check with',
      '`npx tsx scripts/gen-fixtures.ts --check` (exits 1 if a file would change).',
      '',
      'Each file is an array of `struct sock_filter` (8 bytes per instruction: u16 code, u8 jt, u8 jf, u32 k)',
      "in the target's byte order, as libseccomp writes it: decode big-endian files as big-endian. The first",
      'listed arch is the filter\'s first arch check; SCMP_FLTATR_CTL_OPTIMIZE = 1 (default) and the bad-arch',
      'action is the default KILL_THREAD (`ret #0`), the last instruction.',
      '',
      `Profile (default action ${formatAction(DEFAULT_ACTION)}), the same for every file:`,
      '',
      ...rules,
      '',
      '| file | arches (in order) | byte order | instructions | sha256 | notes |',
      '|---|---|---|---|---|---|',
      ...table,
      '',
      'No file has a jump longer than 255 instructions, so none carries the byte-swapped `ret` copies of',
      'ledger entry `libseccomp-be-long-jump-ret-copy`; every file passes `validate()`.',
      '',
    ].join('\n'),
  );
  if (check) {
    const stale = [...outputs].filter(([name, data]) => {
      const file = path.join(OUT, name);
      return !fs.existsSync(file) || !Buffer.from(fs.readFileSync(file)).equals(Buffer.from(data));
    });
    if (stale.length > 0) {
      process.stderr.write(`gen-fixtures: out of date: ${stale.map(([n]) => n).join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write(`gen-fixtures: ${outputs.size} files up to date (libseccomp ${version})\n`);
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, data] of outputs) writeAtomic(path.join(OUT, name), data);
  process.stdout.write(`gen-fixtures: wrote ${outputs.size} files to ${path.relative(ROOT, OUT)} (libseccomp ${version})\n`);
}

main();
