import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_CUSTOM_EXTENSION } from '../../src/runner/idp.js';
import { ENTERPRISE, GROUP, LIST, PATCH_OP, startClient, USER, type Client, type Reply } from './helpers.js';

/**
 * Every row of the Entra request reference (Microsoft: "Develop and plan provisioning for a SCIM endpoint" (M1),
 * "Known issues with SCIM 2.0 protocol compliance" (M2), "How provisioning works" (M3), "Known issues for
 * provisioning" (M4), "Customize application attributes" (M6), "Provisioning in quarantine status" (M8), and
 * Microsoft's SCIM validation workflow (LA)) that says what a server must answer, replayed over HTTP against the
 * reference server exactly as Entra sends it. One test per row, named after the row's flow.
 */
const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const CUSTOM = ENTRA_CUSTOM_EXTENSION.id;
const guid = (): string => crypto.randomUUID();
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const ok = (r: Reply): void => expect([200, 204], r.text).toContain(r.status);

let c: Client;
const entraUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  externalId: guid(),
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: `work.${userName}` }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Given Family', familyName: 'Family', givenName: 'Given' },
  roles: [],
  ...extra,
});
let n = 0;
async function created(extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await c.call('POST', '/Users', entraUser(`Test_User_${guid()}-${++n}@contoso.example`, extra));
  expect(r.status, r.text).toBe(201);
  return r.body;
}
const get = async (path: string) => (await c.call('GET', path)).body;
const filterQuery = (filter: string, extra = ''): string => `?${extra}filter=${encodeURIComponent(filter)}`;

beforeAll(async () => {
  c = await startClient({ seed: 'none', extensions: [ENTRA_CUSTOM_EXTENSION] });
});
afterAll(() => c.server.close());

