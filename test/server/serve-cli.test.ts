/** `scim-check serve` as a user runs it: the built CLI in a child process (needs `npm run build`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from '../cli/spawn-cli.js';
import { tlsMaterial } from '../client/tls-material.js';
import { tempDir } from '../helpers/temp-dir.js';
import { killServed, serveProcess, type Served } from './serve-process.js';

beforeAll(assertBuilt);
afterEach(killServed);

const serve = (...args: string[]): Promise<Served> => serveProcess(args);

const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('scim-check serve', () => {
  it('prints the URL line for --port 0, serves with the given token, logs each request, stops on SIGINT', async () => {
    const s = await serve('--token', 'cli-secret');
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    expect(Number(new URL(s.url).port)).toBeGreaterThan(0);
    const res = await fetch(`${s.url}/Users?count=1`, { headers: { authorization: 'Bearer cli-secret' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalResults: number }).totalResults).toBeGreaterThanOrEqual(2); // seeded by default
    expect((await fetch(`${s.url}/Users`)).status).toBe(401);
    await waitFor(() => /GET \/scim\/v2\/Users 401/.test(s.stdout()));
    expect(s.stdout()).toMatch(/GET \/scim\/v2\/Users\?count=1 200 \d+(\.\d)?ms/);
    expect(s.stdout()).not.toContain('cli-secret');
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toContain('SIGINT, stopping');
  });

  it('without --token prints a generated token exactly once, and stops on SIGTERM', async () => {
    const s = await serve();
    await waitFor(() => /token/.test(s.stdout()));
    const token = /Bearer token \(generated; shown only now\): (\S+)/.exec(s.stdout())?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`${s.url}/ServiceProviderConfig`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stdout().split(token!).length - 1).toBe(1);
  });

  it('--seed none --quiet --base-path /api --fault create-returns-200', async () => {
    const s = await serve('--seed', 'none', '--quiet', '--base-path', '/api/', '--token', 't', '--fault', 'create-returns-200');
    expect(s.url).toMatch(/\/api$/);
    const list = await fetch(`${s.url}/Users`, { headers: { authorization: 'Bearer t' } });
    expect(((await list.json()) as { totalResults: number }).totalResults).toBe(0);
    const made = await fetch(`${s.url}/Users`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'cli@example.com' }),
    });
    expect(made.status).toBe(200);
    expect(s.stdout()).toContain('Fault modes on: create-returns-200');
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(s.stdout()).not.toMatch(/GET \/api/);
  });

  it('--tls-cert/--tls-key serve HTTPS', async () => {
    const tls = tlsMaterial();
    const dir = tempDir('scim-serve-tls-');
    writeFileSync(join(dir, 'cert.pem'), tls.valid.cert);
    writeFileSync(join(dir, 'key.pem'), tls.valid.key);
    const s = await serve('--token', 't', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--quiet');
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    const dispatcher = new Agent({ connect: { ca: tls.ca } });
    const res = await fetch(`${s.url}/ServiceProviderConfig`, { headers: { authorization: 'Bearer t' }, dispatcher } as unknown as RequestInit);
    expect(res.status).toBe(200);
    await dispatcher.close();
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('--list-faults lists the fault modes', async () => {
    const res = await cli(['serve', '--list-faults']);
    expect(res.code).toBe(0);
    for (const id of ['create-returns-200', '401-without-scim-body', 'userName-case-sensitive', 'deactivate-deletes', 'list-ignores-count']) {
      expect(res.stdout).toMatch(new RegExp(`^${id} +\\S`, 'm'));
    }
  });

  it.each([
    [['--seed', '/no/such/seed.json'], /seed file \/no\/such\/seed\.json: cannot read it/],
    [['--fault', 'no-such-fault'], /unknown fault "no-such-fault"/],
    [['--tls-cert', 'x.pem'], /--tls-cert and --tls-key go together/],
    [['--tls-cert', '/no/cert.pem', '--tls-key', '/no/key.pem'], /--tls-cert \/no\/cert\.pem: cannot read it/],
    [['--basic', 'nocolon'], /--basic must be user:password/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--latency', 'slow'], /--latency must be a whole number/],
  ])('bad configuration %j → exit 2 with one clear line', async (args, message) => {
    const res = await cli(['serve', '--port', '0', ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a port already in use → exit 2 with a hint', async () => {
    const s = await serve('--token', 't', '--quiet');
    const port = new URL(s.url).port;
    const res = await cli(['serve', '--port', port]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/already in use \(try --port 0\)/);
    s.child.kill('SIGINT');
    await s.exited;
  });
});
