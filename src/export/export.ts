// SPDX-License-Identifier: Apache-2.0
// Profile text → another runtime's form, in one call: parse (JSON or SPO YAML), resolve for the
// target through the lens, compile (so that a profile the runtime would refuse is refused here
// too, and crun/bwrap get the program), then write the format:
//   oci      the runtime-spec linux.seccomp object, resolved for the target (./oci.ts), or a
//            given config.json with its linux.seccomp set (./config.ts)
//   docker   normalized Docker JSON, unresolved (./docker.ts)
//   k8s      a Localhost profile file, the pod's securityContext and the node path (./k8s.ts)
//   spo      a Security Profiles Operator SeccompProfile (./spo.ts)
//   crun     the run.oci.seccomp_bpf_data annotation, or a config.json carrying it (./crun.ts)
//   bwrap    the raw program and the `bwrap --seccomp` invocation (./bwrap.ts)
//   systemd  SystemCallFilter= and friends (./systemd.ts)
// Platform-neutral: text in, text or bytes out; the CLI (src/cli/commands/export.ts) does files.

import type { Endian } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import { compilePolicy } from '../compile/compile.js';
import type { ProfileTarget } from '../compile/profile.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { printJsonValue } from '../profile/json-value.js';
import { parseProfile } from '../profile/parse.js';
import { profileLocation } from '../profile/position.js';
import type { Profile } from '../profile/types.js';
import { resolveProfile, type Resolution } from '../resolve/resolve.js';
import { decodeAction } from '../seccomp/action.js';
import { bwrapProgram } from './bwrap.js';
import { setInConfig } from './config.js';
import { CRUN_ANNOTATION, crunAnnotation } from './crun.js';
import { dockerProfile } from './docker.js';
import { localhostProfile } from './k8s.js';
import { ociSeccomp } from './oci.js';
import { objectNameFrom, spoProfile } from './spo.js';
import { systemdUnit } from './systemd.js';

export const EXPORT_FORMATS = ['oci', 'docker', 'k8s', 'spo', 'crun', 'bwrap', 'systemd'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(name: string): name is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(name);
}

export interface ExportOptions {
  /** Names the profile in locations. */
  readonly file?: string;
  /** The SeccompProfile to read from a YAML stream with several. */
  readonly document?: string;
  /** oci, crun: a config.json to write into (its text, and its name for diagnostics). */
  readonly config?: { readonly text: string; readonly file: string };
  /** spo: metadata.name (default: from `file`); k8s: the file name in the default localhostProfile. */
  readonly name?: string;
  /** spo: metadata.namespace. */
  readonly namespace?: string;
  /** k8s: localhostProfile (default `profiles/<name>.json`). */
  readonly localhostProfile?: string;
  /** k8s: the kubelet's root directory (default /var/lib/kubelet). */
  readonly kubeletRoot?: string;
  /** bwrap: where the program is written, for the invocation. */
  readonly output?: string;
}

