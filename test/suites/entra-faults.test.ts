import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CheckResult, type RunResult } from '../../src/index.js';
import { allFaults } from '../../src/server/faults/index.js';
import { entraFaults } from '../../src/server/faults/catalog-entra.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { inPool } from '../helpers/pool.js';

/**
 * The entra suite's fault matrix: the suite runs (both flag shapes, on the embedded server with Entra's custom
 * extension) against the unbroken reference server — every check passes — and against the faults that concern it:
 * every fault of catalog-entra.ts, plus the core/Okta/rfc faults that are the defect an entra check exists for. Never
 * against the rest (they change nothing the suite looks at), to keep CI time proportionate. The table is written to
 * test/fault-matrix-entra.md.
 */

const suite = JSON.parse(readFileSync(new URL('../../suites/entra.json', import.meta.url), 'utf8')) as SuiteFile;
const matrixFile = fileURLToPath(new URL('../fault-matrix-entra.md', import.meta.url));
const PARALLEL_RUNS = 4;

/** Fault → the entra checks that must fail because of it (the first is the one it was written for), and what that one's failure shows. */
const EXPECTED: Record<string, { fails: string[]; shows: RegExp }> = {
  // catalog-entra
  'connection-filter-404': { fails: ['test-connection', 'match-user-absent'], shows: /status is 200 → 404/ },
  'active-string-ignored': { fails: ['disable-string-false'], shows: /active equals false → true/ },
  'pathless-keys-literal': { fails: ['update-pathless'], shows: /enterprise:2\.0:User:employeeNumber: extension object present but its URN is not listed/ },
  'patch-empty-string-ignored': { fails: ['clear-empty-string', 'manager-clear'], shows: /title is empty/ },
  'patch-null-rejected': { fails: ['clear-null'], shows: /status is 200 or 204 → 400/ },
  'manager-string-rejected': { fails: ['manager-set-id', 'manager-change', 'manager-clear'], shows: /status is 200 or 204 → 400/ },
  'custom-extension-needs-schemas': { fails: ['create-custom-extension'], shows: /status is 201 → 400/ },
  'adscim-schema-rejected': { fails: ['group-create'], shows: /status is 201 → 400/ },
  'group-create-upserts': { fails: ['group-duplicate'], shows: /status is 409 → 201/ },
  'group-name-filter-case-sensitive': { fails: ['group-find-case-insensitive'], shows: /totalResults equals 1 → 0/ },
  'member-ref-null-rejected': { fails: ['group-add-members'], shows: /status is 200 or 204 → 400/ },
  'remove-members-value-empties': { fails: ['group-remove-members-value'], shows: /members contains/ },
  // core, Okta and rfc faults that are the defect an entra check exists for
  'create-returns-200': { fails: ['create-user', 'manager-provision', 'group-member-users', 'paging'], shows: /status is 201 → 200/ },
  'create-upserts-duplicate': { fails: ['duplicate-create'], shows: /status is 409 → 200/ },
  'get-by-id-returns-list': { fails: ['get-user'], shows: /valid SCIM User/ },
  'error-without-status': { fails: ['get-unknown-id'], shows: /status equals "404"/ },
  'userName-filter-ignored': { fails: ['match-by-username', 'match-user-absent'], shows: /totalResults equals 1/ },
  'filter-ignored': { fails: ['match-by-external-id', 'group-match-absent'], shows: /totalResults equals 1/ },
  'filter-value-path-unsupported': { fails: ['match-by-work-email'], shows: /status is 200 → 400/ },
  'extension-schema-unserved': { fails: ['schema-discovery'], shows: /Resources contains/ },
  'patch-ignored': { fails: ['update-multi-valued-complex', 'update-every-attribute', 'roles-json-string', 'manager-set-ref', 'update-username', 'group-rename'], shows: /emails\[type=work\]\.value equals/ },
  'patch-ignores-urn-path': { fails: ['update-per-path'], shows: /employeeNumber equals/ },
  'reactivation-ignored': { fails: ['restore-string-true', 'restore-boolean'], shows: /active equals true → false/ },
  'deactivate-deletes': { fails: ['disable-string-false', 'disable-boolean'], shows: /status is 200 → 404/ },
  'group-filter-ignored': { fails: ['group-find', 'group-match-absent'], shows: /totalResults equals 1/ },
  'exclude-members-ignored': { fails: ['group-get-without-members'], shows: /members is absent/ },
  'group-remove-member-removes-all': { fails: ['group-remove-member-filter'], shows: /members contains/ },
  'group-delete-soft': { fails: ['group-delete'], shows: /status is 404 → 200/ },
  'startIndex-not-echoed': { fails: ['paging'], shows: /startIndex is the startIndex asked for/ },
  'delete-keeps-resource': { fails: ['delete-user'], shows: /status is 404 → 200/ },
};

