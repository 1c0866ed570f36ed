import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/runner/run.js';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { startFakeScim, type FakeScim, type FakeSwitches } from './fake-scim.js';
import { tempDir } from '../helpers/temp-dir.js';

let fake: FakeScim | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function runAgainstFake(switches: FakeSwitches = {}, options: RunOptions = {}, seedUsers = 1): Promise<RunResult> {
  fake = await startFakeScim(switches, seedUsers);
  return run({ url: fake.url, token: fake.token, suites: ['okta-spec'], ...options });
}

const checksOf = (result: RunResult): Map<string, CheckResult> => new Map(result.suites.flatMap((s) => s.checks).map((c) => [c.id, c]));
const statusOf = (result: RunResult, id: string): string | undefined => checksOf(result).get(id)?.status;
const prefixedUsers = (f: FakeScim): unknown[] => [...f.users.values()].filter((u) => String(u.userName).startsWith('scim-check-'));

/** Writes a suite file for a test; title, description and source are placeholders unless `extra` sets them. */
function suiteFile(id: string, checks: SuiteFile['checks'], extra: Partial<SuiteFile> = {}): string {
  const suite: SuiteFile = { id, title: id, description: 'd', source: 's', ...extra, checks };
  const dir = tempDir('scim-check-suite-');
  const file = join(dir, `${suite.id}.json`);
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

describe('run against a small correct SCIM server', () => {
  it('passes every okta-spec check, with Okta headers, and removes the user it created', async () => {
    const result = await runAgainstFake();
    const notPassed = [...checksOf(result).values()].filter((c) => c.suite === 'okta-spec' && c.status !== 'passed');
    expect(notPassed.map((c) => ({ id: c.id, failures: c.failures }))).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.suites.map((s) => s.id)).toEqual(['okta-spec', 'transport']);
    expect(statusOf(result, 'transport/https')).toBe('warning'); // plain http: a warning, not a failure
    expect(result.cleanup.removed).toEqual([{ resourceType: 'User', id: expect.any(String), how: 'deleted' }]);
    expect(prefixedUsers(fake!)).toEqual([]);
    const create = fake!.requests.find((r) => r.method === 'POST')!;
    expect(create.headers['user-agent']).not.toBe('OKTA SCIM Integration'); // Okta's step 6 sends no User-Agent
    expect(create.headers['accept-charset']).toBeUndefined();
    expect(create.headers['content-type']).toBe('application/json'); // the SPEC step's own header wins
    const get = fake!.requests.find((r) => r.method === 'GET' && r.url.includes('count=1&startIndex=1'))!;
    expect(get.headers.accept).toBe('application/scim+json');
    expect(get.headers['user-agent']).toBe('OKTA SCIM Integration');
    const created = JSON.parse(create.body) as { userName: string };
    expect(created.userName).toMatch(/^scim-check-Avery\d{3}[A-Z][a-z]{8}\d{3}@example\.com$/);
  });

  it('creates a user first when the server has none, and removes it afterwards', async () => {
    const result = await runAgainstFake({}, {}, 0);
    expect(statusOf(result, 'okta-spec/list-users')).toBe('passed');
    expect(result.cleanup.removed).toHaveLength(2);
    expect(fake!.users.size).toBe(0);
  });

  it('uses --prefix and --user-domain for generated names', async () => {
    const result = await runAgainstFake({}, { prefix: 'zz-test-', userDomain: 'corp.example' });
    expect(result.exitCode).toBe(0);
    const create = fake!.requests.find((r) => r.method === 'POST')!;
    expect((JSON.parse(create.body) as { userName: string }).userName).toMatch(/^zz-test-.*@corp\.example$/);
  });
});

