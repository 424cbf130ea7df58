// `syscage diff` and `check --subset-of` on real profiles: the moby history (exactly the socket
// change of the AF_ALG commit, exactly the socketcall change of the socketcall commit, on x86
// only), equivalence of a reordered and reformatted profile, a libseccomp filter against the
// profile it came from, and the exit codes; hostile path explosions end, marked incomplete.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { insn, type Instruction, type Program } from '../../src/bpf/instruction.js';
import { validate } from '../../src/bpf/validate.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { diffPrograms } from '../../src/analysis/diff/diff.js';
import { atLeastAsStrictAs } from '../../src/analysis/diff/subset.js';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/profiles/${p}`, import.meta.url), 'utf8');
const MOBY = {
  'before-afalg.json': fixture('moby/default-before-afalg.json'),
  'after-socketcall.json': fixture('moby/default-after-socketcall.json'),
  'default.json': fixture('moby/default.json'),
};

/** The same profile, rules and names shuffled (deterministically), keys reordered, reindented. */
function reordered(text: string): string {
  const p = JSON.parse(text) as { syscalls: Array<{ names: string[] }> } & Record<string, unknown>;
  const syscalls = p.syscalls.map((r) => ({ ...r, names: [...r.names].reverse() }));
  // rules of different syscalls can move freely; keep the relative order of rules sharing a name
  const first = syscalls.filter((_, i) => i % 2 === 0);
  const second = syscalls.filter((_, i) => i % 2 === 1);
  const shuffled = [...second, ...first];
  const names = (r: { names: string[] }) => new Set(r.names);
  const clash = shuffled.some((r, i) => shuffled.slice(i + 1).some((s) => [...names(r)].some((n) => names(s).has(n))));
  const keys = Object.keys(p).reverse();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = k === 'syscalls' ? (clash ? syscalls : shuffled) : p[k];
  return JSON.stringify(out, null, '\t');
}

describe('syscage diff', () => {
  it('the AF_ALG commit changed exactly socket(AF_ALG), on every ABI of amd64', async () => {
    const r = await runCli(['diff', 'before-afalg.json', 'default.json', '--host', 'amd64'], MOBY);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      'x86_64',
      '  socket: a0 = 38 (AF_ALG) — was ALLOW, is now ERRNO(1); e.g. socket(0x26, 0, 0)',
      'x32',
      '  socket: a0 = 38 (AF_ALG) — was ALLOW, is now ERRNO(1); e.g. socket(0x26, 0, 0)',
      'x86',
      '  socket: a0 = 38 (AF_ALG) — was ALLOW, is now ERRNO(1); e.g. socket(0x26, 0, 0)',
      '',
      '3 differences in 3 ABIs (336 regions compared)',
      '',
    ].join('\n'));
  });

  it('the socketcall commit changed exactly socketcall, on x86 only', async () => {
    const r = await runCli(['diff', 'after-socketcall.json', 'default.json', '--host', 'amd64', '--json'], MOBY);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { equivalent: boolean; differences: Array<{ abi: string; syscall: string; conditions: string[]; a: { action: string }; b: { action: string }; witness: { call: string } }> };
    expect(j.equivalent).toBe(false);
    expect(j.differences.map((d) => [d.abi, d.syscall, d.conditions, d.a.action, d.b.action, d.witness.call])).toEqual([
      ['x86', 'socketcall', [], 'ERRNO(38)', 'ALLOW', 'socketcall(0, 0)'],
    ]);
  });

  it('on arm64 (aarch64 + arm) the socketcall commit changes nothing, the AF_ALG one socket only', async () => {
    const a = await runCli(['diff', 'after-socketcall.json', 'default.json', '--host', 'arm64'], MOBY);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^after-socketcall\.json and default\.json are equivalent/);
    const b = await runCli(['diff', 'before-afalg.json', 'default.json', '--host', 'arm64', '--json'], MOBY);
    const j = JSON.parse(b.stdout) as { differences: Array<{ abi: string; syscall: string; conditions: string[] }> };
    expect(j.differences.map((d) => [d.abi, d.syscall, d.conditions])).toEqual([['aarch64', 'socket', ['a0 = 38 (AF_ALG)']], ['arm', 'socket', ['a0 = 38 (AF_ALG)']]]);
  });

  it('letting CLONE_NEWUSER through clone names the flags of the mask', async () => {
    const docker = JSON.parse(MOBY['default.json']) as { syscalls: Array<{ names: string[]; args?: Array<{ op: string; value: number }> }> };
    const rule = docker.syscalls.find((r) => r.names.length === 1 && r.names[0] === 'clone' && r.args?.[0]?.op === 'SCMP_CMP_MASKED_EQ')!;
    rule.args![0]!.value &= ~0x10000000; // CLONE_NEWUSER
    const r = await runCli(['diff', 'default.json', 'userns.json', '--host', 'amd64'], { ...MOBY, 'userns.json': JSON.stringify(docker) });
    expect(r.code).toBe(1);
    const row = '  clone: a0 & (CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET) ≠ 0, a0 & (CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET) = 0 — was ERRNO(1), is now ALLOW; e.g. clone(0x10000000, 0, 0, 0, 0)';
    expect(r.stdout.split('\n').slice(0, 6)).toEqual(['x86_64', row, 'x32', row, 'x86', row]);
  });

  it('a reordered, reformatted profile is equivalent', async () => {
    const files = { 'a.json': MOBY['default.json'], 'b.json': reordered(MOBY['default.json']) };
    expect(files['b.json']).not.toBe(files['a.json']);
    const r = await runCli(['diff', 'a.json', 'b.json', '--host', 'amd64'], files);
    expect(r.stdout).toMatch(/^a\.json and b\.json are equivalent: the same verdict everywhere/);
    expect(r.code).toBe(0);
  });

  it('a libseccomp 2.5.4 filter against the profile it was compiled from: only what runc and the newer tables change', async () => {
    const bpf = new Uint8Array(readFileSync(new URL('../../examples/docker-default-amd64.bpf', import.meta.url)));
    const r = await runCli(['diff', 'docker.bpf', 'default.json', '--host', 'amd64', '--json'], { 'docker.bpf': bpf, 'default.json': MOBY['default.json'] });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { differences: Array<{ abi: string; syscall: string; a: { action: string }; b: { action: string } }> };
    // every difference is a syscall libseccomp 2.5.4's table lacks (the default answers it) or
    // runc's ENOSYS stub for numbers past the profile's newest syscall
    for (const d of j.differences) {
      expect(d.a.action).toBe('ERRNO(1)');
      expect(['ALLOW', 'ERRNO(38)']).toContain(d.b.action);
    }
    const allowed = j.differences.filter((d) => d.b.action === 'ALLOW' && d.abi === 'x86_64').map((d) => d.syscall).sort();
    expect(allowed).toEqual(['getxattrat', 'listmount', 'listxattrat', 'mseal', 'removexattrat', 'setxattrat', 'statmount', 'uretprobe']);
  });

  it('bad input is a located error with exit 2', async () => {
    const r = await runCli(['diff', 'default.json', 'missing.json'], MOBY);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json/);
    expect(r.stderr).not.toMatch(/at .*\.ts:/);
  });
});

describe('syscage check --subset-of', () => {
  it('the newer default is at least as strict as the one before AF_ALG, not the other way round', async () => {
    const yes = await runCli(['check', 'default.json', '--subset-of', 'before-afalg.json', '--host', 'amd64'], MOBY);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/subset of before-afalg\.json: proved — default\.json is at least as strict everywhere/);
    const no = await runCli(['check', 'before-afalg.json', '--subset-of', 'default.json', '--host', 'amd64', '--json'], MOBY);
    expect(no.code).toBe(1);
    const j = JSON.parse(no.stdout) as { subsetOf: { holds: boolean; violations: Array<{ abi: string; syscall: string; conditions: string[]; profile: { action: string }; baseline: { action: string } }> } };
    expect(j.subsetOf.holds).toBe(false);
    expect(j.subsetOf.violations.map((v) => [v.abi, v.syscall, v.conditions.join(', '), v.profile.action, v.baseline.action])).toEqual([
      ['x86_64', 'socket', 'a0 = 38 (AF_ALG)', 'ALLOW', 'ERRNO(1)'],
      ['x32', 'socket', 'a0 = 38 (AF_ALG)', 'ALLOW', 'ERRNO(1)'],
      ['x86', 'socket', 'a0 = 38 (AF_ALG)', 'ALLOW', 'ERRNO(1)'],
    ]);
  });

  it('the socketcall commit loosened x86: the profile before it is the stricter one', async () => {
    const r = await runCli(['check', 'after-socketcall.json', '--subset-of', 'default.json', '--host', 'amd64'], MOBY);
    expect(r.code).toBe(0);
    const back = await runCli(['check', 'default.json', '--subset-of', 'after-socketcall.json', '--host', 'amd64'], MOBY);
    expect(back.code).toBe(1);
    expect(back.stdout).toMatch(/x86\n\s+socketcall — this profile ALLOW, the baseline ERRNO\(38\)/);
  });

  it('errno values do not rank: another defaultErrnoRet is as strict both ways, yet differs', async () => {
    const p = JSON.parse(MOBY['default.json']) as Record<string, unknown>;
    const files = { ...MOBY, 'enosys.json': JSON.stringify({ ...p, defaultErrnoRet: 38 }) };
    for (const [a, b] of [['enosys.json', 'default.json'], ['default.json', 'enosys.json']]) {
      const r = await runCli(['check', a!, '--subset-of', b!, '--host', 'amd64'], files);
      expect(r.code, `${a} ⊑ ${b}`).toBe(0);
    }
    const d = await runCli(['diff', 'default.json', 'enosys.json', '--host', 'amd64'], files);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/was ERRNO\(1\), is now ERRNO\(38\)/);
  });
});

describe('hostile programs end, incomplete rather than wrong', () => {
  // n blocks of `ld [arg]; jset #bit` whose two paths join again: 2^n paths, each a region
  const explosion = (n: number, ret: number, alu = false): Program => {
    const ins: Instruction[] = [];
    for (let i = 0; i < n; i++) {
      ins.push(insn(0x20, 16 + 4 * (i % 12)));            // ld [args word]
      if (alu) ins.push(insn(0x24, 3));                    // mul #3: a computed value
      ins.push(insn(0x45, 1 << (i % 31), 0, 1));           // jset #bit, t, s
      ins.push(insn(0x20, 0), insn(0x20, 4));              // t: ld [0]; s: ld [4]
    }
    ins.push(insn(0x06, ret));
    return validate(ins).value!;
  };
  const ALLOW = 0x7fff0000;
  const ERRNO_1 = 0x00050001;

  it.each([
    ['the same program, 2^24 paths', explosion(24, ALLOW), explosion(24, ALLOW)],
    ['every path differs, 2^30 paths', explosion(30, ALLOW), explosion(30, ERRNO_1)],
    ['computed tests on every path', explosion(20, ALLOW, true), explosion(20, ERRNO_1, true)],
  ])('%s: the whole product is capped', (_, a, b) => {
    const r = diffPrograms(a, b);
    expect(r.complete).toBe(false);
    const s = atLeastAsStrictAs(a, b);
    expect(s.holds).toBe(false);
    expect(s.complete).toBe(false);
    for (const d of r.differences.slice(0, 50)) {
      expect(d.witness).toBeDefined();
      expect(simulate(a, 'little', d.witness!.data).value).toBe(d.a);
      expect(simulate(b, 'little', d.witness!.data).value).toBe(d.b);
    }
  });

  it('a small budget is honoured', () => {
    const r = diffPrograms(explosion(12, ALLOW), explosion(12, ALLOW), { totalBudget: 10_000 });
    expect(r.complete).toBe(false);
    expect(r.cells).toBeLessThan(10_000);
  });
});
