import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedError, startServer } from '../../src/server/index.js';
import { ENTERPRISE, GROUP, newUser, SEED, startClient, USER } from './helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('scim-seed-');
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('seeding', () => {
  it('the default seed has at least two active users with name, emails and enterprise attributes, and a group', async () => {
    const c = await startClient();
    try {
      const users = (await c.call('GET', '/Users')).body.Resources;
      const complete = users.filter((u: any) => u.active === true && u.name?.givenName && u.name?.familyName && u.emails?.length > 0 && u[ENTERPRISE]?.department);
      expect(complete.length).toBeGreaterThanOrEqual(2);
      const groups = (await c.call('GET', '/Groups')).body;
      expect(groups.totalResults).toBeGreaterThanOrEqual(1);
      expect(groups.Resources[0].members.map((m: any) => m.value)).toEqual([SEED.ada, SEED.grace]);
    } finally {
      await c.server.close();
    }
  });

  it("seed: 'none' starts empty", async () => {
    const c = await startClient({ seed: 'none' });
    try {
      expect((await c.call('GET', '/Users')).body.totalResults).toBe(0);
      expect((await c.call('GET', '/Groups')).body.totalResults).toBe(0);
    } finally {
      await c.server.close();
    }
  });

  it('a seed file loads users and groups (ids kept, members resolved)', async () => {
    const seed = file('ok.json', {
      users: [{ ...newUser('Seeded@Example.com'), id: 'u-1' }, newUser('second@example.com')],
      groups: [{ schemas: [GROUP], id: 'g-1', displayName: 'Seeded Group', members: [{ value: 'u-1' }] }],
    });
    const c = await startClient({ seed });
    try {
      expect((await c.call('GET', '/Users')).body.totalResults).toBe(2);
      const u = (await c.call('GET', '/Users/u-1')).body;
      expect(u.userName).toBe('Seeded@Example.com');
      expect(u.groups.map((g: any) => g.value)).toEqual(['g-1']);
    } finally {
      await c.server.close();
    }
  });

  it.each([
    ['missing.json', undefined, /cannot read it \(ENOENT\)/],
    ['bad.json', '{"users": [', /not valid JSON/],
    ['array.json', [], /expected an object/],
    ['key.json', { people: [] }, /unexpected key "people"/],
    ['users.json', { users: {} }, /"users" must be an array/],
    ['required.json', { users: [{ schemas: [USER] }] }, /users\[0\]: "userName" is required/],
    ['dup.json', { users: [newUser('a@x.com'), newUser('A@X.com')] }, /users\[1\]: .*already exists/],
    ['member.json', { groups: [{ schemas: [GROUP], displayName: 'G', members: [{ value: 'ghost' }] }] }, /groups\[0\]: .*ghost/],
    ['id.json', { users: [{ ...newUser('a@x.com'), id: 7 }] }, /users\[0\]\.id must be a non-empty string/],
  ])('%s is rejected with a clear SeedError', async (name, content, message) => {
    const path = content === undefined ? join(dir, name) : file(name, content);
    const attempt = startServer({ port: 0, quiet: true, seed: path });
    await expect(attempt).rejects.toThrow(SeedError);
    await expect(startServer({ port: 0, quiet: true, seed: path })).rejects.toThrow(message);
  });
});

describe('request log and log lines', () => {
  const logFile = join(dir, 'requests.jsonl');
  const lines: string[] = [];
  let closeServer: (() => Promise<void>) | undefined;
  afterAll(async () => closeServer?.());

  it('logs one line per request (method, path, status, ms) and never a credential', async () => {
    const c = await startClient({ token: 'sup3r-s3cret-t0ken', quiet: false, log: (l) => lines.push(l), requestLogSize: 3, requestLogFile: logFile });
    closeServer = () => c.server.close();
    const auth = { authorization: 'Bearer sup3r-s3cret-t0ken' };
    await c.call('POST', '/Users', newUser('logged@example.com', { password: 'Pl@ceholder1' }), auth);
    await c.call('GET', '/Users?filter=userName%20eq%20%22logged@example.com%22', undefined, auth);
    await c.raw('GET', '/Users?access_token=sup3r-s3cret-t0ken', undefined, {});
    await c.call('GET', '/Users/nope', undefined, auth);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^POST \/scim\/v2\/Users 201 \d+(\.\d)?ms$/);
    expect(lines[1]).toMatch(/^GET \/scim\/v2\/Users\?filter=.* 200 /);
    expect(lines[3]).toMatch(/^GET \/scim\/v2\/Users\/nope 404 /);
    expect(lines.join('\n')).not.toContain('sup3r-s3cret-t0ken');

    const recent = c.server.requests();
    expect(recent.map((r) => r.status)).toEqual([200, 401, 404]); // the last 3, oldest first
    expect(recent[0]!.requestHeaders['authorization']).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(recent)).not.toContain('sup3r-s3cret-t0ken');
    await c.server.close();
    closeServer = undefined;
    const written = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(written).toHaveLength(4);
    expect(written[0].requestBody.password).toBe('[REDACTED]');
    expect(written[0].responseBody.userName).toBe('logged@example.com');
    expect(readFileSync(logFile, 'utf8')).not.toContain('sup3r-s3cret-t0ken');
    expect(readFileSync(logFile, 'utf8')).not.toContain('Pl@ceholder1');
  });

  it('quiet: no log lines at all', async () => {
    const c = await startClient({ quiet: true });
    try {
      const spy = process.stdout.write;
      let written = '';
      process.stdout.write = ((chunk: string) => {
        written += chunk;
        return true;
      }) as typeof process.stdout.write;
      try {
        await c.call('GET', '/Users');
      } finally {
        process.stdout.write = spy;
      }
      expect(written).toBe('');
    } finally {
      await c.server.close();
    }
  });
});
