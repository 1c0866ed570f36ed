// Issue 9 item 10, the CLI's smaller promises: a mistyped command, --bail/--fail-fast, --allow-failure with an
// unknown id, `--suite all` in Okta's order, failures shown once and briefly. Real servers on loopback, the built CLI.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evaluateValue } from '../../src/runner/assert.js';
import { resolveSuites } from '../../src/runner/load.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { hostileServer } from '../client/hostile-servers.js';
import { resourcesMentioning } from '../safety/support.js';
import { assertBuilt, cli } from './spawn-cli.js';

const TOKEN = 'usage-test-token-8c1f';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
beforeAll(assertBuilt);

async function faulty(fault: string): Promise<RunningServer> {
  const server = await startServer({ port: 0, token: TOKEN, quiet: true, faults: [fault] });
  closers.push(() => server.close());
  return server;
}

describe('a mistyped command', () => {
  it.each([
    [['servee'], "error: unknown command 'servee' (did you mean serve?)"],
    [['valdate', 'x.json'], "error: unknown command 'valdate' (did you mean validate?)"],
    [['--url', 'http://127.0.0.1:9/scim/v2', 'lsit'], "error: unknown command 'lsit' (did you mean list?)"],
    [['frobnicate'], /^error: unknown command 'frobnicate' \(commands: run, serve, (\w+, )*init(, \w+)*\)$/],
    [['run', 'extra'], "error: 'run' takes no arguments (got 'extra'); options start with --"],
  ])('%j: exit 2 and says so, nothing is sent', async (args, line) => {
    const outcome = await cli(args);
    expect(outcome.code).toBe(2);
    const [first, ...rest] = outcome.stderr.split('\n');
    if (typeof line === 'string') expect(first).toBe(line);
    else expect(first).toMatch(line);
    expect(rest).toEqual(['(run scim-check --help for usage)', '']);
    expect(outcome.stdout).toBe('');
  });
});

