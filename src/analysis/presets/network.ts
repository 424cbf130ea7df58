// SPDX-License-Identifier: Apache-2.0
// The network presets, both Docker's default with its socket rules replaced by rules on the low 32
// bits of `int family` (what the kernel reads: net/socket.c __sys_socket takes an int), so that no
// upper half changes the answer (kernel-experiments.md §1), and hardened (../harden/) so that
// socketcall gets ENOSYS (§2: its companions do not check the family) and io_uring stays denied
// (§4; Docker ≥ 25 does not allow it).
//   unix-only-network  socket and socketpair for AF_UNIX only
//   no-af-alg-vsock    every family but AF_ALG (38) and AF_VSOCK (40), the two Docker's default
//                      means to close (the "a0 < 38 || a0 == 39 || a0 > 40" rules of moby#52494)
// Sockets that already exist are not the profile's business: an inherited or SCM_RIGHTS-passed
// AF_INET socket keeps working (§5; the fd-passing lint rule says so).

import { familyNumber } from '../../kernel/families.js';
import { jsonObject } from '../../profile/json-value.js';
import { dockerDraft, finish, lowWordIn, replaceNames, type PresetResult } from './base.js';

const AF_UNIX = familyNumber('AF_UNIX')!;
const AF_ALG = familyNumber('AF_ALG')!;
const AF_VSOCK = familyNumber('AF_VSOCK')!;
const LOW_MAX = 0xffff_ffff;

function socketRule(names: readonly string[], ranges: ReadonlyArray<readonly [number, number]>, comment: string) {
  return lowWordIn(0, ranges).map((arg, i, all) => jsonObject([
    ['names', [...names]],
    ['action', 'SCMP_ACT_ALLOW'],
    ['args', [arg]],
    ['comment', `${comment} (${i + 1} of ${all.length})`],
  ]));
}

export function unixOnlyNetwork(): PresetResult {
  const rules = socketRule(['socket', 'socketpair'], [[AF_UNIX, AF_UNIX]], 'unix-only-network: AF_UNIX sockets only, on the low 32 bits of family as the kernel reads them');
  return finish(replaceNames(dockerDraft(), ['socket', 'socketpair'], rules));
}

export function noAfAlgVsock(): PresetResult {
  const ranges: Array<readonly [number, number]> = [[0, AF_ALG - 1], [AF_ALG + 1, AF_VSOCK - 1], [AF_VSOCK + 1, LOW_MAX]];
  const rules = socketRule(['socket'], ranges, 'no-af-alg-vsock: every address family but AF_ALG and AF_VSOCK, on the low 32 bits of family as the kernel reads them');
  return finish(replaceNames(dockerDraft(), ['socket'], rules));
}
