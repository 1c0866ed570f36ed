/** POST /.search at the root (RFC 7644 §3.4.3): Users and Groups in one result, told apart by `schemas`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, GROUP, LIST, newUser, SEARCH, SEED, startClient, USER, type Client } from './helpers.js';

let c: Client;
beforeAll(async () => {
  c = await startClient();
  // Seed: ada, grace (users) and Engineering (group, members ada and grace). One more of each.
  expect((await c.call('POST', '/Users', newUser('zed@example.com', { displayName: 'Zed' }))).status).toBe(201);
  expect((await c.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Accounting' })).status).toBe(201);
});
afterAll(() => c.server.close());

const search = (request: Record<string, unknown>) => c.call('POST', '/.search', { schemas: [SEARCH], ...request });
const kinds = (body: { Resources: { schemas: string[]; meta?: { resourceType: string } }[] }): string[] =>
  body.Resources.map((r) => (r.schemas.includes(USER) ? 'User' : r.schemas.includes(GROUP) ? 'Group' : '?'));

describe('POST /.search', () => {
  it('without a filter returns every user and group, each with its own schemas and meta.resourceType', async () => {
    const res = await search({});
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([LIST]);
    expect(res.body.totalResults).toBe(5);
    expect(kinds(res.body)).toEqual(['User', 'User', 'User', 'Group', 'Group']);
    for (const r of res.body.Resources) expect(r.meta.resourceType).toBe(r.schemas.includes(USER) ? 'User' : 'Group');
  });

  it('filters across resource types: an attribute one type lacks has no value there (RFC 7644 §3.4.2.2)', async () => {
    // displayName is on both User and Group.
    const both = await search({ filter: 'displayName sw "Z" or displayName eq "Engineering"' });
    expect(kinds(both.body).sort()).toEqual(['Group', 'User']);
    // userName is a User attribute: no group matches it, and its negation holds for every group.
    const users = await search({ filter: 'userName sw "ada"' });
    expect(users.body.Resources.map((r: { id: string }) => r.id)).toEqual([SEED.ada]);
    const notAda = await search({ filter: 'not (userName sw "ada")' });
    expect(kinds(notAda.body)).toEqual(['User', 'User', 'Group', 'Group']);
    const groups = await search({ filter: `members.value eq "${SEED.grace}"` });
    expect(groups.body.Resources.map((r: { id: string }) => r.id)).toEqual([SEED.engineering]);
    const noUserName = await search({ filter: 'userName eq null' });
    expect(kinds(noUserName.body)).toEqual(['Group', 'Group']);
  });

  it('pages, sorts and projects across both types', async () => {
    const page = await search({ startIndex: 3, count: 2 });
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
    expect(kinds(page.body)).toEqual(['User', 'Group']);
    const sorted = await search({ sortBy: 'displayName', sortOrder: 'descending', attributes: ['displayName'] });
    const names = sorted.body.Resources.map((r: { displayName?: string }) => r.displayName ?? null);
    const present = names.filter((n: string | null) => n !== null);
    expect(present).toEqual([...present].sort((a: string, b: string) => b.toLowerCase().localeCompare(a.toLowerCase())));
    expect(names.slice(0, names.length - present.length).every((n: string | null) => n === null)).toBe(true);
    for (const r of sorted.body.Resources) expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(['id', 'schemas']));
    expect(sorted.body.Resources.every((r: Record<string, unknown>) => r['emails'] === undefined && r['members'] === undefined)).toBe(true);
    const sortedPage = await search({ filter: 'displayName pr', sortBy: 'displayName', count: 1 });
    expect(sortedPage.body.totalResults).toBeGreaterThanOrEqual(3);
    expect(sortedPage.body.Resources[0].displayName).toBe('Accounting');
  });

  it('an attribute no resource type knows, a bad body and other methods are errors', async () => {
    expectScimError(await search({ filter: 'nosuchAttribute eq "x"' }), 400, 'invalidFilter');
    expectScimError(await search({ sortBy: 'nosuchAttribute' }), 400, 'invalidValue');
    expectScimError(await c.call('POST', '/.search', { filter: 'userName pr' }), 400, 'invalidSyntax');
    expectScimError(await search({ filter: 'userName eq 5' }), 400, 'invalidFilter');
    const get = await c.call('GET', '/.search');
    expectScimError(get, 405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
