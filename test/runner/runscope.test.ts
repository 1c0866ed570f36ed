import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { runscopeHolds, runscopeText } from '../../src/runner/runscope-assert.js';
import { runRunscopeScript, type ScriptInput } from '../../src/runner/runscope-script.js';
import { isRunscopeExport, suiteFromRunscope } from '../../src/runner/runscope.js';
import { startServer } from '../../src/server/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/runscope/${name}`, import.meta.url));
const checks = (result: RunResult, suite: string): CheckResult[] => result.suites.find((s) => s.id === suite)?.checks ?? [];

/** Writes a Runscope export for one test. */
function exportFile(steps: unknown[], name = 'Hand-made test'): string {
  const file = join(tempDir('scim-check-runscope-'), 'export.json');
  writeFileSync(file, JSON.stringify({ version: '1.0', name, steps }));
  return file;
}

describe("Runscope's comparison semantics", () => {
  it('equal compares text: a JSON number equals its digits, true equals "true", null equals "null"', () => {
    expect(runscopeHolds('equal', 404, '404')).toBe(true);
    expect(runscopeHolds('equal', '404', '404')).toBe(true);
    expect(runscopeHolds('equal', true, 'true')).toBe(true);
    expect(runscopeHolds('equal', null, 'null')).toBe(true);
    expect(runscopeHolds('equal', 'Bob', 'bob')).toBe(false);
    expect(runscopeHolds('equal', undefined, '')).toBe(false);
    expect(runscopeText({ a: 1 })).toBe('{"a":1}');
  });

  it('numbers: equal_number and the is_less_than family read numeric strings; is_a_number holds for numbers and numeric text', () => {
    expect(runscopeHolds('equal_number', 0, '0')).toBe(true);
    expect(runscopeHolds('equal_number', '0', '0')).toBe(true);
    expect(runscopeHolds('equal_number', 'zero', '0')).toBe(false);
    expect(runscopeHolds('equal_number', undefined, '0')).toBe(false);
    expect(runscopeHolds('is_less_than', 599, '600')).toBe(true);
    expect(runscopeHolds('is_less_than', 600, '600')).toBe(false);
    expect(runscopeHolds('is_less_than_or_equal', 600, '600')).toBe(true);
    expect(runscopeHolds('is_greater_than', 1, '0')).toBe(true);
    expect(runscopeHolds('is_greater_than_or_equal', 0, '1')).toBe(false);
    expect(runscopeHolds('is_a_number', 3, '')).toBe(true);
    expect(runscopeHolds('is_a_number', '3', '')).toBe(true);
    expect(runscopeHolds('is_a_number', 'three', '')).toBe(false);
    expect(runscopeHolds('is_a_number', null, '')).toBe(false);
  });

  it('empty, contains, has_value, has_key and is_null', () => {
    for (const empty of [undefined, null, '', [], {}]) expect(runscopeHolds('empty', empty, '')).toBe(true);
    expect(runscopeHolds('not_empty', false, '')).toBe(true); // false is a value
    expect(runscopeHolds('not_empty', 0, '')).toBe(true);
    expect(runscopeHolds('contains', ['a', 'b'], 'b')).toBe(true);
    expect(runscopeHolds('contains', ['ab'], 'b')).toBe(false); // an element, not a substring of one
    expect(runscopeHolds('contains', 'jimbob', 'bob')).toBe(true);
    expect(runscopeHolds('does_not_contain', ['a'], 'b')).toBe(true);
    expect(runscopeHolds('has_value', ['x', 1], '1')).toBe(true);
    expect(runscopeHolds('has_value', { k: 'v' }, 'v')).toBe(true);
    expect(runscopeHolds('has_value', 'v', 'v')).toBe(false);
    expect(runscopeHolds('has_key', { k: 1 }, 'k')).toBe(true);
    expect(runscopeHolds('has_key', ['k'], 'k')).toBe(false);
    expect(runscopeHolds('is_null', null, '')).toBe(true);
    expect(runscopeHolds('is_null', undefined, '')).toBe(false);
  });
});

