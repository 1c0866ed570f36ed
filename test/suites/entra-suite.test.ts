import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startServer, type CheckResult, type RunResult, type RunningServer } from '../../src/index.js';
import { loadSuiteFile, resolveSuites } from '../../src/runner/load.js';
import { renderList } from '../../src/cli/list.js';
import { ENTRA_CUSTOM_EXTENSION } from '../../src/runner/idp.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';

/**
 * The entra suite: a valid suite file whose every check cites Microsoft, run as `--idp entra` against the reference
 * server in each --entra-flag setting, sending Entra's shapes with Entra's headers.
 */
const suitePath = fileURLToPath(new URL('../../suites/entra.json', import.meta.url));
const suite = JSON.parse(readFileSync(suitePath, 'utf8')) as SuiteFile;
const checksOf = (result: RunResult, id = 'entra'): CheckResult[] => result.suites.filter((s) => s.id === id).flatMap((s) => s.checks);
const shaped = (flag: 'on' | 'off'): string[] => suite.checks.filter((c) => c.entraFlag === flag).map((c) => c.id);
const common = suite.checks.filter((c) => !c.entraFlag).map((c) => c.id);

describe('the entra suite file', () => {
  it('is valid against the suite schema and cites a Microsoft source in every check', async () => {
    await expect(loadSuiteFile(suitePath, false)).resolves.toMatchObject({ suite: { id: 'entra' } });
    for (const check of suite.checks) expect(check.source, check.id).toMatch(/Microsoft/);
  });

  it('scim-check list shows each check with its source and the flag shape it sends; "all" includes it', async () => {
    const text = renderList(await resolveSuites(['entra']));
    expect(text).toContain('entra/disable-string-false  [MUST, writes, Entra flag off shape]');
    expect(text).toContain('entra/disable-boolean  [MUST, writes, Entra flag on (aadOptscim062020) shape]');
    expect(text).toMatch(/entra\/test-connection {2}\[MUST, read-only\]\n.*\n.*\n {6}source: {2}Microsoft Entra docs: Develop and plan provisioning/);
    expect((await resolveSuites(['all'])).map((s) => s.suite.id)).toContain('entra');
  });

  it('covers both feature-flag shapes of disable, multi-attribute update and member removal', () => {
    expect(shaped('off')).toEqual(expect.arrayContaining(['entra/disable-string-false', 'entra/update-per-path', 'entra/group-remove-members-value']));
    expect(shaped('on')).toEqual(expect.arrayContaining(['entra/disable-boolean', 'entra/update-pathless', 'entra/group-remove-member-filter']));
  });
});

describe('--idp entra against the reference server', () => {
  let server: RunningServer;
  const results = {} as Record<'on' | 'off' | 'both', RunResult>;

  beforeAll(async () => {
    server = await startServer({ port: 0, token: 'entra-token', quiet: true, extensions: [ENTRA_CUSTOM_EXTENSION], requestLogSize: 400 });
    for (const flag of ['on', 'off', 'both'] as const) results[flag] = await run({ url: server.url, token: 'entra-token', idp: 'entra', entraFlag: flag });
  }, 60_000);
  afterAll(() => server.close());

  it.each(['on', 'off', 'both'] as const)('every check passes with --entra-flag %s, and only the checks of that shape run', (flag) => {
    const result = results[flag];
    const notPassed = checksOf(result).filter((c) => c.status !== 'passed');
    expect(notPassed.map((c) => ({ id: c.id, failures: c.failures, skip: c.skipReason }))).toEqual([]);
    const expected = flag === 'both' ? suite.checks.map((c) => c.id) : [...common, ...shaped(flag)];
    expect(checksOf(result).map((c) => c.id).sort()).toEqual([...expected].sort());
    expect(result.suites.map((s) => s.id)).toEqual(['entra', 'transport']);
    expect(result.exitCode).toBe(0);
    expect(result.cleanup.left).toEqual([]);
  });

  it("sends Entra's headers: no User-Agent or Accept-Charset, Content-Type application/scim+json on bodies", () => {
    // Everything the last run (both) sent, the transport checks' requests included (they take the run's IdP headers).
    const entries = server.requests();
    const bodies = entries.filter((r) => r.requestBody !== undefined);
    expect(bodies.length).toBeGreaterThan(20);
    for (const r of bodies) expect(r.requestHeaders['content-type'], r.url).toBe('application/scim+json');
    for (const r of entries) {
      expect(r.requestHeaders['accept-charset'], r.url).toBeUndefined();
      expect(r.requestHeaders['user-agent'], r.url).toBeUndefined();
    }
    const connection = entries.find((r) => r.url.startsWith('/scim/v2/Users?filter=userName+eq+%22'));
    expect(connection?.url).toMatch(/^\/scim\/v2\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/);
  });

  it("creates users with Entra's body and groups with the ADSCIM URN and no members", () => {
    const entries = server.requests();
    const group = entries.find((r) => r.method === 'POST' && r.url === '/scim/v2/Groups')?.requestBody as Record<string, unknown>;
    expect(group.schemas).toContain('http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group');
    expect(group).not.toHaveProperty('members');
    const created = checksOf(results.both).find((c) => c.id === 'entra/create-user')!.exchanges[0]!.request.body!;
    expect(JSON.parse(created)).toMatchObject({ meta: { resourceType: 'User' }, roles: [], name: { formatted: expect.any(String) } });
  });

  it('the paging check starts each page where the previous answer ended', () => {
    const paging = checksOf(results.both).find((c) => c.id === 'entra/paging')!;
    const starts = paging.exchanges.filter((e) => e.request.method === 'GET').map((e) => Number(new URL(e.request.url).searchParams.get('startIndex')));
    expect(starts[0]).toBe(1);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(5);
  });
});
