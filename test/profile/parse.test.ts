// SPDX-License-Identifier: Apache-2.0
// The parser on every real JSON profile (test/fixtures/profiles, copies of ../shared/data/profiles),
// and the facts it must get right: formats, exact numbers, pointers and positions.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/profile/parse.js';
import { profileLocation } from '../../src/profile/position.js';
import type { Profile } from '../../src/profile/types.js';

const fixtures = new URL('../fixtures/profiles/', import.meta.url);
const shared = new URL('../../../shared/data/profiles/', import.meta.url);

function walk(dir: URL, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  ).sort();
}

const ALL = walk(fixtures).filter((f) => f.endsWith('.json'));
/** Firecracker's seccompiler files are JSON but another format: they must be recognized and refused. */
const FOREIGN = ALL.filter((f) => f.startsWith('firecracker/'));
const PROFILES = ALL.filter((f) => !FOREIGN.includes(f));

/**
 * The warnings each real profile gets, and why. Every other profile parses with none.
 * - moby/fixture-example.json: `syslog` → ERRNO with errnoRet 12345, which libseccomp refuses
 *   (≥ 4095, trap 10.2): moby's own test fixture would not start a container under runc.
 */
const WARNINGS: Readonly<Record<string, readonly string[]>> = {
  'moby/fixture-example.json': ['SC1025'],
};

/** The YAML profiles of ../shared/data (Security Profiles Operator SeccompProfile documents, read by src/profile/spo.ts). */
const YAML = [
  'security-profiles-operator/seccompprofile.yaml',
  'security-profiles-operator/seccompprofile-allowed-syscalls-change.yaml',
  'security-profiles-operator/seccompprofile-allowed-syscalls-validation.yaml',
  'security-profiles-operator/baseprofile-runc.yaml',
  'security-profiles-operator/baseprofile-crun.yaml',
  'kinvolk-seccompagent/notify-dangerous.yaml',
];

const read = (f: string) => readFileSync(new URL(f, fixtures), 'utf8');
const parse = (f: string): Profile => {
  const r = parseProfile(read(f), f);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.value!;
};