const entraChecks = (result: RunResult): CheckResult[] => result.suites.filter((s) => s.id === 'entra').flatMap((s) => s.checks);
const short = (id: string): string => id.replace(/^entra\//, '');
const failureLines = (check: CheckResult): string[] => check.failures.map((f) => `${f.assertion} → ${typeof f.actual === 'string' ? f.actual : JSON.stringify(f.actual)}`);
const runAgainst = (faults: string[]): Promise<RunResult> => run({ idp: 'entra', server: { faults, quiet: true } });

describe('entra suite fault matrix: every check fails against the defect it exists to catch', () => {
  let baseline: RunResult;
  const outcomes = new Map<string, RunResult>();

  beforeAll(async () => {
    baseline = await runAgainst([]);
    const faults = Object.keys(EXPECTED);
    const results = await inPool(faults.map((fault) => () => runAgainst([fault])), PARALLEL_RUNS);
    faults.forEach((fault, i) => outcomes.set(fault, results[i]!));
  }, 180_000);

  it('the unbroken reference server passes every entra check and the run leaves nothing behind', () => {
    const checks = entraChecks(baseline);
    expect(checks.map((c) => c.id).sort()).toEqual(suite.checks.map((c) => c.id).sort());
    expect(checks.filter((c) => c.status !== 'passed').map((c) => ({ id: c.id, status: c.status, failures: c.failures, skip: c.skipReason }))).toEqual([]);
    expect(baseline.exitCode).toBe(0);
  });

  it('each fault fails the checks it concerns, and the first one shows the defect', () => {
    const missed: string[] = [];
    for (const [fault, { fails, shows }] of Object.entries(EXPECTED)) {
      const failed = entraChecks(outcomes.get(fault)!).filter((c) => c.status === 'failed');
      for (const id of fails) if (!failed.some((c) => c.id === `entra/${id}`)) missed.push(`${fault} → ${id} did not fail`);
      const first = failed.find((c) => c.id === `entra/${fails[0]}`);
      if (first && !failureLines(first).some((l) => shows.test(l))) missed.push(`${fault} → ${fails[0]} failed without showing ${shows}: ${failureLines(first).join('; ')}`);
    }
    expect(missed).toEqual([]);
  });

  it('every fault of the Entra catalog is in the matrix, and cleanup removes what each run made', () => {
    for (const fault of entraFaults) expect(EXPECTED[fault.id], fault.id).toBeDefined();
    for (const [fault, result] of outcomes) expect(result.cleanup.left, fault).toEqual([]);
  });

  it('every entra check is caught by a fault, and the table is written', () => {
    const rows = Object.keys(EXPECTED).map((fault) => ({
      fault,
      description: allFaults().find((f) => f.id === fault)!.description,
      failing: entraChecks(outcomes.get(fault)!).filter((c) => c.status === 'failed').map((c) => short(c.id)),
    }));
    const uncaught = suite.checks.map((c) => short(c.id)).filter((id) => !rows.some((r) => r.failing.includes(id)));
    expect(uncaught).toEqual([]);
    const cell = (ids: string[]): string => (ids.length ? ids.map((id) => `\`entra/${id}\``).join(', ') : '—');
    const entraIds = new Set(entraFaults.map((f) => f.id));
    const lines = [
      '# Fault matrix of the entra suite',
      '',
      'Generated by `test/suites/entra-faults.test.ts` (do not edit by hand). Each row runs the entra suite (both',
      'aadOptscim062020 shapes) against the reference server started with one fault (`scim-check serve --fault ID`);',
      'the checks listed failed. Faults marked (entra) are from `src/server/faults/catalog-entra.ts`; the others are',
      'core, Okta or rfc faults that are the defect an entra check exists for.',
      '',
      '| Fault | What the broken server does | Failing entra checks |',
      '| --- | --- | --- |',
      ...rows.map((r) => `| \`${r.fault}\`${entraIds.has(r.fault) ? ' (entra)' : ''} | ${r.description.replace(/\|/g, '\\|')} | ${cell(r.failing)} |`),
      '',
      '## Check → faults that catch it',
      '',
      '| Check | Shape | Caught by |',
      '| --- | --- | --- |',
      ...suite.checks.map((c) => `| \`${c.id}\` | ${c.entraFlag ? `flag ${c.entraFlag}` : 'both'} | ${rows.filter((r) => r.failing.includes(short(c.id))).map((r) => `\`${r.fault}\``).join(', ')} |`),
    ];
    writeFileSync(matrixFile, `${lines.join('\n')}\n`);
    expect(readFileSync(matrixFile, 'utf8')).toContain('| `entra/group-remove-members-value` | flag off |');
  });
});
