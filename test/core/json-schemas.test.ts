import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { detectSchemaName, SCHEMA_NAMES, scimJsonSchemas, validateScim } from '../../src/core/json-schemas/index.js';
import { scimKeywords } from '../../src/core/json-schemas/keywords.js';
import { isBase64, isDateTime, isUri, isUriReference } from '../../src/core/json-schemas/formats.js';
import type { SchemaName } from '../../src/runner/suite-format.js';

const PAYLOADS = join(import.meta.dirname, '../../fixtures/payloads');
const load = (dir: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(PAYLOADS, dir, file), 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const expectedKind: Record<string, SchemaName> = {
  'user-full.json': 'User',
  'group.json': 'Group',
  'user-list.json': 'UserListResponse',
  'group-list-empty.json': 'ListResponse',
  'error-uniqueness.json': 'Error',
  'service-provider-config.json': 'ServiceProviderConfig',
  'resource-type-user.json': 'ResourceType',
  'schema-enterprise-user.json': 'Schema',
  'user-create.json': 'User',
  'patch-okta-deactivate.json': 'PatchOp',
  'patch-entra-members.json': 'PatchOp',
};

describe('valid payloads', () => {
  for (const file of readdirSync(join(PAYLOADS, 'valid'))) {
    it(`${file} is detected as ${expectedKind[file]} and passes`, () => {
      const payload = load('valid', file);
      const kind = detectSchemaName(payload);
      expect(kind).toBe(expectedKind[file]);
      expect(validateScim(kind!, payload)).toEqual({ valid: true, errors: [] });
    });
  }
  for (const file of readdirSync(join(PAYLOADS, 'requests'))) {
    it(`request body ${file} passes as a request`, () => {
      const payload = load('requests', file);
      const kind = detectSchemaName(payload);
      expect(kind).toBe(expectedKind[file]);
      expect(validateScim(kind!, payload, { request: true })).toEqual({ valid: true, errors: [] });
    });
  }

  it('a create body is not a valid response: no id, and the password is echoed', () => {
    const verdict = validateScim('User', load('requests', 'user-create.json'));
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toEqual([
      '/id: is required but missing',
      '/password: must not be returned (the schema says returned: "never")',
    ]);
  });

  it('a minimal user, nulls for unassigned attributes and unknown declared extensions pass', () => {
    const user = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:example:params:scim:schemas:extension:acme:1.0:User'],
      id: 'u1',
      userName: 'bjorn',
      displayName: null,
      emails: null,
      'urn:example:params:scim:schemas:extension:acme:1.0:User': { badge: 12 },
      customTopLevel: 'kept',
    };
    expect(validateScim('User', user)).toEqual({ valid: true, errors: [] });
  });

  it('the generic ListResponse checks each entry against the kind its schemas names', () => {
    const list = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 3,
      Resources: [load('valid', 'resource-type-user.json'), { ...load('valid', 'resource-type-user.json'), endpoint: 5 }, { ...load('valid', 'group.json'), id: '' }],
    };
    expect(validateScim('ListResponse', list).errors).toEqual(['/Resources/1/endpoint: must be string, got number 5 (endpoint is relative to the base URL, e.g. "/Users")', '/Resources/2/id: must not be empty']);
  });

  it('a projected response (attributes=emails) may omit userName but not id', () => {
    const projected = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', emails: [{ value: 'a@example.com' }] };
    expect(validateScim('User', projected).errors).toEqual(['/userName: is required but missing']);
    expect(validateScim('User', projected, { partial: true })).toEqual({ valid: true, errors: [] });
    const list = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ ...projected, id: undefined }] };
    expect(validateScim('UserListResponse', list, { partial: true }).errors).toEqual(['/Resources/0/id: is required but missing']);
    const groups = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1' }] };
    expect(validateScim('GroupListResponse', groups).errors).toEqual(['/Resources/0/displayName: is required but missing']);
    expect(validateScim('GroupListResponse', groups, { partial: true }).valid).toBe(true);
  });

  it('the generic ListResponse accepts any resources, and an empty page with totalResults 0 needs none', () => {
    expect(validateScim('ListResponse', { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 }).valid).toBe(true);
    const list = load('valid', 'user-list.json');
    (list.Resources as unknown[]).push({ id: 'x', anything: true });
    expect(validateScim('ListResponse', list).valid).toBe(true);
  });
});

