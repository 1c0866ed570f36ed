import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { deepEqual, evaluateResponseAssertion, evaluateValue, evaluateWalkAssertion } from '../../src/runner/assert.js';
import type { SelectionSource } from '../../src/runner/select.js';

const json = { s: 'Hello', n: 3, f: 1.5, b: false, nil: null, arr: [{ type: 'work', value: 'a' }, 2], empty: [], obj: {} };
const exchange = (status: number, body: unknown, ms = 10): Exchange => ({
  request: { method: 'GET', url: 'http://x/Users', headers: {} },
  response: { status, headers: {}, body: JSON.stringify(body), json: body },
  ms,
  startedAt: '',
});
const src: SelectionSource = { exchange: exchange(200, json), vars: new Map() };
const holds = (a: Parameters<typeof evaluateValue>[0]): boolean => evaluateValue(a, src).length === 0;

describe('value assertions', () => {
  it('each predicate passes when true and fails when false', () => {
    const cases: [Parameters<typeof evaluateValue>[0], boolean][] = [
      [{ that: 'body.s', equals: 'Hello' }, true],
      [{ that: 'body.s', equals: 'hello' }, false],
      [{ that: 'body.s', equalsIgnoreCase: 'HELLO' }, true],
      [{ that: 'body.n', equalsIgnoreCase: '3' }, false],
      [{ that: 'body.s', notEquals: 'x' }, true],
      [{ that: 'body.s', notEquals: 'Hello' }, false],
      [{ that: 'body.s', exists: true }, true],
      [{ that: 'body.zz', exists: true }, false],
      [{ that: 'body.zz', exists: false }, true],
      [{ that: 'body.nil', exists: false }, false],
      [{ that: 'body.b', notEmpty: true }, true],
      [{ that: 'body.empty', notEmpty: true }, false],
      [{ that: 'body.obj', notEmpty: true }, false],
      [{ that: 'body.nil', notEmpty: true }, false],
      [{ that: 'body.empty', notEmpty: false }, true],
      [{ that: 'body.n', type: 'integer' }, true],
      [{ that: 'body.f', type: 'integer' }, false],
      [{ that: 'body.n', type: 'number' }, true],
      [{ that: 'body.arr', type: 'object' }, false],
      [{ that: 'body.nil', type: 'null' }, true],
      [{ that: 'body.arr', contains: { type: 'work' } }, true],
      [{ that: 'body.arr', contains: 2 }, true],
      [{ that: 'body.arr', contains: { type: 'home' } }, false],
      [{ that: 'body.s', contains: 'ell' }, true],
      [{ that: 'body.arr', notContains: { type: 'home' } }, true],
      [{ that: 'body.arr', notContains: 2 }, false],
      [{ that: 'body.s', matches: '^H.l+o$' }, true],
      [{ that: 'body.n', matches: '3' }, false],
      [{ that: 'body.arr', length: 2 }, true],
      [{ that: 'body.s', length: 4 }, false],
      [{ that: 'body.arr', lengthAtLeast: 2 }, true],
      [{ that: 'body.empty', lengthAtLeast: 1 }, false],
      [{ that: 'body.n', lessThan: 4 }, true],
      [{ that: 'body.n', lessThan: 3 }, false],
    ];
    for (const [assertion, expected] of cases) expect([assertion, holds(assertion)]).toEqual([assertion, expected]);
  });

  it('says what was asserted, expected and actual', () => {
    expect(evaluateValue({ that: 'body.s', equals: 'Bye', type: 'integer' }, src)).toEqual([
      { assertion: 'body.s equals "Bye"', expected: 'Bye', actual: 'Hello' },
      { assertion: 'body.s is of type integer', expected: 'integer', actual: 'string' },
    ]);
    expect(evaluateValue({ that: 'body.gone', equals: 1 }, src)[0]!.actual).toBe('(missing)');
  });

  it('deepEqual compares structure, not identity or key order', () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('response assertions', () => {
  it('status, schema and response time', () => {
    expect(evaluateResponseAssertion({ status: 200 }, src)).toEqual([]);
    expect(evaluateResponseAssertion({ status: [201, 204] }, src)).toEqual([{ assertion: 'status is 201 or 204', expected: [201, 204], actual: 200 }]);
    const noResponse: SelectionSource = { exchange: { request: { method: 'GET', url: 'u', headers: {} }, error: { code: 'TIMEOUT', message: 'no answer in 5 ms' }, ms: 5, startedAt: '' }, vars: new Map() };
    expect(evaluateResponseAssertion({ status: 200 }, noResponse)[0]!.actual).toBe('no response: no answer in 5 ms');
    expect(evaluateResponseAssertion({ maxMs: 600 }, src)).toEqual([]);
    expect(evaluateResponseAssertion({ maxMs: 600 }, { exchange: exchange(200, {}, 601), vars: new Map() })).toEqual([
      { assertion: 'response time is under 600 ms', expected: '< 600 ms', actual: '601 ms' },
    ]);
    const error = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'nope' };
    expect(evaluateResponseAssertion({ schema: 'Error' }, { exchange: exchange(404, error), vars: new Map() })).toEqual([]);
    const bad = evaluateResponseAssertion({ schema: 'Error' }, { exchange: exchange(404, { ...error, status: 404 }), vars: new Map() });
    expect(bad[0]!.assertion).toBe('body is a valid SCIM Error');
    expect(JSON.stringify(bad[0]!.actual)).toContain('/status');
  });
});

describe('walk assertions', () => {
  const walk = (ids: string[], totals: unknown[]): SelectionSource => ({ vars: new Map(), walk: { ids, totals, pages: totals.length } });
  it('noDuplicates, complete, totalConsistent and includes', () => {
    expect(evaluateWalkAssertion({ walk: 'noDuplicates' }, walk(['a', 'b', 'c'], [3, 3]), [])).toEqual([]);
    expect(evaluateWalkAssertion({ walk: 'noDuplicates' }, walk(['a', 'b', 'a'], [3, 3]), [])[0]!.actual).toBe('duplicated ids: a');
    expect(evaluateWalkAssertion({ walk: 'complete' }, walk(['a', 'b', 'c'], [3, 3]), [])).toEqual([]);
    expect(evaluateWalkAssertion({ walk: 'complete' }, walk(['a', 'b'], [3, 3]), [])[0]!.actual).toBe('2 distinct ids over 2 pages');
    expect(evaluateWalkAssertion({ walk: 'totalConsistent' }, walk(['a'], [3, 4]), [])).toHaveLength(1);
    expect(evaluateWalkAssertion({ walk: 'totalConsistent' }, walk(['a'], ['3', '3']), [])).toHaveLength(1);
    const truncated: SelectionSource = { vars: new Map(), walk: { ids: ['a', 'b', 'c', 'd'], totals: [500, 500], pages: 2, pageSize: 2, truncated: true } };
    expect(evaluateWalkAssertion({ walk: 'complete' }, truncated, [])).toEqual([]);
    truncated.walk!.ids = ['a', 'b', 'c'];
    expect(evaluateWalkAssertion({ walk: 'complete' }, truncated, [])[0]!.assertion).toBe('the 2 pages walked hold 4 distinct resources');
    expect(evaluateWalkAssertion({ walk: 'complete', includes: ['x'] }, walk(['a'], [1]), ['x'])).toEqual([
      { assertion: 'the walk includes the expected resources', expected: ['x'], actual: 'missing: x' },
    ]);
  });
});
