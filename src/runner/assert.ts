import { validateScim } from '../core/json-schemas/index.js';
import { isProjected } from './infer-kind.js';
import type { AssertionFailure } from './results.js';
import { select, type SelectionSource } from './select.js';
import type { Assertion, ValueAssertion } from './suite-format.js';

/** An assertion failure before it is tied to an exchange index and a default source. */
export type Failure = Omit<AssertionFailure, 'exchange'>;

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bArr = b as unknown[];
    return a.length === bArr.length && a.every((v, i) => deepEqual(v, bArr[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(bo).length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual((a as Record<string, unknown>)[k], bo[k]));
}

/** True when `actual` has every field of `wanted` (recursively); non-objects compare deep-equal. */
export function hasFields(actual: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object' || Array.isArray(wanted)) return deepEqual(actual, wanted);
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(wanted).every(([k, v]) => Object.prototype.hasOwnProperty.call(actual, k) && hasFields((actual as Record<string, unknown>)[k], v));
}

function containsValue(actual: unknown, wanted: unknown): boolean {
  if (typeof actual === 'string') return typeof wanted === 'string' && actual.includes(wanted);
  // An object "contains" the fields it has (e.g. a generated body's returnable part in a GET response).
  if (actual !== null && typeof actual === 'object' && !Array.isArray(actual)) return hasFields(actual, wanted);
  if (!Array.isArray(actual)) return false;
  return actual.some((el) => hasFields(el, wanted));
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function typeOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, wanted: string): boolean {
  const actual = typeOf(v);
  return actual === wanted || (wanted === 'number' && actual === 'integer');
}

const regexCache = new Map<string, RegExp>();
/** Compiles (and caches) a `matches` pattern; throws SyntaxError for an invalid one (caught at load time). */
export function compilePattern(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

const lengthOf = (v: unknown): number | undefined => (typeof v === 'string' || Array.isArray(v) ? v.length : undefined);

const EXCERPT_CHARS = 120;

/** "length 250: [{"id":"a"},…]": the length, and a short excerpt of the value (JSON, cut at 120 characters). */
function describeLength(value: unknown): string {
  const length = lengthOf(value);
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value) ?? String(value);
  const excerpt = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return length === undefined ? `not a list or string: ${excerpt}` : `length ${length}: ${excerpt}`;
}

/** Evaluates each predicate of a value assertion; returns one failure per predicate that does not hold. */
export function evaluateValue(a: ValueAssertion, source: SelectionSource): Failure[] {
  const actual = select(a.that, source);
  const failures: Failure[] = [];
  const fail = (assertion: string, expected?: unknown): void => {
    failures.push({ assertion: `${a.that} ${assertion}`, expected, actual: actual === undefined ? '(missing)' : actual });
  };
  if ('equals' in a && !deepEqual(actual, a.equals)) fail(`equals ${JSON.stringify(a.equals)}`, a.equals);
  if (a.equalsIgnoreCase !== undefined && !(typeof actual === 'string' && actual.toLowerCase() === a.equalsIgnoreCase.toLowerCase())) {
    fail(`equals ${JSON.stringify(a.equalsIgnoreCase)} ignoring case`, a.equalsIgnoreCase);
  }
  if ('notEquals' in a && deepEqual(actual, a.notEquals)) fail(`does not equal ${JSON.stringify(a.notEquals)}`, `anything but ${JSON.stringify(a.notEquals)}`);
  if (a.exists === true && actual === undefined) fail('exists', 'present');
  if (a.exists === false && actual !== undefined) fail('is absent', '(absent)');
  if (a.notEmpty === true && isEmpty(actual)) fail('is not empty', 'a non-empty value');
  if (a.notEmpty === false && !isEmpty(actual)) fail('is empty', 'an empty value');
  if (a.type !== undefined && !hasType(actual, a.type)) {
    failures.push({ assertion: `${a.that} is of type ${a.type}`, expected: a.type, actual: typeOf(actual) });
  }
  if ('contains' in a && !containsValue(actual, a.contains)) fail(`contains ${JSON.stringify(a.contains)}`, a.contains);
  if ('notContains' in a && containsValue(actual, a.notContains)) fail(`does not contain ${JSON.stringify(a.notContains)}`, `no ${JSON.stringify(a.notContains)}`);
  if ('containsAll' in a) {
    const wanted = Array.isArray(a.containsAll) ? a.containsAll : [a.containsAll];
    const missing = wanted.filter((w) => !containsValue(actual, w));
    if (missing.length) {
      failures.push({ assertion: `${a.that} contains all ${wanted.length} expected values`, expected: wanted, actual: `${missing.length} missing: ${JSON.stringify(missing.slice(0, 10))}${missing.length > 10 ? ' …' : ''}` });
    }
  }
  if (a.matches !== undefined && !(typeof actual === 'string' && compilePattern(a.matches).test(actual))) fail(`matches /${a.matches}/`, `/${a.matches}/`);
  // A length failure shows the length and the start of the value, not a whole (perhaps huge) list.
  const failLength = (assertion: string, expected: unknown): void => {
    failures.push({ assertion: `${a.that} ${assertion}`, expected, actual: describeLength(actual) });
  };
  if (a.length !== undefined && lengthOf(actual) !== a.length) failLength(`has length ${a.length}`, a.length);
  if (a.lengthAtLeast !== undefined && !((lengthOf(actual) ?? -1) >= a.lengthAtLeast)) failLength(`has length >= ${a.lengthAtLeast}`, `>= ${a.lengthAtLeast}`);
  if (a.lessThan !== undefined && !(typeof actual === 'number' && actual < a.lessThan)) fail(`is less than ${a.lessThan}`, `< ${a.lessThan}`);
  return failures;
}

/** A response described for "actual": the status, or the transport error. */
function statusOrError(source: SelectionSource): unknown {
  const ex = source.exchange;
  if (!ex) return '(no request made)';
  if (ex.response) return ex.response.status;
  return `no response: ${ex.error?.message ?? 'unknown error'}`;
}

/** Evaluates a per-response assertion (status, schema, maxMs, value) against one response. */
export function evaluateResponseAssertion(a: Assertion, source: SelectionSource): Failure[] {
  if ('status' in a) {
    const actual = source.exchange?.response?.status;
    if (typeof a.status === 'string') {
      // A class ("2xx"): what a replay compares, since servers may answer 200 where the recording had 201.
      if (actual !== undefined && `${Math.floor(actual / 100)}xx` === a.status) return [];
      return [{ assertion: `status is ${a.status}`, expected: a.status, actual: statusOrError(source) }];
    }
    const wanted = Array.isArray(a.status) ? a.status : [a.status];
    if (actual !== undefined && wanted.includes(actual)) return [];
    return [{ assertion: `status is ${wanted.join(' or ')}`, expected: wanted.length === 1 ? wanted[0] : wanted, actual: statusOrError(source) }];
  }
  if ('schema' in a) {
    const json = source.exchange?.response?.json;
    if (json === undefined) {
      return [{ assertion: `body is a valid SCIM ${a.schema}`, expected: `a JSON ${a.schema}`, actual: source.exchange?.response ? 'no JSON body' : statusOrError(source) }];
    }
    const verdict = validateScim(a.schema, json, { partial: isProjected(source.exchange?.request.url ?? '') });
    return verdict.valid ? [] : [{ assertion: `body is a valid SCIM ${a.schema}`, expected: `a valid ${a.schema}`, actual: verdict.errors.slice(0, 10) }];
  }
  if ('maxMs' in a) {
    const ms = source.exchange?.ms;
    if (source.exchange?.response && ms !== undefined && ms < a.maxMs) return [];
    return [{ assertion: `response time is under ${a.maxMs} ms`, expected: `< ${a.maxMs} ms`, actual: source.exchange?.response ? `${Math.round(ms ?? 0)} ms` : statusOrError(source) }];
  }
  if ('that' in a) return evaluateValue(a, source);
  return [];
}

/** Evaluates a whole-walk assertion. `includes` holds already-expanded ids. */
export function evaluateWalkAssertion(
  a: Extract<Assertion, { walk: unknown }>,
  source: SelectionSource,
  includes: string[],
): Failure[] {
  const walk = source.walk;
  if (!walk) return [{ assertion: `walk ${a.walk}`, expected: 'a walk', actual: 'this step is not a walk' }];
  const failures: Failure[] = [];
  if (a.walk === 'noDuplicates') {
    const seen = new Set<string>();
    const dups = walk.ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    if (dups.length) failures.push({ assertion: 'no resource appears on two pages', expected: 'no duplicates', actual: `duplicated ids: ${[...new Set(dups)].slice(0, 10).join(', ')}` });
  } else if (a.walk === 'startIndexEchoed') {
    const wrong = (walk.starts ?? []).filter((s) => s.answered !== s.asked);
    if (wrong.length) {
      failures.push({ assertion: "every page's startIndex is the startIndex asked for", expected: wrong.map((s) => s.asked), actual: wrong.map((s) => s.answered ?? '(absent)') });
    }
  } else if (a.walk === 'totalConsistent') {
    const distinct = [...new Set(walk.totals.map((t) => JSON.stringify(t)))];
    if (distinct.length > 1 || typeof walk.totals[0] !== 'number') {
      failures.push({ assertion: 'totalResults is the same integer on every page', expected: 'one integer', actual: walk.totals });
    }
  } else {
    const unique = new Set(walk.ids).size;
    const total = walk.totals[0];
    if (walk.truncated) {
      // Stopped at maxPages before the end: every page walked must have been full, with distinct resources.
      const expected = walk.pages * (walk.pageSize ?? 0);
      if (unique !== expected) failures.push({ assertion: `the ${walk.pages} pages walked hold ${expected} distinct resources`, expected, actual: `${unique} distinct ids` });
    } else if (unique !== total) {
      failures.push({ assertion: 'walking all pages returns totalResults distinct resources', expected: total, actual: `${unique} distinct ids over ${walk.pages} pages` });
    }
  }
  // A walk cut short at maxPages (a big tenant) may not reach resources created last: only a whole walk must include them.
  const missing = walk.truncated ? [] : includes.filter((id) => !walk.ids.includes(id));
  if (missing.length) failures.push({ assertion: 'the walk includes the expected resources', expected: includes, actual: `missing: ${missing.join(', ')}` });
  return failures;
}

/** The status key a burst assertion counts a response under: "201", or "none" without a response. */
const statusKey = (status: number | undefined): string => (status === undefined ? 'none' : String(status));

/** Whether a response's status falls under a burst-count key ("409", "4xx", "none"). */
function matchesStatusKey(key: string, status: number | undefined): boolean {
  if (key === 'none') return status === undefined;
  if (status === undefined) return false;
  return /^[1-5]xx$/.test(key) ? Math.floor(status / 100) === Number(key[0]) : String(status) === key;
}

/** "201 ×1, 409 ×9" — the statuses of a burst's responses, counted. */
export function describeStatuses(statuses: (number | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(statusKey(s), (counts.get(statusKey(s)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k === 'none' ? 'no response' : k} ×${n}`).join(', ');
}

/**
 * A burst assertion: the number of responses under each key must be what it says — a count, "all" of them, or
 * the "rest" (all but those the other keys count).
 */
export function evaluateBurstCounts(a: Extract<Assertion, { burst: unknown }>, statuses: (number | undefined)[]): Failure[] {
  const total = statuses.length;
  const fixed = Object.entries(a.burst).reduce((sum, [, v]) => sum + (typeof v === 'number' ? v : 0), 0);
  const expected: string[] = [];
  let holds = true;
  for (const [key, want] of Object.entries(a.burst)) {
    const wanted = want === 'all' ? total : want === 'rest' ? total - fixed : want;
    const actual = statuses.filter((s) => matchesStatusKey(key, s)).length;
    expected.push(`${key === 'none' ? 'no response' : key} ×${wanted}`);
    if (actual !== wanted) holds = false;
  }
  if (holds) return [];
  const what = Object.entries(a.burst).map(([k, v]) => `${k === 'none' ? 'no response' : k}: ${v}`).join(', ');
  return [{ assertion: `the ${total} responses of the burst are ${what}`, expected: expected.join(', '), actual: describeStatuses(statuses) }];
}