describe('--bail and --fail-fast', () => {
  it.each(['--bail', '--fail-fast'])('%s: no check starts after the first required failure; cleanup still removes what was created', async (flag) => {
    const server = await faulty('userName-case-sensitive');
    const outcome = await cli(['--url', server.url, '--token', TOKEN, '--suite', 'okta-spec', flag]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/✗ okta-spec\/filter-username-caps/);
    for (const after of ['okta-spec/groups-endpoint', 'okta-spec/bad-credentials', 'okta-spec/unknown-id-status', 'transport/https']) {
      expect(outcome.stdout).toMatch(new RegExp(`– ${after} .*skipped: not run: --bail stopped the run after okta-spec/filter-username-caps failed`));
    }
    const notRun = outcome.stdout.split('\n').filter((l) => l.includes('skipped: not run: --bail stopped the run')).length;
    expect(notRun).toBeGreaterThanOrEqual(4);
    expect(outcome.stdout).toContain(`--bail: the run stopped after the first failure that fails it (okta-spec/filter-username-caps); ${notRun} checks not run`);
    expect(outcome.stdout).toMatch(/Cleanup: removed 1 resource created by this run/);
    // Nothing was sent after the failing check (its own lookups), except cleanup's DELETE.
    const requests = server.requests().map((r) => `${r.method} ${r.url}`);
    expect(await resourcesMentioning(server.url, TOKEN, 'scim-check-')).toEqual([]);
    expect(requests.filter((r) => r.startsWith('GET /scim/v2/Groups')), requests.join('\n')).toEqual([]);
    expect(requests.at(-1)).toMatch(/^DELETE \/scim\/v2\/Users\//);
  });

  it('a known failure (--allow-failure) does not stop the run, nor does a MAY or SHOULD failure without --strict', async () => {
    const server = await faulty('userName-case-sensitive');
    const result = await run({ url: server.url, token: TOKEN, suites: ['okta-spec'], bail: true, allowFailures: ['okta-spec/filter-username-caps'] });
    const checks = result.suites.flatMap((s) => s.checks);
    expect(checks.find((c) => c.id === 'okta-spec/filter-username-caps')!.status).toBe('known-failure');
    expect(checks.filter((c) => c.skipReason?.includes('--bail'))).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});

describe('--allow-failure with an id that names no check', () => {
  it('exit 2 before anything is sent, with the nearest id', async () => {
    const outcome = await cli(['--url', 'http://127.0.0.1:9/scim/v2', '--token', TOKEN, '--allow-failure', 'okta-spec/creat-user']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('scim-check: --allow-failure: no check "okta-spec/creat-user" (did you mean okta-spec/create-user?)\n');
  });

  it('a check of a suite this run does not select is fine (a config file serves several runs); a bare name gets a suggestion', async () => {
    const server = await faulty('userName-case-sensitive');
    const ok = await run({ url: server.url, token: TOKEN, suites: ['okta-spec'], allowFailures: ['okta-groups/create-group', 'okta-spec/filter-username-caps'] });
    expect(ok.exitCode).toBe(0);
    const bare = await run({ url: server.url, token: TOKEN, suites: ['okta-spec'], allowFailures: ['filter-username-caps', 'no-such-thing'] });
    expect(bare.exitCode).toBe(2);
    expect(bare.fatal).toBe(
      '--allow-failure: no check "filter-username-caps" (did you mean okta-spec/filter-username-caps?)\n--allow-failure: no check "no-such-thing" (scim-check list shows every check id)',
    );
  });
});

describe('--suite all', () => {
  it("runs Okta's flow first (SPEC test, users, groups), then the other suites, load-like ones and transport last", async () => {
    const ids = (await resolveSuites(['all'])).map((l) => l.suite.id);
    expect(ids.slice(0, 3)).toEqual(['okta-spec', 'okta-users', 'okta-groups']);
    expect(ids.at(-1)).toBe('transport');
    expect(ids).toContain('rfc');
    if (ids.includes('concurrency')) expect(ids.at(-2)).toBe('concurrency');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('failures shown once and briefly', () => {
  it('a group create answered with a user: the Group schema failure is reported once, not by both the automatic and the step check', async () => {
    const running = await hostileServer('group-create-answers-a-user').start();
    closers.push(() => running.close());
    const result = await run({ url: running.baseUrl, token: TOKEN, suites: ['okta-groups'], only: ['okta-groups/create-group'] });
    const check = result.suites.flatMap((s) => s.checks).find((c) => c.id === 'okta-groups/create-group')!;
    const schemaFailures = check.failures.filter((f) => /is a valid SCIM Group$/.test(f.assertion));
    expect(schemaFailures).toHaveLength(1);
    expect(JSON.stringify(schemaFailures[0]!.actual)).toContain('/meta/resourceType: must be \\"Group\\"');
  });

  it('a failed length assertion shows the length and a short excerpt, not the whole list', () => {
    const Resources = Array.from({ length: 250 }, (_, i) => ({ id: `user-${i}`, userName: `someone-${i}@example.com` }));
    const exchange = { request: { method: 'GET', url: 'x', headers: {} }, response: { status: 200, headers: {}, json: { Resources } }, ms: 1, startedAt: '' };
    const [failure] = evaluateValue({ that: 'body.Resources', length: 1 }, { exchange, vars: new Map() });
    expect(failure!.assertion).toBe('body.Resources has length 1');
    expect(failure!.actual).toMatch(/^length 250: \[\{"id":"user-0","userName":"someone-0@example\.com"\},.{0,80}…$/);
    const [atLeast] = evaluateValue({ that: 'body.Resources', lengthAtLeast: 300 }, { exchange, vars: new Map() });
    expect(String(atLeast!.actual).length).toBeLessThan(140);
    const [missing] = evaluateValue({ that: 'body.nothing', length: 1 }, { exchange, vars: new Map() });
    expect(missing!.actual).toBe('(missing)');
  });
});
