import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CheckResult, type RunResult } from '../../src/index.js';
import { rfcFaults } from '../../src/server/faults/catalog-rfc.js';
import { attr } from '../../src/core/schema/define.js';
import type { SchemaDef } from '../../src/core/schema/types.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { inPool } from '../helpers/pool.js';

/**
 * The rfc suite's fault matrix: the suite runs against the reference server broken by each rfc fault (and the
 * few core/Okta faults that stand for an rfc check too), to show that each check fails against the defect it
 * exists to catch, that every check is caught, and that the unbroken server passes. Faults that only change
 * what the server advertises show the discovery rules (skip with the reason, "advertised false but works",
 * fallback schemas). The table is written to test/fault-matrix-rfc.md.
 */

const suite = JSON.parse(readFileSync(new URL('../../suites/rfc.json', import.meta.url), 'utf8')) as SuiteFile;
const matrixFile = fileURLToPath(new URL('../fault-matrix-rfc.md', import.meta.url));
const PARALLEL_RUNS = 4;

/** Faults → rfc checks that must fail because of them (the checks each was written for; more may fail). */
const EXPECTED: Record<string, string[]> = {
  'config-flags-incomplete': ['discovery-config'],
  'extension-schema-unserved': ['discovery-resource-types'],
  'schema-characteristics-invalid': ['discovery-schemas'],
  'discovery-by-id-missing': ['discovery-by-id'],
  'discovery-accepts-writes': ['discovery-read-only'],
  'discovery-unavailable': ['discovery-resource-types', 'discovery-schemas', 'discovery-usable'],
  'location-header-wrong': ['create-location'],
  'meta-incomplete': ['create-meta'],
  'client-id-honoured': ['create-ignores-readonly', 'put-keeps-readonly'],
  'required-not-enforced': ['create-missing-required', 'create-group-missing-displayName', 'put-missing-required'],
  'required-beyond-schema': ['create-minimal'],
  'conflict-without-scimType': ['create-duplicate'],
  'extension-values-dropped': ['create-user', 'put-replaces', 'patch-extension-path', 'patch-extension-no-path'],
  'get-returns-summary': ['get-user', 'user-groups', 'patch-sub-attribute'],
  'password-masked': ['create-password-never-returned', 'password-not-in-lists'],
  'attributes-ignored': ['attributes-get', 'attributes-urn-qualified', 'returned-always', 'attributes-list', 'attributes-search'],
  'excluded-attributes-ignored': ['excluded-attributes-get', 'attributes-list', 'attributes-search', 'excluded-members'],
  'always-attributes-projected-away': ['returned-always', 'attributes-get'],
  'urn-attribute-names-unknown': ['attributes-urn-qualified'],
  'filter-ignored': ['filter-eq', 'filter-sub-attribute', 'filter-no-match', 'group-filter'],
  'filter-operators-limited': ['filter-ne', 'filter-co-sw-ew', 'filter-pr', 'filter-gt-ge-lt-le-string', 'filter-datetime', 'filter-logic'],
  'filter-boolean-unsupported': ['filter-boolean'],
  'filter-syntax-case-sensitive': ['filter-case-insensitive-syntax'],
  'filter-urn-unsupported': ['filter-extension-urn', 'filter-extension-types'],
  'filter-value-path-unsupported': ['filter-value-path'],
  'invalid-filter-accepted': ['filter-invalid'],
  'no-match-404': ['filter-no-match'],
  'beyond-total-404': ['page-beyond-total'],
  'out-of-range-paging-400': ['page-out-of-range-values'],
  'search-ignores-body': ['search-equivalence', 'search-paging', 'sort-search', 'attributes-search'],
  'sort-reversed': ['sort-username', 'sort-datetime', 'sort-search'],
  'put-unknown-creates': ['put-unknown-id'],
  'patch-ignored': ['patch-replace-single', 'patch-add-single', 'patch-remove-single', 'patch-sub-attribute', 'patch-complex', 'patch-add-multi-valued', 'patch-replace-multi-valued', 'patch-remove-multi-valued', 'patch-complex-add-remove', 'patch-value-filter-remove', 'patch-value-filter-replace', 'patch-no-path', 'patch-multiple-ops', 'group-patch-members'],
  'patch-not-atomic': ['patch-atomic'],
  'primary-duplicated': ['patch-primary-unique'],
  'remove-required-accepted': ['patch-remove-required'],
  'invalid-path-accepted': ['patch-invalid-path'],
  'unknown-op-accepted': ['patch-invalid-op'],
  'no-target-accepted': ['patch-no-target'],
  'change-password-advertised-broken': ['change-password'],
  'delete-keeps-resource': ['delete-user', 'delete-group', 'delete-hides-from-lists'],
  'unknown-id-204': ['delete-twice', 'patch-unknown-id'],
  'delete-returns-body': ['delete-user'],
  'etag-not-version': ['etag-version'],
  'etag-constant': ['etag-changes'],
  'if-match-ignored': ['etag-if-match'],
  'if-none-match-ignored': ['etag-if-none-match'],
  'content-type-application-json': ['content-type'],
  'application-json-rejected': ['accepts-application-json'],
  'invalid-syntax-500': ['malformed-json'],
  'error-status-number': ['error-format', 'get-unknown-id', 'unknown-endpoint', 'discovery-unknown-id'],
  'unauthenticated-allowed': ['unauthenticated'],
  'group-members-dropped': ['group-members'],
  'nested-group-members-dropped': ['group-nested'],
  'bulk-advertised-broken': ['bulk-create'],
  'immutable-writable': ['immutable-unchanged', 'immutable-rejected'],
  'unique-attribute-ignored': ['unique-attribute'],
  // core and Okta catalog faults that are the defect an rfc check exists for
  'create-returns-200': ['create-user', 'create-group'],
  'get-by-id-returns-list': ['get-user'],
  'put-merges': ['put-clears-omitted'],
  'user-groups-empty': ['user-groups'],
  'group-put-ignores-displayName': ['group-put'],
  'userName-case-sensitive': ['filter-case-exact'],
  'list-ignores-count': ['page-count-zero'],
  'list-ignores-startIndex': ['page-fields', 'page-walk'],
};

