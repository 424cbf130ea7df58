// SPDX-License-Identifier: Apache-2.0
// The only bridge between `number` (32-bit BPF words, normalized with >>> 0) and `bigint`
// (64-bit syscall arguments and the instruction pointer). Everything else converts through here.

const MASK32 = 0xffff_ffffn;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Normalizes any JS number to an unsigned 32-bit word. */
export function u32(v: number): number {
  return v >>> 0;
}

/** High 32 bits of a 64-bit value. */
export function hi32(v: bigint): number {
  return Number((v >> 32n) & MASK32);
}

/** Low 32 bits of a 64-bit value. */
export function lo32(v: bigint): number {
  return Number(v & MASK32);
}

/** Joins two 32-bit halves into a 64-bit value. */
export function join64(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Wraps any bigint to an unsigned 64-bit value (two's complement for negatives). */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** `0x`-prefixed lower-case hex of a 32-bit word, zero-padded to `width` digits. */
export function hex32(v: number, width = 0): string {
  return '0x' + (v >>> 0).toString(16).padStart(width, '0');
}

/** `0x`-prefixed lower-case hex of a 64-bit value. */
export function hex64(v: bigint): string {
  return '0x' + u64(v).toString(16);
}

/**
 * Parses an unsigned integer written as decimal, `0x` hex, `0o` octal or `0b` binary, with
 * optional `_` separators. A leading `-` is accepted and wrapped to two's complement at `bits`
 * (as a C cast would). Returns undefined for anything else or for a value that does not fit.
 */
export function parseUint(text: string, bits: 32 | 64): bigint | undefined {
  const m = /^\s*(-)?(0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)\s*$/i.exec(text);
  if (!m || m[2] === undefined) return undefined;
  const body = m[2].replace(/_/g, '');
  if (/^0[xob]$/i.test(body)) return undefined;
  let v: bigint;
  try {
    v = BigInt(body);
  } catch {
    return undefined;
  }
  const limit = 1n << BigInt(bits);
  if (m[1] !== undefined) {
    if (v > limit / 2n) return undefined;
    return BigInt.asUintN(bits, -v);
  }
  return v < limit ? v : undefined;
}
