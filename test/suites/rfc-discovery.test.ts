import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderList } from '../../src/cli/list.js';
import { attr } from '../../src/core/schema/define.js';
import { enterpriseUserSchema, groupSchema, userSchema } from '../../src/core/schema/index.js';
import type { SchemaDef } from '../../src/core/schema/types.js';
import { analyzeConfig, analyzeDiscovery, analyzeResourceTypes, analyzeSchemas } from '../../src/runner/discovery-analysis.js';
import { extensionFilter, extensionTarget, generateResource, newIdentity, withoutRequired, type GenerationContext } from '../../src/runner/discovery-data.js';
import { evaluateValue } from '../../src/runner/assert.js';
import { createSession } from '../../src/runner/discovery.js';
import { loadSuiteFile, resolveSuites } from '../../src/runner/load.js';
import type { CheckResult } from '../../src/runner/results.js';
import type { CheckDef } from '../../src/runner/suite-format.js';
import type { TemplateContext } from '../../src/runner/template.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:example:custom:2.0:User';

const list = (resources: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, Resources: resources });
const served = (s: SchemaDef) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...s });
const config = (overrides: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 100 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer', description: 'token' }],
  ...overrides,
});
const userType = (extensions: { schema: string; required: boolean }[] = [{ schema: ENTERPRISE, required: false }]) => ({
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  schema: USER,
  schemaExtensions: extensions,
});
const groupType = { id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP, schemaExtensions: [] };

/** Deterministic random text: a, b, c… cycling, so tests see stable values. */
function counter(): (n: number) => string {
  let i = 0;
  return (n) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[i++ % 26]).join('');
}
const ctx = (): GenerationContext => ({ prefix: 'p-', domain: 'example.org', random: counter() });

describe('discovery analysis', () => {
  it('reads the advertised features and finds missing or malformed ServiceProviderConfig members', () => {
    const good = analyzeConfig(config());
    expect(good.problems).toEqual([]);
    expect(good.advertised).toEqual({ patch: true, bulk: false, filter: true, changePassword: false, sort: false, etag: true });
    const bad = analyzeConfig({ schemas: [], patch: { supported: 'yes' }, bulk: { supported: true }, filter: { supported: true }, changePassword: {}, sort: { supported: true } });
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('schemas does not list'),
        expect.stringContaining('patch.supported'),
        expect.stringContaining('changePassword.supported'),
        expect.stringContaining('etag.supported'),
        'bulk.maxOperations is not an integer',
        'filter.maxResults is not an integer',
        'authenticationSchemes is missing or not an array',
      ]),
    );
    expect(bad.advertised).toEqual({ bulk: true, filter: true, sort: true });
    expect(analyzeConfig('not json').problems).toEqual(['GET /ServiceProviderConfig did not return a JSON object']);
  });

  it('finds invalid attribute characteristics and missing core schemas', () => {
    const broken: SchemaDef = {
      id: USER,
      name: 'User',
      description: '',
      attributes: [
        { ...attr('userName', 'string', ''), type: 'text' as never, mutability: 'rw' as never },
        attr('name', 'complex', ''),
        attr('nick', 'string', '', { subAttributes: [attr('x', 'string', '')] }),
        attr('deep', 'complex', '', { subAttributes: [attr('inner', 'complex', '', { subAttributes: [attr('x', 'string', '')] })] }),
      ],
    };
    const { problems, byId } = analyzeSchemas(list([served(broken)]));
    expect(problems).toEqual([
      `${USER} attributes[0] (userName): type "text" is not a SCIM type`,
      `${USER} attributes[0] (userName): mutability "rw" is not valid`,
      `${USER} attributes[1] (name): a complex attribute needs subAttributes`,
      `${USER} attributes[2] (nick): only complex attributes have subAttributes`,
      `${USER} attributes[3] (deep).subAttributes[0] (inner): complex attributes must not nest (RFC 7643 §2.3.8)`,
      `the core schema ${GROUP} is not served`,
      `${USER}: userName is not marked required (RFC 7643 §4.1.1)`,
    ]);
    // the usable part is kept, with RFC defaults filled in for generation
    expect(byId.get(USER)!.attributes[0]).toMatchObject({ name: 'userName', type: 'string', mutability: 'readWrite' });
    expect(analyzeSchemas(list([served(userSchema), served(groupSchema), served(enterpriseUserSchema)])).problems).toEqual([]);
  });

  it('reports resource types whose schemas are not served or whose endpoint is not /Users', () => {
    const schemas = analyzeSchemas(list([served(userSchema), served(groupSchema)])).byId;
    expect(analyzeResourceTypes(list([userType(), groupType]), schemas, true).problems).toEqual([`User: schema ${ENTERPRISE} is not served at /Schemas`]);
    expect(analyzeResourceTypes(list([{ ...userType([]), endpoint: '/People' }]), schemas, true).problems).toEqual([
      "the User resource type's endpoint is /People, not /Users",
    ]);
    expect(analyzeResourceTypes(list([groupType]), schemas, true).problems).toEqual(['no resource type has the core User schema']);
  });

  it('falls back to the standard schemas and says so when discovery gives nothing usable', () => {
    const analysis = analyzeDiscovery(undefined, undefined, undefined);
    expect(analysis.fallback).toBe(true);
    expect(analysis.user.core.id).toBe(USER);
    expect(analysis.user.extensions.map((e) => e.schema.id)).toEqual([ENTERPRISE]);
    expect(analysis.notes.join(' ')).toMatch(/standard RFC 7643 User and Enterprise User schemas/);
    expect(analysis.notes.join(' ')).toMatch(/ServiceProviderConfig is unusable/);
    expect(analysis.advertised.patch).toBeUndefined();
  });

  it('builds the User model from what the server serves, custom extension included', () => {
    const custom: SchemaDef = { id: CUSTOM, name: 'Custom', description: '', attributes: [attr('code', 'string', '', { required: true })] };
    const analysis = analyzeDiscovery(
      config(),
      list([userType([{ schema: ENTERPRISE, required: false }, { schema: CUSTOM, required: true }]), groupType]),
      list([served(userSchema), served(groupSchema), served(enterpriseUserSchema), served(custom)]),
    );
    expect(analysis.fallback).toBe(false);
    expect([analysis.configProblems, analysis.resourceTypeProblems, analysis.schemaProblems]).toEqual([[], [], []]);
    expect(analysis.user.extensions.map((e) => [e.schema.id, e.required])).toEqual([
      [ENTERPRISE, false],
      [CUSTOM, true],
    ]);
    expect(analysis.advertised.extension).toBe(true);
    expect(extensionTarget(analysis.user)).toEqual({ schema: CUSTOM, attribute: 'code', path: `${CUSTOM}:code` });
  });
});

