// A listing (as `syscage disasm` prints it, returns by action name) assembled and validated, for
// tests that write hand-made filters; any diagnostic fails the test that wrote the listing.
import { expect } from 'vitest';
import { assemble } from '../../src/bpf/assemble.js';
import type { Program } from '../../src/bpf/instruction.js';
import { validate } from '../../src/bpf/validate.js';
import { parseAction } from '../../src/seccomp/action.js';

export function program(text: string): Program {
  const a = assemble(text, { parseReturn: parseAction });
  expect(a.diagnostics).toEqual([]);
  const v = validate(a.value!);
  expect(v.diagnostics).toEqual([]);
  return v.value!;
}
