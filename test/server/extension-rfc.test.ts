import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr } from '../../src/core/schema/define.js';
import type { SchemaDef } from '../../src/core/schema/types.js';
import { run, startServer, type CheckResult, type RunningServer, type RunResult } from '../../src/index.js';

/**
 * The rfc suite against a reference server with a custom User extension: the server serves the schema and keeps
 * its attributes, and the suite's generated data includes them (required, canonical, typed, unique; never the
 * read-only one), so the suite passes on a server with custom attributes.
 */

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const acme: SchemaDef = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Acme Corp custom user attributes',
  attributes: [
    attr('badgeCode', 'string', 'Badge code, unique per user.', { required: true, uniqueness: 'server' }),
    attr('clearance', 'string', 'Security clearance.', { canonicalValues: ['public', 'secret'] }),
    attr('floor', 'integer', 'Office floor.'),
    attr('remote', 'boolean', 'Works remotely.'),
    attr('internalScore', 'integer', 'Computed by the server.', { mutability: 'readOnly' }),
    attr('hireCode', 'string', 'Issued once at hire.', { mutability: 'immutable' }),
  ],
};

type Json = Record<string, unknown>;
const rfcChecks = (result: RunResult): CheckResult[] => result.suites.filter((s) => s.id === 'rfc').flatMap((s) => s.checks);

describe('rfc suite on a server with a custom extension schema', () => {
  let server: RunningServer;
  let result: RunResult;

  beforeAll(async () => {
    server = await startServer({ port: 0, quiet: true, extensions: [acme], requestLogSize: 2000 });
    result = await run({ url: server.url, token: server.token, suites: ['rfc'] });
  }, 60_000);
  afterAll(() => server.close());

  it('the server serves the custom schema and declares it on the User resource type', async () => {
    const headers = { authorization: `Bearer ${server.token}` };
    const schema = (await (await fetch(`${server.url}/Schemas/${ACME}`, { headers })).json()) as Json;
    expect((schema['attributes'] as Json[]).map((a) => a['name'])).toContain('badgeCode');
    const type = (await (await fetch(`${server.url}/ResourceTypes/User`, { headers })).json()) as Json;
    expect(type['schemaExtensions']).toContainEqual({ schema: ACME, required: false });
  });

  it('every rfc check passes (bulk and changePassword skipped as not advertised)', () => {
    const notPassed = rfcChecks(result).filter((c) => c.status !== 'passed' && !['rfc/bulk-create', 'rfc/change-password'].includes(c.id));
    expect(notPassed.map((c) => ({ id: c.id, status: c.status, failures: c.failures }))).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('created users carry the custom attributes generated from the schema (never the read-only one)', () => {
    const creates = server.requests().filter((e) => e.method === 'POST' && e.url.split('?')[0]!.endsWith('/Users') && e.status === 201);
    expect(creates.length).toBeGreaterThan(10);
    const withAcme = creates.map((e) => (e.requestBody as Json)[ACME] as Json | undefined).filter((x): x is Json => x !== undefined);
    expect(withAcme.length).toBeGreaterThan(10);
    const full = withAcme.find((x) => 'clearance' in x)!;
    expect(full).toMatchObject({ clearance: 'public', floor: 7, remote: true });
    expect(full['badgeCode']).toMatch(/^scim-check-badgeCode-[a-z]{10}$/);
    expect(withAcme.every((x) => !('internalScore' in x))).toBe(true);
    // the unique attribute differs per user, so creating many users never conflicts
    expect(new Set(withAcme.map((x) => x['badgeCode'])).size).toBe(withAcme.length);
  });

  it('the minimal user (required attributes only) still includes the required custom attribute', () => {
    const setup = rfcChecks(result).find((c) => c.id === 'rfc/filter-setup')!;
    const minimal = JSON.parse(setup.exchanges[1]!.request.body!) as Json;
    expect(Object.keys(minimal).sort()).toEqual(['schemas', 'userName']);
  });

  it('URN filters (every custom attribute, by type) and PATCH paths use the custom attributes; the server state proves it', () => {
    const filter = rfcChecks(result).find((c) => c.id === 'rfc/filter-extension-urn')!;
    expect(decodeURIComponent(filter.exchanges[0]!.request.url)).toContain(`${ACME}:badgeCode eq "scim-check-badgeCode-`);
    const typed = decodeURIComponent(rfcChecks(result).find((c) => c.id === 'rfc/filter-extension-types')!.exchanges[0]!.request.url);
    for (const term of [`${ACME}:floor eq 7`, `${ACME}:floor ge 7`, `${ACME}:floor le 7`, `${ACME}:remote eq true`, `${ACME}:clearance eq "public"`, `${ACME}:badgeCode eq "scim-check-badgeCode-`]) {
      expect(typed).toContain(term);
    }
    const patched = rfcChecks(result).find((c) => c.id === 'rfc/patch-extension-path')!;
    const read = patched.exchanges[2]!.response!.json as Json;
    expect(((read[ACME] as Json)['badgeCode'] as string)).toMatch(/^scim-check-changed-/);
  });
});
