// The vendored data files equal the shared originals (where the shared folder is present).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';

const here = (p: string) => new URL(`../${p}`, import.meta.url);
const PAIRS: Array<[string, string]> = [
  ['data/libseccomp-syscalls.csv', '../shared/data/libseccomp-syscalls.csv'],
  ['data/syscall-signatures.json', '../shared/data/syscall-signatures.json'],
  ['data/syscall-signatures-i386.json', '../shared/data/syscall-signatures-i386.json'],
  ['data/moby-default.json', '../shared/data/profiles/moby/default.json'],
];
const shared = existsSync(here('../shared/data'));
if (!shared) console.log('data copies: ../shared/data is not present here; only the copies are checked to exist');

describe('vendored data', () => {
  it.each(PAIRS)('%s equals %s', (ours, theirs) => {
    expect(existsSync(here(ours))).toBe(true);
    if (shared) expect(readFileSync(here(ours)).equals(readFileSync(here(theirs)))).toBe(true);
  });
});
