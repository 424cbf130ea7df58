// SPDX-License-Identifier: Apache-2.0
// What `harden`, `lint --fix` and `compile --harden` share: the profile text (a file, standard
// input, or the embedded Docker default), the target from the command-line options, and the
// hardened profile compiled like any other source.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { hardenProfile, type HardenResult } from '../analysis/harden/index.js';
import { DOCKER_DEFAULT_NAME, DOCKER_DEFAULT_PROFILE } from '../profile/defaults.gen.js';
import type { Target } from '../resolve/resolve.js';
import { describeFsError, type Host } from './host.js';
import { compileProfileText, looksLikeProfile, type Source } from './source.js';
import type { ParsedTarget } from './target.js';

export interface ProfileText {
  readonly text: string;
  /** For messages. */
  readonly name: string;
  /** The file, when it is one (not standard input or the embedded default). */
  readonly file?: string;
}

/** The profile text of FILE (`-`: standard input; undefined: Docker's embedded default), or why not. */
export function readProfileText(host: Host, file: string | undefined): ProfileText | { diagnostics: Diagnostic[] } {
  if (file === undefined) return { text: DOCKER_DEFAULT_PROFILE, name: DOCKER_DEFAULT_NAME };
  const name = file === '-' ? '<stdin>' : file;
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(file);
  } catch (e) {
    return { diagnostics: [diag('readFailed', { file: name, reason: describeFsError(e) })] };
  }
  if (!looksLikeProfile(bytes)) return { diagnostics: [diag('hardenNeedsProfile', { file: name })] };
  return { text: new TextDecoder().decode(bytes), name, ...(file !== '-' ? { file } : {}) };
}

/** The resolve target of the command-line options (harden reads profiles as runc does), or why not. */
export function hardenTarget(target: ParsedTarget): Target | { diagnostics: Diagnostic[] } {
  const bad: Diagnostic[] = [];
  if (target.lens !== 'runc') bad.push(diag('usage', { reason: 'harden reads a profile as runc does (Docker, containerd, Kubernetes): --lens libseccomp does not apply' }, { kind: 'argument', name: '--lens' }));
  const host = target.host ?? target.arches?.[0];
  if (!host) bad.push(diag('usage', { reason: 'this machine\'s ABI is not one syscage knows: give --host or --arch' }, { kind: 'argument', name: '--host' }));
  if (bad.length > 0 || !host) return { diagnostics: bad };
  return {
    host,
    ...(target.caps ? { caps: target.caps } : {}),
    ...(target.kernel ? { kernel: target.kernel } : {}),
    ...(target.arches ? { arches: target.arches } : {}),
  };
}

export interface Hardened {
  readonly input: ProfileText;
  readonly result: HardenResult;
}

/** Reads and hardens FILE for the target; diagnostics when that cannot be done. */
export function hardenFile(host: Host, file: string | undefined, parsed: ParsedTarget): Hardened | { diagnostics: readonly Diagnostic[] } {
  const input = readProfileText(host, file);
  if ('diagnostics' in input) return input;
  const target = hardenTarget(parsed);
  if ('diagnostics' in target) return target;
  const result = hardenProfile(input.text, target, input.file !== undefined ? { file: input.file } : {});
  if (result.text === undefined) return { diagnostics: result.diagnostics };
  return { input, result };
}

/** FILE hardened, then compiled for the target as `compile` would; the changes are among its diagnostics (info). */
export function loadHardenedSource(host: Host, file: string | undefined, target: ParsedTarget): Source {
  const h = hardenFile(host, file, target);
  if ('diagnostics' in h) return { name: file ?? DOCKER_DEFAULT_NAME, kind: 'profile', endian: 'little', diagnostics: h.diagnostics };
  const src = compileProfileText(h.result.text!, `${h.input.name} (hardened)`, target);
  return { ...src, diagnostics: [...h.result.changes, ...h.result.diagnostics, ...src.diagnostics] };
}