/** One defect per row: a mutation of a valid payload and the exact readable line it must produce. */
const defects: { name: string; kind: SchemaName; base: [string, string]; mutate: (p: any) => void; error: string; request?: boolean }[] = [
  { name: 'id a number', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.id = 42), error: '/id: must be string, got number 42' },
  { name: 'id empty', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.id = ''), error: '/id: must not be empty' },
  { name: 'id missing', kind: 'Group', base: ['valid', 'group.json'], mutate: (p) => delete p.id, error: '/id: is required but missing' },
  { name: 'userName missing', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => delete p.userName, error: '/userName: is required but missing' },
  { name: 'userName null', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.userName = null), error: '/userName: must be string, got null' },
  { name: 'schemas missing', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => delete p.schemas, error: '/schemas: is required but missing' },
  {
    name: 'schemas without the core URN',
    kind: 'Group',
    base: ['valid', 'group.json'],
    mutate: (p) => (p.schemas = ['urn:ietf:params:scim:schemas:core:2.0:User']),
    error: '/schemas: must contain "urn:ietf:params:scim:schemas:core:2.0:Group"',
  },
  { name: 'schemas a string', kind: 'Group', base: ['valid', 'group.json'], mutate: (p) => (p.schemas = 'urn:ietf:params:scim:schemas:core:2.0:Group'), error: '/schemas: must be array, got string "urn:ietf:params:scim:schemas:core:2.0:Group"' },
  { name: 'active as a string (Entra-style) in a response', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.active = 'False'), error: '/active: must be boolean or null, got string "False"' },
  { name: 'emails not an array', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.emails = { value: 'a@example.com' }), error: '/emails: must be array or null, got object' },
  { name: 'email value a number', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.emails[1].value = 7), error: '/emails/1/value: must be string or null, got number 7' },
  { name: 'two primary emails', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.emails[1].primary = true), error: '/emails: at most one entry may have primary: true (entries 0, 1 do)' },
  { name: 'name not an object', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.name = 'Maria Okafor'), error: '/name: must be object or null, got string "Maria Okafor"' },
  { name: 'wrong-case attribute name', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => ((p.DisplayName = p.displayName), delete p.displayName), error: '/DisplayName: attribute name must be spelled "displayName" (canonical case)' },
  { name: 'wrong-case sub-attribute name', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => ((p.name.givenname = 'Maria'), delete p.name.givenName), error: '/name/givenname: attribute name must be spelled "givenName" (canonical case)' },
  { name: 'password returned', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.password = 'hunter2'), error: '/password: must not be returned (the schema says returned: "never")' },
  { name: 'enterprise attribute of wrong type', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p[ENTERPRISE].manager = 'Tomasz'), error: `/${ENTERPRISE}/manager: must be object or null, got string "Tomasz"` },
  {
    name: 'extension not declared in schemas',
    kind: 'User',
    base: ['valid', 'user-full.json'],
    mutate: (p) => (p.schemas = ['urn:ietf:params:scim:schemas:core:2.0:User']),
    error: `/${ENTERPRISE}: extension object present but its URN is not listed in schemas`,
  },
  { name: 'meta.resourceType in the wrong case', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.meta.resourceType = 'user'), error: '/meta/resourceType: must be "User", got string "user"' },
  { name: 'meta.created not a dateTime', kind: 'Group', base: ['valid', 'group.json'], mutate: (p) => (p.meta.created = '14/03/2025'), error: '/meta/created: must be a valid date-time, got string "14/03/2025"' },
  { name: 'meta.location relative', kind: 'Group', base: ['valid', 'group.json'], mutate: (p) => (p.meta.location = '/Groups/1'), error: '/meta/location: must be a valid uri, got string "/Groups/1"' },
  { name: 'member $ref with a space', kind: 'Group', base: ['valid', 'group.json'], mutate: (p) => (p.members[0].$ref = 'Users/a b'), error: '/members/0/$ref: must be a valid uri-reference, got string "Users/a b"' },
  { name: 'certificate not base64', kind: 'User', base: ['valid', 'user-full.json'], mutate: (p) => (p.x509Certificates[0].value = 'not base64!'), error: '/x509Certificates/0/value: must be a valid base64, got string "not base64!"' },
  { name: 'totalResults a string', kind: 'UserListResponse', base: ['valid', 'user-list.json'], mutate: (p) => (p.totalResults = '2'), error: '/totalResults: must be integer, got string "2"' },
  { name: 'startIndex 0', kind: 'UserListResponse', base: ['valid', 'user-list.json'], mutate: (p) => (p.startIndex = 0), error: '/startIndex: must be >= 1, got number 0 (startIndex is 1-based)' },
  { name: 'Resources null', kind: 'UserListResponse', base: ['valid', 'user-list.json'], mutate: (p) => (p.Resources = null), error: '/Resources: must be array, got null' },
  { name: 'Resources missing with results', kind: 'ListResponse', base: ['valid', 'user-list.json'], mutate: (p) => delete p.Resources, error: '/Resources: is required but missing' },
  { name: 'resource id a number inside a list', kind: 'UserListResponse', base: ['valid', 'user-list.json'], mutate: (p) => (p.Resources[0].id = 5), error: '/Resources/0/id: must be string, got number 5' },
  { name: 'a group in a user list', kind: 'UserListResponse', base: ['valid', 'user-list.json'], mutate: (p) => (p.Resources[0].schemas = ['urn:ietf:params:scim:schemas:core:2.0:Group']), error: '/Resources/0/schemas: must contain "urn:ietf:params:scim:schemas:core:2.0:User"' },
  { name: 'list without the ListResponse URN', kind: 'ListResponse', base: ['valid', 'group-list-empty.json'], mutate: (p) => (p.schemas = ['urn:ietf:params:scim:api:messages:2.0:ListResponses']), error: '/schemas: must contain "urn:ietf:params:scim:api:messages:2.0:ListResponse"' },
  { name: 'Error status a number', kind: 'Error', base: ['valid', 'error-uniqueness.json'], mutate: (p) => (p.status = 409), error: '/status: must be string, got number 409 (RFC 7644 §3.12: status is the HTTP status code as a JSON string, e.g. "404")' },
  { name: 'Error status not a code', kind: 'Error', base: ['valid', 'error-uniqueness.json'], mutate: (p) => (p.status = 'Conflict'), error: '/status: RFC 7644 §3.12: status is the HTTP status code as a JSON string, e.g. "404", got string "Conflict"' },
  { name: 'Error without status', kind: 'Error', base: ['valid', 'error-uniqueness.json'], mutate: (p) => delete p.status, error: '/status: is required but missing' },
  { name: 'Error scimType unknown', kind: 'Error', base: ['valid', 'error-uniqueness.json'], mutate: (p) => (p.scimType = 'duplicate'), error: '/scimType: must be one of "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget", "invalidValue", "invalidVers", "sensitive", got string "duplicate"' },
  { name: 'Error without the Error URN', kind: 'Error', base: ['valid', 'error-uniqueness.json'], mutate: (p) => (p.schemas = []), error: '/schemas: must contain "urn:ietf:params:scim:api:messages:2.0:Error"' },
  { name: 'SPC without bulk', kind: 'ServiceProviderConfig', base: ['valid', 'service-provider-config.json'], mutate: (p) => delete p.bulk, error: '/bulk: is required but missing' },
  { name: 'SPC patch.supported a string', kind: 'ServiceProviderConfig', base: ['valid', 'service-provider-config.json'], mutate: (p) => (p.patch.supported = 'true'), error: '/patch/supported: must be boolean, got string "true"' },
  { name: 'SPC filter without maxResults', kind: 'ServiceProviderConfig', base: ['valid', 'service-provider-config.json'], mutate: (p) => delete p.filter.maxResults, error: '/filter/maxResults: is required but missing' },
  { name: 'ResourceType without endpoint', kind: 'ResourceType', base: ['valid', 'resource-type-user.json'], mutate: (p) => delete p.endpoint, error: '/endpoint: is required but missing' },
  { name: 'ResourceType extension without required flag', kind: 'ResourceType', base: ['valid', 'resource-type-user.json'], mutate: (p) => delete p.schemaExtensions[0].required, error: '/schemaExtensions/0/required: is required but missing' },
  { name: 'Schema attribute of unknown type', kind: 'Schema', base: ['valid', 'schema-enterprise-user.json'], mutate: (p) => (p.attributes[0].type = 'text'), error: '/attributes/0/type: must be one of "string", "boolean", "decimal", "integer", "dateTime", "reference", "complex", "binary", got string "text"' },
  { name: 'Schema sub-attribute bad mutability', kind: 'Schema', base: ['valid', 'schema-enterprise-user.json'], mutate: (p) => (p.attributes[1].subAttributes[2].mutability = 'readonly'), error: '/attributes/1/subAttributes/2/mutability: must be one of "readOnly", "readWrite", "immutable", "writeOnly", got string "readonly"' },
  { name: 'PatchOp remove without path', kind: 'PatchOp', base: ['requests', 'patch-okta-deactivate.json'], mutate: (p) => (p.Operations[0] = { op: 'remove' }), error: '/Operations/0/path: is required but missing' },
  { name: 'PatchOp unknown op', kind: 'PatchOp', base: ['requests', 'patch-okta-deactivate.json'], mutate: (p) => (p.Operations[0].op = 'update'), error: '/Operations/0/op: op must be "add", "remove" or "replace" (any case), got string "update"' },
  { name: 'PatchOp path-less replace with a scalar value', kind: 'PatchOp', base: ['requests', 'patch-okta-deactivate.json'], mutate: (p) => (p.Operations[0].value = false), error: '/Operations/0/value: must be object, got boolean false (without a path, value must be an object of attributes)' },
  { name: 'PatchOp add without value', kind: 'PatchOp', base: ['requests', 'patch-entra-members.json'], mutate: (p) => delete p.Operations[0].value, error: '/Operations/0/value: is required but missing' },
  { name: 'PatchOp no operations', kind: 'PatchOp', base: ['requests', 'patch-okta-deactivate.json'], mutate: (p) => (p.Operations = []), error: '/Operations: must NOT have fewer than 1 items' },
  { name: 'PatchOp Operations wrong case', kind: 'PatchOp', base: ['requests', 'patch-okta-deactivate.json'], mutate: (p) => ((p.operations = p.Operations), delete p.Operations), error: '/operations: attribute name must be spelled "Operations" (canonical case)' },
  { name: 'request body without userName', kind: 'User', request: true, base: ['requests', 'user-create.json'], mutate: (p) => delete p.userName, error: '/userName: is required but missing' },
];

