// Creates whose answer never told the run an id: which ones cleanup looks up by name, and that it removes exactly
// those (never a resource without the run's prefix, never one whose name merely starts the same).
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { createClient } from '../../src/client/index.js';
import { cleanUp, CleanupRegistry } from '../../src/runner/cleanup.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const PREFIX = 'scim-check-';
// Long enough not to occur in any name: the client redacts the token wherever it appears in what it records.
const TOKEN = 'unconfirmed-creates-T0ken';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function exchange(response?: { status: number; json?: unknown; bodyTruncated?: boolean }): Exchange {
  return {
    request: { method: 'POST', url: 'http://x/Users', headers: {} },
    ms: 1,
    ...(response ? { response: { headers: {}, ...response } } : { error: { code: 'TIMEOUT', message: 'x sent no response headers within 1 ms' } }),
  } as Exchange;
}

const userBody = (userName: string): string => JSON.stringify({ schemas: [USER], userName });

describe('which creates are remembered for a lookup', () => {
  it.each([
    ['no answer (timeout, deadline, Ctrl-C)', exchange(), true],
    ['a cut-off body', exchange({ status: 201, bodyTruncated: true }), true],
    ['2xx without an id', exchange({ status: 201, json: {} }), true],
    ['an error answer (nothing was created, e.g. 409 on a duplicate)', exchange({ status: 409, json: {} }), false],
  ])('%s', (_label, ex, remembered) => {
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}a1@example.com`), ex, PREFIX);
    expect(registry.unconfirmedCreates()).toEqual(remembered ? [{ resourceType: 'User', name: `${PREFIX}a1@example.com` }] : []);
    expect(registry.size).toBe(remembered ? 1 : 0);
  });

  it('2xx with an id and the name sent: registered by that id, no lookup (also when the server changed only the case of the name)', () => {
    const registry = new CleanupRegistry();
    expect(registry.noteCreate('/Users', userBody(`${PREFIX}A1@example.com`), exchange({ status: 201, json: { id: 'abc', userName: `${PREFIX}a1@example.com` } }), PREFIX)).toBeUndefined();
    expect(registry.list()).toEqual([{ resourceType: 'User', id: 'abc' }]);
    expect(registry.unconfirmedCreates()).toEqual([]);
    expect(registry.foreignAnswers()).toEqual([]);
  });

  it('2xx with only an id: not registered until read back (the caller is asked to)', () => {
    const registry = new CleanupRegistry();
    const pending = registry.noteCreate('/Users', userBody(`${PREFIX}b1@example.com`), exchange({ status: 201, json: { id: 'def' } }), PREFIX);
    expect(pending).toMatchObject({ resourceType: 'User', id: 'def', sentName: `${PREFIX}b1@example.com` });
    expect(registry.list()).toEqual([]);
  });

  it('2xx naming another resource (perhaps one that existed before): not registered, writes to it refused, ours looked up', () => {
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}c1@example.com`), exchange({ status: 201, json: { id: 'ada-id', userName: 'ada@example.com' } }), PREFIX);
    // Another run's resource (same prefix, other name) is not ours either.
    registry.noteCreate('/Users', userBody(`${PREFIX}c2@example.com`), exchange({ status: 201, json: { id: 'other-run', userName: `${PREFIX}zz@example.com` } }), PREFIX);
    expect(registry.list()).toEqual([]);
    expect(registry.foreignAnswers()).toEqual([
      { resourceType: 'User', id: 'ada-id', sentName: `${PREFIX}c1@example.com`, why: 'User "ada@example.com"' },
      { resourceType: 'User', id: 'other-run', sentName: `${PREFIX}c2@example.com`, why: `User "${PREFIX}zz@example.com"` },
    ]);
    expect(registry.unconfirmedCreates()).toEqual([
      { resourceType: 'User', name: `${PREFIX}c1@example.com` },
      { resourceType: 'User', name: `${PREFIX}c2@example.com` },
    ]);
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(registry.refusal(method, '/Users/ada-id')).toMatch(/^not sent: .*with User "ada@example.com"/);
    expect(registry.refusal('GET', '/Users/ada-id')).toBeUndefined();
    expect(registry.refusal('DELETE', '/Users/other-id')).toBeUndefined();
  });

  it('a group create answered with a user: foreign, and a suite cannot register it either', () => {
    const registry = new CleanupRegistry();
    const user = { schemas: [USER], id: 'u-1', userName: 'ada@example.com' };
    expect(registry.noteCreate('/Groups', JSON.stringify({ displayName: `${PREFIX}g1` }), exchange({ status: 201, json: user }), PREFIX)).toBeUndefined();
    expect(registry.foreignAnswers()).toEqual([{ resourceType: 'Group', id: 'u-1', sentName: `${PREFIX}g1`, why: 'a User "ada@example.com" (id u-1)' }]);
    expect(registry.refusal('DELETE', '/Groups/u-1')).toMatch(/^not sent: the server answered the create of "scim-check-g1" with a User/);
    registry.add('Group', 'u-1');
    expect(registry.list()).toEqual([]);
    expect(registry.unconfirmedCreates()).toEqual([{ resourceType: 'Group', name: `${PREFIX}g1` }]);
  });

  it('an id the run saw before it sent the create (e.g. in a list) is not ours, even under our name', () => {
    const registry = new CleanupRegistry();
    const list = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ id: 'old', userName: 'x' }] };
    registry.noteSeen('GET', '/Users', { ...exchange({ status: 200, json: list }), request: { method: 'GET', url: 'http://x/Users', headers: {} } });
    registry.noteCreate('/Users', userBody(`${PREFIX}d1@example.com`), exchange({ status: 201, json: { id: 'old', userName: `${PREFIX}d1@example.com` } }), PREFIX);
    expect(registry.list()).toEqual([]);
    expect(registry.foreignAnswers()[0]).toMatchObject({ id: 'old', why: 'User old, which the run had already seen before it sent the create' });
  });

  describe('the read-back of an id-only answer', () => {
    const readBack = (status: number, json?: unknown): Exchange => ({ ...exchange({ status, json }), request: { method: 'GET', url: 'http://x/Users/def', headers: {} } });
    const pendingFor = (registry: CleanupRegistry, name = `${PREFIX}b1@example.com`) => registry.noteCreate('/Users', userBody(name), exchange({ status: 201, json: { id: 'def' } }), PREFIX)!;

    it('carrying the name sent: registered', () => {
      const registry = new CleanupRegistry();
      const note = registry.settleReadBack(pendingFor(registry), readBack(200, { id: 'def', userName: `${PREFIX}b1@example.com` }), userBody(`${PREFIX}b1@example.com`), PREFIX);
      expect(note).toMatch(/carries the name sent, so this run made it/);
      expect(registry.list()).toEqual([{ resourceType: 'User', id: 'def' }]);
      expect(registry.refusal('DELETE', '/Users/def')).toBeUndefined();
    });

    it.each([
      ['another name', 200, { id: 'def', userName: 'ada@example.com' }, /is named "ada@example.com"/],
      ['no name', 200, { id: 'def' }, /has no userName/],
      ['another kind', 200, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'def', displayName: 'x' }, /it is a Group/],
      ['not found', 404, undefined, /reading it back answered HTTP 404/],
    ])('%s: foreign, writes refused, the name sent looked up at cleanup', (_label, status, json, why) => {
      const registry = new CleanupRegistry();
      const note = registry.settleReadBack(pendingFor(registry), readBack(status, json), userBody(`${PREFIX}b1@example.com`), PREFIX);
      expect(note).toMatch(why);
      expect(note).toMatch(/never written to or removed/);
      expect(registry.list()).toEqual([]);
      expect(registry.refusal('PATCH', '/Users/def')).toMatch(why);
      expect(registry.unconfirmedCreates()).toEqual([{ resourceType: 'User', name: `${PREFIX}b1@example.com` }]);
    });

    it('created before the run began (meta.created before the server clock of the first answer): foreign', () => {
      const registry = new CleanupRegistry();
      registry.noteServerDate('Thu, 03 Dec 2026 08:00:00 GMT');
      const note = registry.settleReadBack(
        pendingFor(registry),
        readBack(200, { id: 'def', userName: `${PREFIX}b1@example.com`, meta: { created: '2025-01-01T00:00:00Z' } }),
        userBody(`${PREFIX}b1@example.com`),
        PREFIX,
      );
      expect(note).toMatch(/meta.created \(2025-01-01T00:00:00Z\) is before the run began/);
      expect(registry.list()).toEqual([]);
    });

    it('a name sent without the run prefix cannot be proven ours', () => {
      const registry = new CleanupRegistry();
      const note = registry.settleReadBack(pendingFor(registry, 'alice@example.com'), readBack(200, { id: 'def', userName: 'alice@example.com' }), userBody('alice@example.com'), PREFIX);
      expect(note).toMatch(/lacks the run's prefix/);
      expect(registry.list()).toEqual([]);
    });
  });

  it('never a name without the run prefix, a body that is not JSON, or another endpoint', () => {
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody('alice@example.com'), exchange(), PREFIX);
    registry.noteCreate('/Users', '{not json', exchange(), PREFIX);
    registry.noteCreate('/Users/.search', userBody(`${PREFIX}a@example.com`), exchange(), PREFIX);
    expect(registry.unconfirmedCreates()).toEqual([]);
  });

  it('every POST operation of a bulk request, whatever the answer (the run never learns those ids)', () => {
    const registry = new CleanupRegistry();
    const bulk = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [USER], userName: `${PREFIX}bulk@example.com` } },
        { method: 'POST', path: '/Groups', bulkId: 'b2', data: { displayName: `${PREFIX}bulk group` } },
        { method: 'DELETE', path: '/Users/123' },
        { method: 'POST', path: '/Users', data: { userName: 'someone-else@example.com' } },
      ],
    };
    registry.noteCreate('/Bulk', JSON.stringify(bulk), exchange({ status: 200, json: {} }), PREFIX);
    expect(registry.unconfirmedCreates()).toEqual([
      { resourceType: 'User', name: `${PREFIX}bulk@example.com` },
      { resourceType: 'Group', name: `${PREFIX}bulk group` },
    ]);
  });
});

