// SPDX-License-Identifier: Apache-2.0
// Lint subjects for the rule tests, written the way the doc pages write them: a profile (an object
// or JSON text, compiled for a host through a lens) or an asm listing for one ABI. Built through
// test/lint/examples.ts, so a test and a doc example mean the same thing.

import { LintContext, type LintSubject } from '../../src/analysis/lint/context.js';
import { lint } from '../../src/analysis/lint/engine.js';
import type { Finding } from '../../src/analysis/lint/types.js';
import { archByName } from '../../src/arch/index.js';
import { subjectOf } from './examples.js';

export interface ProfileOptions {
  readonly host?: string;
  readonly lens?: 'runc' | 'libseccomp';
  readonly caps?: readonly string[];
}

export function profileSubject(profile: object | string, options: ProfileOptions = {}): LintSubject {
  const text = typeof profile === 'string' ? profile : JSON.stringify(profile, null, 2);
  const opts: Record<string, string> = { host: options.host ?? 'x86_64', lens: options.lens ?? 'runc' };
  if (options.caps) opts['caps'] = options.caps.join(',');
  const s = subjectOf({ expect: 'fail', lang: 'json', options: opts, text, line: 1 }, 'test.json');
  if (typeof s === 'string') throw new Error(`the profile does not compile: ${s}`);
  return s;
}

export function filterSubject(listing: string, arch = 'x86_64'): LintSubject {
  const s = subjectOf({ expect: 'fail', lang: 'bpf', options: { arch }, text: listing, line: 1 }, 'test.bpf');
  if (typeof s === 'string') throw new Error(`the listing does not assemble: ${s}`);
  return s;
}

/** The findings of one rule. */
export function findingsOf(id: string, subject: LintSubject): readonly Finding[] {
  return lint(subject, { only: [id] }).findings;
}

/** Is every witness's verdict what the interpreter says for its call (and its pointer a real rule)? */
export function witnessesHold(subject: LintSubject, findings: readonly Finding[]): boolean {
  const ctx = new LintContext(subject);
  return findings.every((f) => {
    const w = f.witness;
    if (!w) return true;
    const arch = archByName(w.arch);
    return arch !== undefined && ctx.verdict(arch, w.nr, w.args) === w.verdict;
  });
}

/** A minimal profile: `extra` rules after an allow list that lets a process start and exit. */
export function profileWith(defaultAction: string, rules: readonly object[], extra: Record<string, unknown> = {}): object {
  return {
    defaultAction,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    ...extra,
    syscalls: [...(defaultAction === 'SCMP_ACT_ALLOW' ? [] : [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }]), ...rules],
  };
}