/** Faults that only change what is advertised: they make nothing fail, they change what is skipped. */
const ADVERTISING_ONLY = new Set(['sort-not-advertised']);
/** Checks of features the reference server does not advertise: run once as a probe, reported as skipped. */
const NOT_ADVERTISED = {
  'rfc/bulk-create': 'bulk.supported is false',
  'rfc/change-password': 'changePassword.supported is false',
  // the standard schemas have neither (a server with a custom extension does: test/server/extension-rfc.test.ts)
  'rfc/immutable-unchanged': 'declare no immutable single-valued string or integer attribute',
  'rfc/immutable-rejected': 'declare no immutable single-valued string or integer attribute',
  'rfc/unique-attribute': 'declare no unique single-valued string or integer attribute besides userName',
};

/** A custom User extension with an immutable and a unique attribute, for the faults whose checks need one. */
const ACME: SchemaDef = {
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'AcmeUser',
  description: 'Acme Corp custom user attributes',
  attributes: [
    attr('badgeCode', 'string', 'Badge code, unique per user.', { uniqueness: 'server' }),
    attr('hireCode', 'string', 'Issued once at hire.', { mutability: 'immutable' }),
  ],
};
const NEEDS_EXTENSION = new Set(['immutable-writable', 'unique-attribute-ignored']);

const rfcChecks = (result: RunResult): CheckResult[] => result.suites.filter((s) => s.id === 'rfc').flatMap((s) => s.checks);
const failedIds = (result: RunResult): string[] => rfcChecks(result).filter((c) => c.status === 'failed').map((c) => c.id.slice(4));
const check = (result: RunResult, id: string): CheckResult => rfcChecks(result).find((c) => c.id === `rfc/${id}`)!;

const runWith = (faults: string[], strict = false): Promise<RunResult> =>
  run({ suites: ['rfc'], strict, server: { faults, quiet: true, ...(faults.some((f) => NEEDS_EXTENSION.has(f)) ? { extensions: [ACME] } : {}) } });

