// SPDX-License-Identifier: Apache-2.0
// What `check`, `disasm` and `simulate` read: a filter (raw or base64 sock_filter bytes), or a
// profile (JSON: Docker/moby, Podman, OCI config.json or LinuxSeccomp; or a Security Profiles
// Operator SeccompProfile in YAML, FILE#NAME picking one of several), which is resolved for the
// target through the lens and compiled. Without a file, Docker's embedded default profile.

import type { Arch } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { compilePolicy, type CompileStats } from '../compile/compile.js';
import type { Policy } from '../policy/policy.js';
import { DOCKER_DEFAULT_NAME, DOCKER_DEFAULT_PROFILE } from '../profile/defaults.gen.js';
import { profileLocation } from '../profile/position.js';
import { parseProfile } from '../profile/parse.js';
import type { Profile } from '../profile/types.js';
import { resolveProfile, type Resolution } from '../resolve/resolve.js';
import { readFilter } from './filter-input.js';
import { liveSource } from './commands/dump.js';
import { describeFsError, type Host } from './host.js';
import type { ParsedTarget } from './target.js';

export interface Source {
  readonly name: string;
  readonly kind: 'filter' | 'profile';
  readonly program?: Program;
  readonly endian: 'little' | 'big';
  /** The ABIs of a compiled profile, in arch-check order. */
  readonly arches?: readonly Arch[];
  readonly policy?: Policy;
  /** The parsed profile (profiles only). */
  readonly profile?: Profile;
  readonly resolution?: Resolution;
  readonly stats?: CompileStats;
  readonly diagnostics: readonly Diagnostic[];
}

/** Does this look like a profile (JSON text, or SPO YAML) rather than filter bytes? */
export function looksLikeProfile(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || looksLikeYaml(bytes); // `{`
  }
  return false;
}

/** Text (no NUL or other control bytes in its first 4 KiB) with a YAML `kind:` or `apiVersion:` key. */
function looksLikeYaml(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  if (head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f)) return false;
  return /^(kind|apiVersion)\s*:/m.test(new TextDecoder().decode(head));
}

/**
 * Reads a profile argument: FILE, or FILE#NAME for one SeccompProfile of a YAML stream (taken
 * only when FILE#NAME itself is not a file). Throws what host.readFile throws.
 */
export function readProfileArgument(host: Host, file: string): { bytes: Uint8Array; document?: string } {
  try {
    return { bytes: host.readFile(file) };
  } catch (e) {
    const hash = file.lastIndexOf('#');
    if (hash <= 0 || hash === file.length - 1) throw e;
    try {
      return { bytes: host.readFile(file.slice(0, hash)), document: file.slice(hash + 1) };
    } catch {
      throw e;
    }
  }
}

export function compileProfileText(text: string, name: string, target: ParsedTarget, file?: string, document?: string): Source {
  const parsed = parseProfile(text, file, document !== undefined ? { document } : {});
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (!parsed.value || hasErrors(diagnostics)) return { name, kind: 'profile', endian: 'little', diagnostics };
  if (!target.host && !target.arches) {
    diagnostics.push(diag('usage', { reason: 'this machine\'s ABI is not one syscage knows: give --host or --arch' }, { kind: 'argument', name: '--host' }));
    return { name, kind: 'profile', endian: 'little', diagnostics };
  }
  const profile = parsed.value;
  const where = (pointer: string) => profileLocation(profile, pointer);
  const resolution = resolveProfile(parsed.value, {
    host: target.host ?? target.arches![0]!,
    ...(target.caps ? { caps: target.caps } : {}),
    ...(target.kernel ? { kernel: target.kernel } : {}),
    ...(target.arches ? { arches: target.arches } : {}),
  }, target.lens, where);
  diagnostics.push(...resolution.diagnostics);
  const policy = resolution.policy;
  if (!policy || hasErrors(diagnostics)) return { name, kind: 'profile', endian: 'little', profile, resolution, diagnostics };
  const compiled = compilePolicy(policy);
  diagnostics.push(...compiled.diagnostics);
  const endian = policy.abis[0]?.arch.endian ?? 'little';
  return {
    name, kind: 'profile', endian, arches: policy.abis.map((a) => a.arch), policy, profile, resolution, stats: compiled.stats, diagnostics,
    ...(compiled.program ? { program: compiled.program } : {}),
  };
}

/** Reads FILE (or the embedded default when undefined) as a filter or a profile, or `pid:N` as a live process's filters. */
export function loadSource(host: Host, file: string | undefined, target: ParsedTarget, filterArch?: Arch): Source {
  if (file === undefined) return compileProfileText(DOCKER_DEFAULT_PROFILE, DOCKER_DEFAULT_NAME, target);
  // pid:N: the filters a running process carries (PTRACE_SECCOMP_GET_FILTER), combined as the kernel runs them
  if (file.startsWith('pid:')) return liveSource(host, file)!;
  const name = file === '-' ? '<stdin>' : file;
  let bytes: Uint8Array;
  let document: string | undefined;
  try {
    ({ bytes, document } = readProfileArgument(host, file));
  } catch (e) {
    return { name, kind: 'filter', endian: 'little', diagnostics: [diag('readFailed', { file: name, reason: describeFsError(e) })] };
  }
  if (looksLikeProfile(bytes) || document !== undefined) {
    return compileProfileText(new TextDecoder().decode(bytes), name, target, document !== undefined ? file.slice(0, file.length - document.length - 1) : name, document);
  }
  const f = readFilter({ ...host, readFile: () => bytes }, file, filterArch);
  return { name, kind: 'filter', endian: f.endian, diagnostics: f.diagnostics, ...(f.program ? { program: f.program } : {}) };
}
