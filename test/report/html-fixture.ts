/**
 * Hand-built RunResult fixtures for the HTML report tests, shaped like what the runner produces against a
 * server that fails a few checks: a full okta-spec suite, an RFC suite with every status, transport errors,
 * and a hostile response body that tries to inject markup.
 */
import type { Exchange } from '../../src/client/exchange.js';
import type { CheckResult, CheckStatus, RunResult, SuiteResult } from '../../src/runner/results.js';

export const BASE_URL = 'https://scim.example.test/scim/v2';
export const INJECTION = '<script>window.__injected = true</script><img src=x onerror="window.__injected=true">';

let clock = Date.parse('2026-11-29T18:00:00.000Z');

function exchange(method: string, path: string, status: number | null, ms: number, body?: unknown, requestBody?: unknown): Exchange {
  const startedAt = new Date((clock += 50)).toISOString();
  const record: Exchange = {
    request: {
      method,
      url: `${BASE_URL}${path}`,
      headers: { accept: 'application/scim+json', authorization: 'Bearer [REDACTED]', 'user-agent': 'scim-check/0.1.0' },
      ...(requestBody === undefined ? {} : { body: JSON.stringify(requestBody) }),
    },
    ms,
    startedAt,
  };
  if (status === null) {
    record.error = { code: 'ETIMEDOUT', message: 'no response within 10000 ms' };
  } else {
    record.response = {
      status,
      headers: { 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body), json: body }),
    };
  }
  return record;
}

function check(suite: string, name: string, title: string, status: CheckStatus, exchanges: Exchange[], extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id: `${suite}/${name}`,
    suite,
    title,
    description: `Asserts that ${title.toLowerCase()}.`,
    level: 'MUST',
    source: 'RFC 7644 §3.4.2',
    status,
    ms: exchanges.reduce((sum, x) => sum + x.ms, 0) + 1,
    failures: [],
    exchanges,
    ...extra,
  };
}

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'Runscope123Hfluaklab151@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'Runscope123Hfluaklab151@example.com', type: 'work', primary: true }],
  active: true,
};
const EMPTY_LIST = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 };

