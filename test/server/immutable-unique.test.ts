/**
 * Immutable attributes (RFC 7643 §2.2; RFC 7644 §3.5.1 for PUT) and custom unique attributes (409 uniqueness)
 * on a server with a custom User extension, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr } from '../../src/core/schema/define.js';
import type { SchemaDef } from '../../src/core/schema/types.js';
import { expectScimError, GROUP, newUser, patchOp, startClient, USER, type Client } from './helpers.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const acme: SchemaDef = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Acme test attributes',
  attributes: [
    attr('badge', 'string', 'Issued once.', { mutability: 'immutable' }),
    attr('code', 'string', 'Unique per user.', { uniqueness: 'server' }),
    attr('seat', 'integer', 'Unique seat number.', { uniqueness: 'server' }),
    attr('note', 'string', 'Free text.'),
    attr('card', 'complex', 'Access card.', {
      subAttributes: [attr('serial', 'string', 'Card serial.', { mutability: 'immutable' }), attr('label', 'string', 'Label.')],
    }),
  ],
};

let c: Client;
beforeAll(async () => {
  c = await startClient({ seed: 'none', extensions: [acme] });
});
afterAll(() => c.server.close());

let n = 0;
type Json = Record<string, any>;
const withAcme = (userName: string, ext: Json): Json => newUser(userName, { schemas: [USER, ACME], [ACME]: ext });
async function create(ext: Json): Promise<Json> {
  const res = await c.call('POST', '/Users', withAcme(`imm.${++n}@example.com`, ext));
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const read = async (id: string): Promise<Json> => (await c.call('GET', `/Users/${id}`)).body;

describe('immutable attributes on PUT (RFC 7644 §3.5.1)', () => {
  it('a different value is refused with 400 mutability and nothing changes', async () => {
    const u = await create({ badge: 'B-1', note: 'x' });
    const res = await c.call('PUT', `/Users/${u.id}`, withAcme(u.userName, { badge: 'B-2', note: 'changed' }));
    expectScimError(res, 400, 'mutability');
    expect((await read(u.id))[ACME]).toEqual({ badge: 'B-1', note: 'x' });
  });

  it('the same value (case-insensitively, caseExact false) is accepted; other attributes change', async () => {
    const u = await create({ badge: 'B-1' });
    const res = await c.call('PUT', `/Users/${u.id}`, withAcme(u.userName, { badge: 'b-1', note: 'new' }));
    expect(res.status).toBe(200);
    expect(res.body[ACME].note).toBe('new');
  });

  it('a PUT that leaves the attribute out keeps it (clearing would change it); readWrite ones are cleared', async () => {
    const u = await create({ badge: 'B-9', note: 'x', card: { serial: 'S-1', label: 'L' } });
    const res = await c.call('PUT', `/Users/${u.id}`, newUser(u.userName));
    expect(res.status).toBe(200);
    expect(res.body[ACME]).toEqual({ badge: 'B-9', card: { serial: 'S-1' } });
    expect(res.body.schemas).toContain(ACME);
    expect((await read(u.id))[ACME]).toEqual({ badge: 'B-9', card: { serial: 'S-1' } });
  });

  it('an attribute without a value may be set by PUT', async () => {
    const u = await create({ note: 'x' });
    const res = await c.call('PUT', `/Users/${u.id}`, withAcme(u.userName, { badge: 'B-3' }));
    expect(res.status).toBe(200);
    expect((await read(u.id))[ACME].badge).toBe('B-3');
  });

  it('an immutable sub-attribute of a complex value: changing it is refused, the other sub-attributes change', async () => {
    const u = await create({ card: { serial: 'S-1', label: 'old' } });
    expectScimError(await c.call('PUT', `/Users/${u.id}`, withAcme(u.userName, { card: { serial: 'S-2', label: 'new' } })), 400, 'mutability');
    const res = await c.call('PUT', `/Users/${u.id}`, withAcme(u.userName, { card: { label: 'new' } }));
    expect(res.status).toBe(200);
    expect(res.body[ACME].card).toEqual({ serial: 'S-1', label: 'new' });
  });
});

describe('immutable attributes on PATCH', () => {
  it('replace by path, by path-less value and by extension object: 400 mutability, nothing changes', async () => {
    const u = await create({ badge: 'B-1', note: 'x' });
    const bodies = [
      patchOp({ op: 'replace', path: `${ACME}:badge`, value: 'B-2' }),
      patchOp({ op: 'replace', value: { [`${ACME}:badge`]: 'B-2' } }),
      patchOp({ op: 'replace', path: ACME, value: { badge: 'B-2', note: 'y' } }),
      patchOp({ op: 'add', path: `${ACME}:badge`, value: 'B-2' }),
      patchOp({ op: 'remove', path: `${ACME}:badge` }),
      patchOp({ op: 'remove', path: ACME }),
    ];
    for (const body of bodies) expectScimError(await c.call('PATCH', `/Users/${u.id}`, body), 400, 'mutability');
    expect((await read(u.id))[ACME]).toEqual({ badge: 'B-1', note: 'x' });
  });

  it('setting it while it has no value works, and replacing it with the same value is no change', async () => {
    const u = await create({ note: 'x' });
    const set = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'add', path: `${ACME}:badge`, value: 'B-7' }));
    expect(set.status).toBe(200);
    expect(set.body[ACME].badge).toBe('B-7');
    const same = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: `${ACME}:badge`, value: 'B-7' }));
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe(set.headers.get('etag'));
  });

  it('an immutable sub-attribute: replacing it or the whole complex value with another one is refused', async () => {
    const u = await create({ card: { serial: 'S-1', label: 'old' } });
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: `${ACME}:card.serial`, value: 'S-2' })), 400, 'mutability');
    expectScimError(await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: `${ACME}:card`, value: { serial: 'S-2' } })), 400, 'mutability');
    const label = await c.call('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: `${ACME}:card.label`, value: 'new' }));
    expect(label.body[ACME].card).toEqual({ serial: 'S-1', label: 'new' });
  });
});

describe('group members (members.value is immutable): membership changes keep working', () => {
  it('adding, removing and replacing members works; changing a member value in place is refused', async () => {
    const [a, b, d] = [await create({}), await create({}), await create({})];
    const g = (await c.call('POST', '/Groups', { schemas: [GROUP], displayName: `imm group ${++n}`, members: [{ value: a.id }] })).body;
    expect((await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: b.id }] }))).status).toBe(200);
    expect((await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }))).status).toBe(200);
    const refused = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: `members[value eq "${b.id}"].value`, value: d.id }));
    expectScimError(refused, 400, 'mutability');
    const put = await c.call('PUT', `/Groups/${g.id}`, { schemas: [GROUP], displayName: g.displayName, members: [{ value: d.id }, { value: a.id }] });
    expect(put.status).toBe(200);
    expect(put.body.members.map((m: Json) => m.value)).toEqual([d.id, a.id]);
    const replaced = await c.call('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: b.id }] }));
    expect(replaced.body.members.map((m: Json) => m.value)).toEqual([b.id]);
  });
});

describe('custom unique attributes (uniqueness: server) → 409 uniqueness', () => {
  it('POST, PUT and PATCH that would duplicate a unique extension value are refused; strings fold case', async () => {
    const a = await create({ code: 'Code-A', seat: 11 });
    const b = await create({ code: 'Code-B', seat: 12 });
    const dupCreate = await c.call('POST', '/Users', withAcme(`imm.${++n}@example.com`, { code: 'code-a' }));
    expect(expectScimError(dupCreate, 409, 'uniqueness')['detail']).toContain(`${ACME}:code`);
    expectScimError(await c.call('POST', '/Users', withAcme(`imm.${++n}@example.com`, { seat: 11 })), 409, 'uniqueness');
    expectScimError(await c.call('PUT', `/Users/${b.id}`, withAcme(b.userName, { code: 'CODE-A' })), 409, 'uniqueness');
    expectScimError(await c.call('PATCH', `/Users/${b.id}`, patchOp({ op: 'replace', path: `${ACME}:seat`, value: 11 })), 409, 'uniqueness');
    expect((await read(b.id))[ACME]).toEqual({ code: 'Code-B', seat: 12 });
    // keeping one's own value is no conflict
    expect((await c.call('PUT', `/Users/${a.id}`, withAcme(a.userName, { code: 'CODE-A', seat: 11 }))).status).toBe(200);
  });

  it('a value becomes free when its holder changes it or is deleted', async () => {
    const a = await create({ code: 'Free-1' });
    const b = await create({ code: 'Free-2' });
    expect((await c.call('PATCH', `/Users/${a.id}`, patchOp({ op: 'replace', path: `${ACME}:code`, value: 'Free-3' }))).status).toBe(200);
    expect((await c.call('PATCH', `/Users/${b.id}`, patchOp({ op: 'replace', path: `${ACME}:code`, value: 'Free-1' }))).status).toBe(200);
    expect((await c.call('DELETE', `/Users/${a.id}`)).status).toBe(204);
    expect((await create({ code: 'Free-3' }))[ACME].code).toBe('Free-3');
  });
});
