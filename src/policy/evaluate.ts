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

/** Per AUDIT_ARCH, the nr bits (x32's 0x40000000) that tell apart ABIs sharing it; absent when none. */
const AUDIT_NR_BITS: ReadonlyMap<number, number> = (() => {
  const bits = new Map<number, number>();
  for (const a of ARCHES) if (a.nrBit !== 0) bits.set(a.auditArch, (bits.get(a.auditArch) ?? 0) | a.nrBit);
  return bits;
})();

/** The bit (x32's 0x40000000) that tells apart another ABI sharing this ABI's AUDIT_ARCH; 0 when none. */
function siblingBit(abi: AbiPolicy): number {
  return abi.arch.nrBit === 0 ? AUDIT_NR_BITS.get(abi.arch.auditArch) ?? 0 : 0;
}

/**
 * The ABI a seccomp_data is judged by, as libseccomp's arch dispatch picks it: by AUDIT_ARCH, and
 * where two ABIs share one (x86_64, x32) by comparing nr with x32's bit (`jge 0x40000000`, not a
 * bit test). With only x86_64 in the policy, numbers from 0x40000000 up go to the bad-arch
 * action except nr -1 (a tracer's skip); with only x32, numbers below it do.
 */
export function abiFor(policy: Policy, data: SeccompData): AbiPolicy | undefined {
  const nr = data.nr >>> 0;
  const audit = data.arch >>> 0;
  // The ABIs with this AUDIT_ARCH: the one with an nr bit (x32) and the one without (x86_64).
  let withBit: AbiPolicy | undefined;
  let plain: AbiPolicy | undefined;
  let count = 0;
  for (const a of policy.abis) {
    if (a.arch.auditArch !== audit) continue;
    count++;
    if (a.arch.nrBit !== 0) withBit ??= a;
    else plain ??= a;
  }
  if (count > 1) return withBit !== undefined && nr >= withBit.arch.nrBit ? withBit : plain;
  if (withBit !== undefined) return nr >= withBit.arch.nrBit ? withBit : undefined;
  if (plain === undefined) return undefined;
  const bit = siblingBit(plain);
  return bit !== 0 && nr >= bit && nr !== 0xffffffff ? undefined : plain;
}

export function firstMatch(decisions: readonly Decision[] | undefined, data: SeccompData): Decision | undefined {
  return decisions?.find((d) => d.conditions.every((c) => holds(c, data)));
}

/** The stub entry runc's prefix picks for this data (its own dispatch: AUDIT_ARCH, then `jset` on x32's bit). */
export function stubEntry(stub: EnosysStub, data: SeccompData): { arch: Arch; max: number } | undefined {
  const nr = data.nr >>> 0;
  const audit = data.arch >>> 0;
  const bit = AUDIT_NR_BITS.get(audit) ?? 0;
  for (const e of stub.entries) {
    if (e.arch.auditArch === audit && (bit === 0 || (e.arch.nrBit !== 0) === ((nr & bit) !== 0))) return e;
  }
  return undefined;
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