describe('data generated from schemas', () => {
  const custom: SchemaDef = {
    id: CUSTOM,
    name: 'Custom',
    description: '',
    attributes: [
      attr('code', 'string', '', { required: true, uniqueness: 'server' }),
      attr('level', 'string', '', { canonicalValues: ['gold', 'silver'] }),
      attr('seat', 'integer', '', { uniqueness: 'global' }),
      attr('since', 'dateTime', ''),
      attr('computed', 'string', '', { mutability: 'readOnly' }),
      attr('secret', 'string', '', { mutability: 'writeOnly', returned: 'never' }),
    ],
  };
  const model = { core: userSchema, extensions: [{ schema: enterpriseUserSchema, required: false }, { schema: custom, required: false }] };

  it('fills required, usual and extension attributes with values of their type; leaves out read-only ones', () => {
    const c = ctx();
    const identity = newIdentity(c);
    const { body, expect: echoed } = generateResource(model, 'User', c, identity);
    expect(body['schemas']).toEqual([USER, ENTERPRISE, CUSTOM]);
    expect(body).toMatchObject({ userName: identity.userName, active: true, emails: [{ value: identity.email, type: 'work', primary: true }] });
    expect(identity.userName).toMatch(/^p-rfc-[a-z]{10}@example\.org$/);
    expect(typeof body['password']).toBe('string');
    expect(body).not.toHaveProperty('groups'); // readOnly
    const ext = body[CUSTOM] as Record<string, unknown>;
    expect(ext).toMatchObject({ level: 'gold', since: '2021-06-01T12:00:00Z' });
    expect(ext['code']).toBe(`p-code-${identity.tag}`);
    expect(ext).not.toHaveProperty('computed');
    expect(body[ENTERPRISE]).not.toHaveProperty('manager'); // a reference to a user that may not exist
    // what comes back unchanged: not the password, not write-only or dateTime values
    expect(echoed).not.toHaveProperty('password');
    expect(echoed[CUSTOM]).toEqual({ code: ext['code'], level: 'gold', seat: ext['seat'] });
  });

  it('builds one filter over every filterable extension attribute, with the operators of its type', () => {
    const c = ctx();
    const { body } = generateResource(model, 'User', c);
    const ext = body[CUSTOM] as Record<string, unknown>;
    const filter = extensionFilter(model, body)!;
    expect(filter).toContain(`${CUSTOM}:code eq ${JSON.stringify(ext['code'])}`);
    expect(filter).toContain(`${CUSTOM}:level eq "gold"`);
    expect(filter).toContain(`${CUSTOM}:seat ge ${String(ext['seat'])} and ${CUSTOM}:seat le ${String(ext['seat'])}`);
    expect(filter).toContain(`${CUSTOM}:since ge "2021-06-01T12:00:00Z"`);
    expect(filter).toContain(`${ENTERPRISE}:employeeNumber eq `);
    expect(filter).not.toContain('secret'); // never returned, so never filterable
    expect(filter.split(' and ').length).toBe(5 + 1 + 1 + 3 + 3); // enterprise strings, code, level, seat ×3, since ×3
    expect(extensionFilter({ core: userSchema, extensions: [] }, { userName: 'x' })).toBeUndefined();
  });

  it('gives unique attributes a different value per resource', () => {
    const c = ctx();
    const a = generateResource(model, 'User', c).body[CUSTOM] as Record<string, unknown>;
    const b = generateResource(model, 'User', c).body[CUSTOM] as Record<string, unknown>;
    expect(a['code']).not.toEqual(b['code']);
    expect(a['seat']).not.toEqual(b['seat']);
    expect(Number.isInteger(a['seat'])).toBe(true);
  });

  it('a minimal resource holds only required attributes and required extensions; withoutRequired drops them', () => {
    const required = { core: userSchema, extensions: [{ schema: enterpriseUserSchema, required: false }, { schema: custom, required: true }] };
    const c = ctx();
    const identity = newIdentity(c);
    const minimal = generateResource(required, 'User', c, identity, true).body;
    expect(minimal).toEqual({ schemas: [USER, CUSTOM], userName: identity.userName, [CUSTOM]: { code: `p-code-${identity.tag}` } });
    expect(withoutRequired(required, minimal)).not.toHaveProperty('userName');
    expect(generateResource({ core: groupSchema, extensions: [] }, 'Group', c).body).toEqual({ schemas: [GROUP], displayName: expect.stringMatching(/^p-/) });
  });
});

