/**
 * Runscope's assertion semantics, as Okta's SCIM test exports use them (`assertions[]` of a request step):
 * a source (`response_status`, `response_json` + a property path, `response_time`, …), a comparison and an
 * expected value stored as text. scim-check's reading of those comparisons:
 * - values are compared as Runscope shows them, as text: a JSON number 404 is "404", `true` is "true", `null` is
 *   "null", objects and arrays are their JSON; `equal` is therefore a text comparison (so `"status": 404` and
 *   `"status": "404"` both equal "404");
 * - `*_number` and the `is_less_than…` family parse both sides as numbers (a numeric string counts);
 *   `is_a_number` holds for a JSON number or a string that is a number;
 * - `empty` is missing, null, "", [] or {} (false and 0 are values); `contains` is a substring of a string or an
 *   element of an array; `has_value` an element of an array or a value of an object; `has_key` a key of an object.
 * Pure: no I/O.
 */
import type { AssertionFailure } from './results.js';
import { followPath, parsePath, type SelectionSource } from './select.js';
import type { RunscopeAssertion, RunscopeComparison } from './suite-format.js';

export const RUNSCOPE_COMPARISONS: ReadonlySet<string> = new Set<RunscopeComparison>([
  'equal',
  'not_equal',
  'empty',
  'not_empty',
  'contains',
  'does_not_contain',
  'has_key',
  'has_value',
  'is_null',
  'is_a_number',
  'equal_number',
  'is_less_than',
  'is_less_than_or_equal',
  'is_greater_than',
  'is_greater_than_or_equal',
]);

export const RUNSCOPE_SOURCES: ReadonlySet<string> = new Set(['response_status', 'response_json', 'response_headers', 'response_text', 'response_time', 'response_size']);

/** A value as Runscope shows it: text. Undefined stays undefined (nothing there). */
export function runscopeText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** The selector path of a Runscope property ("Resources[0].id" → ".Resources[0].id"); throws for what it cannot read. */
export function runscopePath(property: string): ReturnType<typeof parsePath> {
  const trimmed = property.trim();
  if (trimmed === '') return [];
  return parsePath(trimmed.startsWith('[') ? trimmed : `.${trimmed}`);
}

/** The value an assertion reads from the response (undefined when there is none). */
export function runscopeActual(a: Pick<RunscopeAssertion, 'from' | 'property'>, source: SelectionSource): unknown {
  const exchange = source.exchange;
  const response = exchange?.response;
  switch (a.from) {
    case 'response_status':
      return response?.status;
    case 'response_time':
      return response ? exchange?.ms : undefined;
    case 'response_size':
      return response?.bodyBytes ?? (response?.body !== undefined ? Buffer.byteLength(response.body) : undefined);
    case 'response_text':
      return response?.body;
    case 'response_headers': {
      if (!response) return undefined;
      const wanted = (a.property ?? '').toLowerCase();
      return Object.entries(response.headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
    }
    default:
      return response?.json === undefined ? undefined : followPath(response.json, runscopePath(a.property ?? ''));
  }
}

/** Whether `comparison` holds between the actual value and the expected text. */
export function runscopeHolds(comparison: RunscopeComparison, actual: unknown, expected: string): boolean {
  const text = runscopeText(actual);
  switch (comparison) {
    case 'equal':
      return text !== undefined && text === expected;
    case 'not_equal':
      return text !== expected;
    case 'empty':
      return isEmpty(actual);
    case 'not_empty':
      return !isEmpty(actual);
    case 'contains':
      return Array.isArray(actual) ? actual.some((el) => runscopeText(el) === expected) : text !== undefined && text.includes(expected);
    case 'does_not_contain':
      return !runscopeHolds('contains', actual, expected);
    case 'has_key':
      return actual !== null && typeof actual === 'object' && !Array.isArray(actual) && Object.prototype.hasOwnProperty.call(actual, expected);
    case 'has_value': {
      const values = Array.isArray(actual) ? actual : actual !== null && typeof actual === 'object' ? Object.values(actual) : [];
      return values.some((el) => runscopeText(el) === expected);
    }
    case 'is_null':
      return actual === null;
    case 'is_a_number':
      return Number.isFinite(asNumber(actual));
    case 'equal_number':
      return Number.isFinite(asNumber(actual)) && asNumber(actual) === asNumber(expected);
    case 'is_less_than':
      return asNumber(actual) < asNumber(expected);
    case 'is_less_than_or_equal':
      return asNumber(actual) <= asNumber(expected);
    case 'is_greater_than':
      return asNumber(actual) > asNumber(expected);
    default: // is_greater_than_or_equal
      return asNumber(actual) >= asNumber(expected);
  }
}

/** Comparisons that take no expected value. */
const UNARY = new Set<RunscopeComparison>(['empty', 'not_empty', 'is_null', 'is_a_number']);

/** "status is 201", "body.totalResults equal \"0\"", "response time (ms) is less than 600". */
export function runscopeDescription(a: RunscopeAssertion, expected: string): string {
  if (a.from === 'response_status' && a.runscope === 'equal_number') return `status is ${expected}`;
  if (a.from === 'response_time' && a.runscope === 'is_less_than') return `response time is under ${expected} ms`;
  const property = a.property ?? '';
  const label =
    a.from === 'response_json'
      ? property === '' ? 'body' : `body${property.trim().startsWith('[') ? '' : '.'}${property.trim()}`
      : a.from === 'response_status'
        ? 'status'
        : a.from === 'response_time'
          ? 'response time (ms)'
          : a.from === 'response_size'
            ? 'response size (bytes)'
            : a.from === 'response_text'
              ? 'body text'
              : `header.${property}`;
  const words = a.runscope === 'not_empty' ? 'is not empty' : a.runscope.replace(/_/g, ' ');
  return UNARY.has(a.runscope) ? `${label} ${words}` : `${label} ${words} ${JSON.stringify(expected)}`;
}

/** Evaluates one Runscope assertion; `value` must already have its templates expanded. */
export function evaluateRunscope(a: RunscopeAssertion, source: SelectionSource): Omit<AssertionFailure, 'exchange'>[] {
  const expected = runscopeText(a.value ?? '') ?? '';
  const actual = runscopeActual(a, source);
  if (runscopeHolds(a.runscope, actual, expected)) return [];
  const noResponse = source.exchange && !source.exchange.response ? `no response: ${source.exchange.error?.message ?? 'unknown error'}` : undefined;
  return [
    {
      assertion: runscopeDescription(a, expected),
      expected: UNARY.has(a.runscope) ? a.runscope.replace(/_/g, ' ') : a.from === 'response_status' || a.runscope.endsWith('number') || a.runscope.startsWith('is_') ? asNumberOrText(expected) : expected,
      actual: noResponse ?? (actual === undefined ? '(missing)' : actual),
    },
  ];
}

function asNumberOrText(text: string): number | string {
  const n = asNumber(text);
  return Number.isFinite(n) ? n : text;
}
