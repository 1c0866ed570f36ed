/** List and search over HTTP: filters, paging, sorting, .search, attributes/excludedAttributes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, GROUP, LIST, newUser, SEARCH, startClient, USER, type Client } from './helpers.js';

let c: Client;
const TOTAL = 23;
const created: Record<string, any>[] = [];

beforeAll(async () => {
  c = await startClient({ seed: 'none' });
  // Users named in a deliberately unsorted order, with varied attributes for filters.
  for (let i = 0; i < TOTAL; i++) {
    const letter = String.fromCharCode(97 + ((i * 7) % 26));
    const res = await c.call(
      'POST',
      '/Users',
      newUser(`${letter.toUpperCase()}ser${i}@Example.com`, {
        externalId: `ext-${i % 5}`,
        title: i % 3 === 0 ? 'Engineer' : undefined,
        active: i % 4 !== 0,
        emails: [
          { value: `work${i}@corp.example.com`, type: 'work', primary: true },
          { value: `home${i}@home.example.org`, type: 'home' },
        ],
        schemas: [USER, ENTERPRISE],
        [ENTERPRISE]: { employeeNumber: String(1000 + i), department: i % 2 === 0 ? 'Even' : 'Odd' },
      }),
    );
    created.push(res.body);
  }
  await c.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Readers', members: [{ value: created[0]!['id'] }] });
});
afterAll(() => c.server.close());

const list = async (query: string): Promise<Record<string, any>> => {
  const res = await c.call('GET', `/Users?${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const filter = (f: string): string => `filter=${encodeURIComponent(f)}`;
const ids = (body: Record<string, any>): string[] => body['Resources'].map((r: { id: string }) => r.id);
const idsWhere = (pred: (u: Record<string, any>) => boolean): string[] => created.filter(pred).map((u) => u['id']);

describe('filters', () => {
  it('userName eq matches case-insensitively (Okta sends the ALL-CAPS value) and answers a ListResponse', async () => {
    const u = created[5]!;
    const body = await list(`${filter(`userName eq "${u['userName'].toUpperCase()}"`)}&startIndex=1&count=100`);
    expect(body.schemas).toEqual([LIST]);
    expect(body.totalResults).toBe(1);
    expect(body.startIndex).toBe(1);
    expect(body.itemsPerPage).toBe(1);
    expect(ids(body)).toEqual([u['id']]);
  });

  it('a filter with no match → 200, totalResults 0, Resources []', async () => {
    const body = await list(filter('userName eq "nobody@nowhere.example"'));
    expect(body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('+ and %20 both decode as spaces in the query string', async () => {
    const u = created[2]!;
    const plus = await list(`filter=userName+eq+%22${encodeURIComponent(u['userName'])}%22`);
    expect(ids(plus)).toEqual([u['id']]);
  });

  const cases: [string, (u: Record<string, any>) => boolean][] = [
    ['externalId eq "ext-3"', (u) => u['externalId'] === 'ext-3'],
    ['title eq "engineer"', (u) => u['title'] === 'Engineer'],
    ['title pr', (u) => u['title'] !== undefined],
    ['not (title pr)', (u) => u['title'] === undefined],
    ['active eq false', (u) => u['active'] === false],
    ['active eq "False"', (u) => u['active'] === false],
    ['userName sw "a"', (u) => u['userName'].toLowerCase().startsWith('a')],
    ['userName co "SER1"', (u) => u['userName'].toLowerCase().includes('ser1')],
    ['userName ew "0@example.com"', (u) => u['userName'].toLowerCase().endsWith('0@example.com')],
    ['userName gt "m"', (u) => u['userName'].toLowerCase() > 'm'],
    ['userName ge "user5@example.com"', (u) => u['userName'].toLowerCase() >= 'user5@example.com'],
    ['userName lt "c"', (u) => u['userName'].toLowerCase() < 'c'],
    ['userName le "cser14@example.com"', (u) => u['userName'].toLowerCase() <= 'cser14@example.com'],
    ['title ne "Engineer"', (u) => u['title'] !== 'Engineer'],
    ['meta.lastModified lt "2000-01-01T00:00:00Z"', () => false],
    ['emails[type eq "work" and value co "work1"]', (u) => u['emails'][0].value.includes('work1')],
    ['emails[type eq "work"].value eq "work7@corp.example.com"', (u) => u['emails'][0].value === 'work7@corp.example.com'],
    ['emails co "home1"', (u) => u['emails'][1].value.includes('home1')],
    [`${ENTERPRISE}:department eq "Even"`, (u) => u[ENTERPRISE].department === 'Even'],
    [`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "B"`, (u) => u['userName'].startsWith('B')],
    ['(title pr or active eq false) and externalId ne "ext-0"', (u) => (u['title'] !== undefined || u['active'] === false) && u['externalId'] !== 'ext-0'],
    ['USERNAME Sw "c" OR externalId EQ "ext-1"', (u) => u['userName'].toLowerCase().startsWith('c') || u['externalId'] === 'ext-1'],
    ['meta.created gt "2000-01-01T00:00:00Z"', () => true],
    ['groups.value pr', (u) => u['id'] === created[0]!['id']],
  ];
  it.each(cases)('%s', async (f, pred) => {
    const body = await list(filter(f));
    expect(ids(body)).toEqual(idsWhere(pred));
    expect(body.totalResults).toBe(idsWhere(pred).length);
  });

  it('malformed filters and unknown attributes → 400 invalidFilter', async () => {
    for (const f of ['userName eq', 'userName eq bjensen', '(userName eq "a"', 'favouriteColour eq "blue"', 'userName xx "a"', '']) {
      expectScimError(await c.call('GET', `/Users?${filter(f)}`), 400, 'invalidFilter');
    }
  });

  it('a pathological filter is answered 400 quickly and the server keeps serving', async () => {
    const started = performance.now();
    expectScimError(await c.call('GET', `/Users?${filter(`userName eq "${'\\n'.repeat(30)}`)}`), 400, 'invalidFilter');
    expectScimError(await c.call('GET', `/Users?${filter('('.repeat(2000) + 'userName eq "a"' + ')'.repeat(2000))}`), 400, 'invalidFilter');
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await list('count=1')).Resources).toHaveLength(1);
  });
});

describe('paging', () => {
  it('walks pages of any size without gaps or repeats, in a stable order, with a consistent totalResults', async () => {
    const all = ids(await list('startIndex=1&count=100'));
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all).size).toBe(TOTAL);
    for (const size of [1, 5, 7, 100]) {
      const seen: string[] = [];
      for (let start = 1; start <= TOTAL; start += size) {
        const page = await list(`startIndex=${start}&count=${size}`);
        expect(page.totalResults).toBe(TOTAL);
        expect(page.startIndex).toBe(start);
        expect(page.itemsPerPage).toBe(page.Resources.length);
        seen.push(...ids(page));
      }
      expect(seen).toEqual(all);
    }
  });

  it('the order survives deletions and additions between pages', async () => {
    const first = ids(await list('startIndex=1&count=5'));
    const extra = await c.call('POST', '/Users', newUser('late.arrival@example.com'));
    const victim = await c.call('POST', '/Users', newUser('short.lived@example.com'));
    await c.call('DELETE', `/Users/${victim.body.id}`);
    const again = ids(await list('startIndex=1&count=5'));
    expect(again).toEqual(first);
    const last = await list(`startIndex=${TOTAL + 1}&count=5`);
    expect(ids(last)).toEqual([extra.body.id]);
    await c.call('DELETE', `/Users/${extra.body.id}`);
  });

  it('count=0 returns only the total; startIndex beyond the total returns an empty page', async () => {
    expect(await list('count=0')).toEqual({ schemas: [LIST], totalResults: TOTAL, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const beyond = await list('startIndex=1000');
    expect(beyond.totalResults).toBe(TOTAL);
    expect(beyond.Resources).toEqual([]);
    expect(beyond.startIndex).toBe(1000);
  });

  it('startIndex < 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); non-integers are 400', async () => {
    const zero = await list('startIndex=0&count=2');
    expect(zero.startIndex).toBe(1);
    expect(ids(zero)).toEqual(ids(await list('startIndex=1&count=2')));
    expect((await list('startIndex=-5&count=-3')).Resources).toEqual([]);
    expectScimError(await c.call('GET', '/Users?count=ten'), 400, 'invalidValue');
    expectScimError(await c.call('GET', '/Users?startIndex=1.5'), 400, 'invalidValue');
  });

  it('parameter names are matched case-insensitively (Okta once sent startindex)', async () => {
    const page = await list('startindex=3&COUNT=2');
    expect(page.startIndex).toBe(3);
    expect(page.Resources).toHaveLength(2);
  });

  it('count is capped at maxResults', async () => {
    const small = await startClient({ seed: 'none', maxResults: 3 });
    try {
      for (let i = 0; i < 5; i++) await small.call('POST', '/Users', newUser(`cap${i}@example.com`));
      const page = (await small.call('GET', '/Users?count=50')).body;
      expect(page.totalResults).toBe(5);
      expect(page.Resources).toHaveLength(3);
      expect((await small.call('GET', '/ServiceProviderConfig')).body.filter.maxResults).toBe(3);
    } finally {
      await small.server.close();
    }
  });
});

describe('sorting', () => {
  it('sortBy userName ascending (case-insensitive) and descending; ties keep insertion order', async () => {
    const expected = [...created].sort((a, b) => (a['userName'].toLowerCase() < b['userName'].toLowerCase() ? -1 : 1)).map((u) => u['id']);
    expect(ids(await list('sortBy=userName&count=100'))).toEqual(expected);
    expect(ids(await list('sortBy=userName&sortOrder=descending&count=100'))).toEqual([...expected].reverse());
    const byTitle = ids(await list('sortBy=title&count=100'));
    const withTitle = idsWhere((u) => u['title'] !== undefined);
    expect(byTitle.slice(0, withTitle.length)).toEqual(withTitle); // equal titles: insertion order; missing: last
    expect(ids(await list('sortBy=meta.created&sortOrder=DESCENDING&count=3'))).toHaveLength(3);
  });

  it('sorts on an extension attribute by URN and pages the sorted list', async () => {
    const page = await list(`sortBy=${encodeURIComponent(`${ENTERPRISE}:employeeNumber`)}&sortOrder=descending&startIndex=2&count=2`);
    expect(ids(page)).toEqual([created[TOTAL - 2]!['id'], created[TOTAL - 3]!['id']]);
  });

  it('bad sortOrder or unknown sortBy → 400 invalidValue', async () => {
    expectScimError(await c.call('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
    expectScimError(await c.call('GET', '/Users?sortBy=shoeSize'), 400, 'invalidValue');
  });
});

describe('POST .search', () => {
  it('answers like the equivalent GET', async () => {
    const body = { schemas: [SEARCH], filter: 'title eq "Engineer"', startIndex: 2, count: 3, sortBy: 'userName', attributes: ['userName', 'title'] };
    const search = await c.call('POST', '/Users/.search', body);
    expect(search.status).toBe(200);
    const get = await list(`${filter('title eq "Engineer"')}&startIndex=2&count=3&sortBy=userName&attributes=userName,title`);
    expect(search.body).toEqual(get);
    expect(Object.keys(search.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'title', 'userName']);
  });

  it('validates the SearchRequest and works for Groups', async () => {
    expectScimError(await c.call('POST', '/Users/.search', { filter: 'userName pr' }), 400, 'invalidSyntax');
    expectScimError(await c.call('POST', '/Users/.search', { schemas: [SEARCH], count: '5' }), 400, 'invalidValue');
    expectScimError(await c.call('POST', '/Users/.search', { schemas: [SEARCH], attributes: 'userName' }), 400, 'invalidValue');
    const groups = await c.call('POST', '/Groups/.search', { schemas: [SEARCH], filter: 'displayName eq "READERS"', excludedAttributes: ['members'] });
    expect(groups.body.totalResults).toBe(1);
    expect(groups.body.Resources[0]).not.toHaveProperty('members');
    expectScimError(await c.call('GET', '/Users/.search'), 405);
  });
});

describe('attributes and excludedAttributes', () => {
  const u = (): Record<string, any> => created[1]!;

  it('attributes returns only those (plus id and schemas, which are always returned), with sub-attributes', async () => {
    const res = await c.call('GET', `/Users/${u()['id']}?attributes=userName,name.givenName,emails.value`);
    expect(res.body).toEqual({
      schemas: u()['schemas'],
      id: u()['id'],
      userName: u()['userName'],
      name: { givenName: 'Test' },
      emails: [{ value: u()['emails'][0].value }, { value: u()['emails'][1].value }],
    });
  });

  it('URN-qualified names select extension attributes or the whole extension', async () => {
    const one = await c.call('GET', `/Users/${u()['id']}?attributes=${ENTERPRISE}:department`);
    expect(one.body[ENTERPRISE]).toEqual({ department: 'Odd' });
    expect(one.body).not.toHaveProperty('userName');
    const whole = await c.call('GET', `/Users/${u()['id']}?attributes=${ENTERPRISE}`);
    expect(whole.body[ENTERPRISE]).toEqual(u()[ENTERPRISE]);
    const core = await c.call('GET', `/Users/${u()['id']}?attributes=urn:ietf:params:scim:schemas:core:2.0:User:userName`);
    expect(core.body.userName).toBe(u()['userName']);
    expect(core.body).not.toHaveProperty('name');
  });

  it('excludedAttributes removes attributes and sub-attributes but never id', async () => {
    const res = await c.call('GET', `/Users/${u()['id']}?excludedAttributes=emails,name.familyName,id,meta,${ENTERPRISE}`);
    expect(res.body).not.toHaveProperty('emails');
    expect(res.body).not.toHaveProperty('meta');
    expect(res.body).not.toHaveProperty(ENTERPRISE);
    expect(res.body.name).toEqual({ givenName: 'Test' });
    expect(res.body.id).toBe(u()['id']);
    expect(res.body.userName).toBe(u()['userName']);
  });

  it('applies to list, create and replace responses too; unknown names are ignored', async () => {
    const page = await list('attributes=userName&count=2');
    for (const r of page.Resources) expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
    const made = await c.call('POST', '/Users?attributes=userName,shoeSize', newUser('projected@example.com'));
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const put = await c.call('PUT', `/Users/${made.body.id}?excludedAttributes=name,emails,meta`, newUser('projected@example.com', { title: 'T' }));
    expect(put.body.title).toBe('T');
    expect(put.body).not.toHaveProperty('name');
    await c.call('DELETE', `/Users/${made.body.id}`);
  });

  it("groups on users can be asked for or left out", async () => {
    const member = created[0]!;
    expect((await c.call('GET', `/Users/${member['id']}?attributes=groups`)).body.groups).toHaveLength(1);
    expect((await c.call('GET', `/Users/${member['id']}?excludedAttributes=groups`)).body).not.toHaveProperty('groups');
  });
});
