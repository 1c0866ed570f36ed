import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, startServer, type CheckResult, type RunResult } from '../../src/index.js';
import { allFaults } from '../../src/server/faults/index.js';
import { oinFaults } from '../../src/server/faults/catalog-oin.js';
import { oktaFaults } from '../../src/server/faults/catalog-okta.js';
import { loadFaults } from '../../src/server/faults/catalog-load.js';
import { entraFaults } from '../../src/server/faults/catalog-entra.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { tlsMaterial } from '../client/tls-material.js';
import { inPool } from '../helpers/pool.js';

/**
 * The fault matrix: every fault mode of the reference server is run against the default suites (both Okta app
 * variants), to show that each check fails against a server with the defect it exists to catch, that every check
 * is caught by at least one fault, and that the unbroken reference server passes everything. The table
 * fault → failing checks is written to test/fault-matrix.md.
 */

const VARIANTS = ['oin', 'aiw'] as const;
type Variant = (typeof VARIANTS)[number];
const DEFAULT_SUITES = ['okta-spec', 'okta-users', 'okta-groups', 'transport'];
const TRANSPORT_CHECK = 'transport/https';
/** Judges the run's own settings (base URL, authentication), not the server: shown by the runs in 'transport' below. */
const WIZARD_CHECK = 'transport/oin-wizard';
/** In-process servers and runs at once: enough to overlap I/O, few enough for a 2-core machine. */
const PARALLEL_RUNS = 6;

const suitesDir = new URL('../../suites/', import.meta.url);
const matrixFile = fileURLToPath(new URL('../fault-matrix.md', import.meta.url));

/**
 * Fault → the checks that must fail because of it (the first is the check the fault was written for; more may
 * fail), and what a failure of that first check must show (matched against "assertion → actual"), so a fault
 * cannot pass the matrix by breaking the check for some unrelated reason.
 */
