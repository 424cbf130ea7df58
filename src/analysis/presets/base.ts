// SPDX-License-Identifier: Apache-2.0
// What the presets are made of: the embedded Docker default (../../profile/defaults.gen.ts) as a
// draft to edit, edits that move names between rules, condition builders, and the finishing step
// — harden for amd64 (its additions cover every host: ../harden/errno-rules.ts) — that makes a
// preset close the paths it promises to close. Presets are printed as pretty JSON in Docker's
// indentation (tabs), with a final newline, so the output is stable.

import { archByName } from '../../arch/index.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { DOCKER_DEFAULT_PROFILE } from '../../profile/defaults.gen.js';
import { parseProfile } from '../../profile/parse.js';
import { Draft, ruleNames, withNames, type DraftRule } from '../harden/draft.js';
import { hardenProfile, type Change } from '../harden/index.js';
import { alignedBlocks } from '../harden/low-word.js';
import { argJson } from '../harden/draft.js';
import type { JsonObject } from '../../profile/json-value.js';

export interface PresetResult {
  readonly text?: string;
  /** What harden changed on the way (informational). */
  readonly changes: readonly Change[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The host presets are hardened for; the rules harden adds are written for every host. */
const HARDEN_HOST = archByName('x86_64')!;

/** Docker's default profile as a draft. */
export function dockerDraft(): Draft {
  const parsed = parseProfile(DOCKER_DEFAULT_PROFILE);
  return Draft.of(parsed.value!, DOCKER_DEFAULT_PROFILE)!;
}

/**
 * The draft with `names` taken out of every rule (rules left without names dropped) and `rules`
 * put after the first rule that named one of them (at the end when none did).
 */
export function replaceNames(draft: Draft, names: readonly string[], rules: readonly JsonObject[]): Draft {
  const out: DraftRule[] = [];
  let at: number | undefined;
  for (const r of draft.rules) {
    const own = ruleNames(r.json);
    if (!own.some((n) => names.includes(n))) {
      out.push(r);
      continue;
    }
    const rest = own.filter((n) => !names.includes(n));
    if (rest.length > 0) out.push({ ...r, json: withNames(r.json, rest) });
    at ??= out.length;
  }
  out.splice(at ?? out.length, 0, ...rules.map((json) => ({ json })));
  return draft.with(out);
}

/**
 * Conditions that hold exactly when the low 32 bits of argument `index` lie in one of `ranges`,
 * whatever the high word (what the kernel reads of an `int`): one MASKED_EQ per aligned block.
 */
export function lowWordIn(index: number, ranges: ReadonlyArray<readonly [number, number]>): JsonObject[] {
  return ranges.flatMap(([a, b]) => alignedBlocks(a, b)).map((blk) => argJson(index, 'MASKED_EQ', BigInt(blk.mask), BigInt(blk.value)));
}

/** The preset's text: the draft, hardened for every host (when `harden`), pretty-printed. */
export function finish(draft: Draft, harden = true): PresetResult {
  let text = draft.text();
  if (!text.endsWith('\n')) text += '\n';
  if (!harden) return { text, changes: [], diagnostics: [] };
  const h = hardenProfile(text, { host: HARDEN_HOST });
  if (h.text === undefined) return { changes: [], diagnostics: h.diagnostics };
  const out = h.text.endsWith('\n') ? h.text : h.text + '\n';
  return { text: out, changes: h.changes, diagnostics: h.diagnostics.filter((d) => d.severity !== 'info') };
}