describe('real profiles', () => {
  it('vendors every JSON profile of the shared data (43 files)', () => {
    expect(ALL).toHaveLength(43);
    expect(PROFILES).toHaveLength(40);
  });

  it.each(ALL)('%s is a byte-for-byte copy of the shared original', (f) => {
    const original = new URL(f, shared);
    if (!existsSync(original)) return; // no ../shared here (CI clone): the copy is the data
    expect(readFileSync(new URL(f, fixtures)).equals(readFileSync(original))).toBe(true);
  });

  it.each(PROFILES)('%s parses with no error', (f) => {
    const r = parseProfile(read(f), f);
    expect(r.value).toBeDefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code)).toEqual(WARNINGS[f] ?? []);
  });

  it.each(FOREIGN)('%s is recognized as a Firecracker file and refused', (f) => {
    const r = parseProfile(read(f), f);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SC1006']);
  });

  /** Each YAML file's SeccompProfile documents, as the files write them: metadata.name, defaultAction, number of rules. */
  const YAML_DOCS: Readonly<Record<string, ReadonlyArray<readonly [string, string, number]>>> = {
    'security-profiles-operator/seccompprofile.yaml': [['profile-block-all', 'ERRNO', 0], ['profile-complain-unsafe', 'LOG', 0], ['profile-allow-unsafe', 'ALLOW', 0], ['profile-complain-block-high-risk', 'LOG', 2]],
    'security-profiles-operator/seccompprofile-allowed-syscalls-change.yaml': [['profile-allowed-syscalls', 'ERRNO', 1]],
    'security-profiles-operator/seccompprofile-allowed-syscalls-validation.yaml': [['profile-allowed-syscalls', 'ERRNO', 1], ['profile-denied-syscalls', 'ERRNO', 2], ['profile-allow-all-syscalls', 'ALLOW', 0], ['profile-block-all-syscalls', 'ERRNO', 0]],
    'security-profiles-operator/baseprofile-runc.yaml': [['runc-v1.4.2', 'ERRNO', 1]],
    'security-profiles-operator/baseprofile-crun.yaml': [['crun-v1.26', 'ERRNO', 1]],
    'kinvolk-seccompagent/notify-dangerous.yaml': [['notify-dangerous', 'ALLOW', 1]],
  };

  it.each(YAML)('%s (SPO YAML) parses, each SeccompProfile document by name, with no warning', (f) => {
    const original = new URL(f, shared);
    if (existsSync(original)) expect(readFileSync(new URL(f, fixtures)).equals(readFileSync(original))).toBe(true);
    const docs = YAML_DOCS[f]!;
    for (const [name, action, rules] of docs) {
      const r = parseProfile(read(f), f, docs.length > 1 ? { document: name } : {});
      expect(r.diagnostics, name).toEqual([]);
      expect(r.value).toMatchObject({ defaultAction: action, pointerBase: '/spec' });
      expect(r.value!.syscalls).toHaveLength(rules);
    }
    // several documents and none chosen: refused, with the names
    if (docs.length > 1) expect(parseProfile(read(f), f).diagnostics.map((d) => d.code)).toEqual(['SC7105']);
  });

  it('reads the SPO copy of notify-dangerous as the JSON one, with positions in the YAML', () => {
    const json = parse('kinvolk-seccompagent/notify-dangerous.json');
    const yaml = parseProfile(read('kinvolk-seccompagent/notify-dangerous.yaml'), 'n.yaml').value!;
    expect(yaml).toMatchObject({ defaultAction: json.defaultAction, listenerPath: json.listenerPath, listenerMetadata: json.listenerMetadata });
    expect(yaml.architectures.map((a) => a.arch.name)).toEqual(['x86_64']);
    expect(yaml.syscalls[0]!.names).toEqual(json.syscalls[0]!.names);
    // `- vm86` is the last name, line 69 column 7 of the YAML file
    expect(profileLocation(yaml, '/spec/syscalls/0/names/49')).toMatchObject({ line: 69, column: 7 });
  });
});

