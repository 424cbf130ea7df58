// SPDX-License-Identifier: Apache-2.0
// Generator: data/syscall-signatures.json (copied from ../shared/data/) (LP64 prototypes from Linux 7.2.13
// include/linux/syscalls.h and arch SYSCALL_DEFINEs) and syscall-signatures-i386.json (what a
// 32-bit x86 task sees on a 64-bit kernel, compat entry points) → src/kernel/signatures.gen.ts
// and src/kernel/signatures-i386.gen.ts: syscall name → [arg name, C type, kind][].
// renderSignatures is pure so test/gen.test.ts can prove that regeneration changes nothing.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, provenance, writeGenerated } from './gen-syscalls.js';

export const SIGNATURES_JSON = 'data/syscall-signatures.json';
export const SIGNATURES_I386_JSON = 'data/syscall-signatures-i386.json';
const KINDS = ['int32', 'long64', 'pointer'] as const;
const KIND_CONST = { int32: 'I', long64: 'L', pointer: 'P' } as const;

type Kind = (typeof KINDS)[number];

function isKind(v: unknown): v is Kind {
  return typeof v === 'string' && (KINDS as readonly string[]).includes(v);
}

/** A single-quoted TS string literal; the data never needs escapes, so refuse what would. */
function quote(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s) || /['\\]/.test(s)) throw new Error(`signatures: unexpected characters in ${JSON.stringify(s)}`);
  return `'${s}'`;
}

function key(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || name === '__proto__') throw new Error(`signatures: bad syscall name ${name}`);
  return name;
}

function parse(text: string, file: string): [string, [string, string, Kind][]][] {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: not an object`);
  const out: [string, [string, string, Kind][]][] = [];
  for (const [name, args] of Object.entries(data)) {
    if (!Array.isArray(args) || args.length > 6) throw new Error(`${file}: ${name}: want at most 6 arguments`);
    out.push([
      key(name),
      args.map((a: unknown, i): [string, string, Kind] => {
        const { name: n, type, kind } = (a ?? {}) as Record<string, unknown>;
        if (typeof n !== 'string' || typeof type !== 'string' || !isKind(kind)) {
          throw new Error(`${file}: ${name} argument ${i}: want {name, type, kind}`);
        }
        return [n, type, kind];
      }),
    ]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function renderOne(text: string, file: string, description: string): string {
  const entries = parse(text, file);
  const used = new Set(entries.flatMap(([, args]) => args.map(([, , k]) => k)));
  const consts = KINDS.filter((k) => used.has(k)).map((k) => `${KIND_CONST[k]} = '${k}'`);
  return [
    provenance('scripts/gen-signatures.ts', [{ path: file, text }]),
    ...description.split('\n').map((l) => `// ${l}`),
    `// ${entries.length} syscalls, sorted by name. Each argument: [name, C type, kind].`,
    '',
    "import type { ArgKind } from './signatures.js';",
    '',
    `const ${consts.join(', ')};`,
    '',
    'export const signatures: Readonly<Record<string, readonly (readonly [string, string, ArgKind])[]>> = {',
    ...entries.map(
      ([name, args]) =>
        `  ${name}: [${args.map(([n, t, k]) => `[${quote(n)}, ${quote(t)}, ${KIND_CONST[k]}]`).join(', ')}],`,
    ),
    '};',
    '',
  ].join('\n');
}

/** Renders both generated files: repo-relative path → content. Pure. */
export function renderSignatures(mainJson: string, i386Json: string): Map<string, string> {
  return new Map([
    [
      'src/kernel/signatures.gen.ts',
      renderOne(
        mainJson,
        SIGNATURES_JSON,
        'Linux 7.2.13 prototypes as an LP64 kernel reads them (union of 12 ABIs\' tables; x86_64 `#ifdef`\n' +
          'variants). kind: int32 = the kernel reads at most 32 bits, long64 = a full register, pointer.',
      ),
    ],
    [
      'src/kernel/signatures-i386.gen.ts',
      renderOne(
        i386Json,
        SIGNATURES_I386_JSON,
        'Linux 7.2.13 i386 (x86) syscalls as a 32-bit task on a 64-bit kernel sees them (compat entry\n' +
          'points; 64-bit values split into _lo/_hi u32 arguments). ILP32 sizes: no long64.',
      ),
    ],
  ]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = renderSignatures(
    readFileSync(resolve(REPO_ROOT, SIGNATURES_JSON), 'utf8'),
    readFileSync(resolve(REPO_ROOT, SIGNATURES_I386_JSON), 'utf8'),
  );
  writeGenerated(files);
  console.log(`gen-signatures: wrote ${[...files.keys()].join(', ')}`);
}