describe('each defect fails with a readable JSON path', () => {
  for (const d of defects) {
    it(d.name, () => {
      const payload = clone(load(...d.base));
      expect(validateScim(d.kind, payload, { request: d.request }).valid, 'base payload must be valid').toBe(true);
      d.mutate(payload);
      const verdict = validateScim(d.kind, payload, { request: d.request });
      expect(verdict.valid).toBe(false);
      expect(verdict.errors).toContain(d.error);
    });
  }

  it('reports every defect of a payload, not just the first', () => {
    const verdict = validateScim('User', load('invalid', 'user-id-number.json'));
    expect(verdict.errors).toEqual([
      '/id: must be string, got number 4711',
      '/active: must be boolean or null, got string "true"',
      '/emails: at most one entry may have primary: true (entries 0, 1 do)',
    ]);
  });

  it('a non-object payload is reported at the root', () => {
    for (const name of SCHEMA_NAMES) {
      expect(validateScim(name, [1, 2]).errors, name).toEqual(['/: must be object, got array (2 items)']);
      expect(validateScim(name, null).errors, name).toEqual(['/: must be object, got null']);
    }
  });

  it('long values are cut short in messages', () => {
    const verdict = validateScim('Error', { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'x'.repeat(5000), scimType: 'y'.repeat(5000) });
    expect(verdict.errors).toHaveLength(1);
    expect(verdict.errors[0]!.length).toBeLessThan(400);
  });

  it('a hostile, deeply nested Schema resource gets a verdict, not a crash', () => {
    let attribute: Record<string, unknown> = { name: 'leaf', type: 'string', multiValued: false };
    for (let i = 0; i < 20_000; i++) attribute = { name: `n${i}`, type: 'complex', multiValued: false, subAttributes: [attribute] };
    const verdict = validateScim('Schema', { id: 'urn:x', attributes: [attribute] });
    expect(typeof verdict.valid).toBe('boolean');
  });
});

