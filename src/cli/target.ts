// SPDX-License-Identifier: Apache-2.0
// Command-line ABI selection: `--arch NAME` (any name the arch registry knows) and the host ABI
// (Node's process.arch, with the machine's byte order for ppc64/mips).

import { archByName } from '../arch/index.js';
import { diag } from '../diagnostics/messages.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Host } from './host.js';
import type { Arch } from '../arch/arch.js';

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

/** `--arch x86_64,x86,…`: the ABIs in order, without repeats, all of one byte order. */
export function parseArchList(text: string): { arches: Arch[]; diagnostics: Diagnostic[] } {
  const arches: Arch[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const r = parseArch(name);
    diagnostics.push(...r.diagnostics);
    if (r.arch && !arches.includes(r.arch)) arches.push(r.arch);
  }
  const other = arches.find((a) => a.endian !== arches[0]?.endian);
  if (other) diagnostics.push(diag('mixedEndian', { a: arches[0]!.name, b: other.name }, { kind: 'argument', name: '--arch' }));
  return { arches, diagnostics };
}

/** The options every command that reads a profile takes. */
export interface TargetOptions {
  readonly host?: string;
  readonly arch?: string;
  readonly caps?: string;
  readonly kernel?: string;
  readonly lens?: string;
}

export function addTargetOptions(cmd: import('commander').Command, archList = true): import('commander').Command {
  cmd.option('--host <arch>', 'host ABI a profile is resolved for (archMap; default: this machine)');
  if (archList) cmd.option('--arch <list>', 'exact ABI list, native first (default: host + the profile\'s)');
  return cmd
    .option('--caps <list>', 'capabilities for includes/excludes (default: Docker\'s default set; `all` for every one)')
    .option('--kernel <x.y>', 'kernel version for minKernel (default: this machine\'s)')
    .option('--lens <lens>', 'whose reading of the profile: runc (Docker, containerd, Kubernetes) or libseccomp (the raw API)', 'runc');
}

export interface ParsedTarget {
  readonly host?: Arch;
  readonly arches?: readonly Arch[];
  readonly caps?: readonly string[];
  readonly kernel?: readonly [number, number];
  readonly lens: 'runc' | 'libseccomp';
  readonly diagnostics: readonly Diagnostic[];
}

export function parseTarget(opts: TargetOptions, host: Host): ParsedTarget {
  const diagnostics: Diagnostic[] = [];
  let hostArchValue = hostArch(host);
  if (opts.host !== undefined) {
    const r = parseArch(opts.host, '--host');
    diagnostics.push(...r.diagnostics);
    hostArchValue = r.arch;
  }
  let arches: Arch[] | undefined;
  if (opts.arch !== undefined) {
    const list = parseArchList(opts.arch);
    diagnostics.push(...list.diagnostics);
    arches = list.arches;
  }
  const kernelText = opts.kernel ?? host.machine.kernel;
  const km = /^(\d+)\.(\d+)/.exec(kernelText);
  if (!km) diagnostics.push(diag('usage', { reason: `--kernel must look like 6.8, not \`${kernelText}\`` }, { kind: 'argument', name: '--kernel' }));
  const lens = opts.lens ?? 'runc';
  if (lens !== 'runc' && lens !== 'libseccomp') diagnostics.push(diag('usage', { reason: `--lens must be runc or libseccomp, not \`${lens}\`` }, { kind: 'argument', name: '--lens' }));
  const caps = opts.caps === undefined ? undefined : opts.caps.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean).map((c) => (c === 'ALL' || c.startsWith('CAP_') ? c : `CAP_${c}`));
  return {
    ...(hostArchValue ? { host: hostArchValue } : {}),
    ...(arches ? { arches } : {}),
    ...(caps ? { caps } : {}),
    ...(km ? { kernel: [Number(km[1]), Number(km[2])] as const } : {}),
    lens: lens === 'libseccomp' ? 'libseccomp' : 'runc',
    diagnostics,
  };
}
