// SPDX-License-Identifier: Apache-2.0
// Lint findings as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), the
// format GitHub code scanning uploads: one run, the rules as reportingDescriptors (with their
// doc page as helpUri), one result per finding with its physical location (file, line, column)
// when the subject is a profile, and the witness in the result's property bag.

import type { LintRule, Finding } from './types.js';
import type { Severity } from '../../diagnostics/diagnostic.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const DOCS = 'https://github.com/syscage/syscage/blob/main/docs/rules/';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifInput {
  readonly version: string;
  readonly rules: readonly LintRule[];
  readonly findings: readonly Finding[];
  /** The artifact linted, as a URI reference relative to the repository root (e.g. `seccomp.json`). */
  readonly artifact?: string;
}

export function toSarif(input: SarifInput): object {
  const index = new Map(input.rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'syscage',
            version: input.version,
            informationUri: 'https://github.com/syscage/syscage',
            rules: input.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              helpUri: `${DOCS}${r.id}.md`,
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { code: r.code },
            })),
          },
        },
        ...(input.artifact !== undefined ? { artifacts: [{ location: { uri: input.artifact } }] } : {}),
        results: input.findings.map((f) => {
          const loc = f.location;
          const region = loc?.kind === 'text' ? { startLine: Math.max(1, loc.line), startColumn: Math.max(1, loc.column) } : undefined;
          const physical = input.artifact !== undefined ? { artifactLocation: { uri: input.artifact, index: 0 }, ...(region ? { region } : {}) } : undefined;
          const logical = loc?.kind === 'text' && loc.pointer !== undefined ? [{ fullyQualifiedName: loc.pointer || '/', kind: 'element' }] : loc?.kind === 'pc' ? [{ fullyQualifiedName: `instruction ${loc.pc}`, kind: 'element' }] : undefined;
          return {
            ruleId: f.rule,
            ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule)! } : {}),
            level: LEVEL[f.severity],
            message: { text: f.witness ? `${f.message}. Witness: ${f.witness.text}` : f.message },
            ...(physical || logical ? { locations: [{ ...(physical ? { physicalLocation: physical } : {}), ...(logical ? { logicalLocations: logical } : {}) }] } : {}),
            ...(f.fix !== undefined ? { properties: { fix: f.fix, code: f.code, ...(f.witness ? { witness: witnessJson(f) } : {}) } } : { properties: { code: f.code, ...(f.witness ? { witness: witnessJson(f) } : {}) } }),
          };
        }),
      },
    ],
  };
}

function witnessJson(f: Finding): object {
  const w = f.witness!;
  return { ...w, args: w.args.map((a) => '0x' + a.toString(16)) };
}