describe('failures, dependencies and exit codes', () => {
  it('a case-sensitive userName filter fails the ALL-CAPS check with expected vs actual, and exit code 1', async () => {
    const result = await runAgainstFake({ caseSensitiveFilter: true });
    const check = checksOf(result).get('okta-spec/filter-username-caps')!;
    expect(check.status).toBe('failed');
    expect(check.failures[0]).toMatchObject({ assertion: 'body.totalResults equals 1', expected: 1, actual: 0, exchange: 0 });
    expect(check.failures[0]!.source).toContain('RFC 7643');
    expect(check.exchanges[0]!.request.url).toContain('filter=userName%20eq%20%22SCIM-CHECK-AVERY');
    expect(result.exitCode).toBe(1);
    expect(prefixedUsers(fake!)).toEqual([]); // cleanup also after a failure
  });

  it("Okta's SPEC steps run after a failed step, as Okta's test does; the OIN verdict names only the failing step; what was created is still cleaned up", async () => {
    const result = await runAgainstFake({ createStatus: 200 });
    expect(statusOf(result, 'okta-spec/create-user')).toBe('failed');
    for (const id of ['okta-spec/read-created-user', 'okta-spec/duplicate-create', 'okta-spec/filter-username-caps']) expect(statusOf(result, id)).toBe('passed');
    expect(result.oin?.steps.filter((s) => !s.passed).map((s) => s.step)).toEqual([6]);
    expect(result.cleanup.removed).toHaveLength(1); // the 200-created user was auto-registered
    expect(prefixedUsers(fake!)).toEqual([]);
  });

  it('in other suites a failed prerequisite skips its dependents with the reason', async () => {
    fake = await startFakeScim();
    const file = suiteFile('deps', [
      { id: 'deps/first', title: 't', description: 'd', level: 'MUST', source: 's', steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 299 }] }] },
      { id: 'deps/second', title: 't', description: 'd', level: 'MUST', source: 's', dependsOn: ['deps/first'], steps: [{ request: { method: 'GET', path: '/Users' } }] },
    ]);
    const result = await run({ url: fake.url, token: fake.token, suites: [file] });
    expect(checksOf(result).get('deps/second')).toMatchObject({ status: 'skipped', skipReason: 'prerequisite deps/first did not pass' });
  });

  it('deactivates users when the server does not support DELETE (405)', async () => {
    const result = await runAgainstFake({ userDeleteStatus: 405 });
    expect(result.cleanup.removed).toEqual([{ resourceType: 'User', id: expect.any(String), how: 'deactivated' }]);
    expect(prefixedUsers(fake!)).toMatchObject([{ active: false }]);
  });

  it('reports what it could not remove, and how', async () => {
    const result = await runAgainstFake({ userDeleteStatus: 500 });
    expect(result.cleanup.left).toEqual([
      { resourceType: 'User', id: expect.any(String), reason: 'DELETE answered HTTP 500', howToRemove: expect.stringContaining('curl -X DELETE') },
    ]);
  });

  it('--keep leaves created resources and reports their ids', async () => {
    const result = await runAgainstFake({}, { keep: true });
    expect(result.cleanup.kept).toHaveLength(1);
    expect(prefixedUsers(fake!)).toHaveLength(1);
    expect(fake!.users.has(result.cleanup.kept[0]!.id)).toBe(true);
  });

  it('a 401 without a SCIM body fails the bad-credentials check', async () => {
    const result = await runAgainstFake({ plain401: true });
    const check = checksOf(result).get('okta-spec/bad-credentials')!;
    expect(check.status).toBe('failed');
    expect(check.failures.map((f) => f.assertion)).toContain('body.schemas has value "urn:ietf:params:scim:api:messages:2.0:Error"');
  });

  it('a slow /Groups fails the SHOULD-level check without failing the run, unless --strict', async () => {
    const relaxed = await runAgainstFake({ groupsDelayMs: 650 }, { only: ['okta-spec/groups-endpoint'] });
    expect(statusOf(relaxed, 'okta-spec/groups-endpoint')).toBe('failed');
    expect(checksOf(relaxed).get('okta-spec/groups-endpoint')!.failures[0]!.assertion).toBe('response time is under 600 ms');
    expect(relaxed.exitCode).toBe(0);
    await fake!.close();
    const strict = await runAgainstFake({ groupsDelayMs: 650 }, { only: ['okta-spec/groups-endpoint'], strict: true });
    expect(strict.exitCode).toBe(1);
  });

  it('count ignored by the server fails the list check', async () => {
    const result = await runAgainstFake({ ignoreCount: true }, {}, 2);
    expect(checksOf(result).get('okta-spec/list-users')!.failures.map((f) => f.assertion)).toEqual(['body.Resources has length 1']);
  });

  it('validates every SCIM body automatically: a string totalResults fails a check that asserts only the status', async () => {
    const file = suiteFile('mini', [{ id: 'mini/list', title: 'list', description: 'd', level: 'MUST', source: 'test', steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }] }]);
    const result = await runAgainstFake({ totalAsString: true }, { suites: [file] });
    const check = checksOf(result).get('mini/list')!;
    expect(check.status).toBe('failed');
    expect(check.failures[0]!.assertion).toBe('response body is a valid SCIM UserListResponse');
    expect(JSON.stringify(check.failures[0]!.actual)).toContain('/totalResults');
    expect(check.failures[0]!.source).toContain('RFC 7644 §3.4.2');
  });

  it('exit code 3 with one line when the target cannot be reached or rejects the credentials', async () => {
    fake = await startFakeScim();
    const wrongToken = await run({ url: fake.url, token: 'not-the-token', suites: ['okta-spec'] });
    expect(wrongToken).toMatchObject({ exitCode: 3, fatal: `${fake.url} rejected the credentials (HTTP 401 on GET /Users)` });
    expect(wrongToken.suites).toEqual([]);
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const unreachable = await run({ url, token: 'some-token', suites: ['okta-spec'] });
    expect(unreachable.exitCode).toBe(3);
    expect(unreachable.fatal).toMatch(new RegExp(`^cannot reach ${url}: `));
    expect(unreachable.fatal).not.toContain('\n');
  });

  it('exit code 2 for configuration errors', async () => {
    expect(await run({ url: 'ftp://x', token: 'tok' })).toMatchObject({ exitCode: 2, fatal: '--url must be http:// or https:// (got ftp:)' });
    expect(await run({ url: 'http://127.0.0.1:9/scim', token: 'tok', suites: ['nope'] })).toMatchObject({ exitCode: 2, fatal: expect.stringContaining('unknown suite "nope"') });
    expect(await run({ url: 'http://127.0.0.1:9/scim' })).toMatchObject({ exitCode: 2, fatal: expect.stringContaining('no credentials') });
    expect(await run({ url: 'http://127.0.0.1:9/scim', token: 'tok', only: ['okta-spec/nope'] })).toMatchObject({ exitCode: 2, fatal: expect.stringContaining('--only: no check "okta-spec/nope"') });
    expect(await run({ url: 'http://127.0.0.1:9/scim', token: 'tok', timeoutMs: -5 })).toMatchObject({ exitCode: 2 });
  });
});

