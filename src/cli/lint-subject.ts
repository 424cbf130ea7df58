// SPDX-License-Identifier: Apache-2.0
// From what the CLI loaded (a compiled profile or a filter) to the lint engine's subject: the
// program, its byte order, the ABIs it judges and the host it is judged for.

import type { Arch } from '../arch/arch.js';
import type { LintSubject } from '../analysis/lint/context.js';
import { filterAbis } from '../seccomp/summary.js';
import type { Host } from './host.js';
import type { Source } from './source.js';
import { hostArch, type ParsedTarget } from './target.js';

export function lintSubject(src: Source, target: ParsedTarget, host: Host): LintSubject | undefined {
  if (!src.program) return undefined;
  const machine = hostArch(host);
  let abis: readonly Arch[] = src.arches ?? target.arches ?? filterAbis(src.program, src.endian);
  const native = target.host ?? target.arches?.[0] ?? (abis[0] && machine && abis.some((a) => a === machine) ? machine : abis[0]) ?? machine;
  if (abis.length === 0 && native && native.endian === src.endian) abis = [native];
  return {
    kind: src.kind,
    program: src.program,
    endian: src.endian,
    abis,
    ...(native ? { host: native } : {}),
    file: src.name,
    ...(src.profile ? { profile: src.profile } : {}),
    ...(src.resolution ? { resolution: src.resolution } : {}),
  };
}