describe('Entra requests a server must accept, replayed against the reference server', () => {
  it('Test Connection: userName+eq+"<random GUID>" → 200 with an empty ListResponse (M1; a 404 quarantines, M8)', async () => {
    const r = await c.call('GET', `/Users?filter=userName+eq+%22${guid()}%22`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('Match a user: userName eq → ListResponse with totalResults, Resources, startIndex, itemsPerPage (M1)', async () => {
    const user = await created();
    const r = await c.call('GET', `/Users${filterQuery(`userName eq "${user.userName}"`)}`);
    expect(r.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: user.id }] });
  });

  it('Match by other attributes: externalId eq, emails[type eq "work"].value eq, joined with and (M1 Example 1; M6)', async () => {
    const user = await created();
    for (const filter of [`externalId eq "${user.externalId}"`, `emails[type eq "work"].value eq "${user.emails[0].value}"`, `userName eq "${user.userName}" and externalId eq "${user.externalId}"`]) {
      const r = await c.call('GET', `/Users${filterQuery(filter)}`);
      expect(r.body.Resources.map((u: { id: string }) => u.id), filter).toEqual([user.id]);
    }
  });

  it("Create user: Entra's body → 201 with the full user and its id, the client's meta ignored (M1)", async () => {
    const body = entraUser(`Test_User_${guid()}@contoso.example`);
    const r = await c.call('POST', '/Users', body);
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(r.body).toMatchObject({ id: expect.any(String), userName: body.userName, externalId: body.externalId, active: true, name: body.name, emails: body.emails });
    expect(r.body.meta).toMatchObject({ resourceType: 'User', created: expect.any(String), location: expect.stringContaining(r.body.id) });
  });

  it('Custom extension attributes: under their URN while the URN is not in schemas → accepted (M6)', async () => {
    const user = await created({ [CUSTOM]: { costCode: 'CC-7' } });
    expect((await get(`/Users/${user.id}`))[CUSTOM]).toEqual({ costCode: 'CC-7' });
  });

  it('Duplicate create: the same userName again → 409 (EV; LA)', async () => {
    const user = await created();
    const r = await c.call('POST', '/Users', entraUser(user.userName));
    expect(r.status).toBe(409);
  });

  it('Get user / unknown id: 200; unknown → 404 with "status": "404" (M1)', async () => {
    const user = await created();
    expect((await c.call('GET', `/Users/${user.id}`)).body.id).toBe(user.id);
    const r = await c.call('GET', `/Users/${guid()}`);
    expect(r.status).toBe(404);
    expect(r.body.status).toBe('404');
  });

  it('Update multi-valued and complex: Replace emails[type eq "work"].value and name.familyName in one PATCH (M1)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.example' }, { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' })));
    const after = await get(`/Users/${user.id}`);
    expect(after.emails[0].value).toBe('updatedEmail@contoso.example');
    expect(after.name.familyName).toBe('updatedFamilyName');
  });

  it('Update userName: Replace userName (M1)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'userName', value: `renamed.${user.userName}` })));
    expect((await get(`/Users/${user.id}`)).userName).toBe(`renamed.${user.userName}`);
  });

  it('Update (no flag): Add nickName; one Replace per path incl. externalId and the URN employeeNumber; op case-insensitive (M2; M1)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch(
      { op: 'Add', path: 'nickName', value: 'Babs' },
      { op: 'Replace', path: 'displayName', value: 'Bjfe' },
      { op: 'Replace', path: 'externalId', value: 'ext-2' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Aklq' },
    )));
    expect(await get(`/Users/${user.id}`)).toMatchObject({ nickName: 'Babs', displayName: 'Bjfe', externalId: 'ext-2', [ENTERPRISE]: { employeeNumber: 'Aklq' } });
  });

  it('Update (flag): a filtered-path op plus a path-less replace whose keys are paths (M2)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch(
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'flag@contoso.example' },
      { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' } },
    )));
    const after = await get(`/Users/${user.id}`);
    expect(after).toMatchObject({ displayName: 'Bjfe', name: { givenName: 'Kkom', familyName: 'Unua' }, [ENTERPRISE]: { employeeNumber: 'Aklq' }, emails: [{ value: 'flag@contoso.example' }] });
    expect(after).not.toHaveProperty(['name.givenName']);
  });

  it('Clear a value: replace with "", then with null → reads back empty or absent (M4; M6; LA SCIM_Null_Update_Test)', async () => {
    const user = await created({ title: 'Tour Guide', nickName: 'Babs' });
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'title', value: '' })));
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'nickName', value: null })));
    const after = await get(`/Users/${user.id}`);
    expect(after.title ?? '').toBe('');
    expect(after.nickName ?? null).toBeNull();
  });

  it('Update every attribute: replace of every single-valued writable attribute of /Schemas, each read back as sent (LA SCIM_User_Update_Test)', async () => {
    const user = await created();
    const schemas = (await get('/Schemas')).Resources as { id: string; attributes: { name: string; type: string; multiValued: boolean; mutability: string; subAttributes?: { name: string; type: string; mutability: string }[] }[] }[];
    const ops: { op: string; path: string; value: unknown }[] = [];
    for (const schema of schemas.filter((s) => s.id === USER || s.id === ENTERPRISE || s.id === CUSTOM)) {
      const prefix = schema.id === USER ? '' : `${schema.id}:`;
      for (const a of schema.attributes) {
        if (a.multiValued || a.mutability !== 'readWrite' || ['userName', 'active', 'password'].includes(a.name)) continue;
        if (a.type === 'string') ops.push({ op: 'replace', path: `${prefix}${a.name}`, value: `v-${a.name}` });
        for (const sub of a.type === 'complex' && !(a.subAttributes ?? []).some((s) => s.type === 'reference') ? (a.subAttributes ?? []) : []) {
          if (sub.type === 'string' && sub.mutability === 'readWrite') ops.push({ op: 'replace', path: `${prefix}${a.name}.${sub.name}`, value: `v-${a.name}.${sub.name}` });
        }
      }
    }
    expect(ops.length).toBeGreaterThan(15);
    ok(await c.call('PATCH', `/Users/${user.id}`, patch(...ops)));
    const after = await get(`/Users/${user.id}`);
    for (const op of ops) {
      const [, urn, rest] = /^(urn:.*:(?:User)):(.*)$/.exec(op.path) ?? [undefined, undefined, op.path];
      const value = rest!.split('.').reduce((v: any, k) => v?.[k], urn ? after[urn] : after);
      expect(value, op.path).toBe(op.value);
    }
  });

  it('Disable (no flag): Replace active with the string "False" → active false (boolean), still readable and findable (M2; M1)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'active', value: 'False' })));
    expect((await get(`/Users/${user.id}`)).active).toBe(false);
    expect((await get(`/Users${filterQuery(`userName eq "${user.userName}"`)}`)).Resources[0]).toMatchObject({ id: user.id, active: false });
  });

  it('Disable (flag): replace active with boolean false, also as "Replace" (M2; M1 Disable User)', async () => {
    for (const op of ['replace', 'Replace']) {
      const user = await created();
      ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op, path: 'active', value: false })));
      expect((await get(`/Users/${user.id}`)).active).toBe(false);
    }
  });

  it('Restore: re-assignment activates the soft-deleted user, same id (M3; LA Restore_User_Test)', async () => {
    const user = await created();
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'active', value: 'False' })));
    const found = (await get(`/Users${filterQuery(`userName eq "${user.userName}"`)}`)).Resources[0];
    ok(await c.call('PATCH', `/Users/${found.id}`, patch({ op: 'Replace', path: 'active', value: 'True' })));
    expect(await get(`/Users/${user.id}`)).toMatchObject({ id: user.id, active: true });
  });

  it('Delete user: 204, then 404 (M1; M3)', async () => {
    const user = await created();
    expect((await c.call('DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect((await c.call('GET', `/Users/${user.id}`)).status).toBe(404);
  });

  it('Manager: Add [{$ref, value}] (M1); add a bare id on the URN path, replace with another, replace with "" (LA)', async () => {
    const [user, one, two] = [await created(), await created(), await created()];
    const manager = async () => (await get(`/Users/${user.id}`))[ENTERPRISE]?.manager;
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: 'manager', value: [{ $ref: `${c.server.url}/Users/${one.id}`, value: one.id }] })));
    expect((await manager()).value).toBe(one.id);
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'add', path: `${ENTERPRISE}:manager`, value: two.id })));
    expect((await manager()).value).toBe(two.id);
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: one.id })));
    expect((await manager()).value).toBe(one.id);
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: '' })));
    expect((await manager())?.value ?? null).toBeNull();
  });

  it('Roles: Add roles with a JSON-string value, replace roles (assertive), the roles[primary eq "True"].value target (M6)', async () => {
    const user = await created();
    const role = JSON.stringify({ id: guid(), value: 'Reader', displayName: 'Reader' });
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: 'roles', value: [{ value: role }] })));
    expect((await get(`/Users/${user.id}`)).roles).toEqual([{ value: role }]);
    const other = JSON.stringify({ id: guid(), value: 'Approver', displayName: 'Approver' });
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'roles', value: [{ value: other, primary: 'True' }] })));
    expect((await get(`/Users/${user.id}`)).roles).toEqual([{ value: other, primary: true }]);
    ok(await c.call('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'roles[primary eq "True"].value', value: role })));
    expect((await get(`/Users/${user.id}`)).roles).toEqual([{ value: role, primary: true }]);
  });

  async function group(name = `Group ${guid()}`): Promise<Record<string, any>> {
    const r = await c.call('POST', '/Groups', { schemas: [GROUP, ADSCIM], externalId: guid(), displayName: name, meta: { resourceType: 'Group' } });
    expect(r.status, r.text).toBe(201);
    return r.body;
  }

  it('Create group: both schemas incl. ADSCIM, externalId, displayName, meta, no members → 201 with id (M1)', async () => {
    const g = await group();
    expect(g.id).toEqual(expect.any(String));
  });

  it('Get group: ?excludedAttributes=members → 200 without members (M1)', async () => {
    const [g, u] = [await group(), await created()];
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: u.id }] })));
    const r = await c.call('GET', `/Groups/${g.id}?excludedAttributes=members`);
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('members');
  });

  it('Find group: excludedAttributes=members with a displayName filter, another case, a name nobody has; duplicate → 409 (M1; EV)', async () => {
    const g = await group(`Sales ${guid()}`);
    for (const name of [g.displayName, g.displayName.toUpperCase()]) {
      const r = await c.call('GET', `/Groups${filterQuery(`displayName eq "${name}"`, 'excludedAttributes=members&')}`);
      expect(r.body.Resources.map((x: { id: string }) => x.id), name).toEqual([g.id]);
    }
    expect((await get(`/Groups${filterQuery(`displayName eq "Nobody ${guid()}"`, 'excludedAttributes=members&')}`)).totalResults).toBe(0);
    expect((await c.call('POST', '/Groups', { schemas: [GROUP, ADSCIM], displayName: g.displayName })).status).toBe(409);
  });

  it('Rename group: Replace displayName → 204 or 200 (M1; LA)', async () => {
    const g = await group();
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Replace', path: 'displayName', value: `Renamed ${g.displayName}` })));
    expect((await get(`/Groups/${g.id}`)).displayName).toBe(`Renamed ${g.displayName}`);
  });

  it('Add members: several members per PATCH with $ref: null (M1; M7 up to 5)', async () => {
    const g = await group();
    const users = [await created(), await created(), await created(), await created(), await created()];
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Add', path: 'members', value: users.map((u) => ({ $ref: null, value: u.id })) })));
    expect((await get(`/Groups/${g.id}`)).members.map((m: { value: string }) => m.value).sort()).toEqual(users.map((u) => u.id).sort());
  });

  it('Remove members (no flag): a value list, with and without $ref → only those members go (M1; M2)', async () => {
    const g = await group();
    const [a, b, d] = [await created(), await created(), await created()];
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Add', path: 'members', value: [a, b, d].map((u) => ({ $ref: null, value: u.id })) })));
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: a.id }] })));
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: b.id }] })));
    expect((await get(`/Groups/${g.id}`)).members.map((m: { value: string }) => m.value)).toEqual([d.id]);
  });

  it('Remove members (flag): remove members[value eq "…"] (M2)', async () => {
    const g = await group();
    const [a, b] = [await created(), await created()];
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: [a, b].map((u) => ({ value: u.id })) })));
    ok(await c.call('PATCH', `/Groups/${g.id}`, patch({ op: 'remove', path: `members[value eq "${a.id}"]` })));
    expect((await get(`/Groups/${g.id}`)).members.map((m: { value: string }) => m.value)).toEqual([b.id]);
  });

  it('Delete group: 204 (M1)', async () => {
    const g = await group();
    expect((await c.call('DELETE', `/Groups/${g.id}`)).status).toBe(204);
  });

  it('Schema discovery: /Schemas is a ListResponse with the Group schema, camelCase names and no nulls (M1; LA)', async () => {
    const r = await c.call('GET', '/Schemas');
    expect(r.body.schemas).toEqual([LIST]);
    expect(r.body.Resources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([USER, ENTERPRISE, GROUP, CUSTOM]));
    const names: string[] = [];
    const nulls: string[] = [];
    const visit = (v: unknown, at: string): void => {
      if (v === null) nulls.push(at);
      else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${at}[${i}]`));
      else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) visit(x, `${at}.${k}`);
    };
    visit(r.body, '');
    const collect = (attrs: { name: string; subAttributes?: unknown[] }[]): void => attrs.forEach((a) => (names.push(a.name), collect((a.subAttributes ?? []) as never)));
    for (const s of r.body.Resources) collect(s.attributes);
    expect(nulls).toEqual([]);
    expect(names.filter((name) => !/^(\$ref|[a-z][A-Za-z0-9]*)$/.test(name))).toEqual([]);
  });

  it('Paging: ≥ 11 users, count=5, next start = startIndex + returned; startIndex echoed on every page (LA)', async () => {
    for (let i = 0; i < 11; i++) await created();
    const seen: string[] = [];
    let start = 1;
    let total = Infinity;
    while (start <= total) {
      const page = await get(`/Users?startIndex=${start}&count=5`);
      expect(page.startIndex).toBe(start);
      expect(page.Resources.length).toBeLessThanOrEqual(5);
      total = page.totalResults;
      seen.push(...page.Resources.map((u: { id: string }) => u.id));
      if (page.Resources.length === 0) break;
      start = page.startIndex + page.Resources.length;
    }
    expect(total).toBeGreaterThanOrEqual(11);
    expect(new Set(seen).size).toBe(total);
  });

  it('Headers: a request without a User-Agent (Entra\'s Test Connection) is served (third-party report)', async () => {
    const url = new URL(`${c.server.url}/Users?filter=userName+eq+%22${guid()}%22`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: { authorization: 'Bearer test-token' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      expect(req.getHeader('user-agent')).toBeUndefined();
      req.end();
    });
    expect(status).toBe(200);
  });

  it('Feature flag: a base URL carrying ?aadOptscim062020 — every request keeps the query, and the server serves it (M2)', async () => {
    const user = await created();
    expect((await c.call('GET', `/Users?aadOptscim062020&filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`)).body.totalResults).toBe(1);
    expect((await c.call('GET', `/Users/${user.id}?aadOptscim062020`)).status).toBe(200);
    ok(await c.call('PATCH', `/Users/${user.id}?aadOptscim062020`, patch({ op: 'replace', path: 'active', value: false })));
    expect((await c.call('POST', '/Users?aadOptscim062020', entraUser(`flag.${user.userName}`))).status).toBe(201);
    expect((await c.call('GET', '/Schemas?aadOptscim062020')).status).toBe(200);
  });
});
