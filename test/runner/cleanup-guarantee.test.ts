/**
 * Issue 4's cleanup guarantee, against the reference server: whatever happens to a run (passes, fails, hits its
 * deadline, is interrupted with SIGINT), no resource named with the prefix is left, and every resource that existed
 * before is byte-for-byte what it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, startCli } from '../cli/spawn-cli.js';

const TOKEN = 'cleanup-guarantee-token';
type Resource = { id: string; userName?: string; displayName?: string };

async function listAll(server: RunningServer, endpoint: 'Users' | 'Groups'): Promise<Resource[]> {
  const res = await fetch(`${server.url}/${endpoint}?startIndex=1&count=1000`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { Resources?: Resource[] };
  return body.Resources ?? [];
}

/** Every resource on the server, by id, as the exact JSON the server returns. */
async function snapshot(server: RunningServer): Promise<Map<string, string>> {
  const all = [...(await listAll(server, 'Users')), ...(await listAll(server, 'Groups'))];
  const out = new Map<string, string>();
  for (const r of all) {
    const endpoint = r.userName !== undefined ? 'Users' : 'Groups';
    const res = await fetch(`${server.url}/${endpoint}/${r.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    out.set(r.id, await res.text());
  }
  return out;
}

const named = (r: Resource): string => r.userName ?? r.displayName ?? '';

async function expectUntouched(server: RunningServer, before: Map<string, string>): Promise<void> {
  const users = await listAll(server, 'Users');
  const groups = await listAll(server, 'Groups');
  expect([...users, ...groups].filter((r) => named(r).toLowerCase().startsWith('scim-check-')).map(named)).toEqual([]);
  expect(await snapshot(server)).toEqual(before);
}

let server: RunningServer;
let faulty: RunningServer;
let before: Map<string, string>;
let faultyBefore: Map<string, string>;
beforeAll(async () => {
  assertBuilt();
  server = await startServer({ port: 0, token: TOKEN, quiet: true, latencyMs: 2 });
  faulty = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['get-by-id-returns-list'] });
  before = await snapshot(server);
  faultyBefore = await snapshot(faulty);
  expect(before.size).toBeGreaterThanOrEqual(3); // the seed: users and a group
});
afterAll(async () => {
  await server.close();
  await faulty.close();
});

describe('cleanup always happens, and only to what the run made', () => {
  it('after a passing run', async () => {
    const result = await run({ url: server.url, token: TOKEN });
    expect(result.exitCode).toBe(0);
    expect(result.cleanup.removed.length).toBeGreaterThan(3);
    expect(result.cleanup.left).toEqual([]);
    await expectUntouched(server, before);
  });

  it('after a failing run', async () => {
    const result = await run({ url: faulty.url, token: TOKEN });
    expect(result.exitCode).toBe(1);
    expect(result.cleanup.left).toEqual([]);
    await expectUntouched(faulty, faultyBefore);
  });

  it('after a run that hit its deadline', async () => {
    const result = await run({ url: server.url, token: TOKEN, deadlineMs: 150 });
    expect(result.deadlineReached).toBe(true);
    expect(result.counts.skipped).toBeGreaterThan(0);
    await expectUntouched(server, before);
  });

  it('after a run interrupted with SIGINT mid-suite', async () => {
    const { child, done } = startCli(['--url', server.url, '--token', TOKEN]);
    // Interrupt once the run has created something of its own.
    for (let i = 0; i < 400; i++) {
      const users = await listAll(server, 'Users');
      if (users.some((u) => named(u).startsWith('scim-check-'))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGINT');
    const outcome = await done;
    expect(outcome.code).toBe(130);
    await expectUntouched(server, before);
  });
});
