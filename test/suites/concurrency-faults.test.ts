import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CheckResult, type RunResult } from '../../src/index.js';
import { allFaults } from '../../src/server/faults/index.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { inPool } from '../helpers/pool.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The concurrency suite's fault matrix: the suite runs against the unbroken reference server (every check passes)
 * and against the faults that concern it — the race faults of catalog-load.ts and the few other faults that break
 * what a check asserts — and never against the rest (they change nothing the suite looks at, and the load faults'
 * 61 s spikes would only slow CI). The table is written to test/fault-matrix-concurrency.md.
 */

const suite = JSON.parse(readFileSync(new URL('../../suites/concurrency.json', import.meta.url), 'utf8')) as SuiteFile;
const matrixFile = fileURLToPath(new URL('../fault-matrix-concurrency.md', import.meta.url));

/** Fault → the checks that must fail because of it, and what the first one's failure must show. */
const EXPECTED: Record<string, { fails: string[]; shows: RegExp }> = {
  'create-uniqueness-race': { fails: ['same-username-creates', 'case-variant-creates'], shows: /201: 1, 409: rest → 201 ×([2-9]|10)\b/ },
  'userName-case-sensitive': { fails: ['case-variant-creates'], shows: /201: 1, 409: rest → 201 ×\d, 409 ×\d/ },
  'membership-lost-update': { fails: ['membership-adds', 'membership-removes'], shows: /contains all 10 expected values → [1-9] missing/ },
  'if-match-race': { fails: ['if-match-put'], shows: /200: 1, 412: rest → 200 ×([2-9]|10)\b/ },
  'if-match-ignored': { fails: ['if-match-put'], shows: /200: 1, 412: rest → 200 ×10/ },
};

const allChecks = (result: RunResult): CheckResult[] => result.suites.flatMap((s) => s.checks).filter((c) => c.suite === 'concurrency');
const short = (id: string): string => id.replace(/^concurrency\//, '');
const failureLines = (check: CheckResult): string[] => check.failures.map((f) => `${f.assertion} → ${typeof f.actual === 'string' ? f.actual : JSON.stringify(f.actual)}`);
const runAgainst = (faults: string[]): Promise<RunResult> => run({ suites: ['concurrency'], server: { faults, quiet: true } });

describe('concurrency suite: each check fails against the race it exists to catch', () => {
  let baseline: RunResult;
  const outcomes = new Map<string, RunResult>();

  beforeAll(async () => {
    baseline = await runAgainst([]);
    const faults = Object.keys(EXPECTED);
    const results = await inPool(faults.map((fault) => () => runAgainst([fault])), 3);
    faults.forEach((fault, i) => outcomes.set(fault, results[i]!));
  }, 60_000);

  it('the unbroken reference server passes every check, and the run leaves nothing behind', () => {
    const checks = allChecks(baseline);
    expect(checks.map((c) => c.id).sort()).toEqual(suite.checks.map((c) => c.id).sort());
    expect(checks.filter((c) => c.status !== 'passed').map((c) => ({ id: c.id, status: c.status, failures: c.failures, skip: c.skipReason }))).toEqual([]);
    expect(baseline.exitCode).toBe(0);
    expect(baseline.cleanup.left).toEqual([]);
    // 10 + 1 duplicate attempts leave 2 users, 20 members, 2 groups, 1 ETag user.
    expect(baseline.cleanup.removed).toHaveLength(25);
  });

  it('the reference server stays race-free across its own async gaps: answers delayed (--latency) or journalled to disk (--data)', async () => {
    const [delayed, journalled] = await Promise.all([
      run({ suites: ['concurrency'], server: { quiet: true, latencyMs: 100 } }),
      run({ suites: ['concurrency'], server: { quiet: true, data: tempDir('scim-check-concurrency-data-') } }),
    ]);
    for (const result of [delayed, journalled]) {
      expect(allChecks(result).filter((c) => c.status !== 'passed').map((c) => ({ id: c.id, failures: c.failures }))).toEqual([]);
      expect(result.exitCode).toBe(0);
    }
  }, 60_000);

  it('titles say how many requests each burst sends and that they go at once', () => {
    for (const check of allChecks(baseline)) expect(check.title).toMatch(/^10 simultaneous .*\(at once\)/);
  });

  it('each fault fails the checks it concerns, showing the defect, and the run still removes every duplicate it made', () => {
    const missed: string[] = [];
    for (const [fault, { fails, shows }] of Object.entries(EXPECTED)) {
      const result = outcomes.get(fault)!;
      const failed = allChecks(result).filter((c) => c.status === 'failed');
      for (const id of fails) if (!failed.some((c) => c.id === `concurrency/${id}`)) missed.push(`${fault} → ${id} did not fail`);
      const first = failed.find((c) => c.id === `concurrency/${fails[0]}`);
      if (first && !failureLines(first).some((l) => shows.test(l))) missed.push(`${fault} → ${fails[0]} failed without showing ${shows}: ${failureLines(first).join('; ')}`);
      expect(result.cleanup.left, fault).toEqual([]);
    }
    expect(missed).toEqual([]);
  });

  it('every check is caught by a fault, and the table is written', () => {
    const rows = Object.keys(EXPECTED).map((fault) => ({
      fault,
      description: allFaults().find((f) => f.id === fault)!.description,
      failing: allChecks(outcomes.get(fault)!).filter((c) => c.status === 'failed').map((c) => short(c.id)),
    }));
    const uncaught = suite.checks.map((c) => short(c.id)).filter((id) => !rows.some((r) => r.failing.includes(id)));
    expect(uncaught).toEqual([]);
    const cell = (ids: string[]): string => (ids.length ? ids.map((id) => `\`concurrency/${id}\``).join(', ') : '—');
    const lines = [
      '# Fault matrix: concurrency suite',
      '',
      'Generated by `test/suites/concurrency-faults.test.ts` (do not edit by hand). The `concurrency` suite (bursts of',
      '10 requests at once) runs against the reference server with each fault that concerns it; the unbroken server',
      'passes every check.',
      '',
      '| Fault | What the broken server does | Failing checks |',
      '| --- | --- | --- |',
      ...rows.map((r) => `| \`${r.fault}\` | ${r.description.replace(/\|/g, '\\|')} | ${cell(r.failing)} |`),
      '',
      '| Check | Caught by |',
      '| --- | --- |',
      ...suite.checks.map((c) => `| \`${c.id}\` | ${rows.filter((r) => r.failing.includes(short(c.id))).map((r) => `\`${r.fault}\``).join(', ')} |`),
      '',
    ];
    writeFileSync(matrixFile, lines.join('\n'));
    expect(readFileSync(matrixFile, 'utf8')).toContain('`concurrency/membership-adds`');
  });
});