describe('Runscope scripts', () => {
  const input: ScriptInput = {
    response: { status: 200, body: '{"totalResults":2,"Resources":[{},{}]}', headers: {}, response_time: 5, size: 38 },
    request: { method: 'GET', url: 'http://127.0.0.1/scim/v2/Groups', headers: {}, body: '' },
    variables: { known: 'yes' },
  };

  it('passes, fails with the assertion message, and sets variables', () => {
    const ok = runRunscopeScript('var d = JSON.parse(response.body); assert.isArray(d.Resources); variables.set("n", d.totalResults); log("n", d.totalResults);', input);
    expect(ok).toEqual({ kind: 'passed', variables: { known: 'yes', n: '2' }, logs: ['n 2'] });
    const bad = runRunscopeScript('assert.equal(response.status, 201, "expected a create");', input);
    expect(bad).toMatchObject({ kind: 'failed', message: 'expected a create' });
    expect(runRunscopeScript('JSON.parse("null").totalResults;', input)).toMatchObject({ kind: 'failed' });
  });

  it('cannot be judged when it uses what scim-check does not provide, and reaches nothing of Node', () => {
    expect(runRunscopeScript('_.keys({});', input)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/_ is not defined/) });
    expect(runRunscopeScript('assert.deepEqual(1, 1);', input)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/not a function/) });
    expect(runRunscopeScript('process.exit(1);', input)).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/process is not defined/) });
    expect(runRunscopeScript('this.constructor.constructor("return process")().exit(1);', input).kind).not.toBe('passed');
    expect(runRunscopeScript('require("fs");', input)).toMatchObject({ kind: 'unsupported' });
    expect(runRunscopeScript('while (true) {}', input)).toMatchObject({ kind: 'failed', message: expect.stringMatching(/did not finish/) });
  });
});