function renderMatrix(rows: { fault: string; description: string; failing: string[] }[]): string {
  const cell = (ids: string[]): string => (ids.length ? ids.map((id) => `\`${id}\``).join(', ') : '—');
  const lines = [
    '# Fault matrix of the rfc suite',
    '',
    'Generated by `test/suites/rfc-faults.test.ts` (do not edit by hand). Each row runs the rfc suite against the',
    'reference server started with one fault (`scim-check serve --fault ID`); the checks listed failed. Faults marked',
    '(ext) run against a server with a custom User extension holding an immutable and a unique attribute.',
    '',
    '| Fault | What the broken server does | Failing rfc checks |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| \`${r.fault}\`${NEEDS_EXTENSION.has(r.fault) ? ' (ext)' : ''} | ${r.description.replace(/\|/g, '\\|')} | ${cell(r.failing)} |`),
    '',
    '## Check → faults that catch it',
    '',
    '| Check | Level | Caught by |',
    '| --- | --- | --- |',
  ];
  for (const c of suite.checks) {
    const id = c.id.slice(4);
    const catching = rows.filter((r) => r.failing.includes(id)).map((r) => `\`${r.fault}\``);
    lines.push(`| \`${c.id}\` | ${c.level} | ${catching.join(', ') || '**nothing**'} |`);
  }
  return `${lines.join('\n')}\n`;
}

