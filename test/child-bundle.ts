// A test's child-process entry (a .ts file and the src/ it imports) bundled into one .mjs under
// node_modules/.cache, once per process, so a plain `node` can run it (no loader in the child).
// esbuild comes with tsx and vite (it is not a direct dependency). The rename makes the write
// atomic: concurrent test files build the same bytes.
import { mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = new Map<string, string>();

/** The bundled entry's path; `external` modules stay imports (koffi's native addon). */
export function bundleChild(entry: string, external: readonly string[] = []): string {
  const done = built.get(entry);
  if (done) return done;
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const name = basename(entry).replace(/\.ts$/, '');
  const dir = join(REPO, 'node_modules', '.cache', `syscage-${name}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.mjs`);
  const tmp = join(dir, `${name}.${process.pid}.mjs`);
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: tmp, logLevel: 'silent', external: [...external] });
  renameSync(tmp, out);
  built.set(entry, out);
  return out;
}