const EXPECTED: Record<string, { fails: string[]; shows: RegExp }> = {
  // catalog-core (the server's examples)
  'create-returns-200': { fails: ['okta-users/create-user', 'okta-groups/create-group', 'okta-groups/provision-members'], shows: /status is 201 → 200/ },
  '401-without-scim-body': { fails: ['okta-spec/bad-credentials'], shows: /body\.detail is not empty/ },
  'userName-case-sensitive': { fails: ['okta-users/lookup-ignores-case', 'okta-spec/filter-username-caps'], shows: /totalResults equals 1 → 0/ },
  'deactivate-deletes': { fails: ['okta-users/deactivate-patch', 'okta-users/deactivate-put'], shows: /status is 200 → 404/ },
  'list-ignores-count': { fails: ['okta-users/page-fields', 'okta-users/import-small-pages', 'okta-spec/list-users'], shows: /itemsPerPage equals 1/ },
  // catalog-okta
  'users-list-requires-filter': { fails: ['okta-spec/ensure-user', 'okta-spec/list-users', 'okta-users/import-okta-pages'], shows: /status is 200 → 400/ },
  'get-by-id-returns-list': { fails: ['okta-spec/get-user', 'okta-spec/read-created-user', 'okta-users/attribute-round-trip'], shows: /valid SCIM User/ },
  '404-without-scim-body': { fails: ['okta-spec/get-unknown-id', 'okta-spec/unknown-id-status', 'okta-groups/delete-group'], shows: /body\.detail is not empty/ },
  'error-without-status': { fails: ['okta-spec/unknown-id-status', 'okta-spec/bad-credentials'], shows: /body\.status equal "404"/ },
  'bodyless-content-type-rejected': { fails: ['okta-groups/delete-group', 'okta-spec/list-users'], shows: /status is 204 → 400/ },
  'query-plus-not-space': { fails: ['okta-users/lookup-plus-encoded'], shows: /status is 200 → 400/ },
  'create-upserts-duplicate': { fails: ['okta-spec/duplicate-create'], shows: /status is 409 → 200/ },
  'scim-json-charset-rejected': { fails: ['okta-users/create-user', 'okta-groups/create-group'], shows: /status is 201 → 415/ },
  'userName-filter-ignored': { fails: ['okta-users/lookup-before-create', 'okta-users/lookup-finds-user', 'okta-spec/filter-unknown-username'], shows: /totalResults equals 0/ },
  'startIndex-zero-based': { fails: ['okta-users/lookup-finds-user', 'okta-users/import-small-pages'], shows: /Resources has length 1/ },
  'create-rejects-readonly-groups': { fails: ['okta-users/create-user'], shows: /status is 201 → 400/ },
  'userName-lowercased': { fails: ['okta-users/create-user', 'okta-spec/create-user'], shows: /userName equals/ },
  'enterprise-extension-dropped': { fails: ['okta-users/attribute-round-trip', 'okta-users/profile-push-put'], shows: /department equals/ },
  'password-returned': { fails: ['okta-users/password-never-returned', 'okta-users/create-user'], shows: /password is absent/ },
  'totalResults-off-by-one': { fails: ['okta-users/import-okta-pages', 'okta-users/import-small-pages', 'okta-users/lookup-finds-user'], shows: /totalResults distinct resources/ },
  'list-ignores-startIndex': { fails: ['okta-users/import-small-pages', 'okta-users/page-fields'], shows: /no resource appears on two pages/ },
  'startIndex-not-echoed': { fails: ['okta-users/page-fields'], shows: /startIndex equals 2 → 1/ },
  'put-ignores-name': { fails: ['okta-users/profile-push-put'], shows: /name\.givenName equals/ },
  'put-rejects-readonly-meta': { fails: ['okta-users/profile-push-put'], shows: /status is 200 → 400/ },
  'put-merges': { fails: ['okta-users/profile-push-put-clears'], shows: /department does not equal/ },
  'patch-ignores-urn-path': { fails: ['okta-users/profile-push-patch'], shows: /department equals/ },
  'patch-pathless-ignored': { fails: ['okta-users/deactivate-patch', 'okta-groups/rename-pathless'], shows: /active (equals false|does not equal true) → true/ },
  'deactivated-hidden-from-filter': { fails: ['okta-users/deactivate-patch', 'okta-users/deactivate-put'], shows: /totalResults equals 1 → 0/ },
  'reactivation-ignored': { fails: ['okta-users/reactivate-patch', 'okta-users/reactivate-put'], shows: /active (equals true|does not equal false) → false/ },
  'put-ignores-active': { fails: ['okta-users/deactivate-put'], shows: /active equals false → true/ },
  'group-filter-ignored': { fails: ['okta-groups/lookup-before-push', 'okta-groups/lookup-by-name'], shows: /totalResults equals 0/ },
  'group-create-rejects-empty-members': { fails: ['okta-groups/create-group'], shows: /status is 201 → 400/ },
  'patch-rejects-readonly-id': { fails: ['okta-groups/rename-pathless'], shows: /status is 200 or 204 → 400/ },
  'group-add-keeps-first-member': { fails: ['okta-groups/add-members'], shows: /members has length 3 → / },
  'patch-applies-first-operation-only': { fails: ['okta-groups/membership-delta', 'okta-users/profile-push-patch'], shows: /members contains/ },
  'group-remove-member-removes-all': { fails: ['okta-groups/remove-one-member'], shows: /members has length 2 → / },
  'group-replace-members-appends': { fails: ['okta-groups/push-now-replace'], shows: /members has length 2 → / },
  'group-replace-empty-ignored': { fails: ['okta-groups/push-now-empty'], shows: /members\[0\] is absent/ },
  'exclude-members-ignored': { fails: ['okta-groups/read-without-members'], shows: /members is absent/ },
  'user-groups-empty': { fails: ['okta-groups/user-groups-reflect-membership'], shows: /groups contains/ },
  'group-delete-soft': { fails: ['okta-groups/delete-group'], shows: /status is 404 → 200/ },
  'group-delete-deletes-members': { fails: ['okta-groups/delete-group'], shows: /status is 200 → 404/ },
  'group-put-ignores-displayName': { fails: ['okta-groups/put-rename'], shows: /displayName equals/ },
  'group-put-ignores-members': { fails: ['okta-groups/put-members'], shows: /members has length 3 → / },
  'group-put-merges-members': { fails: ['okta-groups/put-remove-member', 'okta-groups/put-empty-members'], shows: /members has length 2 → / },
  // catalog-oin
  'scheme-less-authorization-500': { fails: ['okta-spec/bad-credentials'], shows: /status is 401 → 500/ },
  'error-status-number': { fails: ['okta-spec/unknown-id-status', 'okta-spec/bad-credentials', 'okta-spec/get-unknown-id'], shows: /body\.status is of type string/ },
  'userName-eq-substring': { fails: ['okta-users/lookup-exact-match'], shows: /totalResults equals 1 → 2/ },
  'userName-case-duplicate-created': { fails: ['okta-users/create-case-duplicate'], shows: /status is 409 → 201/ },
  'patch-returns-previous': { fails: ['okta-users/deactivate-patch'], shows: /body\.active does not equal true/ },
  'put-rejects-own-groups': { fails: ['okta-users/profile-push-put', 'okta-users/deactivate-again-put'], shows: /status is 200 → 400/ },
  'second-deactivation-ignored': { fails: ['okta-users/deactivate-again-patch', 'okta-users/deactivate-again-put'], shows: /body\.active does not equal true → true/ },
  'resource-types-omit-extensions': { fails: ['okta-users/import-user-schema'], shows: /schemaExtensions contains/ },
  'rate-limit-retry-after-http-date': { fails: ['transport/rate-limit-retry-after'], shows: /retryAfters matches .* → .*GMT/ },
  'group-patch-batch-capped': { fails: ['okta-groups/push-at-scale'], shows: /status is 200 or 204 → 400/ },
};

