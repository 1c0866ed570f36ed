/**
 * Property: whatever a client sends, the server answers with a success or a well-formed SCIM Error (never a 500,
 * never a hang), and keeps serving. Requests mix valid shapes with random JSON, paths, filters and PATCH operations.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENTERPRISE, GROUP, PATCH_OP, SEARCH, SEED, startClient, USER, type Client } from './helpers.js';

let c: Client;
beforeAll(async () => {
  c = await startClient();
});
afterAll(() => c.server.close());

const ids = fc.constantFrom(SEED.ada, SEED.grace, SEED.engineering, 'nope', '__proto__', '%41', '..', 'constructor');
const attrNames = fc.constantFrom('userName', 'name.givenName', 'emails', 'emails.value', 'members', 'members.value', 'active', 'meta.lastModified', `${ENTERPRISE}:department`, '__proto__', 'constructor.prototype', 'groups', 'password', 'x');
const filterText = fc.oneof(
  fc.string(),
  fc.tuple(attrNames, fc.constantFrom('eq', 'ne', 'co', 'sw', 'gt', 'pr', 'EQ', 'xx'), fc.oneof(fc.string().map((s) => JSON.stringify(s)), fc.constantFrom('true', 'null', '1.5', 'bare'))).map(([a, o, v]) => (o === 'pr' ? `${a} pr` : `${a} ${o} ${v}`)),
  fc.tuple(attrNames, fc.string()).map(([a, v]) => `${a.split('.')[0]}[value eq ${JSON.stringify(v)}]`),
);
const patchOperation = fc.record(
  {
    op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'bogus'),
    path: fc.oneof(attrNames, filterText.map((f) => `members[${f}]`), fc.string()),
    value: fc.oneof(fc.jsonValue(), fc.record({ active: fc.constantFrom(false, 'False', 1) }), fc.array(fc.record({ value: ids })), fc.dictionary(attrNames, fc.jsonValue())),
  },
  { requiredKeys: ['op'] },
);
const body = fc.oneof(
  fc.jsonValue(),
  fc.record({ schemas: fc.constant([USER]), userName: fc.oneof(fc.string(), fc.jsonValue()), name: fc.jsonValue(), emails: fc.jsonValue() }, { requiredKeys: ['schemas'] }),
  fc.record({ schemas: fc.constant([GROUP]), displayName: fc.string(), members: fc.oneof(fc.jsonValue(), fc.array(fc.record({ value: ids, type: fc.constantFrom('User', 'Group', 'x') }))) }),
  fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.oneof(fc.array(patchOperation, { maxLength: 4 }), fc.jsonValue()) }),
  fc.record({ schemas: fc.constant([SEARCH]), filter: filterText, count: fc.oneof(fc.integer(), fc.string()), attributes: fc.oneof(fc.array(attrNames), fc.jsonValue()) }),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
  path: fc.oneof(
    fc.constantFrom('/Users', '/Groups', '/Users/.search', '/Groups/.search', '/Schemas', '/ResourceTypes', '/ServiceProviderConfig', '/Bulk', '/Me', '/'),
    ids.map((id) => `/Users/${id}`),
    ids.map((id) => `/Groups/${id}`),
    fc.webPath(),
  ),
  query: fc.array(
    fc.tuple(fc.constantFrom('filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'), fc.oneof(filterText, fc.integer().map(String), attrNames)),
    { maxLength: 3 },
  ),
  body: fc.option(body, { nil: undefined }),
});

it('never answers 500 or a non-SCIM error, whatever it is sent', async () => {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const query = new URLSearchParams(r.query).toString();
      const path = `${r.path}${query ? `?${query}` : ''}`;
      // Deletes of the seeded resources would make later runs less interesting; everything else may happen.
      const method = r.method === 'DELETE' && Object.values(SEED).some((id) => r.path.endsWith(id)) ? 'GET' : r.method;
      const res = await c.call(method, path, method === 'GET' || method === 'HEAD' ? undefined : r.body);
      const label = `${method} ${path} ${JSON.stringify(r.body)?.slice(0, 300)}`;
      // 501 is the one 5xx a correct answer may carry (/Bulk, /Me); anything else is the server failing.
      if (res.status >= 500) expect(res.status, label).toBe(501);
      if (res.status >= 400 && method !== 'HEAD') {
        expect(res.body?.schemas, label).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        expect(res.body?.status, label).toBe(String(res.status));
      }
    }),
    { numRuns: 400 },
  );
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((await c.call('GET', `/Users/${SEED.ada}`)).status).toBe(200);
}, 60_000);