export interface Exported {
  /** The exported document (absent on error). */
  readonly output?: string | Uint8Array;
  /** What goes beside it for a person (k8s: the snippet and node path; bwrap: the invocation). */
  readonly notes?: string;
  readonly program?: Program;
  readonly endian: Endian;
  readonly profile?: Profile;
  readonly resolution?: Resolution;
  /** Parse, resolve, compile and export diagnostics, in that order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** What a raw load (no seccomp(2) flags, no listener) loses. */
function rawWarnings(resolution: Resolution, via: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const notify = (resolution.resolved?.rules ?? []).filter((r) => decodeAction(r.action).kind === 'USER_NOTIF').flatMap((r) => r.names);
  if (notify.length > 0) out.push(diag('rawNotify', { names: notify.slice(0, 6).join(', ') + (notify.length > 6 ? ', …' : ''), via }));
  const flags = (resolution.resolved?.flags ?? []).filter((f) => f !== 'SECCOMP_FILTER_FLAG_TSYNC');
  if (flags.length > 0) out.push(diag('rawFlags', { flags: flags.join(', '), via }));
  return out;
}

/** Exports profile `text` (JSON or SPO YAML) as `format` for `target`. */
export function exportProfile(text: string, format: ExportFormat, target: ProfileTarget, options: ExportOptions = {}): Exported {
  const parsed = parseProfile(text, options.file, options.document !== undefined ? { document: options.document } : {});
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const endian = target.host.endian;
  const profile = parsed.value;
  if (!profile || hasErrors(diagnostics)) return { endian, diagnostics };
  const { lens = 'runc', ...rest } = target;
  const resolution = resolveProfile(profile, rest, lens, (pointer) => profileLocation(profile, pointer));
  diagnostics.push(...resolution.diagnostics);
  const resolved = resolution.resolved;
  if (!resolved && !hasErrors(diagnostics)) diagnostics.push(diag('exportNoFilter', {}, profileLocation(profile, profile.pointerBase)));
  if (!resolved || !resolution.policy || hasErrors(diagnostics)) return { endian, profile, resolution, diagnostics };
  const compiled = compilePolicy(resolution.policy);
  diagnostics.push(...compiled.diagnostics);
  const program = compiled.program;
  const programEndian = resolution.policy.abis[0]?.arch.endian ?? endian;
  const base = { endian: programEndian, profile, resolution, ...(program ? { program } : {}) };
  if (!program || hasErrors(diagnostics)) return { ...base, diagnostics };
  const name = options.name ?? objectNameFrom(options.file ?? 'docker-default');
  const done = (output: string | Uint8Array | undefined, more: readonly Diagnostic[], notes?: string): Exported => {
    diagnostics.push(...more);
    if (hasErrors(diagnostics) || output === undefined) return { ...base, diagnostics };
    return { ...base, output, ...(notes !== undefined ? { notes } : {}), diagnostics };
  };

  switch (format) {
    case 'oci': {
      const seccomp = ociSeccomp(resolved);
      if (!options.config) return done(printJsonValue(seccomp), []);
      const edit = setInConfig(options.config.text, options.config.file, ['linux', 'seccomp'], seccomp);
      const note = diag('exportConfigSeccomp', { file: options.config.file, what: edit.replaced ? 'replaced' : 'added' });
      return done(edit.text, [...edit.diagnostics, ...(edit.text !== undefined ? [note] : [])]);
    }
    case 'docker':
      return done(printJsonValue(dockerProfile(profile, target.host)), []);
    case 'k8s': {
      const path = options.localhostProfile ?? `profiles/${name}.json`;
      const k = localhostProfile(resolved, { localhostProfile: path, ...(options.kubeletRoot !== undefined ? { kubeletRoot: options.kubeletRoot } : {}) });
      const notes = `# Copy the profile to ${k.nodePath} on every node that may run the pod, then select it:\n${k.securityContext}`;
      return done(k.file, k.diagnostics, notes);
    }
    case 'spo': {
      const s = spoProfile(resolved, { name, ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) });
      return done(s.text, s.diagnostics);
    }
    case 'crun': {
      const value = crunAnnotation(program, programEndian);
      if (!options.config) return done(`${CRUN_ANNOTATION}=${value}\n`, []);
      const edit = setInConfig(options.config.text, options.config.file, ['annotations', CRUN_ANNOTATION], value);
      return done(edit.text, edit.diagnostics);
    }
    case 'bwrap': {
      const b = bwrapProgram(program, programEndian, options.output ?? 'profile.bpf');
      return done(b.bytes, rawWarnings(resolution, 'bwrap --seccomp'), `${b.invocation}\n`);
    }
    case 'systemd': {
      const u = systemdUnit(resolved, target.host, { enosysStub: resolution.policy.enosysStub !== undefined && lens === 'runc' });
      return done(u.text, u.diagnostics);
    }
  }
}
