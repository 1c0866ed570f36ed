import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../src/core/schema/index.js';
import { ConfigError } from '../../src/runner/errors.js';
import { evaluateMapped, extensionSchemasFor, loadMapping, mergeMapped, parseMapping, type Mapping, type MappingFile } from '../../src/runner/mapping.js';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startFront, type Front } from '../api/scim-front.js';
import { thrownBy } from '../helpers/thrown.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'fixtures/mapping-example.json');
const ACME = 'urn:example:scim:schemas:extension:acme:2.0:User';
const TOKEN = 'mapping-test-token';

const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Required<MappingFile>;
const checksOf = (result: RunResult): CheckResult[] => result.suites.flatMap((s) => s.checks);
const check = (result: RunResult, id: string): CheckResult => checksOf(result).find((c) => c.id === id)!;
const sentBody = (c: CheckResult, method: string): Record<string, unknown> => JSON.parse(c.exchanges.find((e) => e.request.method === method)!.request.body!) as Record<string, unknown>;

/** The message of the ConfigError that parsing `text` throws. */
const problem = (text: string): string => thrownBy(() => parseMapping(text, 'm.json'), ConfigError).message;

describe('mapping file', () => {
  it('the shipped example is valid: create and update sets, update defaulting to the create set', () => {
    const mapping = loadMapping(EXAMPLE);
    expect(mapping.create).toEqual(example.attributes);
    expect(mapping.update).toEqual(example.update);
    const { update: _, ...createOnly } = example;
    expect(loadMapping(createOnly).update).toEqual(example.attributes);
  });

  it('refuses a broken file with the file, the place and the problem: JSON syntax with line and column', () => {
    expect(problem('{\n  "attributes": {\n    "title": "x",\n  }\n}')).toBe('invalid mapping file m.json: not valid JSON: unexpected "}" at line 4, column 3');
    expect(() => loadMapping('/nonexistent/mapping.json')).toThrow('cannot read the mapping file /nonexistent/mapping.json: no such file');
  });

  it('lists every problem at once, with "did you mean" for misspelt keys and standard attribute names', () => {
    const message = problem(
      JSON.stringify({
        attributes: {
          titel: 'x',
          id: 'mine',
          userName: 'someone',
          nickName: null,
          [ENTERPRISE_USER_SCHEMA]: { employeNumber: '1', manager: { value: 'x' } },
          [USER_SCHEMA]: { title: 'x' },
          [ACME]: 'not an object',
        },
        updates: {},
      }),
    );
    expect(message.split('\n')).toEqual([
      'invalid mapping file m.json:',
      '  unknown key "updates" (did you mean "update"?)',
      `  attributes["${ENTERPRISE_USER_SCHEMA}"].employeNumber: no such attribute in this schema (did you mean "employeeNumber"?)`,
      `  attributes["${USER_SCHEMA}"]: write core User attributes at the top level of "attributes"`,
      `  attributes["${ACME}"]: an extension URN needs an object of its attributes, e.g. {"costCenter": "CC-100"}`,
      '  attributes.titel: no such attribute in this schema (did you mean "title"?); put custom attributes under their extension schema URN',
      '  attributes.id is read-only (assigned by the server)',
      '  attributes.userName is set by the suites themselves; map only extra attributes',
      '  attributes.nickName: null means "unassigned" and cannot round-trip; give a sample value',
    ]);
  });

  it('needs a non-empty "attributes" object', () => {
    expect(problem('[]')).toContain('must be a JSON object');
    expect(problem('{"update": {"title": "x"}}')).toContain('needs "attributes"');
    expect(problem('{"attributes": {}}')).toContain('attributes: is empty: list at least one attribute with a sample value');
    expect(problem('{"attributes": {"title": "x"}, "update": "y"}')).toContain('update: must be object');
  });
});