describe('the schemas themselves', () => {
  it('are valid JSON Schema 2020-12 (the validator skips this check at start-up)', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const keyword of scimKeywords) ajv.addKeyword(keyword);
    for (const variant of ['response', 'partial', 'request'] as const) {
      for (const [name, schema] of Object.entries(scimJsonSchemas(variant))) {
        expect(ajv.validateSchema(schema), `${variant} ${name}: ${ajv.errorsText()}`).toBe(true);
      }
    }
  });
});

describe('kind detection', () => {
  it('reads the URNs in schemas and refines list responses by their entries', () => {
    const users = load('valid', 'user-list.json');
    expect(detectSchemaName(users)).toBe('UserListResponse');
    const groups = { ...users, Resources: [load('valid', 'group.json')] };
    expect(detectSchemaName(groups)).toBe('GroupListResponse');
    expect(detectSchemaName({ ...users, Resources: [...(users.Resources as unknown[]), load('valid', 'group.json')] })).toBe('ListResponse');
    expect(detectSchemaName({ schemas: ['urn:example:unknown'] })).toBeUndefined();
    expect(detectSchemaName('text')).toBeUndefined();
    expect(detectSchemaName({ schemas: 'urn:ietf:params:scim:schemas:core:2.0:User' })).toBeUndefined();
  });
});

