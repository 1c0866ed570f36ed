import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { renderJson } from '../../src/report/json.js';
import { failingRun, passingRun, unreachableRun } from './html-fixture.js';
import { RESULT_SCHEMA, resultSchemaErrors } from './result-schema.js';

/** A result with every optional field of every level set, so the schema is exercised on all of them. */
function fullRun(): RunResult {
  const result = failingRun();
  const check = result.suites[0]!.checks[7]!;
  check.notes = ['advertised false but works'];
  check.skipReason = 'not skipped, but the field is typed';
  check.exchanges[0]!.response!.bodyTruncated = true;
  check.exchanges.push({ ...check.exchanges[0]!, error: { code: 'ECONNRESET', message: 'socket hang up' } });
  result.cleanup.kept.push({ resourceType: 'Group', id: 'g-1' });
  return { ...result, fatal: 'none really', interrupted: true, deadlineReached: true, notes: ['--read-only left out 12 checks'] };
}

const propertiesOf = (schemaPart: unknown): string[] => Object.keys((schemaPart as { properties: object }).properties);
const defs = RESULT_SCHEMA.$defs as Record<string, unknown>;

describe('json reporter', () => {
  it('writes the RunResult itself, versioned', () => {
    const result = failingRun();
    const parsed = JSON.parse(renderJson(result)) as RunResult;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(result)));
    expect(parsed.formatVersion).toBe(1);
  });

  it('every output validates against result.schema.json', () => {
    for (const result of [failingRun(), passingRun(), unreachableRun(), fullRun()]) {
      expect(resultSchemaErrors(JSON.parse(renderJson(result)))).toEqual([]);
    }
  });

  it('the schema documents every field a result can carry', () => {
    const full = fullRun();
    const check = full.suites[0]!.checks[7]!;
    const documented: [object, unknown][] = [
      [full, RESULT_SCHEMA],
      [full.suites[0]!, defs.suite],
      [check, defs.check],
      [check.failures[0]!, defs.failure],
      [check.exchanges[1]!, defs.exchange],
      [check.exchanges[1]!.request, (defs.exchange as { properties: Record<string, unknown> }).properties.request],
      [check.exchanges[1]!.response!, (defs.exchange as { properties: Record<string, unknown> }).properties.response],
    ];
    for (const [value, schema] of documented) {
      for (const key of Object.keys(value)) expect(propertiesOf(schema), key).toContain(key);
    }
  });

  it('the schema rejects results that break the format', () => {
    const broken = (mutate: (r: any) => void): string[] => {
      const r = JSON.parse(renderJson(failingRun()));
      mutate(r);
      return resultSchemaErrors(r);
    };
    expect(broken((r) => (r.formatVersion = 2))).toEqual(['/formatVersion: must be equal to constant']);
    expect(broken((r) => delete r.counts)).toEqual(["/: must have required property 'counts'"]);
    expect(broken((r) => (r.suites[0].checks[0].status = 'ok'))).toEqual(['/suites/0/checks/0/status: must be equal to one of the allowed values']);
    expect(broken((r) => (r.suites[1].checks[0].exchanges[0].response.status = '200'))).toEqual(['/suites/1/checks/0/exchanges/0/response/status: must be integer']);
    expect(broken((r) => (r.startedAt = 'yesterday'))).toEqual(['/startedAt: must match format "date-time"']);
    expect(broken((r) => (r.suites[0].checks[0].exchanges[0].request.headers.accept = ['a']))).toEqual(['/suites/0/checks/0/exchanges/0/request/headers/accept: must be string']);
  });

  it('masks credential headers even when a hand-built result carries them', () => {
    const result = failingRun();
    result.suites[0]!.checks[0]!.exchanges[0]!.request.headers.authorization = 'Basic YWRtaW46aHVudGVyMg==';
    result.suites[0]!.checks[0]!.exchanges[0]!.response!.headers['set-cookie'] = 'sid=s3cr3t-session';
    const json = renderJson(result);
    expect(json).not.toContain('YWRtaW46aHVudGVyMg==');
    expect(json).not.toContain('s3cr3t-session');
    expect(json).toContain('"authorization": "Basic [REDACTED]"');
    expect(result.suites[0]!.checks[0]!.exchanges[0]!.request.headers.authorization, 'the input is not modified').toBe('Basic YWRtaW46aHVudGVyMg==');
  });
});
