// SPDX-License-Identifier: Apache-2.0
// Strict JSON text → a syntax tree with offsets (jsonc-parser), held to what Go's encoding/json
// (Docker, runc, Podman) accepts: no comments, no trailing commas, only space/tab/CR/LF as
// whitespace, no byte-order mark. Numbers stay as their source text, so 64-bit values are exact.
// Refuses, with a diagnostic and before parsing, texts too long or nested too deep to be a
// profile (jsonc-parser recurses per nesting level; a hostile file must not overflow the stack).

import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { lineColumn, lineStarts } from './position.js';

/**
 * Longest profile text read. Real profiles are under 100 kB (Docker's default is 20 kB); parsing
 * takes about half a second per MiB here, so a megabyte is plenty and still quick.
 */
export const MAX_PROFILE_LENGTH = 1024 * 1024;
/** Deepest nesting read: a config.json's linux.seccomp.syscalls[].args[] is 6 levels. */
export const MAX_DEPTH = 64;
const MAX_SYNTAX_ERRORS = 10;

export interface JsonDoc {
  readonly text: string;
  readonly root: Node;
  readonly file?: string;
  readonly lineStarts: readonly number[];
  /** 1-based [line, column] of a text offset (column in UTF-16 code units). */
  position(offset: number): [number, number];
  /** A text Location for a node (or offset), with its JSON pointer. */
  at(offsetOrNode: number | Node, pointer?: string): Location;
}

const SYNTAX: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name in double quotes is expected here (JSON allows no trailing comma)',
  ValueExpected: 'a value is expected here (JSON allows no trailing comma)',
  ColonExpected: 'a colon is expected here',
  CommaExpected: 'a comma is expected here',
  CloseBraceExpected: 'a closing brace is expected here',
  CloseBracketExpected: 'a closing bracket is expected here',
  EndOfFileExpected: 'the document should end here',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'the comment is not closed (and comments are not JSON)',
  UnexpectedEndOfString: 'the string is not closed',
  UnexpectedEndOfNumber: 'the number is not complete',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'unknown escape',
  InvalidCharacter: 'control character in a string (write it as an escape)',
};

function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return cp === 0xfeff ? `a byte-order mark (${hex})` : `the character ${hex}`;
}

/**
 * One pass over the text outside strings: the deepest nesting, and the first character that
 * jsonc-parser would skip as whitespace but Go refuses (U+FEFF, U+00A0, \v, \f, …).
 */
function prescan(text: string): { depth?: [number, number]; badSpace?: number } {
  // [depth, offset] of the first bracket past MAX_DEPTH
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip the string: a backslash escapes the next character
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return { depth: [depth, i] };
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
      c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000) {
      return { badSpace: i };
    }
  }
  return {};
}

export function readJson(text: string, file?: string): { doc?: JsonDoc; diagnostics: Diagnostic[] } {
  const where = (offset: number, pointer?: string): Location => {
    const [line, column] = position(offset);
    return { kind: 'text', ...(file !== undefined ? { file } : {}), ...(pointer !== undefined ? { pointer } : {}), line, column };
  };
  let starts: number[] | undefined;
  const position = (offset: number): [number, number] => lineColumn((starts ??= lineStarts(text)), offset);

  if (text.length > MAX_PROFILE_LENGTH) {
    return { diagnostics: [diag('profileTextTooLong', { size: text.length, limit: '1 MiB' }, { kind: 'text', ...(file !== undefined ? { file } : {}), line: 1, column: 1 })] };
  }
  const scan = prescan(text);
  if (scan.depth) return { diagnostics: [diag('jsonTooDeep', { limit: MAX_DEPTH }, where(scan.depth[1]))] };
  if (scan.badSpace !== undefined) {
    return { diagnostics: [diag('jsonWhitespace', { char: describeChar(text[scan.badSpace]!) }, where(scan.badSpace))] };
  }

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    // jsonc-parser may report one mistake twice at the same offset: keep the first.
    const first = errors.filter((e, i) => i === 0 || e.offset !== errors[i - 1]!.offset);
    const diagnostics = first.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
      const name = printParseErrorCode(e.error);
      return diag('jsonSyntax', { reason: SYNTAX[name] ?? name }, where(e.offset));
    });
    if (diagnostics.length === 0) diagnostics.push(diag('jsonSyntax', { reason: 'the document is empty' }, where(0)));
    return { diagnostics };
  }
  const doc: JsonDoc = {
    text,
    root,
    lineStarts: (starts ??= lineStarts(text)),
    ...(file !== undefined ? { file } : {}),
    position,
    at: (n, pointer) => where(typeof n === 'number' ? n : n.offset, pointer),
  };
  return { doc, diagnostics: [] };
}
