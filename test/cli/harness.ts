// An in-memory Host for running CLI commands in tests: files from a map, output captured.
import type { Host } from '../../src/cli/host.js';
import { main } from '../../src/cli/main.js';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly files: Map<string, Uint8Array>;
}

export async function runCli(argv: string[], files: Record<string, Uint8Array | string> = {}): Promise<Run> {
  const fs = new Map<string, Uint8Array>(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  let stdout = '';
  let stderr = '';
  const host: Host = {
    readFile(path) {
      const f = fs.get(path);
      if (!f) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return f;
    },
    writeFileAtomic(path, data) {
      if (path.startsWith('/readonly/')) throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
      if (path === '-') stdout += typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
      else fs.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    },
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    machine: { arch: 'x64', littleEndian: true, kernel: '6.18.0-test' },
  };
  const code = await main(argv, host);
  return { code, stdout, stderr, files: fs };
}