describe('discovery session: features decide, data refreshes per check', () => {
  const template = (): TemplateContext => ({ vars: new Map(), prefix: 'p-', domain: 'example.org', baseUrl: 'http://x' });
  const checkDef = (id: string, requires?: CheckDef['requires']): CheckDef => ({ id, title: id, description: id, level: 'MUST', source: 'RFC', steps: [], ...(requires ? { requires } : {}) });
  const result = (id: string, status: CheckResult['status']): CheckResult => ({ id, suite: 'rfc', title: id, description: id, level: 'MUST', source: 'RFC', status, ms: 1, failures: status === 'failed' ? [{ assertion: 'x' }] : [], exchanges: [] });
  const analysis = () => analyzeDiscovery(config(), list([userType(), groupType]), list([served(userSchema), served(groupSchema), served(enterpriseUserSchema)]));

  it('runs advertised features, probes the first check of an unadvertised one, skips the rest with the reason', () => {
    const session = createSession(analysis(), template());
    expect(session.beforeCheck(checkDef('a', ['patch', 'filter']))).toBeUndefined();
    expect(session.beforeCheck(checkDef('probe', ['sort']))).toBeUndefined();
    expect(session.beforeCheck(checkDef('next', ['sort']))).toBe('not advertised: ServiceProviderConfig sort.supported is false');
    const passed = session.afterCheck(checkDef('probe', ['sort']), result('probe', 'passed'));
    expect(passed.status).toBe('skipped');
    expect(passed.skipReason).toMatch(/run once as a probe: it passed, advertised false but works\)$/);
    expect(passed.notes).toEqual(['advertised false but works: sort passed this check; consider advertising ServiceProviderConfig sort.supported = true']);
    expect(session.afterCheck(checkDef('a'), result('a', 'failed')).status).toBe('failed');
  });

  it('a failing probe is a skip, never a failure; a missing extension is skipped without a probe', () => {
    const noExtension = analyzeDiscovery(config(), list([userType([]), groupType]), list([served(userSchema), served(groupSchema)]));
    const session = createSession(noExtension, template());
    expect(session.beforeCheck(checkDef('b', ['bulk']))).toBeUndefined();
    const probe = session.afterCheck(checkDef('b', ['bulk']), result('b', 'failed'));
    expect(probe).toMatchObject({ status: 'skipped', failures: [] });
    expect(probe.notes).toBeUndefined();
    expect(session.beforeCheck(checkDef('e', ['extension']))).toBe('not advertised: the User resource type declares no schema extension');
  });

  it('refreshes generated variables before every check; the first userName sorts before the second', () => {
    const t = template();
    const session = createSession(analysis(), t);
    session.beforeCheck(checkDef('one'));
    const first = t.vars.get('genUserName') as string;
    expect(first < (t.vars.get('genUserName2') as string)).toBe(true);
    expect((t.vars.get('genUser') as Record<string, unknown>)['userName']).toBe(first);
    expect(t.vars.get('genExtPath')).toBe(`${ENTERPRISE}:employeeNumber`);
    expect(t.vars.get('genExtNewObject')).toEqual({ [ENTERPRISE]: { employeeNumber: t.vars.get('genExtNewValue') } });
    expect(t.vars.get('discoverySchemaProblems')).toEqual([]);
    session.beforeCheck(checkDef('two'));
    expect(t.vars.get('genUserName')).not.toBe(first);
  });

  it('immutable and unique attributes: found in the served schemas (or skipped with the reason, never probed), with data to probe them', () => {
    const none = createSession(analysis(), template());
    expect(none.beforeCheck(checkDef('i', ['immutable']))).toBe('not advertised: the served User schemas declare no immutable single-valued string or integer attribute');
    expect(none.beforeCheck(checkDef('u', ['uniqueAttribute']))).toMatch(/^not advertised: the served User schemas declare no unique .* besides userName$/);

    const custom: SchemaDef = {
      id: CUSTOM,
      name: 'Custom',
      description: '',
      attributes: [attr('hireCode', 'string', 'issued once', { mutability: 'immutable' }), attr('seat', 'integer', 'unique', { uniqueness: 'server' })],
    };
    const withCustom = analyzeDiscovery(
      config(),
      list([userType([{ schema: ENTERPRISE, required: false }, { schema: CUSTOM, required: false }]), groupType]),
      list([served(userSchema), served(groupSchema), served(enterpriseUserSchema), served(custom)]),
    );
    const t = template();
    const session = createSession(withCustom, t);
    expect(session.beforeCheck(checkDef('i', ['immutable']))).toBeUndefined();
    expect(session.beforeCheck(checkDef('u', ['uniqueAttribute']))).toBeUndefined();
    const user = t.vars.get('genUser') as Record<string, any>;
    const user2 = t.vars.get('genUser2') as Record<string, any>;
    expect(t.vars.get('genImmutablePath')).toBe(`${CUSTOM}:hireCode`);
    expect(t.vars.get('genImmutableObject')).toEqual({ [CUSTOM]: { hireCode: user[CUSTOM].hireCode } });
    const changed = t.vars.get('genUserImmutableChanged') as Record<string, any>;
    expect(changed[CUSTOM].hireCode).toBe(t.vars.get('genImmutableNewValue'));
    expect(changed[CUSTOM].hireCode).not.toBe(user[CUSTOM].hireCode);
    expect(changed.userName).toBe(user.userName);
    // the second user claims the first user's unique seat; otherwise it is the second user
    const taken = t.vars.get('genUserUniqueTaken') as Record<string, any>;
    expect(taken[CUSTOM].seat).toBe(user[CUSTOM].seat);
    expect(user2[CUSTOM].seat).not.toBe(user[CUSTOM].seat);
    expect(taken.userName).toBe(user2.userName);
    // replacing the first user by PUT keeps its immutable value and takes everything else from the second
    const replacement = t.vars.get('genUserReplacement') as Record<string, any>;
    expect(replacement[CUSTOM]).toEqual({ ...user2[CUSTOM], hireCode: user[CUSTOM].hireCode });
    expect((t.vars.get('genUserExpectReplacement') as Record<string, any>)[CUSTOM].hireCode).toBe(user[CUSTOM].hireCode);
    expect(t.vars.get('genUserNameReplacement')).toBe(user2.userName);
    expect(user).not.toHaveProperty('hireCode');
  });

  it('attaches discovery notes (fallback) to the first result only', () => {
    const session = createSession(analyzeDiscovery(undefined, undefined, undefined), template());
    expect(session.afterCheck(checkDef('x'), result('x', 'passed')).notes?.join(' ')).toMatch(/standard RFC 7643/);
    expect(session.afterCheck(checkDef('y'), result('y', 'passed')).notes).toBeUndefined();
  });
});

