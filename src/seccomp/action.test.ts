import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, formatAction, parseAction } from './action.js';

// Return value → what the kernel does (include/uapi/linux/seccomp.h, kernel/seccomp.c).
const DECODE: Array<[number, string]> = [
  [0x7fff0000, 'ALLOW'],
  [0x7fff1234, 'ALLOW'],
  [0x7ffc0000, 'LOG'],
  [0x7ff00007, 'TRACE(7)'],
  [0x7fc00000, 'USER_NOTIF'],
  [0x00050001, 'ERRNO(1)'],
  [0x0005ffff, 'ERRNO(65535)'],
  [0x00030005, 'TRAP(5)'],
  [0x00000000, 'KILL_THREAD'],
  [0x00000009, 'KILL_THREAD'],
  [0x80000000, 'KILL_PROCESS'],
  [0x80001234, 'KILL_PROCESS'],
  [0x00010000, 'KILL_PROCESS (unknown action 0x00010000)'],
  [0x7ffe0000, 'KILL_PROCESS (unknown action 0x7ffe0000)'],
];

describe('actions', () => {
  it.each(DECODE)('0x%s is %s', (value, text) => {
    expect(formatAction(value)).toBe(text);
  });
  it.each([
    ['ALLOW', 0x7fff0000],
    ['SCMP_ACT_ERRNO(38)', 0x00050026],
    ['errno(0x26)', 0x00050026],
    ['KILL', 0],
    ['SCMP_ACT_KILL_PROCESS', 0x80000000],
    ['NOTIFY', 0x7fc00000],
    ['TRAP(3)', 0x00030003],
  ])('parses %s', (text, value) => {
    expect(parseAction(text)).toBe(value);
  });
  it.each(['ALLOW(1)', 'ERRNO(65536)', 'FROB', ''])('refuses %j', (text) => {
    expect(parseAction(text)).toBeUndefined();
  });
  it('encodes data only where the kernel reads it', () => {
    expect(encodeAction('ERRNO', 0x10001)).toBe(0x00050001);
    expect(encodeAction('LOG', 5)).toBe(0x7ffc0000);
    expect(decodeAction(0x00050001)).toEqual({ kind: 'ERRNO', data: 1, known: true });
  });
});
