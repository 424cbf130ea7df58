// SPDX-License-Identifier: Apache-2.0
// Every lint rule has a doc page, docs/rules/<id>.md, whose title is the id, whose header names the
// rule's code, and whose examples behave as the page says: each `lint-fail` example makes the rule
// report, each `lint-pass` example makes it report nothing (test/lint/examples.ts reads them).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/analysis/lint/engine.js';
import { RULES } from '../../src/analysis/lint/rules/index.js';
import { DOCS, docText, examples, subjectOf } from './examples.js';

describe('lint rule docs', () => {
  it('there is one page per rule and no page without a rule', () => {
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual(RULES.map((r) => r.id).sort());
  });

  describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const path = join(DOCS, `${id}.md`);
    it('has a page with its id, code and both kinds of example', () => {
      expect(existsSync(path)).toBe(true);
      const doc = docText(id);
      expect(doc.split('\n')[0]).toBe(`# ${id}`);
      expect(doc).toContain(`**Code:** ${rule.code}`);
      const ex = examples(doc);
      expect(ex.some((e) => e.expect === 'fail')).toBe(true);
      expect(ex.some((e) => e.expect === 'pass')).toBe(true);
    });
    const ex = existsSync(path) ? examples(docText(id)) : [];
    it.each(ex.map((e) => [`line ${e.line}: ${e.lang} lint-${e.expect}`, e] as const))('%s', (_label, e) => {
      const subject = subjectOf(e, `${id}.md:${e.line}`);
      if (typeof subject === 'string') throw new Error(`the example does not compile: ${subject}`);
      const findings = lint(subject, { only: [id] }).findings;
      if (e.expect === 'fail') expect(findings.length, 'the rule should report on this example').toBeGreaterThan(0);
      else expect(findings.map((f) => f.message), 'the rule should not report on this example').toEqual([]);
    });
  });
});