describe('contains on an object (used to compare a response with the generated values)', () => {
  const source = (json: unknown) => ({ vars: new Map(), exchange: { response: { status: 200, headers: {}, json } } as never });
  it('holds when the object has the fields, recursively; fails otherwise', () => {
    const body = { userName: 'a', name: { givenName: 'A', familyName: 'B' }, [CUSTOM]: { code: 'x' } };
    expect(evaluateValue({ that: 'body', contains: { name: { givenName: 'A' }, [CUSTOM]: { code: 'x' } } }, source(body))).toEqual([]);
    expect(evaluateValue({ that: 'body', contains: { [CUSTOM]: { code: 'y' } } }, source(body))).toHaveLength(1);
    expect(evaluateValue({ that: 'body', notContains: { userName: 'a' } }, source(body))).toHaveLength(1);
  });
});

describe('the rfc suite file', () => {
  const file = fileURLToPath(new URL('../../suites/rfc.json', import.meta.url));

  it('is a valid suite file (JSON Schema and cross-checks) and part of --suite all', async () => {
    const loaded = await loadSuiteFile(file);
    expect(loaded.suite.discovery).toBe(true);
    const all = await resolveSuites(['all']);
    expect(all.map((s) => s.suite.id)).toContain('rfc');
    expect((await resolveSuites(['rfc'])).map((s) => s.suite.id)).toEqual(['rfc', 'transport']);
  });

  it('scim-check list --suite rfc shows each check with its RFC section and level', async () => {
    const [rfc] = await resolveSuites(['rfc']);
    const text = renderList([rfc!]);
    for (const c of rfc!.suite.checks) {
      expect(c.source).toMatch(/RFC 764[34] §\d/);
      expect(text).toContain(`  ${c.id}  [${c.level}`);
      expect(text).toContain(`      source:  ${c.source}`);
    }
    const levels = new Set(rfc!.suite.checks.map((c) => c.level));
    expect([...levels].sort()).toEqual(['MAY', 'MUST', 'SHOULD']);
  });

  it('checks of optional features require them, so a server that does not advertise them is not blamed', async () => {
    const [rfc] = await resolveSuites(['rfc']);
    const requiring = (feature: string) => rfc!.suite.checks.filter((c) => c.requires?.includes(feature as never)).map((c) => c.id);
    const patchChecks = rfc!.suite.checks.filter((c) => c.steps.some((s) => s.request.method === 'PATCH')).map((c) => c.id);
    expect(requiring('patch').sort()).toEqual(patchChecks.sort());
    const filterChecks = rfc!.suite.checks.filter((c) => c.steps.some((s) => s.request.query?.['filter'] !== undefined || (s.request.body as { filter?: unknown } | undefined)?.filter !== undefined));
    expect(filterChecks.length).toBeGreaterThan(20);
    expect(filterChecks.filter((c) => !c.requires?.includes('filter')).map((c) => c.id)).toEqual([]);
    expect(requiring('etag')).toHaveLength(4);
    expect(requiring('sort')).toHaveLength(3);
  });
});

