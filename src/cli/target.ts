// SPDX-License-Identifier: Apache-2.0
// Command-line ABI selection: `--arch NAME` (any name the arch registry knows) and the host ABI
// (Node's process.arch, with the machine's byte order for ppc64/mips).

import { archByName, type Arch } from '../arch/index.js';
import { diag } from '../diagnostics/messages.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Host } from './host.js';

const NODE_ARCH: Record<string, readonly [string, string]> = {
  x64: ['x86_64', 'x86_64'],
  ia32: ['x86', 'x86'],
  arm64: ['aarch64', 'aarch64'],
  arm: ['arm', 'arm'],
  ppc64: ['ppc64le', 'ppc64'],
  s390x: ['s390x', 's390x'],
  riscv64: ['riscv64', 'riscv64'],
  loong64: ['loongarch64', 'loongarch64'],
  mips: ['mipsel', 'mips'],
  mipsel: ['mipsel', 'mipsel'],
};

export function hostArch(host: Host): Arch | undefined {
  const pair = NODE_ARCH[host.machine.arch];
  return pair ? archByName(host.machine.littleEndian ? pair[0] : pair[1]) : undefined;
}

export function parseArch(name: string, option = '--arch'): { arch?: Arch; diagnostics: Diagnostic[] } {
  const arch = archByName(name.trim());
  return arch ? { arch, diagnostics: [] } : { diagnostics: [diag('unknownArch', { name }, { kind: 'argument', name: option })] };
}
