import type { Exchange } from '../client/exchange.js';
import { ConfigError } from './errors.js';

/** What a walk (page-by-page listing) saw, for "walk.*" selectors and walk assertions. */
export interface WalkSummary {
  ids: string[];
  /** totalResults as reported by each page, in order. */
  totals: unknown[];
  pages: number;
  /** Page size asked for (count). */
  pageSize?: number;
  /** Set when the walk stopped at maxPages before the last page (completeness is then judged on what was walked). */
  truncated?: boolean;
  /** Per page: the startIndex asked for and the one the response gave (undefined when it gave none). */
  starts?: { asked: number; answered: unknown }[];
}

/** What selectors read from: the step's response (or a page's), the walk, and the variables. */
export interface SelectionSource {
  /** The response selectors read (in a burst step: the first one). */
  exchange?: Exchange;
  /** Every exchange of a burst step, in request order ("each.<selector>"). */
  burst?: Exchange[];
  walk?: WalkSummary;
  vars: Map<string, unknown>;
}

type PathToken = { key: string } | { index: number } | { pick: { key: string; value: string } } | { all: true };

const pathCache = new Map<string, PathToken[]>();

/**
 * Parses a body path such as `.Resources[0].emails[type=work].value` or `["urn:…:User"].department` into tokens.
 * Cached: suites reuse the same selectors on every run.
 */
export function parsePath(path: string): PathToken[] {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const tokens: PathToken[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new ConfigError(`bad selector path "${path}": ${why}`);
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      if (j === i + 1) fail(`empty name at ${i}`);
      tokens.push({ key: path.slice(i + 1, j) });
      i = j;
    } else if (ch === '[') {
      const close = findClose(path, i);
      if (close < 0) fail(`unclosed [ at ${i}`);
      const inner = path.slice(i + 1, close).trim();
      tokens.push(parseBracket(inner) ?? fail(`cannot read [${inner}]`));
      i = close + 1;
    } else {
      fail(`expected "." or "[" at ${i}`);
    }
  }
  pathCache.set(path, tokens);
  return tokens;
}

/** Index of the "]" closing the bracket at `open`, skipping quoted text (URNs hold no brackets, values might). */
function findClose(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ']') return i;
  }
  return -1;
}

function unquote(text: string): string {
  const t = text.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}

function parseBracket(inner: string): PathToken | undefined {
  if (/^\d+$/.test(inner)) return { index: Number(inner) };
  if (inner === '*') return { all: true };
  if (/^["'].*["']$/.test(inner)) return { key: unquote(inner) };
  const eq = inner.indexOf('=');
  if (eq > 0) return { pick: { key: inner.slice(0, eq).trim(), value: unquote(inner.slice(eq + 1)) } };
  return undefined;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Follows parsed tokens into a JSON value; undefined when any step is missing (never reaches prototypes). */
export function followPath(value: unknown, tokens: PathToken[]): unknown {
  let current = value;
  for (const [at, token] of tokens.entries()) {
    if (current === null || typeof current !== 'object') return undefined;
    if ('all' in token) {
      // [*]: the rest of the path over every element; elements where it finds nothing are left out.
      if (!Array.isArray(current)) return undefined;
      const rest = tokens.slice(at + 1);
      return current.map((el) => followPath(el, rest)).filter((v) => v !== undefined);
    }
    if ('key' in token) {
      if (Array.isArray(current) || !hasOwn(current, token.key)) return undefined;
      current = (current as Record<string, unknown>)[token.key];
    } else if ('index' in token) {
      if (!Array.isArray(current)) return undefined;
      current = current[token.index];
    } else {
      if (!Array.isArray(current)) return undefined;
      const { key, value: wanted } = token.pick;
      current = current.find(
        (el) => el !== null && typeof el === 'object' && hasOwn(el as object, key) && String((el as Record<string, unknown>)[key]) === wanted,
      );
    }
  }
  return current;
}

/**
 * A copy of `value` with `replacement` at the path (`name.givenName`, `["urn:…:User"].department`, `emails[0]`):
 * objects on the way are copied, missing ones created; a `[key=value]` pick sets the first matching element. Used to
 * merge changes into an object read back, as Okta does before a PUT.
 */
export function setPath(value: unknown, path: string, replacement: unknown): unknown {
  const tokens = parsePath(path.startsWith('[') ? path : `.${path}`);
  const set = (current: unknown, at: number): unknown => {
    if (at === tokens.length) return replacement;
    const token = tokens[at]!;
    if ('key' in token) {
      const base = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
      return { ...base, [token.key]: set(base[token.key], at + 1) };
    }
    const list = Array.isArray(current) ? [...current] : [];
    if ('index' in token) list[token.index] = set(list[token.index], at + 1);
    else if ('pick' in token) {
      const i = list.findIndex((el) => el !== null && typeof el === 'object' && String((el as Record<string, unknown>)[token.pick.key]) === token.pick.value);
      if (i >= 0) list[i] = set(list[i], at + 1);
    } else return list.map((el) => set(el, at + 1));
    return list;
  };
  return set(value, 0);
}

/** Checks a selector's syntax (at load time) without evaluating it. */
export function checkSelector(selector: string): void {
  const inner = selector.startsWith('each.') ? selector.slice(5) : selector;
  if (inner.startsWith('body')) parsePath(inner.slice(4));
}

/** Evaluates a selector (see suite-format.ts). Unknown → undefined. */
export function select(selector: string, source: SelectionSource): unknown {
  if (selector.startsWith('each.')) {
    const inner = selector.slice(5);
    if (!source.burst) throw new ConfigError(`selector "${selector}" reads a burst, and this step is not one`);
    return source.burst.map((exchange) => select(inner, { exchange, vars: source.vars })).filter((v) => v !== undefined);
  }
  if (selector === 'status') return source.exchange?.response?.status;
  if (selector === 'timeMs') return source.exchange?.ms;
  if (selector.startsWith('header.')) {
    const headers = source.exchange?.response?.headers;
    if (!headers) return undefined;
    const wanted = selector.slice(7).toLowerCase();
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === wanted);
    return entry?.[1];
  }
  if (selector.startsWith('var.')) return source.vars.get(selector.slice(4));
  if (selector === 'walk.ids') return source.walk?.ids;
  if (selector === 'walk.pages') return source.walk?.pages;
  if (selector === 'walk.totalResults') return source.walk?.totals[0];
  if (selector === 'body' || selector.startsWith('body.') || selector.startsWith('body[')) {
    const response = source.exchange?.response;
    if (!response) return undefined;
    return followPath(response.json, parsePath(selector.slice(4)));
  }
  throw new ConfigError(`unknown selector "${selector}"`);
}
