// SPDX-License-Identifier: Apache-2.0
// The reference semantics of a Policy: the oracle the compiled program is tested against
// (interpret(compile(policy)) ≡ evaluate(policy)). Deliberately simple: find the ABI, find the
// syscall, take the first decision whose conditions hold.

import { hi32, lo32 } from '../bits.js';
import { ARCHES } from '../arch/index.js';
import type { SeccompData } from '../seccomp/data.js';
import type { Arch } from '../arch/arch.js';
import type { AbiPolicy, Decision, EnosysStub, Policy, WordCondition } from './policy.js';

export function holds(c: WordCondition, data: SeccompData): boolean {
  const arg = data.args[c.arg] ?? 0n;
  const word = (c.half === 'hi' ? hi32(arg) : lo32(arg)) & c.mask;
  const v = word >>> 0;
  const r = c.op === 'eq' ? v === c.value >>> 0 : c.op === 'gt' ? v > c.value >>> 0 : v >= c.value >>> 0;
  return r !== c.negate;
}

/** The bit (x32's 0x40000000) that tells apart another ABI sharing this ABI's AUDIT_ARCH; 0 when none. */
function siblingBit(abi: AbiPolicy): number {
  return ARCHES.find((a) => a !== abi.arch && a.auditArch === abi.arch.auditArch && a.nrBit !== 0)?.nrBit ?? 0;
}

/**
 * The ABI a seccomp_data is judged by, as libseccomp's arch dispatch picks it: by AUDIT_ARCH, and
 * where two ABIs share one (x86_64, x32) by comparing nr with x32's bit (`jge 0x40000000`, not a
 * bit test). With only x86_64 in the policy, numbers from 0x40000000 up go to the bad-arch
 * action except nr -1 (a tracer's skip); with only x32, numbers below it do.
 */
export function abiFor(policy: Policy, data: SeccompData): AbiPolicy | undefined {
  const nr = data.nr >>> 0;
  const candidates = policy.abis.filter((a) => a.arch.auditArch === data.arch >>> 0);
  if (candidates.length > 1) return candidates.find((a) => a.arch.nrBit !== 0 && nr >= a.arch.nrBit) ?? candidates.find((a) => a.arch.nrBit === 0);
  const only = candidates[0];
  if (!only) return undefined;
  if (only.arch.nrBit !== 0) return nr >= only.arch.nrBit ? only : undefined;
  const bit = siblingBit(only);
  return bit !== 0 && nr >= bit && nr !== 0xffffffff ? undefined : only;
}

export function firstMatch(decisions: readonly Decision[] | undefined, data: SeccompData): Decision | undefined {
  return decisions?.find((d) => d.conditions.every((c) => holds(c, data)));
}

/** The stub entry runc's prefix picks for this data (its own dispatch: AUDIT_ARCH, then `jset` on x32's bit). */
export function stubEntry(stub: EnosysStub, data: SeccompData): { arch: Arch; max: number } | undefined {
  const nr = data.nr >>> 0;
  const entries = stub.entries.filter((e) => e.arch.auditArch === data.arch >>> 0);
  const bit = ARCHES.filter((a) => a.auditArch === data.arch >>> 0).reduce((acc, a) => acc | a.nrBit, 0);
  if (bit === 0) return entries[0];
  return entries.find((e) => (e.arch.nrBit !== 0) === ((nr & bit) !== 0));
}

/** Does runc's stub answer this call before the filter runs? */
export function stubAnswers(stub: EnosysStub | undefined, data: SeccompData): boolean {
  if (!stub) return false;
  const e = stubEntry(stub, data);
  return e !== undefined && ((data.nr >>> 0) > e.max || (e.arch.nrZeroMultiplexes === true && data.nr >>> 0 === 0));
}

export function evaluate(policy: Policy, data: SeccompData): { action: number; decision?: Decision; abi?: AbiPolicy; stub?: true } {
  if (stubAnswers(policy.enosysStub, data)) return { action: policy.enosysStub!.action, stub: true };
  const abi = abiFor(policy, data);
  if (!abi) return { action: policy.badArchAction };
  const d = firstMatch(abi.syscalls.get(data.nr >>> 0), data);
  return d ? { action: d.action, decision: d, abi } : { action: abi.defaultAction, abi };
}
