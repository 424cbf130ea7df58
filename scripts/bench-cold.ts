// SPDX-License-Identifier: Apache-2.0
// For `npm run bench`: the first compile in a fresh process (no JIT warm-up), in ms, of the
// embedded Docker default or of the profile file given as argv[2]. Prints one number.
import { readFileSync } from 'node:fs';
import { archByName } from '../src/arch/index.js';
import { compileProfileText } from '../src/cli/source.js';
import { DOCKER_DEFAULT_PROFILE } from '../src/profile/defaults.gen.js';

const file = process.argv[2];
const text = file ? readFileSync(file, 'utf8') : DOCKER_DEFAULT_PROFILE;
const target = { host: archByName('x86_64')!, kernel: [6, 18] as const, lens: 'runc' as const, diagnostics: [] };
const t = process.hrtime.bigint();
const r = compileProfileText(text, file ?? 'docker default', target);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
if (!r.program) throw new Error('bench-cold: the profile did not compile');
console.log(ms.toFixed(2));
