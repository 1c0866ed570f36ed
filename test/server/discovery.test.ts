import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupSchema, userSchema, type SchemaDef } from '../../src/core/schema/index.js';
import { ENTERPRISE, expectScimError, GROUP, LIST, newUser, startClient, USER, type Client } from './helpers.js';

const CUSTOM: SchemaDef = {
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'AcmeUser',
  description: 'Acme custom attributes',
  attributes: [
    { name: 'badgeNumber', type: 'integer', multiValued: false, description: 'Badge', required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' },
  ],
};

let c: Client;
beforeAll(async () => {
  c = await startClient({ extensions: [CUSTOM] });
});
afterAll(() => c.server.close());

describe('discovery', () => {
  it('/ServiceProviderConfig describes exactly what is supported', async () => {
    const res = await c.call('GET', '/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    const config = res.body;
    expect(config.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(config.patch).toEqual({ supported: true });
    expect(config.bulk.supported).toBe(false);
    expect(config.filter).toEqual({ supported: true, maxResults: 1000 });
    expect(config.changePassword).toEqual({ supported: false });
    expect(config.sort).toEqual({ supported: true });
    expect(config.etag).toEqual({ supported: true });
    expect(config.authenticationSchemes).toHaveLength(1);
    expect(config.authenticationSchemes[0].type).toBe('oauthbearertoken');
    expect(config.meta.location).toBe(`${c.server.url}/ServiceProviderConfig`);
  });

  it('/ResourceTypes lists User (with the enterprise and custom extensions) and Group; by id too', async () => {
    const list = (await c.call('GET', '/ResourceTypes')).body;
    expect(list.schemas).toEqual([LIST]);
    expect(list.totalResults).toBe(2);
    const [user, group] = list.Resources;
    expect(user).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER });
    expect(user.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
      { schema: CUSTOM.id, required: false },
    ]);
    expect(group).toMatchObject({ id: 'Group', endpoint: '/Groups', schema: GROUP, schemaExtensions: [] });
    const byId = await c.call('GET', '/ResourceTypes/Group');
    expect(byId.body).toEqual(group);
  });

  it('/Schemas serves every schema a resource type names, from the same definitions the server validates with', async () => {
    const list = (await c.call('GET', '/Schemas')).body;
    expect(list.Resources.map((s: { id: string }) => s.id)).toEqual([USER, ENTERPRISE, CUSTOM.id, GROUP]);
    const user = (await c.call('GET', `/Schemas/${USER}`)).body;
    expect(user.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
    expect(user.attributes).toEqual(JSON.parse(JSON.stringify(userSchema.attributes)));
    expect(user.meta).toEqual({ resourceType: 'Schema', location: `${c.server.url}/Schemas/${USER}` });
    const group = (await c.call('GET', `/Schemas/${GROUP}`)).body;
    expect(group.attributes).toEqual(JSON.parse(JSON.stringify(groupSchema.attributes)));
    const password = user.attributes.find((a: { name: string }) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expectScimError(await c.call('GET', '/Schemas/urn:unknown'), 404);
  });

  it('the custom extension is accepted on Users, type-checked and filterable', async () => {
    const made = await c.call('POST', '/Users', newUser('badge@example.com', { schemas: [USER, CUSTOM.id], [CUSTOM.id]: { badgeNumber: 42 } }));
    expect(made.status).toBe(201);
    expect(made.body[CUSTOM.id]).toEqual({ badgeNumber: 42 });
    expect(made.body.schemas).toEqual([USER, CUSTOM.id]);
    expectScimError(await c.call('POST', '/Users', newUser('badge2@example.com', { [CUSTOM.id]: { badgeNumber: 'forty' } })), 400, 'invalidValue');
    const found = await c.call('GET', `/Users?filter=${encodeURIComponent(`${CUSTOM.id}:badgeNumber ge 40`)}`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([made.body.id]);
  });
});