describe('a server whose schema makes userName immutable', () => {
  it('the PUT replacing the first user keeps its userName, and the immutability checks target userName', () => {
    const immutableUserName: SchemaDef = { ...userSchema, attributes: userSchema.attributes.map((a) => (a.name === 'userName' ? { ...a, mutability: 'immutable' as const } : a)) };
    const analysis = analyzeDiscovery(config(), list([userType(), groupType]), list([served(immutableUserName), served(groupSchema), served(enterpriseUserSchema)]));
    const t: TemplateContext = { vars: new Map(), prefix: 'p-', domain: 'example.org', baseUrl: 'http://x' };
    const session = createSession(analysis, t);
    expect(session.beforeCheck({ id: 'i', title: 'i', description: 'i', level: 'MUST', source: 'RFC', steps: [], requires: ['immutable'] })).toBeUndefined();
    expect(t.vars.get('genImmutablePath')).toBe('userName');
    expect(t.vars.get('genUserNameReplacement')).toBe(t.vars.get('genUserName'));
    expect((t.vars.get('genUserReplacement') as Record<string, unknown>)['userName']).toBe(t.vars.get('genUserName'));
    expect((t.vars.get('genUserImmutableChanged') as Record<string, unknown>)['userName']).toBe(t.vars.get('genImmutableNewValue'));
  });
});
