// SPDX-License-Identifier: Apache-2.0
// A resolved profile → a Kubernetes Localhost seccomp profile: the JSON file the kubelet passes
// to the container runtime, and the pod fields that select it. Mirrors the Kubernetes API
// (core/v1 SeccompProfile: `type: Localhost`, `localhostProfile` = a path relative to the
// kubelet's seccomp directory, `<root-dir>/seccomp/`, /var/lib/kubelet/seccomp by default;
// validation refuses an absolute path and `..`). The file holds a plain OCI LinuxSeccomp
// (./oci.ts): containerd reads it as that type and ignores Docker's archMap and includes, so
// the profile is resolved for the target here, once, for every runtime alike.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { printJsonValue } from '../profile/json-value.js';
import type { ResolvedProfile } from '../resolve/types.js';
import { ociSeccomp } from './oci.js';

export const DEFAULT_KUBELET_ROOT = '/var/lib/kubelet';

export interface LocalhostProfile {
  /** The file's content (JSON, final newline). */
  readonly file: string;
  /** `localhostProfile`, relative to the kubelet's seccomp directory. */
  readonly localhostProfile: string;
  /** Where the file must be on every node. */
  readonly nodePath: string;
  /** The `securityContext` fields of a pod or container, as YAML. */
  readonly securityContext: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** A path the kubelet accepts as localhostProfile: relative, no `..` segment, not empty. */
export function validLocalhostPath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').includes('..') && !/[\0\n]/.test(path);
}

export function localhostProfile(resolved: ResolvedProfile, options: { readonly localhostProfile: string; readonly kubeletRoot?: string }): LocalhostProfile {
  const diagnostics: Diagnostic[] = [];
  const path = options.localhostProfile;
  if (!validLocalhostPath(path)) diagnostics.push(diag('k8sBadLocalhostPath', { path }, { kind: 'argument', name: '--localhost-profile' }));
  const root = (options.kubeletRoot ?? DEFAULT_KUBELET_ROOT).replace(/\/+$/, '');
  const securityContext = [
    'securityContext:',
    '  seccompProfile:',
    '    type: Localhost',
    `    localhostProfile: ${JSON.stringify(path)}`,
    '',
  ].join('\n');
  return { file: printJsonValue(ociSeccomp(resolved)), localhostProfile: path, nodePath: `${root}/seccomp/${path}`, securityContext, diagnostics };
}