function oktaSpecSuite(): SuiteResult {
  const s = 'okta-spec';
  const userPath = `/Users/${USER.id}`;
  const checks: CheckResult[] = [
    check(s, 'users-endpoint', 'Test Users endpoint', 'passed', [exchange('GET', '/Users?count=1&startIndex=1', 200, 41, { ...EMPTY_LIST, totalResults: 1, Resources: [USER] })]),
    check(s, 'get-user', 'Get Users/{{id}}', 'passed', [exchange('GET', userPath, 200, 18, USER)]),
    check(s, 'invalid-user-by-username', 'Test invalid User by username', 'passed', [exchange('GET', '/Users?filter=userName%20eq%20%22nobody%40example.com%22', 200, 22, EMPTY_LIST)]),
    check(s, 'invalid-user-by-id', 'Test invalid User by ID', 'passed', [exchange('GET', '/Users/00919288221112222', 404, 9, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' })]),
    check(s, 'random-user-absent', "Make sure random user doesn't exist", 'passed', [exchange('GET', '/Users?filter=userName%20eq%20%22r4nd%40example.com%22', 200, 25, EMPTY_LIST)]),
    check(s, 'create-user', 'Create Okta user with realistic values', 'passed', [exchange('POST', '/Users', 201, 63, USER, { ...USER, id: undefined })]),
    check(s, 'verify-created', 'Verify that user was created', 'passed', [exchange('GET', userPath, 200, 15, USER)]),
    check(s, 'duplicate-user', 'Expect failure when recreating user with same values', 'failed', [exchange('POST', '/Users', 201, 71, { ...USER, id: 'duplicate', note: INJECTION }, { ...USER, id: undefined })], {
      failures: [
        {
          assertion: 'status is 409',
          expected: 409,
          actual: 201,
          source: 'Okta SPEC test step 8; RFC 7644 §3.3',
          message: 'Okta treats anything but 409 as a second, duplicate account.',
          exchange: 0,
        },
      ],
    }),
    check(s, 'username-case', 'Username Case Sensitivity Check', 'passed', [exchange('GET', '/Users?filter=userName%20eq%20%22RUNSCOPE123HFLUAKLAB151%40EXAMPLE.COM%22', 200, 30, EMPTY_LIST)]),
    check(s, 'groups-endpoint', 'Verify Groups endpoint', 'warning', [exchange('GET', '/Groups', 501, 5, { detail: 'not implemented' })], {
      level: 'MAY',
      failures: [{ assertion: 'status is 200', expected: 200, actual: 501, source: 'Okta SPEC test (optional step)', exchange: 0 }],
    }),
    check(s, 'status-401', 'Check status 401', 'passed', [exchange('GET', '/Users?filter=userName%20eq%20%22x%22', 401, 4, { status: '401', detail: 'unauthorized' })]),
    check(s, 'status-404', 'Check status 404', 'passed', [exchange('GET', '/Users/00919288221112222', 404, 8, { status: '404', detail: 'not found' })]),
  ];
  // As in the real suite, each check's source names the Okta SPEC-test step it stands for.
  checks.forEach((c, i) => {
    if (!/step \d+/i.test(c.source)) c.source = `Okta SPEC test step ${i + 1}; ${c.source}`;
  });
  return { id: s, title: 'Okta SCIM 2.0 SPEC test', checks };
}

function rfcUsersSuite(): SuiteResult {
  const s = 'rfc-users';
  const patches = Array.from({ length: 20 }, (_, i) => exchange('PATCH', `/Users/${USER.id}`, 200, 20 + i * 3, USER, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: i % 2 === 0 }] }));
  const checks: CheckResult[] = [
    check(s, 'patch-active', 'PATCH replace active toggles the user', 'passed', patches),
    check(s, 'put-user', 'PUT replaces the user', 'passed', [exchange('PUT', `/Users/${USER.id}`, 200, 44, USER, USER)]),
    check(s, 'filter-timeout', 'Filter by emails.value answers', 'failed', [exchange('GET', '/Users?filter=emails.value%20eq%20%22a%40example.com%22', null, 10_000)], {
      failures: [{ assertion: 'a response arrives', message: 'The request timed out', source: 'RFC 7644 §3.4.2.2', exchange: 0 }],
    }),
    check(s, 'sort', 'sortBy is honoured when advertised', 'skipped', [], { level: 'MAY', skipReason: 'ServiceProviderConfig advertises sort.supported = false' }),
    check(s, 'etag', 'ETag changes on update', 'known-failure', [exchange('GET', `/Users/${USER.id}`, 200, 12, USER)], {
      level: 'SHOULD',
      failures: [{ assertion: 'header.etag exists', expected: 'a weak ETag', actual: undefined, source: 'RFC 7644 §3.14' }],
      notes: ['listed in allowFailures'],
    }),
    check(s, 'delete-user', 'DELETE removes the user', 'passed', [exchange('DELETE', `/Users/${USER.id}`, 204, 16), exchange('GET', `/Users/${USER.id}`, 404, 7, { status: '404' })]),
  ];
  return { id: s, title: 'RFC 7644 Users', checks };
}

export function countStatuses(suites: SuiteResult[]): RunResult['counts'] {
  const all = suites.flatMap((s) => s.checks);
  const count = (status: CheckStatus) => all.filter((c) => c.status === status).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), warnings: count('warning'), knownFailures: count('known-failure') };
}

/** A failing run: 1 okta-spec failure (with an injection payload in its body) and 1 RFC timeout. */
export function failingRun(): RunResult {
  const suites = [oktaSpecSuite(), rfcUsersSuite()];
  return {
    formatVersion: 1,
    tool: { name: 'scim-check', version: '0.1.0' },
    target: { url: BASE_URL, embedded: false },
    startedAt: '2026-11-29T18:00:00.000Z',
    ms: 10_912,
    suites,
    counts: countStatuses(suites),
    cleanup: {
      removed: [{ resourceType: 'User', id: USER.id, how: 'deleted' }],
      left: [{ resourceType: 'User', id: 'duplicate', reason: 'DELETE answered 500', howToRemove: `DELETE ${BASE_URL}/Users/duplicate` }],
      kept: [],
    },
    exitCode: 1,
  };
}

/** Every check passing (the okta-spec suite only). */
export function passingRun(): RunResult {
  const suite = oktaSpecSuite();
  suite.checks = suite.checks.map((c) => ({ ...c, status: 'passed', failures: [] }));
  const suites = [suite];
  return { ...failingRun(), suites, counts: countStatuses(suites), exitCode: 0, cleanup: { removed: [], left: [], kept: [] } };
}

/** The target never answered: no suites ran. */
export function unreachableRun(): RunResult {
  return {
    ...failingRun(),
    suites: [],
    counts: { passed: 0, failed: 0, skipped: 0, warnings: 0, knownFailures: 0 },
    cleanup: { removed: [], left: [], kept: [] },
    exitCode: 3,
    fatal: `connect ECONNREFUSED: nothing listens at ${BASE_URL}`,
  };
}