describe('request merge and round-trip assertion', () => {
  const mapping: Mapping = {
    create: { title: 'Engineer', phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }], [ENTERPRISE_USER_SCHEMA]: { costCenter: 'CC-1' }, [ACME]: { badge: 7 } },
    update: { title: 'Lead', phoneNumbers: [{ type: 'mobile', value: '+1 555 0199' }], [ENTERPRISE_USER_SCHEMA]: { costCenter: 'CC-2' }, [ACME]: { badge: 8 } },
  };

  it('merges the chosen set into a resource: extension URNs join schemas, existing extension fields stay, the input is not changed', () => {
    const captured = { department: 'Sales' };
    const body = { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName: 'u', [ENTERPRISE_USER_SCHEMA]: captured };
    const merged = mergeMapped(body, mapping, 'update');
    expect(merged).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ACME],
      userName: 'u',
      title: 'Lead',
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0199' }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', costCenter: 'CC-2' },
      [ACME]: { badge: 8 },
    });
    // Bodies are built from captured values: merging must not write into them.
    expect(captured).toEqual({ department: 'Sales' });
    expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('a PatchOp gets one path-less replace with the set; no mapping leaves every body as written', () => {
    const patch = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
    expect(mergeMapped(patch, mapping, 'create')).toEqual({ ...patch, Operations: [...patch.Operations, { op: 'replace', value: mapping.create }] });
    expect(mergeMapped(patch, undefined, 'create')).toBe(patch);
    expect(mergeMapped('raw text', mapping, 'create')).toBe('raw text');
  });

  it('the assertion names each attribute that did not come back, and accepts fields a server adds to elements', () => {
    const returned = {
      title: 'Engineer',
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0100', primary: false }],
      [ENTERPRISE_USER_SCHEMA]: { costCenter: 'CC-9' },
    };
    const source = { vars: new Map<string, unknown>(), exchange: { response: { json: { Resources: [returned] } } } } as never;
    expect(evaluateMapped({ mapped: 'create', at: 'body.Resources[0]' }, source, mapping)).toEqual([
      { assertion: `mapped attribute body.Resources[0]["${ENTERPRISE_USER_SCHEMA}"].costCenter round-trips`, expected: 'CC-1', actual: 'CC-9' },
      { assertion: `mapped attribute body.Resources[0]["${ACME}"].badge round-trips`, expected: 7, actual: '(missing)' },
    ]);
    expect(evaluateMapped({ mapped: 'update', at: 'body.Resources[0]' }, source, mapping).map((f) => f.assertion)).toHaveLength(4);
    expect(evaluateMapped({ mapped: 'create' }, source, undefined)).toEqual([]);
  });

  it('derives extension schemas for the custom URNs only, typed from the sample values', () => {
    const [acme, ...others] = extensionSchemasFor(loadMapping(EXAMPLE));
    expect(others).toEqual([]);
    expect(acme!.id).toBe(ACME);
    expect(acme!.attributes.map((a) => [a.name, a.type, a.multiValued])).toEqual([
      ['badgeNumber', 'integer', false],
      ['remoteWorker', 'boolean', false],
      ['building', 'string', false],
    ]);
  });
});