describe('Runscope exports as suites', () => {
  it('are told apart from scim-check suites', () => {
    expect(isRunscopeExport({ steps: [{ step_type: 'request' }] })).toBe(true);
    expect(isRunscopeExport({ id: 'x', checks: [], steps: [] })).toBe(false);
    expect(() => suiteFromRunscope({ name: 'x', steps: [{ step_type: 'pause', duration: 1 }] }, 'x.json')).toThrow(/no request steps/);
  });

  it('keep each step\'s headers exactly: {{auth}} is the run\'s credential, another value is sent literally', () => {
    const suite = suiteFromRunscope(JSON.parse(readFileSync(fixture('okta-spec-replica.json'), 'utf8')), 'replica.json');
    const requests = suite.checks.filter((c) => c.oktaStep !== undefined).map((c) => c.steps[0]!.request);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/Users?count=1&startIndex=1', headers: { Accept: 'application/scim+json', 'User-Agent': 'OKTA SCIM Integration' } });
    expect(requests[0]!.headers).not.toHaveProperty('Authorization');
    expect(requests[0]!.auth).toBeUndefined();
    expect(requests[5]).toMatchObject({ method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/scim+json; charset=utf-8' } });
    expect(suite.headers).toBeUndefined(); // so a step sends exactly its own headers
    expect(requests[10]!.headers).toMatchObject({ Authorization: 'non-token' });
    expect(suite.oinVerdict).toBe(true);
    expect(suite.checks.map((c) => c.oktaStep).filter((n) => n !== undefined)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('run every assertion type, variables and scripts against the reference server; unknown types, scripts and other hosts are skipped with the reason', async () => {
    const result = await run({ suites: [fixture('every-assertion.json')] });
    const byId = new Map(checks(result, 'scim-check-runscope-assertion-coverage').map((c) => [c.id.split('/')[1], c]));
    expect(byId.get('step-1')).toMatchObject({ status: 'passed', notes: ['script log: users: 2'] });
    expect(byId.get('step-2')?.status).toBe('passed'); // used {{firstId}} and {{listStatus}} extracted by step 1
    expect(byId.get('step-3')?.failures.map((f) => f.assertion)).toEqual(['body.nickName is null', "the step's script passes"]);
    expect(byId.get('step-4')).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/_ is not defined/) });
    expect(byId.get('step-4')?.exchanges).toHaveLength(1); // it ran; only its verdict is unknown
    expect(byId.get('step-5')).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/"is_a_palindrome"/) });
    expect(byId.get('step-6')).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/not to the SCIM base URL/) });
    expect(byId.get('step-6')?.exchanges).toEqual([]);
    expect(byId.get('step-7')?.status).toBe('passed'); // no Authorization header: 401
    expect(byId.get('pause-3')).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/--runscope-pauses/) });
    // Exactly the step's headers reached the server's record: no Accept-Charset, User-Agent or Content-Type added.
    const sent = byId.get('step-2')!.exchanges[0]!.request.headers;
    expect(Object.keys(sent).map((h) => h.toLowerCase()).sort()).toEqual(['authorization']);
    expect(result.oin).toBeUndefined(); // not Okta's SPEC test
  });

  it('wait out pauses only with --runscope-pauses', async () => {
    const file = exportFile([
      { step_type: 'request', method: 'GET', url: '{{SCIMBaseURL}}/Users?count=1', headers: { Authorization: ['{{auth}}'] }, assertions: [{ source: 'response_status', comparison: 'equal_number', value: '200' }] },
      { step_type: 'pause', duration: 0.3 },
      { step_type: 'request', method: 'GET', url: '{{SCIMBaseURL}}/Groups', headers: { Authorization: ['{{auth}}'] }, assertions: [] },
    ]);
    const server = await startServer({ port: 0, quiet: true });
    try {
      const skipped = await run({ url: server.url, token: server.token, suites: [file] });
      expect(checks(skipped, 'hand-made-test').map((c) => c.status)).toEqual(['passed', 'skipped', 'passed']);
      const waited = await run({ url: server.url, token: server.token, suites: [file], runscopePauses: true });
      const [first, second] = checks(waited, 'hand-made-test');
      expect(checks(waited, 'hand-made-test')).toHaveLength(2);
      const gap = Date.parse(second!.exchanges[0]!.startedAt) - Date.parse(first!.exchanges[0]!.startedAt);
      expect(gap).toBeGreaterThanOrEqual(300);
    } finally {
      await server.close();
    }
  });

  it('report a variable nothing defines, a before-script and a form body as skipped, never as passed', () => {
    const suite = suiteFromRunscope(
      {
        name: 'Odd steps',
        steps: [
          { step_type: 'request', method: 'GET', url: '{{SCIMBaseURL}}/Users/{{random_int}}', assertions: [] },
          { step_type: 'request', method: 'GET', url: '{{SCIMBaseURL}}/Users', before_scripts: ['variables.set("x", 1)'], assertions: [] },
          { step_type: 'request', method: 'POST', url: '{{SCIMBaseURL}}/Users', form: { a: ['b'] }, assertions: [] },
          { step_type: 'request', method: 'GET', url: '{{SCIMBaseURL}}/Users', assertions: [{ source: 'response_xml', comparison: 'equal', value: 'x' }] },
          { step_type: 'condition', assertions: [] },
        ],
      },
      'odd.json',
    );
    expect(suite.checks.map((c) => c.unsupported)).toEqual([
      expect.stringMatching(/\{\{random_int\}\}/),
      expect.stringMatching(/before-request script/),
      expect.stringMatching(/form, multipart or binary body/),
      expect.stringMatching(/"response_xml"/),
      expect.stringMatching(/"condition" step/),
    ]);
    expect(suite.oinVerdict).toBeUndefined();
  });
});