describe('walks, captures and explicit registration', () => {
  const walkSuite = (): string =>
    suiteFile('walker', [
        {
          id: 'walker/make-group',
          title: 'make a group, registered explicitly',
          description: 'd',
          level: 'MUST',
          source: 's',
          writes: true,
          steps: [
            { request: { method: 'GET', path: '/Users', query: { count: '1' } }, capture: { firstUser: 'body.Resources[0].id' } },
            { request: { method: 'POST', path: '/Groups', body: { displayName: '{{$prefix}}walkers', members: [{ value: '{{firstUser}}' }] } }, capture: { groupId: 'body.id' }, register: { resourceType: 'Group', id: '{{groupId}}' }, expect: [{ status: 201 }, { that: 'body.members[0].value', equals: '{{firstUser}}' }] },
          ],
        },
        {
          id: 'walker/pages',
          title: 'walk every page of users',
          description: 'd',
          level: 'MUST',
          source: 's',
          steps: [
            {
              request: { method: 'GET', path: '/Users' },
              walk: { pageSize: 2 },
              expect: [{ status: 200 }, { walk: 'noDuplicates' }, { walk: 'complete', includes: ['{{firstUser}}'] }, { walk: 'totalConsistent' }, { that: 'walk.pages', equals: 3 }],
            },
          ],
          dependsOn: ['walker/make-group'],
        },
      ]);

  it('walks page by page (startIndex 1, 3, 5 with count 2) and judges the whole walk', async () => {
    const result = await runAgainstFake({}, { suites: [walkSuite()] }, 5);
    const pages = checksOf(result).get('walker/pages')!;
    expect(pages.failures).toEqual([]);
    expect(pages.status).toBe('passed');
    expect(pages.exchanges.map((e) => new URL(e.request.url).search)).toEqual(['?startIndex=1&count=2', '?startIndex=3&count=2', '?startIndex=5&count=2']);
    expect(result.cleanup.removed).toEqual([{ resourceType: 'Group', id: expect.any(String), how: 'deleted' }]);
    expect(fake!.groups.size).toBe(0);
  });

  it('a walk stopped by maxPages judges completeness on the pages it walked, with a note', async () => {
    const file = suiteFile('capped', [{ id: 'capped/pages', title: 'walk two pages only', description: 'd', level: 'MUST', source: 's', steps: [{ request: { method: 'GET', path: '/Users' }, walk: { pageSize: 2, maxPages: 2 }, expect: [{ walk: 'complete' }, { walk: 'noDuplicates' }] }] }]);
    const result = await runAgainstFake({}, { suites: [file] }, 7);
    const check = checksOf(result).get('capped/pages')!;
    expect(check.status).toBe('passed');
    expect(check.exchanges).toHaveLength(2);
    expect(check.notes).toEqual(['the walk stopped after 2 pages of 2 (totalResults 7); completeness was judged on those pages']);
  });

  it('a server that ignores count repeats resources across pages: the walk fails', async () => {
    const result = await runAgainstFake({ ignoreCount: true }, { suites: [walkSuite()] }, 5);
    const failures = checksOf(result).get('walker/pages')!.failures.map((f) => f.assertion);
    expect(failures).toEqual(['no resource appears on two pages']);
  });
});