describe('formats', () => {
  it('reads the current names format with archMap (moby default)', () => {
    const p = parse('moby/default.json');
    expect(p.format).toBe('docker');
    expect(p.defaultAction).toBe('ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.syscalls).toHaveLength(33);
    expect(p.archMap.map((e) => e.architecture?.arch.name)).toEqual(['x86_64', 'aarch64', 'mips64', 'mips64n32', 'mipsel64', 'mipsel64n32', 's390x', 'riscv64', 'loongarch64']);
    expect(p.archMap[0]!.subArchitectures.map((a) => a.arch.name)).toEqual(['x86', 'x32']);
    expect(p.archMap[7]!.subArchitectures).toEqual([]); // "subArchitectures": null
    expect(p.syscalls.every((s) => !s.legacyName)).toBe(true);
    expect(p.flags).toBeUndefined();
  });

  it('reads the legacy `name` format (one rule per syscall, "args": null)', () => {
    const p = parse('jessfraz-dotfiles/chrome.json');
    expect(p.syscalls).toHaveLength(306);
    expect(p.syscalls[0]).toMatchObject({ names: ['accept'], namePointers: ['/syscalls/0/name'], legacyName: true, args: [] });
    expect(p.architectures).toEqual([]);
    expect(parse('moby/fixture-default-old-format.json').architectures.map((a) => a.arch.name)).toEqual(['x86_64', 'x86', 'x32']);
  });

  it('reads Podman errno names next to errnoRet', () => {
    const p = parse('containers-common/seccomp.json');
    expect(p).toMatchObject({ defaultErrnoRet: 38, defaultErrno: 'ENOSYS' });
    const withErrno = p.syscalls.filter((s) => s.errno !== undefined);
    expect(withErrno.length).toBe(14);
    expect(withErrno[0]).toMatchObject({ errno: 'EPERM', errnoRet: 1, action: 'ERRNO' });
  });

  it('reads listenerPath and listenerMetadata', () => {
    const p = parse('kinvolk-seccompagent/notify-dangerous.json');
    expect(p.listenerPath).toMatch(/^\//);
    expect(typeof p.listenerMetadata).toBe('string');
    expect(p.syscalls[0]!.action).toBe('USER_NOTIF');
  });

  it('reads an OCI config.json: linux.seccomp, pointers into the whole document', () => {
    const inner = read('moby/default.json').replace(/\n/g, '\n    ');
    const text = `{\n  "ociVersion": "1.2.0",\n  "process": { "args": ["sh"], "capabilities": {} },\n  "linux": {\n    "seccomp": ${inner}\n  }\n}\n`;
    const r = parseProfile(text, 'config.json');
    expect(r.value).toMatchObject({ format: 'oci-config', pointerBase: '/linux/seccomp' });
    const p = r.value!;
    // archMap, includes and excludes are Docker fields: runc ignores them in a config.json, and so
    // does the Profile (one SC1014 for each).
    const docker = parse('moby/default.json');
    const dockerFields = 1 + docker.syscalls.filter((s) => s.includes).length + docker.syscalls.filter((s) => s.excludes).length;
    expect(r.diagnostics.map((d) => d.code)).toEqual(Array(dockerFields).fill('SC1014'));
    expect(p.archMap).toEqual([]);
    expect(p.syscalls.every((s) => s.includes === undefined && s.excludes === undefined)).toBe(true);
    expect(p.syscalls[3]!.pointer).toBe('/linux/seccomp/syscalls/3');
    expect(profileLocation(p, '/linux/seccomp/syscalls/3/names/0')).toMatchObject({ file: 'config.json', pointer: '/linux/seccomp/syscalls/3/names/0' });
  });

  it('reads a bare OCI LinuxSeccomp as a Docker-format profile', () => {
    const r = parseProfile('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_AARCH64"],"flags":[],"syscalls":[{"names":["41"],"action":"SCMP_ACT_KILL"}]}');
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toMatchObject({ format: 'docker', flags: [], syscalls: [{ names: ['41'], action: 'KILL_THREAD' }] });
  });
});

describe('exact values', () => {
  it('keeps 64-bit values exact, past 2^53', () => {
    const r = parseProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [] }] })
      .replace('"args":[]', '"args":[{"index":1,"value":18446744073709551615,"valueTwo":9007199254740993,"op":"SCMP_CMP_MASKED_EQ"}]'));
    expect(r.value!.syscalls[0]!.args[0]).toMatchObject({ index: 1, value: 0xffff_ffff_ffff_ffffn, valueTwo: 9007199254740993n, op: 'MASKED_EQ' });
  });

  it('reads the AF_ALG/AF_VSOCK socket ranges of the moby default', () => {
    const socket = parse('moby/default.json').syscalls.filter((s) => s.names.includes('socket'));
    expect(socket.map((s) => s.args.map((a) => `${a.op} ${a.value}`))).toEqual([['LT 38'], ['EQ 39'], ['GT 40']]);
  });
});

describe('positions', () => {
  it('locates every rule, name and condition of a real profile at its text', () => {
    const f = 'runc/seccomp_syscall_test1.json';
    const text = read(f);
    const p = parse(f);
    const lines = text.split('\n');
    const at = (pointer: string) => {
      const loc = profileLocation(p, pointer) as { line: number; column: number };
      return lines[loc.line - 1]!.slice(loc.column - 1);
    };
    for (const s of p.syscalls) {
      expect(at(s.pointer)).toMatch(/^\{/);
      s.names.forEach((n, i) => expect(at(s.namePointers[i]!)).toMatch(new RegExp(`^"${n}"`)));
      for (const a of s.args) expect(at(a.pointer)).toMatch(/^\{/);
    }
  });

  it('counts columns in UTF-16 code units and lines from 1', () => {
    const r = parseProfile('{\n\t"comment": "é",\n\t"defaultAction": 7\n}', 'x.json');
    expect(r.diagnostics[0]).toMatchObject({ code: 'SC1011', location: { line: 2, column: 2 } });
    expect(r.diagnostics[1]).toMatchObject({ code: 'SC1010', location: { line: 3, column: 19, pointer: '/defaultAction' } });
  });
});
