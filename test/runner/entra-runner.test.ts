import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { expandDeep, templateNames } from '../../src/runner/template.js';
import { evaluateWalkAssertion } from '../../src/runner/assert.js';
import { customExtension, everyAttributeReplace } from '../../src/runner/discovery-data.js';
import { analyzeDiscovery } from '../../src/runner/discovery-analysis.js';
import { enterpriseUserSchema, userSchema } from '../../src/core/schema/index.js';
import { ENTRA_CUSTOM_EXTENSION } from '../../src/runner/idp.js';
import type { CheckDef, SuiteFile } from '../../src/runner/suite-format.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Runner features the entra suite needs, each generic: flag shapes, walks that advance by what came back, templated keys, discovery data. */

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function suiteFile(id: string, checks: CheckDef[], extra: Partial<SuiteFile> = {}): string {
  const file = join(tempDir('scim-check-entra-runner-'), `${id}.json`);
  writeFileSync(file, JSON.stringify({ id, title: id, description: 'd', source: 's', ...extra, checks }));
  return file;
}

const getUsers = (id: string, extra: Partial<CheckDef> = {}): CheckDef => ({
  id,
  title: id,
  description: 'd',
  level: 'MUST',
  source: 's',
  ...extra,
  steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }],
});

describe('entraFlag: which shapes a run sends', () => {
  const checks = [getUsers('flags/common'), getUsers('flags/off', { entraFlag: 'off' }), getUsers('flags/on', { entraFlag: 'on' }), getUsers('flags/after-on', { entraFlag: 'on', dependsOn: ['flags/on'] })];

  it.each([
    ['on', ['flags/common', 'flags/on', 'flags/after-on']],
    ['off', ['flags/common', 'flags/off']],
    ['both', ['flags/common', 'flags/off', 'flags/on', 'flags/after-on']],
  ] as const)('--entra-flag %s runs the common checks and those of its shape', async (flag, expected) => {
    const result = await run({ suites: [suiteFile('flags', checks)], entraFlag: flag, server: { quiet: true } });
    expect(result.suites.find((s) => s.id === 'flags')!.checks.map((c) => c.id)).toEqual(expected);
  });

  it('a check depending on one of the other shape is a configuration error naming the flag', async () => {
    const bad = [getUsers('mixed/on', { entraFlag: 'on' }), getUsers('mixed/off', { entraFlag: 'off', dependsOn: ['mixed/on'] })];
    const result = await run({ suites: [suiteFile('mixed', bad)], entraFlag: 'off', server: { quiet: true } });
    expect(result.exitCode).toBe(2);
    expect(result.fatal).toMatch(/depends on "mixed\/on".*--entra-flag/);
  });

  it('a base URL carrying aadOptscim062020 gets a note when both shapes ran, none with --entra-flag on', async () => {
    server = await startServer({ port: 0, token: 'flag-token', quiet: true });
    const url = `${server.url}?aadOptscim062020`;
    const both = await run({ url, token: 'flag-token', suites: [suiteFile('flags', checks)] });
    expect(both.notes?.join(' ')).toMatch(/carries aadOptscim062020: .*--entra-flag on sends only the flag's/);
    const on = await run({ url, token: 'flag-token', suites: [suiteFile('flags', checks)], entraFlag: 'on' });
    expect(on.notes ?? []).toEqual([]);
    const okta = await run({ url, token: 'flag-token', suites: ['okta-spec'] });
    expect((okta.notes ?? []).join(' ')).not.toMatch(/aadOptscim062020/);
  });

  it('an unknown --entra-flag or --idp is a configuration error', async () => {
    expect((await run({ entraFlag: 'maybe' as never })).fatal).toMatch(/--entra-flag must be on, off or both/);
    expect((await run({ idp: 'onelogin' as never })).fatal).toMatch(/--idp must be okta or entra/);
  });
});

describe('walk advance "returned" and the startIndexEchoed assertion', () => {
  const pagingCheck: CheckDef = {
    id: 'pages/walk',
    title: 'walk',
    description: 'd',
    level: 'MUST',
    source: 's',
    steps: [
      {
        request: { method: 'GET', path: '/Users' },
        walk: { pageSize: 3, advance: 'returned' },
        expect: [{ status: 200 }, { walk: 'startIndexEchoed' }, { walk: 'noDuplicates' }, { walk: 'complete' }],
      },
    ],
  };
  const seed = { users: Array.from({ length: 7 }, (_, i) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `page-user-${i}@example.com` })), groups: [] };

  it('starts each page at the answer’s startIndex plus what it returned', async () => {
    server = await startServer({ port: 0, token: 'paging-token', quiet: true, seed: 'none' });
    server.load(seed);
    const result = await run({ url: server.url, token: 'paging-token', suites: [suiteFile('pages', [pagingCheck])] });
    const check = result.suites[0]!.checks[0]!;
    expect(check.status).toBe('passed');
    const starts = check.exchanges.map((e) => new URL(e.request.url).searchParams.get('startIndex'));
    expect(starts).toEqual(['1', '4', '7']);
  });

  it('fails when pages do not echo the startIndex asked for, and stops instead of looping', async () => {
    server = await startServer({ port: 0, token: 'paging-token', quiet: true, seed: 'none', faults: ['startIndex-not-echoed'] });
    server.load(seed);
    const result = await run({ url: server.url, token: 'paging-token', suites: [suiteFile('pages', [pagingCheck])] });
    const check = result.suites[0]!.checks[0]!;
    expect(check.status).toBe('failed');
    expect(check.failures.map((f) => f.assertion)).toContain("every page's startIndex is the startIndex asked for");
    // The answer said startIndex 1 with 3 users: the next page starts at 4, which again answers 1, so the walk ends.
    expect(check.exchanges.map((e) => new URL(e.request.url).searchParams.get('startIndex'))).toEqual(['1', '4']);
  });
});