describe('request headers', () => {
  it('omitHeaders leaves out the suite\'s headers entirely (nothing added instead); step headers override them', async () => {
    const file = suiteFile('hdr', [
        {
          id: 'hdr/bare',
          title: 'bare',
          description: 'd',
          level: 'MUST',
          source: 's',
          steps: [
            { request: { method: 'GET', path: '/Users', omitHeaders: ['Accept', 'user-agent', 'accept-charset'] } },
            { request: { method: 'GET', path: '/Groups', headers: { Accept: 'application/json' } } },
          ],
        },
      ], { headers: { Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' }, userAgent: 'Suite Agent 2.0' });
    const result = await runAgainstFake({}, { suites: [file], only: ['hdr/bare'] });
    expect(result.exitCode).toBe(0);
    const [bare, custom] = fake!.requests.slice(-2);
    expect(bare!.headers['accept']).toBeUndefined();
    expect(bare!.headers['accept-charset']).toBeUndefined();
    expect(bare!.headers['user-agent']).toBeUndefined();
    expect(custom!.headers['accept']).toBe('application/json');
    expect(custom!.headers['user-agent']).toBe('Suite Agent 2.0');
  });
});

describe('selection', () => {
  it('--only runs the check and its prerequisites, nothing else', async () => {
    const result = await runAgainstFake({}, { only: ['okta-spec/read-created-user'] });
    expect([...checksOf(result).keys()]).toEqual(['okta-spec/create-user', 'okta-spec/read-created-user']);
    expect(result.exitCode).toBe(0);
  });

  it('--read-only leaves out writing checks, says so, and sends no write', async () => {
    const result = await runAgainstFake({}, { readOnly: true });
    expect(checksOf(result).get('okta-spec/create-user')).toMatchObject({ status: 'skipped', skipReason: expect.stringContaining('--read-only') });
    expect(statusOf(result, 'okta-spec/read-created-user')).toBe('skipped');
    expect(statusOf(result, 'okta-spec/list-users')).toBe('passed');
    expect(result.notes?.[0]).toMatch(/^--read-only left out 3 checks that write: okta-spec\/ensure-user, okta-spec\/create-user, okta-spec\/duplicate-create$/);
    expect(fake!.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('--allow-failure turns a failure into a known failure that does not fail the run', async () => {
    const result = await runAgainstFake({ caseSensitiveFilter: true }, { allowFailures: ['okta-spec/filter-username-caps', 'okta-spec/list-users'] });
    expect(statusOf(result, 'okta-spec/filter-username-caps')).toBe('known-failure');
    expect(checksOf(result).get('okta-spec/list-users')!.notes).toEqual(['listed as a known failure, but it passes now: remove it from the list']);
    expect(result.exitCode).toBe(0);
    expect(result.counts.knownFailures).toBe(1);
  });

  it('suites running concurrently report in the same order as one at a time', async () => {
    const file = suiteFile('other', ['a', 'b', 'c'].map((n) => ({ id: `other/${n}`, title: n, description: 'd', level: 'MUST' as const, source: 's', steps: [{ request: { method: 'GET' as const, path: '/Groups' }, expect: [{ status: 200 }] }] })));
    const one = await runAgainstFake({ groupsDelayMs: 5 }, { suites: ['okta-spec', file] });
    await fake!.close();
    const two = await runAgainstFake({ groupsDelayMs: 5 }, { suites: ['okta-spec', file], concurrency: 3 });
    const order = (r: RunResult): string[] => r.suites.flatMap((s) => s.checks.map((c) => `${c.id}:${c.status}`));
    expect(order(two)).toEqual(order(one));
    expect(two.exitCode).toBe(0);
  });
});

describe('deadline and interruption', () => {
  it('the overall deadline stops the run, skips what is left, fails the run, and still cleans up', async () => {
    const started = Date.now();
    const result = await runAgainstFake({ hangOn: /\/Groups/ }, { deadlineMs: 400 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.deadlineReached).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(statusOf(result, 'okta-spec/groups-endpoint')).toBe('failed');
    expect(checksOf(result).get('okta-spec/bad-credentials')).toMatchObject({ status: 'skipped', skipReason: expect.stringContaining('deadline') });
    expect(prefixedUsers(fake!)).toEqual([]);
  });

  it('an aborted run stops starting checks, cleans up, and says it was interrupted', async () => {
    const controller = new AbortController();
    const result = await runAgainstFake({}, {
      signal: controller.signal,
      onCheckEnd: (c) => {
        if (c.id === 'okta-spec/create-user') controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(checksOf(result).get('okta-spec/read-created-user')).toMatchObject({ status: 'skipped', skipReason: 'not run: the run was interrupted' });
    expect(result.cleanup.removed).toHaveLength(1);
    expect(prefixedUsers(fake!)).toEqual([]);
  });
});
