// The client against every server of the hostile corpus: a clear error or a recorded exchange, within the
// deadline, with bounded memory, without a crash or an unhandled rejection, and without leaking credentials.
import { describe, expect, it } from 'vitest';
import { createClient, type ClientOptions, type Exchange } from '../../src/client/index.js';
import {
  HOSTILE_CLIENT_TIMEOUT_MS,
  HOSTILE_SERVERS,
  type HostileServer,
} from './hostile-servers.js';
import { trapUnhandled } from '../safety/support.js';

const TOKEN = 'hostile-corpus-Secret-T0ken';
const MAX_BODY = 4 * 1024 * 1024;
/** Generous slack above the per-request timeout (the 429 entry waits 1 s on purpose; the machine is shared). */
const DEADLINE_SLACK_MS = 5_000;
/**
 * The short corpus timeout is for the servers that stall: they must be cut off by it. Every other server answers
 * (or fails) by itself, so it gets a generous timeout: a loaded machine must not turn its answer into a TIMEOUT.
 */
const ANSWERING_SERVER_TIMEOUT_MS = 10_000;
const timeoutFor = (server: HostileServer): number =>
  server.expect.error === 'TIMEOUT' || server.expect.error === 'BODY_STALLED' ? HOSTILE_CLIENT_TIMEOUT_MS : ANSWERING_SERVER_TIMEOUT_MS;

trapUnhandled();

function clientFor(server: HostileServer, baseUrl: string, extra: Partial<ClientOptions> = {}) {
  return createClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, timeoutMs: timeoutFor(server), maxBodyBytes: MAX_BODY, ...extra });
}

function probe(server: HostileServer) {
  const { method, path, body, headers } = server.probe;
  return { method, url: path, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) };
}

function assertExpected(server: HostileServer, ex: Exchange): void {
  const { expect: want } = server;
  expect(ex.error?.code, `${server.id}: error ${JSON.stringify(ex.error)}`).toBe(want.error);
  if (ex.error) {
    // One clear line, naming a cause, never a stack trace.
    expect(ex.error.message).not.toMatch(/\n|\bat .*:\d+:\d+/);
    expect(ex.error.message.length).toBeGreaterThan(10);
  }
  if (want.status !== undefined) expect(ex.response?.status, server.id).toBe(want.status);
  if (want.json === 'absent') expect(ex.response?.json, server.id).toBeUndefined();
  else if (want.json !== undefined) expect(ex.response?.json, server.id).toEqual(want.json);
  if (want.jsonError) expect(ex.response?.jsonError, server.id).toMatch(want.jsonError);
  if (want.note) expect(ex.notes ?? [], server.id).toEqual(expect.arrayContaining([expect.stringMatching(want.note)]));
  expect(JSON.stringify(ex)).not.toContain(TOKEN);
  expect(ex.ms).toBeLessThan(timeoutFor(server) + DEADLINE_SLACK_MS);
}

describe('the hostile corpus', () => {
  it('has at least 25 distinct servers covering every layer', () => {
    expect(HOSTILE_SERVERS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(HOSTILE_SERVERS.map((s) => s.id)).size).toBe(HOSTILE_SERVERS.length);
    expect(new Set(HOSTILE_SERVERS.map((s) => s.layer))).toEqual(new Set(['socket', 'tls', 'http']));
  });
});

describe('every hostile server on a real socket', () => {
  // Concurrently: the stalling servers each take the timeout, and the machine is shared.
  it.concurrent.each(HOSTILE_SERVERS.map((s) => [s.id, s] as const))('%s', async (_id, server) => {
    const running = await server.start();
    const client = clientFor(server, running.baseUrl, running.clientOptions);
    try {
      const ex = await client.send(probe(server));
      assertExpected(server, ex);
      // Bounded memory: the client stopped the transfer near its cap instead of swallowing 50 MB.
      expect(running.bytesWritten()).toBeLessThan(MAX_BODY + 8 * 1024 * 1024);
      if (ex.response?.bodyBytes !== undefined) expect(ex.response.bodyBytes).toBeLessThanOrEqual(MAX_BODY + 1024 * 1024);
      for (const seen of running.authorizationsSeen()) {
        expect(seen.value, `credentials reached the ${seen.origin} origin`).toBe(seen.origin === 'self' ? (running.credential ?? `Bearer ${TOKEN}`) : undefined);
      }
      for (const secret of running.secrets ?? []) expect(JSON.stringify(ex), server.id).not.toContain(secret);
    } finally {
      await client.close();
      await running.close();
    }
  }, 30_000);

  it('reached the other origin of the cross-origin redirect without credentials', async () => {
    const server = HOSTILE_SERVERS.find((s) => s.id === 'redirect-to-other-origin');
    const running = await server!.start();
    const client = clientFor(server!, running.baseUrl);
    await client.send(probe(server!));
    await client.close();
    await running.close();
    expect(running.authorizationsSeen()).toEqual([
      { origin: 'self', value: `Bearer ${TOKEN}` },
      { origin: 'other', value: undefined },
    ]);
  });
});