function loadSuite(id: string): SuiteFile {
  return JSON.parse(readFileSync(new URL(`${id}.json`, suitesDir), 'utf8')) as SuiteFile;
}

/** Every check id of the default suites that runs in `variant`. */
function checksOf(suites: SuiteFile[], variant: Variant): string[] {
  return suites.flatMap((s) => (s.variant && s.variant !== variant ? [] : s.checks.filter((c) => !c.variant || c.variant === variant).map((c) => c.id)));
}

const allChecks = (result: RunResult): CheckResult[] => result.suites.flatMap((s) => s.checks);
/**
 * A response-time assertion (okta-spec/groups-endpoint: maxMs) measures the machine, not the fault: a fault run
 * among many in one process on a loaded machine can be slow. A check counts as failed by a fault only when some
 * other assertion failed, so the generated table is the same on every run.
 */
const TIMING_ASSERTION = /^response time is under \d+ ms$/;
const failedByFault = (check: CheckResult): boolean => check.status === 'failed' && check.failures.some((f) => !TIMING_ASSERTION.test(f.assertion));
const failedIds = (result: RunResult): string[] => allChecks(result).filter(failedByFault).map((c) => c.id);

const runAgainst = (faults: string[], variant: Variant): Promise<RunResult> =>
  run({ suites: DEFAULT_SUITES, oktaApp: variant, server: { faults, quiet: true } });

/** How the transport check came out in a run, in words (or why the run stopped before any check). */
function transportOutcome(result: RunResult): string {
  const check = allChecks(result).find((c) => c.id === TRANSPORT_CHECK);
  // The port is random; leave it out so the generated file only changes when behaviour does.
  if (!check) return `run stopped before the checks (exit ${result.exitCode}): ${(result.fatal ?? '').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')}`;
  return check.failures[0] ? `${check.status}: ${check.failures[0].assertion}` : check.status;
}

interface MatrixRow {
  fault: string;
  description: string;
  failing: Record<Variant, string[]>;
  /** Each failing check's failures as "assertion → actual" lines. */
  reasons: Map<string, string[]>;
}

const failureLines = (check: CheckResult): string[] =>
  check.failures.map((f) => `${f.assertion} → ${typeof f.actual === 'string' ? f.actual : JSON.stringify(f.actual)}`);