describe('--mapping in runs against the reference server with a custom extension', () => {
  let server: RunningServer;
  let front: Front;
  beforeAll(async () => {
    // The app's schema as its server would serve it: derived from the example's custom extension.
    server = await startServer({ port: 0, token: TOKEN, quiet: true, extensions: extensionSchemasFor(loadMapping(EXAMPLE)) });
    // A server that stores the custom extension but drops one attribute of it from what it returns.
    front = await startFront(server.url, {
      rewrite: (json) => {
        const drop = (r: unknown): void => void delete ((r as Record<string, Record<string, unknown> | undefined>)?.[ACME] ?? {}).building;
        drop(json);
        for (const r of (json as { Resources?: unknown[] }).Resources ?? []) drop(r);
        return json;
      },
    });
  });
  afterAll(async () => {
    await front.close();
    await server.close();
  });

  it('okta-users (catalog app) sends the create set on POST and the update set on PUT, and every check passes', async () => {
    const result = await run({ url: server.url, token: TOKEN, suites: ['okta-users'], mapping: EXAMPLE });
    expect(checksOf(result).filter((c) => c.status === 'failed' || c.status === 'skipped').map((c) => [c.id, c.failures])).toEqual([]);
    const created = sentBody(check(result, 'okta-users/create-user'), 'POST');
    expect(created.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ACME]);
    expect(created[ACME]).toEqual(example.attributes[ACME]);
    expect(created[ENTERPRISE_USER_SCHEMA]).toMatchObject({ department: expect.any(String), costCenter: 'CC-100', employeeNumber: expect.stringMatching(/^E-\d{6}$/) });
    const put = sentBody(check(result, 'okta-users/profile-push-put'), 'PUT');
    expect(put).toMatchObject({ title: 'Principal Engineer', [ACME]: { badgeNumber: 4712, remoteWorker: false, building: 'South' } });
    // The value read back after the PUT is the update value: the assertion compared against it.
    const readBack = check(result, 'okta-users/profile-push-put').exchanges.at(-1)!.response!.json as Record<string, Record<string, unknown>>;
    expect(readBack[ACME]).toEqual({ badgeNumber: 4712, remoteWorker: false, building: 'South' });
    expect(result.exitCode).toBe(0);
  });

  it('private (AIW) apps carry the update set on their deactivation PUTs too', async () => {
    const result = await run({ url: server.url, token: TOKEN, suites: ['okta-users'], oktaApp: 'aiw', mapping: EXAMPLE, only: ['okta-users/deactivate-put'] });
    expect(result.exitCode).toBe(0);
    expect(sentBody(check(result, 'okta-users/deactivate-put'), 'PUT')).toMatchObject({ active: false, title: 'Principal Engineer', [ACME]: { building: 'South' } });
  });

  it('a server that drops a mapped attribute fails the create check (Okta reads the POST answer), naming the attribute', async () => {
    const result = await run({ url: front.url, token: TOKEN, suites: ['okta-users'], mapping: EXAMPLE });
    expect(result.exitCode).toBe(1);
    const failed = checksOf(result).filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual(['okta-users/create-user']);
    expect(check(result, 'okta-users/attribute-round-trip')).toMatchObject({ status: 'skipped', skipReason: 'prerequisite okta-users/create-user did not pass' });
    expect(check(result, 'okta-users/create-user').failures).toEqual([
      expect.objectContaining({ assertion: `mapped attribute body["${ACME}"].building round-trips`, expected: 'North', actual: '(missing)', source: expect.stringContaining('--mapping') }),
    ]);
    // Without the mapping the same server passes: the failure is the dropped attribute, nothing else.
    const plain = await run({ url: front.url, token: TOKEN, suites: ['okta-users'] });
    expect(plain.exitCode).toBe(0);
  });

  it('a server that ignores the custom extension on PUT fails profile-push-put, naming each attribute of the update set', async () => {
    const ignoresPut = await startFront(server.url, {
      rewriteRequest: (method, json) => {
        if (method === 'PUT') delete (json as Record<string, unknown>)[ACME];
        return json;
      },
    });
    try {
      const result = await run({ url: ignoresPut.url, token: TOKEN, suites: ['okta-users'], mapping: EXAMPLE, only: ['okta-users/profile-push-put'] });
      expect(result.exitCode).toBe(1);
      const put = check(result, 'okta-users/profile-push-put');
      expect(put.status).toBe('failed');
      expect(put.failures.map((f) => [f.assertion, f.expected])).toEqual(
        Object.entries(example.update[ACME] as Record<string, unknown>).map(([name, value]) => [`mapped attribute body["${ACME}"].${name} round-trips`, value]),
      );
    } finally {
      await ignoresPut.close();
    }
  });

  it('the embedded server learns the custom extension from the mapping; a bad mapping stops the run with exit 2', async () => {
    const embedded = await run({ suites: ['okta-users'], mapping: EXAMPLE, only: ['okta-users/attribute-round-trip'] });
    expect(checksOf(embedded).map((c) => [c.id, c.status])).toEqual([
      ['okta-users/create-user', 'passed'],
      ['okta-users/attribute-round-trip', 'passed'],
    ]);
    const file = join(tempDir('scim-check-mapping-'), 'bad.json');
    writeFileSync(file, JSON.stringify({ attributes: { groups: [] } }));
    const bad = await run({ url: server.url, token: TOKEN, mapping: file });
    expect(bad).toMatchObject({ exitCode: 2, fatal: `invalid mapping file ${file}:\n  attributes.groups is read-only (group membership is pushed with the Group endpoints)`, suites: [] });
  });
});
