import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr } from '../../src/core/schema/define.js';
import type { SchemaDef } from '../../src/core/schema/types.js';
import { ConfigError } from '../../src/runner/errors.js';
import { mappingEchoed, mergeMapping, parseMapping } from '../../src/runner/mapping.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const acmeSchema: SchemaDef = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Acme custom attributes',
  attributes: [attr('costCenter', 'string', 'Cost center'), attr('badgeNumber', 'integer', 'Badge number')],
};
const mapping = { nickName: 'Bobby', [ACME]: { costCenter: 'CC-{{$digits:3}}', badgeNumber: 42 } };

describe('mapping file', () => {
  it('parses {"attributes": …} and rejects anything else with the file named', () => {
    expect(parseMapping(JSON.stringify({ attributes: mapping }), 'm.json')).toEqual(mapping);
    expect(() => parseMapping('{', 'm.json')).toThrow(/^m\.json: invalid JSON/);
    expect(() => parseMapping('{"nickName":"x"}', 'm.json')).toThrow(/a mapping file is \{"attributes"/);
    expect(() => parseMapping('{"attributes":{}}', 'm.json')).toThrow(/"attributes" is empty/);
    expect(() => parseMapping(`{"attributes":{"${ACME}":"x"}}`, 'm.json')).toThrow(ConfigError);
  });

  it('merges into a body (extension URNs join schemas) and checks every mapped value came back', () => {
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'u', [ACME]: { other: 1 } };
    const merged = mergeMapping(body, { nickName: 'Bobby', [ACME]: { costCenter: 'CC-1' } });
    expect(merged).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME], userName: 'u', nickName: 'Bobby', [ACME]: { other: 1, costCenter: 'CC-1' } });
    expect(mappingEchoed({ nickName: 'Bobby', [ACME]: { costCenter: 'CC-1' } }, merged)).toEqual([]);
    expect(mappingEchoed({ [ACME]: { costCenter: 'CC-2' } }, merged)).toEqual([
      { assertion: `mapped attribute body["${ACME}"].costCenter round-trips`, expected: 'CC-2', actual: 'CC-1' },
    ]);
    expect(mappingEchoed(undefined, {})).toEqual([]);
  });
});

describe('--mapping in a run', () => {
  let withExtension: RunningServer;
  let without: RunningServer;
  let suite: string;
  beforeAll(async () => {
    withExtension = await startServer({ port: 0, token: 'mapping-token', quiet: true, extensions: [acmeSchema] });
    without = await startServer({ port: 0, token: 'mapping-token', quiet: true });
    suite = join(mkdtempSync(join(tmpdir(), 'scim-check-mapping-')), 'mapped.json');
    writeFileSync(
      suite,
      JSON.stringify({
        id: 'mapped',
        title: 'mapped',
        description: 'custom attributes round-trip',
        source: 'test',
        checks: [
          {
            id: 'mapped/create',
            title: 'create with the mapped attributes and read them back',
            description: 'd',
            level: 'MUST',
            source: 'test',
            writes: true,
            steps: [
              {
                request: { method: 'POST', path: '/Users', withMapping: true, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: '{{$prefix}}mapped-{{$lower:6}}@{{$domain}}' } },
                capture: { id: 'body.id' },
                expect: [{ status: 201 }, { mapping: 'echoed' }],
              },
              { request: { method: 'GET', path: '/Users/{{id}}' }, expect: [{ status: 200 }, { mapping: 'echoed' }] },
            ],
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await withExtension.close();
    await without.close();
  });

  it('sends the mapped attributes and passes when the server keeps them', async () => {
    const result = await run({ url: withExtension.url, token: 'mapping-token', suites: [suite], only: ['mapped/create'], mapping: { [ACME]: mapping[ACME] } });
    const check = result.suites[0]!.checks[0]!;
    expect(check.failures).toEqual([]);
    const sent = JSON.parse(check.exchanges[0]!.request.body!) as Record<string, { costCenter: string; badgeNumber: number }>;
    expect(sent[ACME]).toEqual({ costCenter: expect.stringMatching(/^CC-\d{3}$/), badgeNumber: 42 });
    expect(result.exitCode).toBe(0);
  });

  it('fails, naming the attribute, when the server does not keep them', async () => {
    const result = await run({ url: without.url, token: 'mapping-token', suites: [suite], only: ['mapped/create'], mapping: { [ACME]: mapping[ACME] } });
    const check = result.suites[0]!.checks[0]!;
    expect(check.status).toBe('failed');
    expect(JSON.stringify(check.failures)).toMatch(/mapped attribute body\["urn:example:params:scim:schemas:extension:acme:2\.0:User"\]\.costCenter round-trips|status is 201/);
    expect(result.cleanup.left).toEqual([]);
  });

  it('the okta-users suite sends the mapping on create and checks it in the attribute round-trip', async () => {
    const only = ['okta-users/attribute-round-trip'];
    const kept = await run({ url: withExtension.url, token: 'mapping-token', suites: ['okta-users'], only, mapping });
    expect(kept.suites[0]!.checks.map((c) => [c.id, c.status, c.failures])).toEqual([
      ['okta-users/create-user', 'passed', []],
      ['okta-users/attribute-round-trip', 'passed', []],
    ]);
    const dropped = await run({ url: without.url, token: 'mapping-token', suites: ['okta-users'], only, mapping: { [ACME]: { costCenter: 'CC-1' } } });
    expect(dropped.exitCode).toBe(1);
  });

  it('without a mapping the body is sent as written and the check passes', async () => {
    const result = await run({ url: without.url, token: 'mapping-token', suites: [suite], only: ['mapped/create'] });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.suites[0]!.checks[0]!.exchanges[0]!.request.body!)).not.toHaveProperty([ACME]);
  });
});
