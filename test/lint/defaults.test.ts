// SPDX-License-Identifier: Apache-2.0
// What lint says about the profiles people actually run, for an amd64 host (runc lens): the
// findings at warning and above, pinned. The expected holes come from measurements on a live
// kernel and from reading the profiles, not from syscage (../shared/reference/kernel-experiments.md
// §1 upper 32 bits, §2 socketcall, §4 io_uring; test/kernel/ makes the witness calls for real):
// - Docker's newest default (moby/profiles v0.2.3): socket's `a0 > 40` rule lets the upper half
//   through (AF_ALG 0x26 and AF_VSOCK 0x28 with bit 32 set), and on x86 socketcall(SYS_SOCKET) is
//   allowed whatever the family; ptrace and process_vm_* are allowed (kernel ≥ 4.8); io_uring is
//   denied (moby 891241e7e7), so there is no io_uring finding.
// - Docker 23/24: `socket a0 != 40` (upper half dodges it too) and io_uring allowed.
// - Podman's default (containers-common): `a0 != 40` and the socketcall path likewise, and its
//   ERRNO rule for setns without CAP_SYS_ADMIN comes after setns in the big ALLOW list, so
//   libseccomp keeps the ALLOW (an unconditional rule beats a later one for the same syscall).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/analysis/lint/engine.js';
import { profileSubject, witnessesHold } from './subjects.js';

const fixture = (f: string) => readFileSync(new URL(`../fixtures/profiles/${f}`, import.meta.url), 'utf8');

/** rule, severity, and a fact of the finding (its witness's call or its message), sorted. */
function pinned(text: string): string[] {
  const subject = profileSubject(text);
  const findings = lint(subject).findings.filter((f) => f.severity !== 'info');
  expect(witnessesHold(subject, findings)).toBe(true);
  return findings.map((f) => `${f.severity} ${f.rule}: ${f.witness?.text.split(' → ')[0] ?? f.message}`).sort();
}

describe('lint on real default profiles (amd64, runc)', () => {
  it("Docker's newest default: the upper-32-bit and socketcall holes, ptrace and process_vm_*", () => {
    expect(pinned(fixture('moby/default.json'))).toEqual([
      'error int-arg-high-bits: socket(0x100000026, 0, 0) on x86_64',
      'error int-arg-high-bits: socket(0x100000028, 0, 0) on x86_64',
      'error multiplexer-bypass: socketcall(1, 0x10000) on x86 (int $0x80 from 64-bit code)',
      'warning dangerous-allow: process_vm_readv(0, 0, 0, 0, 0, 0) on x86_64',
      'warning dangerous-allow: process_vm_writev(0, 0, 0, 0, 0, 0) on x86_64',
      'warning dangerous-allow: ptrace(0, 0, 0, 0) on x86_64',
    ]);
  });

  it('Docker 23/24: io_uring allowed next to socket rules, the upper half of `a0 != 40`, the socketcall path', () => {
    const got = pinned(fixture('moby/default-docker24-era.json'));
    expect(got).toContain('error int-arg-high-bits: socket(0x100000028, 0, 0) on x86_64');
    expect(got.some((f) => f.startsWith('error io-uring-bypass: io_uring_setup('))).toBe(true);
    expect(got.some((f) => f.startsWith('error multiplexer-bypass: socketcall(1,'))).toBe(true);
  });

  it("Podman's default: the upper half of `a0 != 40`, the socketcall path, and the setns ERRNO rule libseccomp drops", () => {
    const got = pinned(fixture('containers-common/seccomp.json'));
    expect(got).toContain('error int-arg-high-bits: socket(0x100000028, 0, 0) on x86_64');
    expect(got.some((f) => f.startsWith('error multiplexer-bypass: socketcall(1,'))).toBe(true);
    expect(got.some((f) => f.startsWith('error rule-dropped-by-runtime: setns('))).toBe(true);
    expect(got.filter((f) => f.startsWith('error')).length).toBe(3);
  });
});