describe('a walk cut short on a big tenant', () => {
  it('does not require resources it never reached, a whole walk does', () => {
    const source = (truncated: boolean) => ({ vars: new Map(), walk: { ids: ['a', 'b'], totals: [500], pages: 1, pageSize: 2, ...(truncated ? { truncated } : {}) } });
    expect(evaluateWalkAssertion({ walk: 'complete' }, source(true), ['z'])).toEqual([]);
    expect(evaluateWalkAssertion({ walk: 'complete' }, source(false), ['z']).map((f) => f.actual)).toContain('missing: z');
  });

  it("the entra paging check passes on a tenant of 250 users, walking Microsoft's way up to its page limit", async () => {
    server = await startServer({ port: 0, token: 'paging-token', quiet: true, seed: 'none' });
    server.load({ users: Array.from({ length: 250 }, (_, i) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `tenant-user-${i}@example.com` })), groups: [] });
    const result = await run({ url: server.url, token: 'paging-token', idp: 'entra', only: ['entra/paging'] });
    const paging = result.suites[0]!.checks.find((c) => c.id === 'entra/paging')!;
    expect(paging.status, JSON.stringify(paging.failures)).toBe('passed');
    expect(paging.notes?.join(' ')).toMatch(/the walk stopped after 40 pages of 5/);
  });
});

describe('templated object keys', () => {
  const ctx = { vars: new Map<string, unknown>([['urn', 'urn:example:ext:2.0:User'], ['values', { a: 1 }]]), prefix: 'p-', domain: 'example.com', baseUrl: 'http://x' };

  it('expands placeholders in keys to text, values keep their type', () => {
    expect(expandDeep({ '{{urn}}': '{{values}}', plain: '{{urn}}' }, ctx)).toEqual({ 'urn:example:ext:2.0:User': { a: 1 }, plain: 'urn:example:ext:2.0:User' });
  });

  it('names used in keys count as used, so an undefined one fails at load time', () => {
    expect(templateNames({ body: { '{{missing}}': 1 } })).toEqual(['missing']);
  });
});

describe('discovery data for Entra', () => {
  const ctx = { prefix: 'scim-check-', domain: 'example.com', random: (n: number) => 'x'.repeat(n) };
  const model = { core: userSchema, extensions: [{ schema: enterpriseUserSchema, required: false }, { schema: ENTRA_CUSTOM_EXTENSION, required: false }] };

  it('the custom extension is the first besides the Enterprise one', () => {
    expect(customExtension(model)?.id).toBe(ENTRA_CUSTOM_EXTENSION.id);
    expect(customExtension({ core: userSchema, extensions: [{ schema: enterpriseUserSchema, required: false }] })).toBeUndefined();
    expect(analyzeDiscovery(undefined, undefined, undefined).advertised.customExtension).toBe(false);
  });

  it('every-attribute replace: one op per writable single-valued attribute, sub-attributes dotted, extensions URN-qualified', () => {
    const { operations, expect: expected } = everyAttributeReplace(model, ctx, 'tag');
    const paths = operations.map((o) => o['path']);
    expect(paths).toEqual(expect.arrayContaining(['displayName', 'nickName', 'title', 'name.givenName', 'timezone', `${enterpriseUserSchema.id}:employeeNumber`, `${ENTRA_CUSTOM_EXTENSION.id}:costCode`]));
    for (const left of ['userName', 'active', 'password', 'emails', `${enterpriseUserSchema.id}:manager`]) expect(paths).not.toContain(left);
    expect(operations.every((o) => o['op'] === 'replace')).toBe(true);
    expect(expected).toMatchObject({ timezone: 'America/Los_Angeles', name: { givenName: 'scim-check-name.givenName-tag' }, [ENTRA_CUSTOM_EXTENSION.id]: { costCode: 'scim-check-costCode-tag' } });
  });
});
