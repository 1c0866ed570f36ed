import { afterEach, describe, expect, it } from 'vitest';
import { allFaults, resolveFaults, startServer, UnknownFaultError } from '../../src/server/index.js';
import { expectScimError, GROUP, newUser, patchOp, SEED, startClient, type Client } from './helpers.js';

const open: Client[] = [];
const withFaults = async (...faults: string[]): Promise<Client> => {
  const client = await startClient({ faults });
  open.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.server.close()));
});

describe('fault registry', () => {
  it('every fault has a unique kebab-case id, a description, and at least one hook or flag', () => {
    const faults = allFaults();
    expect(new Set(faults.map((f) => f.id)).size).toBe(faults.length);
    for (const fault of faults) {
      expect(fault.id).toMatch(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);
      expect(fault.description.length).toBeGreaterThan(10);
      expect(Boolean(fault.onRequest || fault.onResponse || fault.flags)).toBe(true);
    }
  });

  it('an unknown or repeated fault id is a clear error', async () => {
    expect(() => resolveFaults(['no-such-fault'])).toThrow(UnknownFaultError);
    expect(() => resolveFaults(['no-such-fault'])).toThrow(/unknown fault "no-such-fault".*--list-faults/);
    expect(() => resolveFaults(['create-returns-200', 'create-returns-200'])).toThrow(/given twice/);
    await expect(startServer({ port: 0, quiet: true, faults: ['nope'] })).rejects.toThrow(UnknownFaultError);
  });
});

describe('core faults do what they say (and the correct server does not)', () => {
  it('create-returns-200', async () => {
    const broken = await withFaults('create-returns-200');
    const res = await broken.call('POST', '/Users', newUser('two.hundred@example.com'));
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe('two.hundred@example.com');
    expect((await broken.call('POST', '/Groups', { schemas: [GROUP], displayName: 'G' })).status).toBe(200);
  });

  it('401-without-scim-body', async () => {
    const broken = await withFaults('401-without-scim-body');
    const res = await broken.raw('GET', '/Users', undefined, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.body).toBeUndefined();
    expect((await broken.call('GET', '/Users')).status).toBe(200);
  });

  it('userName-case-sensitive: the ALL-CAPS filter finds nothing and a case variant is not a duplicate', async () => {
    const broken = await withFaults('userName-case-sensitive');
    const filter = encodeURIComponent('userName eq "ADA.LOVELACE@EXAMPLE.COM"');
    expect((await broken.call('GET', `/Users?filter=${filter}`)).body.totalResults).toBe(0);
    expect((await broken.call('GET', `/Users?filter=${encodeURIComponent('userName eq "ada.lovelace@example.com"')}`)).body.totalResults).toBe(1);
    expect((await broken.call('POST', '/Users', newUser('ADA.LOVELACE@example.com'))).status).toBe(201);
  });

  it('deactivate-deletes', async () => {
    const broken = await withFaults('deactivate-deletes');
    const res = await broken.call('PATCH', `/Users/${SEED.grace}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(res.status).toBe(200);
    expectScimError(await broken.call('GET', `/Users/${SEED.grace}`), 404);
    const group = (await broken.call('GET', `/Groups/${SEED.engineering}`)).body;
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([SEED.ada]);
  });

  it('list-ignores-count (GET and .search)', async () => {
    const broken = await withFaults('list-ignores-count');
    expect((await broken.call('GET', '/Users?count=1')).body.Resources).toHaveLength(2);
    const search = await broken.call('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 1 });
    expect(search.body.Resources).toHaveLength(2);
  });

  it('several faults combine, in order', async () => {
    const broken = await withFaults('create-returns-200', '401-without-scim-body');
    expect((await broken.call('POST', '/Users', newUser('combo@example.com'))).status).toBe(200);
    expect((await broken.raw('GET', '/Users', undefined, {})).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('latency delays every answer', async () => {
    const slow = await startClient({ latencyMs: 150 });
    open.push(slow);
    const started = performance.now();
    expect((await slow.call('GET', '/ServiceProviderConfig')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
