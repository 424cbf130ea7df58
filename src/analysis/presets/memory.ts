// SPDX-License-Identifier: Apache-2.0
// wx-memory: Docker's default plus W^X — no memory both writable and executable. mmap, mmap2,
// mprotect and pkey_mprotect are refused with EACCES (what the kernel's own exec-permission checks
// and SELinux's execmem answer) when prot has PROT_WRITE and PROT_EXEC both (MASKED_EQ mask 6
// value 6 on prot, a2 of all four: mm/mmap.c, mm/mprotect.c), and allowed for the three other
// combinations; shmat is refused with SHM_EXEC (ipc/shm.c, 0o100000 in shmflg, a2) and allowed
// without. An unconditional allow would override the conditional rules (libseccomp-behaviour.md §9
// fact 22), so these names leave Docker's allow list. Then hardened: the conditional shmat rules
// make ipc(2) answer ENOSYS (its SHMAT companion does not check shmflg). personality stays as
// Docker has it (never READ_IMPLIES_EXEC, after which PROT_READ maps executable).
// Outside what a seccomp profile can express: i386's old mmap (the x86 ABI's `mmap`, one pointer
// to its arguments: prot is in memory; glibc uses mmap2 there), and the same pages mapped twice,
// writable and executable (memfd_create or a shared file), which no prot argument shows.

import { jsonObject, type Json } from '../../profile/json-value.js';
import { argJson } from '../harden/draft.js';
import { dockerDraft, finish, replaceNames, type PresetResult } from './base.js';

const PROT_WRITE = 2n;
const PROT_EXEC = 4n;
const WX = PROT_WRITE | PROT_EXEC;
const SHM_EXEC = 0o100000n;
const EACCES = 13n; // errno-base.h: the same on every ABI

const MAPPING = ['mmap', 'mmap2', 'mprotect', 'pkey_mprotect'];
const PROT = 2;
const SHMFLG = 2;

function rule(names: readonly string[], action: string, arg: Json, comment: string, errnoRet?: bigint) {
  return jsonObject([['names', [...names]], ['action', action], ['errnoRet', errnoRet], ['args', [arg]], ['comment', comment]]);
}

export function wxMemory(): PresetResult {
  const rules = [
    ...[0n, PROT_WRITE, PROT_EXEC].map((v) => rule(MAPPING, 'SCMP_ACT_ALLOW', argJson(PROT, 'MASKED_EQ', WX, v), `wx-memory: prot without both PROT_WRITE and PROT_EXEC ((prot & 6) == ${v})`)),
    rule(MAPPING, 'SCMP_ACT_ERRNO', argJson(PROT, 'MASKED_EQ', WX, WX), 'wx-memory: writable and executable memory refused (PROT_WRITE|PROT_EXEC)', EACCES),
    rule(['shmat'], 'SCMP_ACT_ALLOW', argJson(SHMFLG, 'MASKED_EQ', SHM_EXEC, 0n), 'wx-memory: shared memory attached without SHM_EXEC'),
    rule(['shmat'], 'SCMP_ACT_ERRNO', argJson(SHMFLG, 'MASKED_EQ', SHM_EXEC, SHM_EXEC), 'wx-memory: shared memory attached executable (SHM_EXEC) refused', EACCES),
  ];
  return finish(replaceNames(dockerDraft(), [...MAPPING, 'shmat'], rules));
}
