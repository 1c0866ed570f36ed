import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, GROUP, newUser, patchOp, SEED, startClient, USER, type Client } from './helpers.js';

let c: Client;
beforeAll(async () => {
  c = await startClient();
});
afterAll(() => c.server.close());

let counter = 0;
const unique = (prefix: string): string => `${prefix}.${++counter}.${Date.now()}@Example.com`;

describe('Users: create', () => {
  it('answers 201 with the full representation, Location = meta.location, ETag = meta.version', async () => {
    const userName = unique('Create.Me');
    const res = await c.call('POST', '/Users', newUser(userName, { externalId: 'ext-1', locale: 'en-US', displayName: 'Create Me' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    const body = res.body;
    expect(typeof body.id).toBe('string');
    expect(body.id).not.toBe('');
    expect(body.userName).toBe(userName); // stored exactly as sent (mixed case)
    expect(body.schemas).toEqual([USER]);
    expect(body.externalId).toBe('ext-1');
    expect(body.meta.resourceType).toBe('User');
    expect(body.meta.location).toBe(`${c.server.url}/Users/${body.id}`);
    expect(body.meta.location.startsWith('http://')).toBe(true);
    expect(res.headers.get('location')).toBe(body.meta.location);
    expect(res.headers.get('etag')).toBe(body.meta.version);
    expect(Date.parse(body.meta.created)).not.toBeNaN();
    expect(body.meta.lastModified).toBe(body.meta.created);
  });

  it('ignores a client-sent id and meta, the read-only groups, and never returns the password', async () => {
    const res = await c.call('POST', '/Users', newUser(unique('ro'), { id: 'client-id', meta: { resourceType: 'X' }, groups: [], password: '1mz050nq' }));
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('client-id');
    expect(res.body.meta.resourceType).toBe('User');
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('groups');
    const read = await c.call('GET', `/Users/${res.body.id}`);
    expect(read.text).not.toContain('1mz050nq');
  });

  it('keeps enterprise extension attributes and lists the extension in schemas', async () => {
    const res = await c.call('POST', '/Users', newUser(unique('ent'), { schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'R&D', manager: { value: SEED.ada } } }));
    expect(res.status).toBe(201);
    expect(res.body.schemas).toEqual([USER, ENTERPRISE]);
    expect(res.body[ENTERPRISE]).toEqual({ department: 'R&D', manager: { value: SEED.ada } });
  });

  it('canonicalises attribute names case-insensitively (RFC 7643 §2.1)', async () => {
    const res = await c.call('POST', '/Users', { schemas: [USER], UserName: unique('case'), NAME: { GivenName: 'A' }, Active: true });
    expect(res.status).toBe(201);
    expect(res.body.name).toEqual({ givenName: 'A' });
    expect(res.body.active).toBe(true);
    expect(res.body).not.toHaveProperty('UserName');
  });

  it('rejects a missing userName with 400 invalidValue, and a duplicate userName in any case with 409 uniqueness', async () => {
    expectScimError(await c.call('POST', '/Users', { schemas: [USER], name: { givenName: 'No' } }), 400, 'invalidValue');
    const userName = unique('Dup.Licate');
    expect((await c.call('POST', '/Users', newUser(userName))).status).toBe(201);
    expectScimError(await c.call('POST', '/Users', newUser(userName)), 409, 'uniqueness');
    expectScimError(await c.call('POST', '/Users', newUser(userName.toUpperCase())), 409, 'uniqueness');
  });

  it('rejects bodies without the core schema, wrong types, two primaries and unknown attributes with 400', async () => {
    expectScimError(await c.call('POST', '/Users', { userName: unique('noschema') }), 400, 'invalidSyntax');
    expectScimError(await c.call('POST', '/Users', { schemas: [GROUP], userName: unique('wrongschema') }), 400, 'invalidSyntax');
    expectScimError(await c.call('POST', '/Users', newUser(unique('t'), { active: 'maybe' })), 400, 'invalidValue');
    expectScimError(await c.call('POST', '/Users', newUser(unique('t'), { userName: 42 })), 400, 'invalidValue');
    expectScimError(await c.call('POST', '/Users', newUser(unique('t'), { name: 'plain' })), 400, 'invalidValue');
    expectScimError(
      await c.call('POST', '/Users', newUser(unique('t'), { emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] })),
      400,
      'invalidValue',
    );
    expectScimError(await c.call('POST', '/Users', newUser(unique('t'), { favouriteColour: 'blue' })), 400, 'invalidSyntax');
    expectScimError(await c.call('POST', '/Users', [newUser(unique('t'))]), 400, 'invalidSyntax');
  });
});

describe('Users: read, replace, delete', () => {
  it('GET by id returns the user (not a ListResponse); an unknown id is a 404 SCIM error', async () => {
    const read = await c.call('GET', `/Users/${SEED.ada}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(SEED.ada);
    expect(read.body.schemas).toContain(USER);
    expect(read.body).not.toHaveProperty('Resources');
    expectScimError(await c.call('GET', '/Users/does-not-exist'), 404);
  });

  it('PUT replaces every mutable attribute, keeps id and created, ignores id/meta in the body', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('put'), { title: 'Old title', nickName: 'Nick' }))).body;
    const userName = unique('put.renamed');
    const res = await c.call('PUT', `/Users/${created.id}`, {
      schemas: [USER],
      id: 'something-else',
      meta: { created: '2000-01-01T00:00:00Z' },
      userName,
      name: { givenName: 'New', familyName: 'Name' },
      active: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(created.id);
    expect(res.body.userName).toBe(userName);
    expect(res.body.name).toEqual({ givenName: 'New', familyName: 'Name' });
    expect(res.body).not.toHaveProperty('title'); // omitted → cleared
    expect(res.body).not.toHaveProperty('nickName');
    expect(res.body).not.toHaveProperty('emails');
    expect(res.body.meta.created).toBe(created.meta.created);
    expect(res.body.meta.version).not.toBe(created.meta.version);
    const read = await c.call('GET', `/Users/${created.id}`);
    expect(read.body).toEqual(res.body);
  });

  it('PUT without the required userName is 400; PUT taking another user\'s userName is 409; unknown id is 404', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('put2')))).body;
    expectScimError(await c.call('PUT', `/Users/${created.id}`, { schemas: [USER], name: { givenName: 'x' } }), 400, 'invalidValue');
    expectScimError(await c.call('PUT', `/Users/${created.id}`, newUser('ADA.LOVELACE@example.com')), 409, 'uniqueness');
    expectScimError(await c.call('PUT', '/Users/nope', newUser(unique('x'))), 404);
    // Re-sending its own userName in another case is fine (it is the same user).
    expect((await c.call('PUT', `/Users/${created.id}`, newUser(created.userName.toUpperCase()))).status).toBe(200);
  });

  it('PUT of the object as read back (Okta profile push) round-trips', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('okta.put'), { schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'Ops' } }))).body;
    await c.call('PATCH', `/Groups/${SEED.engineering}`, patchOp({ op: 'add', path: 'members', value: [{ value: created.id }] }));
    const read = (await c.call('GET', `/Users/${created.id}`)).body;
    expect(read.groups).toHaveLength(1);
    read.name.middleName = 'Excited';
    const put = await c.call('PUT', `/Users/${created.id}`, read);
    expect(put.status).toBe(200);
    expect(put.body.name.middleName).toBe('Excited');
    expect(put.body[ENTERPRISE]).toEqual({ department: 'Ops' });
    expect(put.body.groups).toEqual(read.groups); // membership is not changed through the user
  });

  it('DELETE answers 204 with no body, then the user is 404 (and a second DELETE too)', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('del')))).body;
    const del = await c.call('DELETE', `/Users/${created.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectScimError(await c.call('GET', `/Users/${created.id}`), 404);
    expectScimError(await c.call('DELETE', `/Users/${created.id}`), 404);
    // Its userName is free again.
    expect((await c.call('POST', '/Users', newUser(created.userName))).status).toBe(201);
  });
});

describe('Deactivation', () => {
  it('Okta path-less PATCH active=false keeps the user retrievable with the same id; reactivation works', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('deact')))).body;
    const off = await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const read = await c.call('GET', `/Users/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.id);
    expect(read.body.active).toBe(false);
    const found = await c.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${created.userName}"`)}`);
    expect(found.body.totalResults).toBe(1);
    const on = await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', value: { active: true } }));
    expect(on.body.active).toBe(true);
    expect(on.body.id).toBe(created.id);
  });

  it('PUT with active=false (Okta AIW apps) also keeps the user', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('deact.put')))).body;
    const put = await c.call('PUT', `/Users/${created.id}`, { ...created, active: false });
    expect(put.body.active).toBe(false);
    expect((await c.call('GET', `/Users/${created.id}`)).body.active).toBe(false);
  });
});

describe('meta, ETag and conditional requests', () => {
  it('version and lastModified change on every modification, not on a no-op PATCH', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('etag')))).body;
    const patched = await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'title', value: 'Boss' }));
    expect(patched.body.meta.version).not.toBe(created.meta.version);
    expect(patched.headers.get('etag')).toBe(patched.body.meta.version);
    const same = await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'title', value: 'Boss' }));
    expect(same.body.meta.version).toBe(patched.body.meta.version);
  });

  it('If-None-Match with the current version → 304 with no body; a stale one → 200', async () => {
    const read = await c.call('GET', `/Users/${SEED.grace}`);
    const etag = read.headers.get('etag')!;
    const notModified = await c.call('GET', `/Users/${SEED.grace}`, undefined, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await c.call('GET', `/Users/${SEED.grace}`, undefined, { 'if-none-match': 'W/"stale"' })).status).toBe(200);
  });

  it('If-Match with a stale version → 412 on PUT, PATCH and DELETE, and nothing changes; the current one succeeds', async () => {
    const created = (await c.call('POST', '/Users', newUser(unique('ifmatch')))).body;
    const stale = { 'if-match': 'W/"not-the-version"' };
    expectScimError(await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' }), stale), 412);
    expectScimError(await c.call('PUT', `/Users/${created.id}`, newUser(created.userName, { title: 'x' }), stale), 412);
    expectScimError(await c.call('DELETE', `/Users/${created.id}`, undefined, stale), 412);
    const read = await c.call('GET', `/Users/${created.id}`);
    expect(read.body).not.toHaveProperty('title');
    const ok = await c.call('PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'title', value: 'y' }), { 'if-match': created.meta.version });
    expect(ok.status).toBe(200);
    expect((await c.call('DELETE', `/Users/${created.id}`, undefined, { 'if-match': '*' })).status).toBe(204);
  });
});

describe('Groups and membership', () => {
  it('creates a group with members: [] (Okta push), rejects a duplicate displayName in any case with 409', async () => {
    const displayName = `Push Group ${++counter}`;
    const res = await c.call('POST', '/Groups', { schemas: [GROUP], displayName, members: [] });
    expect(res.status).toBe(201);
    expect(res.body.displayName).toBe(displayName);
    expect(res.body.meta.resourceType).toBe('Group');
    expect(res.headers.get('location')).toBe(res.body.meta.location);
    expectScimError(await c.call('POST', '/Groups', { schemas: [GROUP], displayName: displayName.toUpperCase() }), 409, 'uniqueness');
    expectScimError(await c.call('POST', '/Groups', { schemas: [GROUP], members: [] }), 400, 'invalidValue');
  });

  it('rejects members that do not exist, with a type that does not match, or the group itself', async () => {
    expectScimError(await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `G${++counter}`, members: [{ value: 'ghost' }] }), 400, 'invalidValue');
    expectScimError(
      await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `G${++counter}`, members: [{ value: SEED.ada, type: 'Group' }] }),
      400,
      'invalidValue',
    );
    const group = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `G${++counter}` })).body;
    expectScimError(await c.call('PATCH', `/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: group.id }] })), 400, 'invalidValue');
  });

  it("a user's read-only groups reflect membership; deleting the user removes it from its groups", async () => {
    const user = (await c.call('POST', '/Users', newUser(unique('member')))).body;
    const group = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `Members ${++counter}`, members: [{ value: user.id }, { value: SEED.grace }] })).body;
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([user.id, SEED.grace]);
    expect(group.members[0]).toEqual({ value: user.id, $ref: `${c.server.url}/Users/${user.id}`, display: user.userName, type: 'User' });
    const read = (await c.call('GET', `/Users/${user.id}`)).body;
    expect(read.groups).toEqual([{ value: group.id, $ref: `${c.server.url}/Groups/${group.id}`, display: group.displayName, type: 'direct' }]);
    // groups is read-only on the user: a PATCH naming it is refused, PUT ignores it.
    expectScimError(await c.call('PATCH', `/Users/${user.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: SEED.engineering }] })), 400, 'mutability');

    expect((await c.call('DELETE', `/Users/${user.id}`)).status).toBe(204);
    const after = (await c.call('GET', `/Groups/${group.id}`)).body;
    expect(after.members.map((m: { value: string }) => m.value)).toEqual([SEED.grace]);
    expect(after.meta.version).not.toBe(group.meta.version);
  });

  it('excludedAttributes=members leaves members out of GET, list and write responses (Entra)', async () => {
    const one = await c.call('GET', `/Groups/${SEED.engineering}?excludedAttributes=members`);
    expect(one.body.displayName).toBe('Engineering');
    expect(one.body).not.toHaveProperty('members');
    const list = await c.call('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "engineering"')}`);
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0]).not.toHaveProperty('members');
    const patched = await c.call('PATCH', `/Groups/${SEED.engineering}?excludedAttributes=members`, patchOp({ op: 'replace', path: 'displayName', value: 'Engineering' }));
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('members');
    expect((await c.call('GET', `/Groups/${SEED.engineering}`)).body.members.length).toBeGreaterThan(0);
  });

  it('PUT replaces the member list and the name; deleting a group leaves its users alone', async () => {
    const a = (await c.call('POST', '/Users', newUser(unique('pa')))).body;
    const b = (await c.call('POST', '/Users', newUser(unique('pb')))).body;
    const group = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `Put ${++counter}`, members: [{ value: a.id }] })).body;
    const put = await c.call('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: `Put renamed ${counter}`, members: [{ value: b.id }] });
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe(`Put renamed ${counter}`);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
    expect((await c.call('GET', `/Users/${a.id}`)).body).not.toHaveProperty('groups');
    const emptied = await c.call('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: `Put renamed ${counter}` });
    expect(emptied.body).not.toHaveProperty('members');
    await c.call('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: `Put renamed ${counter}`, members: [{ value: b.id }] });
    expect((await c.call('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expectScimError(await c.call('GET', `/Groups/${group.id}`), 404);
    const user = await c.call('GET', `/Users/${b.id}`);
    expect(user.status).toBe(200);
    expect(user.body).not.toHaveProperty('groups');
  });

  it('nested groups: a group can be a member of another and is removed from it when deleted', async () => {
    const child = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `Child ${++counter}` })).body;
    const parent = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `Parent ${counter}`, members: [{ value: child.id, type: 'Group' }] })).body;
    expect(parent.members[0]).toMatchObject({ value: child.id, type: 'Group', $ref: `${c.server.url}/Groups/${child.id}` });
    await c.call('DELETE', `/Groups/${child.id}`);
    expect((await c.call('GET', `/Groups/${parent.id}`)).body).not.toHaveProperty('members');
  });
});
