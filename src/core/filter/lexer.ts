/**
 * Character scanner for SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2). One pass, no regular
 * expressions, no backtracking: every character is looked at a bounded number of times, so hostile input
 * (long unterminated strings, deep nesting) costs linear time.
 *
 * Tokens are deliberately coarse: punctuation, JSON strings, and "words" (every other run of characters).
 * Whether a word is an attribute path, an operator, a keyword or a literal depends on where it stands,
 * which only the parser knows.
 */
import { ScimError, type ScimType } from '../scim-error.js';

export type TokenKind = '(' | ')' | '[' | ']' | 'string' | 'word';

export interface Token {
  kind: TokenKind;
  /** The raw source text of the token (for a string: including its quotes, still escaped). */
  text: string;
  /** 0-based offset of the token's first character in the input. */
  start: number;
}

/** Describes a position for error messages: 1-based, as people count characters. */
export const at = (offset: number): string => `at character ${offset + 1}`;

/** Quotes a piece of the input for an error message, shortened so a hostile input cannot bloat the response. */
export function quote(text: string): string {
  const max = 40;
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isPunct = (c: number): boolean => c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d; // ( ) [ ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function tokenize(input: string, errorType: ScimType): Token[] {
  const fail = (detail: string): never => {
    throw new ScimError(400, detail, errorType);
  };
  const tokens: Token[] = [];
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (isPunct(c)) {
      tokens.push({ kind: input[i] as TokenKind, text: input[i]!, start: i });
      i++;
    } else if (c === QUOTE) {
      const start = i;
      i++;
      while (i < n && input.charCodeAt(i) !== QUOTE) i += input.charCodeAt(i) === BACKSLASH ? 2 : 1;
      if (i >= n) fail(`unterminated string starting ${at(start)}`);
      i++;
      tokens.push({ kind: 'string', text: input.slice(start, i), start });
    } else if (c < 0x20 || c === 0x7f) {
      fail(`unexpected control character (code ${c}) ${at(i)}`);
    } else {
      const start = i;
      while (i < n) {
        const d = input.charCodeAt(i);
        if (isSpace(d) || isPunct(d) || d === QUOTE || d < 0x20 || d === 0x7f) break;
        i++;
      }
      tokens.push({ kind: 'word', text: input.slice(start, i), start });
    }
  }
  return tokens;
}