function renderMatrix(rows: MatrixRow[], transport: { http: string; untrusted: string; insecure: string; trusted: string }, checks: Record<Variant, string[]>): string {
  const cell = (ids: string[]): string => (ids.length ? ids.map((id) => `\`${id}\``).join(', ') : '—');
  const lines = [
    '# Fault matrix',
    '',
    'Generated by `test/suites/fault-matrix.test.ts` (do not edit by hand). Each row runs the default suites',
    '(okta-spec, okta-users, okta-groups, transport) against the reference server started with one fault',
    '(`scim-check serve --fault ID`), for the catalog Okta app (oin) and the private app variant (aiw). A check',
    'that failed only its response-time limit is not listed: that measures the machine, not the fault.',
    '',
    '| Fault | What the broken server does | Failing checks (oin) | Failing checks (aiw) |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.fault}\` | ${r.description.replace(/\|/g, '\\|')} | ${cell(r.failing.oin)} | ${cell(r.failing.aiw)} |`),
    '',
    '## Transport',
    '',
    '| Server | Result of `transport/https` |',
    '| --- | --- |',
    `| plain http:// | ${transport.http} |`,
    `| https:// with a certificate the client does not trust | ${transport.untrusted} |`,
    `| https:// with that certificate, run with --insecure | ${transport.insecure} |`,
    `| https:// with a trusted certificate | ${transport.trusted} |`,
    '',
    '## Check → faults that catch it',
    '',
    '| Check | Caught by |',
    '| --- | --- |',
  ];
  const ids = [...new Set([...checks.oin, ...checks.aiw])];
  for (const id of ids) {
    if (id === TRANSPORT_CHECK) {
      lines.push(`| \`${id}\` | plain http:// (warning), untrusted certificate (connection refused), --insecure (warning) |`);
      continue;
    }
    if (id === WIZARD_CHECK) {
      lines.push(`| \`${id}\` | a base URL with '_' (warning), HTTP Basic authentication (warning) |`);
      continue;
    }
    const catching = rows.filter((r) => r.failing.oin.includes(id) || r.failing.aiw.includes(id)).map((r) => `\`${r.fault}\``);
    lines.push(`| \`${id}\` | ${catching.join(', ') || '**nothing**'} |`);
  }
  return `${lines.join('\n')}\n`;
}

