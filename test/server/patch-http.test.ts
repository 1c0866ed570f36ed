/** PATCH end to end over HTTP: the identity providers' real request shapes (issue 2) and RFC 7644 §3.5.2 errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, GROUP, newUser, patchOp, startClient, USER, type Client } from './helpers.js';

let c: Client;
beforeAll(async () => {
  c = await startClient({ seed: 'none' });
});
afterAll(() => c.server.close());

let n = 0;
async function user(extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await c.call('POST', '/Users', newUser(`patch.user.${++n}@example.com`, extra));
  expect(res.status).toBe(201);
  return res.body;
}
async function group(members: string[] = []): Promise<Record<string, any>> {
  const res = await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `Patch Group ${++n}`, members: members.map((value) => ({ value })) });
  expect(res.status).toBe(201);
  return res.body;
}
const memberIds = (g: Record<string, any>): string[] => (g['members'] ?? []).map((m: { value: string }) => m.value);
const read = async (path: string): Promise<Record<string, any>> => (await c.call('GET', path)).body;

describe('Okta shapes', () => {
  it('path-less deactivate {"op":"replace","value":{"active":false}} answers 200 with the resource', async () => {
    const u = await user();
    const res = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(res.body.id).toBe(u.id);
    expect((await read(`/Users/${u.id}`)).active).toBe(false);
  });

  it('group rename with id inside value (path-less) renames and ignores the read-only id', async () => {
    const g = await group();
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', value: { id: g.id, displayName: 'Renamed By Okta' } }));
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('Renamed By Okta');
    expect(res.body.id).toBe(g.id);
  });

  it('adds several members in one op and removes one by members[value eq "…"]', async () => {
    const [a, b, d] = [await user(), await user(), await user()];
    const g = await group();
    const added = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id, display: a.userName }, { value: b.id }, { value: d.id }] }));
    expect(added.status).toBe(200);
    expect(memberIds(added.body)).toEqual([a.id, b.id, d.id]);
    const removed = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${b.id}"]` }));
    expect(memberIds(removed.body)).toEqual([a.id, d.id]);
    expect((await read(`/Users/${b.id}`)).groups).toBeUndefined();
    expect((await read(`/Users/${a.id}`)).groups.map((x: { value: string }) => x.value)).toEqual([g.id]);
  });

  it('Okta membership update: remove + add in one request, with the unchanged rename alongside', async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a.id]);
    const res = await c.call(
      'PATCH',
      `/Groups/${g.id}`,
      patchOp(
        { op: 'replace', value: { id: g.id, displayName: g.displayName } },
        { op: 'remove', path: `members[value eq "${a.id}"]` },
        { op: 'add', path: 'members', value: [{ value: b.id, display: b.userName }] },
      ),
    );
    expect(res.status).toBe(200);
    expect(memberIds(res.body)).toEqual([b.id]);
    expect(res.body.displayName).toBe(g.displayName);
  });

  it('replace of members sets the full list; replace with [] clears it', async () => {
    const [a, b, d] = [await user(), await user(), await user()];
    const g = await group([a.id, b.id]);
    const replaced = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: d.id }, { value: a.id }] }));
    expect(new Set(memberIds(replaced.body))).toEqual(new Set([d.id, a.id]));
    const cleared = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [] }));
    expect(cleared.status).toBe(200);
    expect(memberIds(cleared.body)).toEqual([]);
    expect((await read(`/Users/${a.id}`)).groups).toBeUndefined();
  });

  it('adding a member that is already there does not duplicate it', async () => {
    const a = await user();
    const g = await group([a.id]);
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }));
    expect(memberIds(res.body)).toEqual([a.id]);
  });
});

describe('Entra shapes', () => {
  it('capitalised ops and the string boolean "False" / "True"', async () => {
    const u = await user();
    const off = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.body.active).toBe(true);
  });

  it('Remove of members carrying a value array removes only those members', async () => {
    const [a, b, d] = [await user(), await user(), await user()];
    const g = await group([a.id, b.id, d.id]);
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: b.id }] }));
    expect(res.status).toBe(200);
    expect(memberIds(res.body)).toEqual([a.id, d.id]);
  });

  it('Add members with $ref null', async () => {
    const a = await user();
    const g = await group();
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: a.id }] }));
    expect(memberIds(res.body)).toEqual([a.id]);
  });

  it('remove of members without a value clears the list', async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a.id, b.id]);
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members' }));
    expect(memberIds(res.body)).toEqual([]);
  });

  it('value-path filter emails[type eq "work"].value, sub-attribute path, URN extension path, dotted and URN keys path-less', async () => {
    const u = await user();
    const res = await c.call(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'Updated' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Finance' },
        { op: 'replace', value: { 'name.givenName': 'Kkom', [`${ENTERPRISE}:employeeNumber`]: 'E-7', displayName: 'Kkom Updated' } },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.emails).toEqual([{ value: 'updated@example.com', type: 'work', primary: true }]);
    expect(res.body.name).toEqual({ givenName: 'Kkom', familyName: 'Updated' });
    expect(res.body.displayName).toBe('Kkom Updated');
    expect(res.body[ENTERPRISE]).toEqual({ department: 'Finance', employeeNumber: 'E-7' });
    expect(res.body.schemas).toContain(ENTERPRISE);
    expect(await read(`/Users/${u.id}`)).toEqual(res.body);
  });

  it('a whole extension by its URN, with the "schemas" key client libraries put inside the extension object', async () => {
    const u = await user();
    const res = await c.call(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'add', path: ENTERPRISE, value: { schemas: [ENTERPRISE], employeeNumber: 'E-42', department: 'Ops' } },
        { op: 'replace', value: { [ENTERPRISE]: { schemas: [ENTERPRISE], costCenter: 'CC-1' } } },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: 'E-42', department: 'Ops', costCenter: 'CC-1' });
    expect(res.body.schemas).toEqual([USER, ENTERPRISE]);
    // Only "schemas" is ignored: any other unknown key inside the extension is still an error.
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'add', path: ENTERPRISE, value: { schemas: [ENTERPRISE], badge: 1 } })), 400, 'invalidPath');
  });

  it('Entra manager as a bare id string becomes {value}', async () => {
    const [boss, u] = [await user(), await user()];
    const res = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: boss.id }));
    expect(res.body[ENTERPRISE].manager).toEqual({ value: boss.id });
  });

  it('add through a filter that matches nothing creates the element (phoneNumbers[type eq "mobile"].value)', async () => {
    const u = await user();
    const res = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' }));
    expect(res.body.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0199' }]);
  });
});

describe('errors and atomicity', () => {
  it('a failing operation leaves the resource untouched (all or nothing), for users and for group members', async () => {
    const u = await user({ title: 'Before' });
    expectScimError(
      await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'active', value: 'nope' })),
      400,
      'invalidValue',
    );
    expect((await read(`/Users/${u.id}`)).title).toBe('Before');

    const [a, b] = [await user(), await user()];
    const g = await group([a.id]);
    expectScimError(
      await c.call(
        'PATCH',
        `/Groups/${g.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: b.id }] }, { op: 'replace', path: 'displayName', value: 'Other' }, { op: 'add', path: 'members', value: [{ value: 'ghost' }] }),
      ),
      400,
      'invalidValue',
    );
    const after = await read(`/Groups/${g.id}`);
    expect(memberIds(after)).toEqual([a.id]);
    expect(after.displayName).toBe(g.displayName);
    expect(after.meta.version).toBe(g.meta.version);
  });

  it('remove of a member that is not there is 400 noTarget; an unknown path is 400 invalidPath', async () => {
    const g = await group();
    expectScimError(await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members[value eq "nobody"]' })), 400, 'noTarget');
    const u = await user();
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'favouriteColour', value: 'x' })), 400, 'invalidPath');
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'emails[type eq "home"].value', value: 'x' })), 400, 'noTarget');
  });

  it('removing the required userName or renaming a group onto an existing name is refused', async () => {
    const u = await user();
    const res = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'remove', path: 'userName' }));
    expect(res.status).toBe(400);
    const [g1, g2] = [await group(), await group()];
    expectScimError(await c.call('PATCH', `/Groups/${g2.id}`, patchOp({ op: 'replace', path: 'displayName', value: g1.displayName.toLowerCase() })), 409, 'uniqueness');
    const other = await user();
    expectScimError(await c.call('PATCH', `/Users/${other.id}`, patchOp({ op: 'replace', path: 'userName', value: u.userName.toUpperCase() })), 409, 'uniqueness');
  });

  it('malformed PatchOp bodies are 400 invalidSyntax; bad ops are rejected', async () => {
    const u = await user();
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 400, 'invalidSyntax');
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }), 400, 'invalidSyntax');
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'explode', path: 'title' })), 400, 'invalidSyntax');
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp()), 400, 'invalidSyntax');
    expectScimError(await c.call('PATCH', '/Users/unknown-id', patchOp({ op: 'replace', path: 'title', value: 'x' })), 404);
  });

  it('no PATCH path or value key reaches an object prototype', async () => {
    const u = await user();
    for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'toString.polluted']) {
      const res = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'add', path, value: 'yes' }));
      expect(res.status).toBe(400);
    }
    const byKey = await c.call('PATCH', `/Users/${u.id}`, JSON.parse(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"},"__proto__.polluted":"yes"}}]}`));
    expect(byKey.status).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await c.call('GET', '/ServiceProviderConfig')).status).toBe(200);
  });
});

describe('large groups', () => {
  it('membership changes on a 100,000-member group go through the index: quick, correct, and answered with 204', async () => {
    const ids: string[] = [];
    const users = [];
    for (let i = 0; i < 100_000; i++) {
      const id = `bulk-${i}`;
      ids.push(id);
      users.push({ id, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `bulk.${i}@example.com` });
    }
    c.server.load({ users, groups: [{ id: 'big-group', schemas: [GROUP], displayName: 'Big Group', members: ids.map((value) => ({ value })) }] });
    const extra = await user();
    const started = performance.now();
    const add = await c.call('PATCH', '/Groups/big-group', patchOp({ op: 'add', path: 'members', value: [{ value: extra.id }] }));
    const remove = await c.call('PATCH', '/Groups/big-group', patchOp({ op: 'remove', path: 'members[value eq "bulk-500"]' }));
    const entra = await c.call('PATCH', '/Groups/big-group', patchOp({ op: 'Remove', path: 'members', value: [{ value: 'bulk-501' }] }));
    const elapsed = performance.now() - started;
    expect([add.status, remove.status, entra.status]).toEqual([204, 204, 204]);
    expect(elapsed).toBeLessThan(1000); // generous: index operations take well under a millisecond each
    expect((await read(`/Users/${extra.id}`)).groups.map((g: { value: string }) => g.value)).toEqual(['big-group']);
    expect((await read('/Users/bulk-500')).groups).toBeUndefined();
    expect((await read('/Users/bulk-502')).groups.map((g: { value: string }) => g.value)).toEqual(['big-group']);
    const asked = await c.call('PATCH', '/Groups/big-group?excludedAttributes=members', patchOp({ op: 'add', path: 'members', value: [{ value: 'bulk-500' }] }));
    expect(asked.status).toBe(200);
    expect(asked.body).not.toHaveProperty('members');
    const found = await c.call('GET', `/Groups?filter=${encodeURIComponent('members[value eq "bulk-777"]')}&excludedAttributes=members`);
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual(['big-group']);
    const full = await read('/Groups/big-group');
    expect(full.members).toHaveLength(100_000);
  }, 30_000);
});

describe('versions', () => {
  it('a PATCH that leaves the members as they were does not change the version; one that changes them does', async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a.id, b.id]);
    const same = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: a.id }, { value: b.id }] }));
    expect(same.body.meta.version).toBe(g.meta.version);
    const noTarget = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members[value eq "nobody"].display', value: 'x' }));
    expect(noTarget.status).toBe(400);
    const readded = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }));
    expect(readded.body.meta.version).toBe(g.meta.version);
    const changed = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
    expect(changed.body.meta.version).not.toBe(g.meta.version);
    expect(changed.headers.get('etag')).toBe(changed.body.meta.version);
  });

  it('rare member paths go through the engine on the whole list and keep the index right', async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a.id, b.id]);
    const res = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members[type eq "User" and value eq "' + b.id + '"]' }));
    expect(res.status).toBe(200);
    expect(memberIds(res.body)).toEqual([a.id]);
    expect((await read(`/Users/${b.id}`)).groups).toBeUndefined();
    expect((await read(`/Users/${a.id}`)).groups).toHaveLength(1);
  });
});
