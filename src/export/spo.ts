// SPDX-License-Identifier: Apache-2.0
// A resolved profile → a Security Profiles Operator SeccompProfile (YAML). Mirrors the CRD of
// kubernetes-sigs/security-profiles-operator, api/seccompprofile/v1beta1 seccompprofile_types.go:
// apiVersion security-profiles-operator.x-k8s.io/v1beta1, kind SeccompProfile, metadata.name
// (and namespace), spec {defaultAction, architectures, listenerPath, listenerMetadata,
// syscalls[{names, action, errnoRet, args[{index, value, valueTwo, op}]}], flags}. The operator
// writes the spec out as the Localhost JSON file (./k8s.ts), so the spec is the resolved OCI
// object (./oci.ts) less what the CRD cannot hold — and what it cannot hold is an error, never a
// silent change: there is no defaultErrnoRet (the default ERRNO is EPERM), errnoRet 0 is dropped
// by `omitempty` (EPERM again), and architectures are an enum the API server enforces.
// ../profile/spo.ts reads these documents back.

import { Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { decodeAction } from '../seccomp/action.js';
import type { ResolvedProfile } from '../resolve/types.js';
import { profileAction, scmpOp } from './oci.js';

export const SPO_API_VERSION = 'security-profiles-operator.x-k8s.io/v1beta1';

/** The CRD's `Arch` enum (kubebuilder:validation:Enum). */
const SPO_ARCHES: ReadonlySet<string> = new Set([
  'SCMP_ARCH_NATIVE', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
]);

/** RFC 1123 subdomain, the rule for metadata.name. */
export function validObjectName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** A name made from a file name: lowercased, other characters as `-`, trimmed to the rules. */
export function objectNameFrom(text: string): string {
  const base = text.replace(/^.*\//, '').replace(/\.(json|ya?ml|bpf)$/i, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 253);
  return validObjectName(base) ? base : 'seccomp-profile';
}

export interface SpoExport {
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
}

export function spoProfile(resolved: ResolvedProfile, options: { readonly name: string; readonly namespace?: string }): SpoExport {
  const diagnostics: Diagnostic[] = [];
  const arg = (name: string) => ({ kind: 'argument', name }) as const;
  if (!validObjectName(options.name)) diagnostics.push(diag('k8sBadName', { name: options.name }, arg('--name')));
  if (options.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.namespace)) diagnostics.push(diag('k8sBadName', { name: options.namespace }, arg('--namespace')));
  const def = decodeAction(resolved.defaultAction);
  if (def.kind === 'ERRNO' && def.data !== 1) diagnostics.push(diag('spoNoDefaultErrno', { n: def.data }));
  for (const a of resolved.arches) if (!SPO_ARCHES.has(a.scmpName)) diagnostics.push(diag('spoArchNotAllowed', { arch: a.scmpName }));
  const zero = resolved.rules.filter((r) => {
    const k = decodeAction(r.action);
    return (k.kind === 'ERRNO' || k.kind === 'TRACE') && k.data === 0;
  });
  if (zero.length > 0) diagnostics.push(diag('spoNoErrnoZero', { names: zero.flatMap((r) => r.names).join(', ') }));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const spec: Record<string, unknown> = { defaultAction: profileAction(resolved.defaultAction).action };
  spec['architectures'] = resolved.arches.map((a) => a.scmpName);
  if (resolved.listenerPath !== undefined) spec['listenerPath'] = resolved.listenerPath;
  if (resolved.listenerMetadata !== undefined) spec['listenerMetadata'] = resolved.listenerMetadata;
  spec['syscalls'] = resolved.rules.filter((r) => r.names.length > 0).map((r) => {
    const { action, errnoRet } = profileAction(r.action);
    const rule: Record<string, unknown> = { action, names: [...r.names] };
    if (errnoRet !== undefined) rule['errnoRet'] = errnoRet;
    if (r.conditions.length > 0) rule['args'] = r.conditions.map((c) => ({ index: c.index, value: c.value, valueTwo: c.valueTwo, op: scmpOp(c.op) }));
    return rule;
  });
  if (resolved.flags !== undefined && resolved.flags.length > 0) spec['flags'] = [...resolved.flags];
  const metadata: Record<string, string> = { name: options.name };
  if (options.namespace !== undefined) metadata['namespace'] = options.namespace;
  const doc = new Document({ apiVersion: SPO_API_VERSION, kind: 'SeccompProfile', metadata, spec }, { version: '1.1' });
  return { text: doc.toString({ lineWidth: 0 }), diagnostics };
}