describe('fault matrix: every check fails against the defect it exists to catch', () => {
  const suites = DEFAULT_SUITES.map(loadSuite);
  const checks = { oin: checksOf(suites, 'oin'), aiw: checksOf(suites, 'aiw') };
  // The concurrency and load faults break only what bursts and sustained load see (test/suites/concurrency-faults.test.ts,
  // test/cli/load.test.ts); against the default suites their 61 s spikes and random 429s would only slow CI down.
  // The Entra faults break only Entra's request shapes, which no Okta suite sends (test/suites/entra-faults.test.ts).
  const faults = allFaults().filter((f) => !loadFaults.includes(f) && !entraFaults.includes(f));
  const baseline = {} as Record<Variant, RunResult>;
  const rows: MatrixRow[] = [];

  beforeAll(async () => {
    // The unbroken server first, one run at a time: it must pass every check, its response-time one included,
    // which many runs sharing this process would slow down.
    for (const variant of VARIANTS) baseline[variant] = await runAgainst([], variant);
    const tasks = [
      ...faults.map((fault) => async () => {
        const [oin, aiw] = await Promise.all(VARIANTS.map((variant) => runAgainst([fault.id], variant)));
        const reasons = new Map<string, string[]>();
        for (const check of [...allChecks(oin!), ...allChecks(aiw!)]) if (failedByFault(check)) reasons.set(check.id, failureLines(check));
        rows.push({ fault: fault.id, description: fault.description, failing: { oin: failedIds(oin!), aiw: failedIds(aiw!) }, reasons });
      }),
    ];
    await inPool(tasks, PARALLEL_RUNS);
    const order = new Map(faults.map((f, i) => [f.id, i]));
    rows.sort((a, b) => order.get(a.fault)! - order.get(b.fault)!);
  }, 120_000);

  it.each(VARIANTS)('the reference server without faults passes every check (%s)', (variant) => {
    const result = baseline[variant];
    const notPassed = allChecks(result).filter((c) => c.status !== 'passed' && c.id !== TRANSPORT_CHECK);
    expect(notPassed.map((c) => ({ id: c.id, status: c.status, failures: c.failures, skip: c.skipReason }))).toEqual([]);
    expect(allChecks(result).map((c) => c.id).sort()).toEqual([...checks[variant]].sort());
    expect(result.exitCode).toBe(0);
  });

  it('each fault fails the checks it was written for, and those failures name the check and show the defect', () => {
    const missed: string[] = [];
    for (const [fault, { fails, shows }] of Object.entries(EXPECTED)) {
      const row = rows.find((r) => r.fault === fault);
      expect(row, `fault ${fault} is in the catalog`).toBeDefined();
      for (const id of fails) {
        const variant = VARIANTS.find((v) => checks[v].includes(id));
        expect(variant, `${id} is a check of the default suites`).toBeDefined();
        if (!row!.failing[variant!].includes(id)) missed.push(`${fault} → ${id} (${variant}) did not fail`);
      }
      const reasons = row!.reasons.get(fails[0]!) ?? [];
      if (!reasons.some((line) => shows.test(line))) missed.push(`${fault} → ${fails[0]} failed without showing ${shows}: ${reasons.join('; ')}`);
    }
    expect(missed).toEqual([]);
  });

  it('every Okta-catalog fault fails at least one check and has its expectation listed', () => {
    for (const fault of [...oktaFaults, ...oinFaults]) {
      const row = rows.find((r) => r.fault === fault.id)!;
      expect(row.failing.oin.length + row.failing.aiw.length, fault.id).toBeGreaterThan(0);
      expect(EXPECTED[fault.id]?.fails.length, `EXPECTED lists ${fault.id}`).toBeGreaterThan(0);
    }
  });

  it('every check of every default suite is failed by at least one fault', () => {
    const caught = new Set(rows.flatMap((r) => [...r.failing.oin, ...r.failing.aiw]));
    const uncaught = [...new Set([...checks.oin, ...checks.aiw])].filter((id) => id !== TRANSPORT_CHECK && id !== WIZARD_CHECK && !caught.has(id));
    expect(uncaught).toEqual([]);
  });

  describe('transport', () => {
    let untrusted: RunResult;
    let insecure: RunResult;
    let trusted: RunResult;

    beforeAll(async () => {
      // Self-signed for 127.0.0.1: untrusted unless given as the CA.
      const certificate = tlsMaterial().selfSigned;
      const server = await startServer({ port: 0, host: '127.0.0.1', quiet: true, tls: certificate });
      try {
        untrusted = await run({ url: server.url, token: server.token, suites: ['transport'] });
        insecure = await run({ url: server.url, token: server.token, suites: ['transport'], insecure: true });
        trusted = await run({ url: server.url, token: server.token, suites: ['transport'], ca: certificate.cert });
      } finally {
        await server.close();
      }
    }, 30_000);

    it("OIN Wizard rules: a base URL with '_' and HTTP Basic are warnings that say why; the default run passes them", async () => {
      expect(allChecks(baseline.oin).find((c) => c.id === WIZARD_CHECK)?.status).toBe('passed');
      const server = await startServer({ port: 0, quiet: true, basePath: '/scim_v2', basic: { user: 'okta', pass: 'wizard-basic-pass' } });
      try {
        const result = await run({ url: server.url, basic: { user: 'okta', pass: 'wizard-basic-pass' }, suites: ['transport'] });
        const check = allChecks(result).find((c) => c.id === WIZARD_CHECK)!;
        expect(check.status).toBe('warning');
        expect(check.failures.map((f) => f.message)).toEqual([expect.stringMatching(/'_'/), expect.stringMatching(/Basic is not accepted by the OIN Wizard/)]);
        expect(result.exitCode).toBe(0);
      } finally {
        await server.close();
      }
    });

    it('plain http:// is reported as a warning, not a failure', () => {
      const check = allChecks(baseline.oin).find((c) => c.id === TRANSPORT_CHECK)!;
      expect(check.status).toBe('warning');
      expect(check.failures.map((f) => f.assertion).join(' ')).toMatch(/https/);
    });

    it('https:// with a certificate the client does not trust fails', () => {
      expect(untrusted.exitCode).not.toBe(0);
      const check = allChecks(untrusted).find((c) => c.id === TRANSPORT_CHECK);
      if (check) expect(check.status).toBe('failed');
      else expect(untrusted.fatal).toMatch(/certificate|TLS|self.signed/i);
    });

    it('https:// without certificate verification (--insecure) is a warning, not a pass', () => {
      const check = allChecks(insecure).find((c) => c.id === TRANSPORT_CHECK)!;
      expect(check.status).toBe('warning');
      expect(check.failures.map((f) => f.assertion).join(' ')).toMatch(/certificateVerified/);
    });

    it('https:// with a trusted certificate passes, and the matrix file is written', () => {
      expect(allChecks(trusted).find((c) => c.id === TRANSPORT_CHECK)?.status).toBe('passed');
      expect(trusted.exitCode).toBe(0);
      const transport = { http: transportOutcome(baseline.oin), untrusted: transportOutcome(untrusted), insecure: transportOutcome(insecure), trusted: transportOutcome(trusted) };
      writeFileSync(matrixFile, renderMatrix(rows, transport, checks));
      expect(readFileSync(matrixFile, 'utf8')).toContain('| `okta-users/create-user` |');
    });
  });
});
