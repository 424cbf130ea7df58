// SPDX-License-Identifier: Apache-2.0
// A range of argument values as MASKED_EQ blocks, for fix texts: [lo, hi] cut into aligned
// power-of-two blocks, each `(arg & mask) == base`. With masks inside the low 32 bits the kernel's
// own truncation of an int argument is mirrored (the upper half is never tested); with 64-bit masks
// the upper half must be 0. One block per rule: several conditions on one argument are ORed by runc
// and refused by libseccomp, so a range cannot be written as two comparisons.

/** The aligned blocks that cover [lo, hi] exactly, in order. */
export function maskedBlocks(lo: bigint, hi: bigint, bits: 32 | 64): Array<{ readonly mask: bigint; readonly base: bigint }> {
  const all = (1n << BigInt(bits)) - 1n;
  const out: Array<{ mask: bigint; base: bigint }> = [];
  let at = lo;
  while (at <= hi) {
    let size = 1n;
    while (at % (size * 2n) === 0n && at + size * 2n - 1n <= hi && size * 2n <= all) size *= 2n;
    out.push({ mask: all & ~(size - 1n), base: at });
    at += size;
  }
  return out;
}

/** `N rules, each with one MASKED_EQ on aI: aI & 0xffffffff == 0x29, aI & 0xfffffffe == 0x2a, …` */
export function blocksText(index: number, ranges: ReadonlyArray<readonly [bigint, bigint]>, bits: 32 | 64, shown = 3): string {
  const blocks = ranges.flatMap(([lo, hi]) => maskedBlocks(lo, hi, bits));
  const hex = (v: bigint) => '0x' + v.toString(16);
  const list = blocks.slice(0, shown).map((b) => `a${index} & ${hex(b.mask)} == ${hex(b.base)}`);
  const more = blocks.length > shown ? `, … (${blocks.length - shown} more)` : '';
  const cover = ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}–${hex(hi)}`)).join(', ');
  return `${blocks.length} rule${blocks.length === 1 ? '' : 's'} with one SCMP_CMP_MASKED_EQ on a${index} each (${list.join(', ')}${more}), covering ${cover}`;
}
