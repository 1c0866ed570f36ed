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

  it('2xx with an id: registered by that id, no lookup (also when the server changed only the case of the name)', () => {
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}A1@example.com`), exchange({ status: 201, json: { id: 'abc', userName: `${PREFIX}a1@example.com` } }), PREFIX);
    registry.noteCreate('/Users', userBody(`${PREFIX}b1@example.com`), exchange({ status: 201, json: { id: 'def' } }), PREFIX);
    expect(registry.list()).toEqual([
      { resourceType: 'User', id: 'abc' },
      { resourceType: 'User', id: 'def' },
    ]);
    expect(registry.unconfirmedCreates()).toEqual([]);
    expect(registry.foreignAnswers()).toEqual([]);
  });

  it('2xx naming another resource (perhaps one that existed before): not registered, writes to it refused, ours looked up', () => {
    const registry = new CleanupRegistry();
    registry.noteCreate('/Users', userBody(`${PREFIX}c1@example.com`), exchange({ status: 201, json: { id: 'ada-id', userName: 'ada@example.com' } }), PREFIX);
    expect(registry.list()).toEqual([]);
    expect(registry.foreignAnswers()).toEqual([{ resourceType: 'User', id: 'ada-id', sentName: `${PREFIX}c1@example.com`, answeredName: 'ada@example.com' }]);
    expect(registry.unconfirmedCreates()).toEqual([{ resourceType: 'User', name: `${PREFIX}c1@example.com` }]);
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(registry.refusal(method, '/Users/ada-id')).toMatch(/^not sent: .*named "ada@example.com"/);
    expect(registry.refusal('GET', '/Users/ada-id')).toBeUndefined();
    expect(registry.refusal('DELETE', '/Users/other-id')).toBeUndefined();
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