describe('cleanup of remembered creates against the reference server', () => {
  let server: RunningServer;
  afterEach(async () => server.close());

  async function create(userName: string): Promise<string> {
    const res = await fetch(`${server.url}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: userBody(userName),
    });
    return ((await res.json()) as { id: string }).id;
  }

  it('removes the one resource with exactly that name; a longer name sharing it is untouched; a missing one is no problem', async () => {
    server = await startServer({ port: 0, token: TOKEN, quiet: true, seed: 'none' });
    const made = await create(`${PREFIX}made@example.com`);
    const lookalike = await create(`${PREFIX}made@example.com.other`);
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}made@example.com`), exchange(), PREFIX);
    registry.noteCreate('/Users', userBody(`${PREFIX}never-made@example.com`), exchange(), PREFIX);
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: TOKEN } });
    const result = await cleanUp(registry, client, { keep: false, baseUrl: server.url });
    await client.close();
    expect(result).toEqual({ removed: [{ resourceType: 'User', id: made, how: 'deleted' }], left: [], kept: [] });
    expect((await fetch(`${server.url}/Users/${lookalike}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('a resource found by the name sent that the run had seen before the create: reported, not removed', async () => {
    server = await startServer({ port: 0, token: TOKEN, quiet: true, seed: 'none' });
    const existing = await create(`${PREFIX}before@example.com`);
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: TOKEN } });
    const registry = new CleanupRegistry();
    registry.noteSeen('GET', '/Users', await client.send({ method: 'GET', url: '/Users' }));
    registry.noteCreate('/Users', userBody(`${PREFIX}before@example.com`), exchange(), PREFIX);
    const result = await cleanUp(registry, client, { keep: false, baseUrl: server.url });
    await client.close();
    expect(result.removed).toEqual([]);
    expect(result.left).toEqual([
      {
        resourceType: 'User',
        id: existing,
        reason: `looking up "${PREFIX}before@example.com" found User ${existing}, which existed before the run created anything by that name; not removed, as the run cannot prove it made it`,
        howToRemove: `check user ${existing} ("${PREFIX}before@example.com") and remove it only if it is a test leftover`,
      },
    ]);
    expect((await fetch(`${server.url}/Users/${existing}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('--keep reports the found id and removes nothing; a failed lookup is reported with how to find the resource', async () => {
    server = await startServer({ port: 0, token: TOKEN, quiet: true, seed: 'none' });
    const made = await create(`${PREFIX}kept@example.com`);
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}kept@example.com`), exchange(), PREFIX);
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: TOKEN } });
    expect(await cleanUp(registry, client, { keep: true, baseUrl: server.url })).toEqual({ removed: [], left: [], kept: [{ resourceType: 'User', id: made }] });
    await client.close();

    const wrongToken = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: 'wrong' } });
    const failed = await cleanUp(registry, wrongToken, { keep: false, baseUrl: server.url });
    await wrongToken.close();
    expect(failed.removed).toEqual([]);
    expect(failed.left).toEqual([
      {
        resourceType: 'User',
        id: `(unknown: its create was not answered) userName "${PREFIX}kept@example.com"`,
        reason: 'looking it up by userName answered HTTP 401',
        howToRemove: `look for user "${PREFIX}kept@example.com" in the application and remove it if it exists`,
      },
    ]);
  });
});