describe('formats', () => {
  it('date-time follows xsd:dateTime with real calendar dates', () => {
    for (const ok of ['2025-03-14T09:26:53Z', '2024-02-29T00:00:00.5+01:00', '2025-12-31T23:59:60Z', '2025-01-01T00:00:00']) expect(isDateTime(ok), ok).toBe(true);
    for (const bad of ['2025-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01 00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01', '2025-01-01T00:00:00+15:00', '']) expect(isDateTime(bad), bad).toBe(false);
  });
  it('uri needs a scheme; uri-reference only forbids whitespace and control characters', () => {
    for (const ok of ['https://a.example/x?y=1', 'urn:ietf:params:scim:schemas:core:2.0:User', 'mailto:a@b']) expect(isUri(ok), ok).toBe(true);
    for (const bad of ['/Users/1', 'https://a b', 'urn:', '1http://x', '']) expect(isUri(bad), bad).toBe(false);
    expect(isUriReference('../Users/1')).toBe(true);
    expect(isUriReference('a\tb')).toBe(false);
    expect(isUriReference('')).toBe(false);
  });
  it('base64 tolerates PEM line breaks but not other characters or bad padding', () => {
    expect(isBase64('TWFu\nTWE=')).toBe(true);
    expect(isBase64('TWFuTQ')).toBe(false);
    expect(isBase64('TW-u')).toBe(false);
  });
});