describe('rfc suite fault matrix: every check fails against the defect it exists to catch', () => {
  const faults = [...rfcFaults.map((f) => ({ id: f.id, description: f.description })), ...Object.keys(EXPECTED).filter((id) => !rfcFaults.some((f) => f.id === id)).map((id) => ({ id, description: '(core/Okta catalog)' }))];
  const results = new Map<string, RunResult>();
  let baseline: RunResult;
  let strictShould: RunResult;
  let strictMay: RunResult;
  let readOnly: RunResult;

  beforeAll(async () => {
    const tasks = [
      async () => {
        baseline = await runWith([]);
      },
      async () => {
        strictShould = await runWith(['discovery-by-id-missing'], true);
      },
      async () => {
        strictMay = await runWith(['nested-group-members-dropped'], true);
      },
      async () => {
        readOnly = await run({ suites: ['rfc'], readOnly: true, server: { quiet: true } });
      },
      ...faults.map((f) => async () => {
        results.set(f.id, await runWith([f.id]));
      }),
    ];
    await inPool(tasks, PARALLEL_RUNS);
  }, 180_000);

  it('the reference server passes every rfc check; features it does not advertise are skipped with the reason', () => {
    const notPassed = rfcChecks(baseline).filter((c) => c.status !== 'passed' && !(c.id in NOT_ADVERTISED));
    expect(notPassed.map((c) => ({ id: c.id, status: c.status, failures: c.failures, skip: c.skipReason }))).toEqual([]);
    for (const [id, reason] of Object.entries(NOT_ADVERTISED)) {
      const c = rfcChecks(baseline).find((r) => r.id === id)!;
      expect(c.status, id).toBe('skipped');
      expect(c.skipReason).toContain(reason);
    }
    expect(rfcChecks(baseline).map((c) => c.id).sort()).toEqual(suite.checks.map((c) => c.id).sort());
    expect(baseline.exitCode).toBe(0);
  });

  it('a feature advertised false that works anyway is reported as a note (password change on the reference server)', () => {
    expect(check(baseline, 'change-password').notes?.join(' ')).toMatch(/advertised false but works: changePassword/);
    expect(check(baseline, 'bulk-create').notes ?? []).toEqual([]);
  });

  it('each fault fails the checks it was written for', () => {
    const missed: string[] = [];
    for (const [fault, ids] of Object.entries(EXPECTED)) {
      const failing = failedIds(results.get(fault)!);
      for (const id of ids) {
        expect(suite.checks.some((c) => c.id === `rfc/${id}`), `${id} is an rfc check`).toBe(true);
        if (!failing.includes(id)) missed.push(`${fault} → ${id}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('every rfc-catalog fault fails at least one check and has its expectation listed', () => {
    for (const fault of rfcFaults) {
      if (ADVERTISING_ONLY.has(fault.id)) continue;
      expect(failedIds(results.get(fault.id)!).length, fault.id).toBeGreaterThan(0);
      expect(EXPECTED[fault.id]?.length, `EXPECTED lists ${fault.id}`).toBeGreaterThan(0);
    }
  });

  it('every rfc check is failed by at least one fault of the rfc catalog, and the matrix file is written', () => {
    const caught = new Set(rfcFaults.flatMap((f) => failedIds(results.get(f.id)!)));
    expect(suite.checks.map((c) => c.id.slice(4)).filter((id) => !caught.has(id))).toEqual([]);
    const rows = faults.map((f) => ({ fault: f.id, description: f.description, failing: failedIds(results.get(f.id)!) }));
    writeFileSync(matrixFile, renderMatrix(rows));
    expect(readFileSync(matrixFile, 'utf8')).toContain('| `rfc/create-user` | MUST |');
  });

  it('advertised false: the first check of the feature runs as a probe (skipped, noted), the rest are skipped with the reason', () => {
    const result = results.get('sort-not-advertised')!;
    expect(failedIds(result)).toEqual([]);
    const probe = check(result, 'sort-username');
    expect(probe.status).toBe('skipped');
    expect(probe.skipReason).toMatch(/sort\.supported is false \(run once as a probe: it passed, advertised false but works\)/);
    expect(probe.notes?.join(' ')).toMatch(/advertised false but works: sort/);
    for (const id of ['sort-datetime', 'sort-search']) {
      expect(check(result, id).status).toBe('skipped');
      expect(check(result, id).skipReason).toBe('not advertised: ServiceProviderConfig sort.supported is false');
      expect(check(result, id).exchanges).toEqual([]);
    }
    expect(result.exitCode).toBe(0);
  });

  it('--read-only runs the read-only checks (discovery, unknown ids, errors) and sends nothing but GET and .search', () => {
    const ran = rfcChecks(readOnly).filter((c) => c.status !== 'skipped');
    expect(ran.map((c) => c.id)).toEqual(expect.arrayContaining(['rfc/discovery-config', 'rfc/discovery-schemas', 'rfc/get-unknown-id', 'rfc/error-format']));
    expect(ran.every((c) => c.status === 'passed')).toBe(true);
    const methods = ran.flatMap((c) => c.exchanges.map((e) => `${e.request.method} ${e.request.url.includes('/.search') ? '.search' : ''}`.trim()));
    expect(new Set(methods)).toEqual(new Set(['GET']));
    expect(readOnly.cleanup.removed).toEqual([]);
  });

  it('advertised but broken fails (bulk advertised, /Bulk not implemented)', () => {
    const c = check(results.get('bulk-advertised-broken')!, 'bulk-create');
    expect(c.status).toBe('failed');
    expect(c.failures[0]?.actual).toBe(501);
  });

  it('without usable discovery the suite says so, falls back to the standard schemas, and the rest still passes', () => {
    const result = results.get('discovery-unavailable')!;
    expect(failedIds(result).every((id) => id.startsWith('discovery-'))).toBe(true);
    const notes = rfcChecks(result).flatMap((c) => c.notes ?? []);
    expect(notes.join(' ')).toMatch(/standard RFC 7643 User and Enterprise User schemas/);
    expect(check(result, 'create-user').status).toBe('passed');
    expect(check(result, 'filter-extension-urn').status).toBe('passed');
  });

  it('only MUST failures fail the run by default; --strict makes SHOULD failures fail it too, MAY never', () => {
    const result = results.get('discovery-by-id-missing')!;
    const failed = rfcChecks(result).filter((c) => c.status === 'failed');
    expect(failed.map((c) => [c.id, c.level])).toEqual([['rfc/discovery-by-id', 'SHOULD']]);
    expect(result.exitCode).toBe(0);
    expect(strictShould.exitCode).toBe(1);
    // a MAY failure (nested groups are optional) never fails the run, not even with --strict
    expect(failedIds(strictMay)).toEqual(['group-nested']);
    expect(check(strictMay, 'group-nested').level).toBe('MAY');
    expect(strictMay.exitCode).toBe(0);
    // a MUST failure fails the run without --strict
    expect(results.get('filter-ignored')!.exitCode).toBe(1);
  });
});
