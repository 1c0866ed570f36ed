// A replay writes only to what it created: a recorded write to a resource that existed before the recording is
// skipped with the reason (that resource stays byte for byte as it was), a write the recording showed answered
// 404 goes to a made-up id that cannot exist, and everything the replay creates is removed.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../src/recorder/proxy.js';
import { parseRecording, type Recording } from '../../src/recording/format.js';
import { recordingToSuite } from '../../src/runner/replay.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKEN } from './support.js';

const SCIM = 'application/scim+json';
const SEED_ADA = '5d0f7a2e-6c1b-4f3e-9a57-1b2c3d4e5f60';

let recording: Recording;
let file: string;
beforeAll(async () => {
  // An IdP-like client through the proxy: it reads the seed, patches a seed user (pre-existing), probes a missing
  // id, creates a user, updates it and deletes it.
  const server = await startServer({ port: 0, token: TOKEN, quiet: true });
  file = join(tempDir('scim-check-recording-'), 'writes.jsonl');
  const proxy = await startRecorder({ target: server.url, out: file });
  const send = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${proxy.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, accept: SCIM, ...(body ? { 'content-type': SCIM } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const patch = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { title: 'Changed by the IdP' } }] };
  try {
    expect((await send('GET', '/Users?startIndex=1&count=10')).status).toBe(200);
    expect((await send('PATCH', `/Users/${SEED_ADA}`, patch)).status).toBe(200);
    expect((await send('DELETE', '/Users/does-not-exist-7f3a9b')).status).toBe(404);
    const created = await send('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'idp.made.this@example.com', active: true });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await send('PATCH', `/Users/${id}`, patch)).status).toBe(200);
    expect((await send('GET', `/Users/${id}`)).status).toBe(200);
    expect((await send('DELETE', `/Users/${id}`)).status).toBe(204);
  } finally {
    await proxy.close();
    await server.close();
  }
  recording = parseRecording(readFileSync(file, 'utf8'), file).recording;
});

describe('replaying recorded writes', () => {
  let target: RunningServer;
  let before: string;
  beforeAll(async () => {
    target = await startServer({ port: 0, token: TOKEN, quiet: true });
    before = JSON.stringify(target.store.users.get(SEED_ADA)!.resource);
  });
  afterAll(() => target.close());

  it('skips the write to the pre-existing user, sends the 404 probe to a made-up id, replays the rest', async () => {
    const suite = recordingToSuite(recording, { file });
    const result = await run({ url: target.url, token: TOKEN, suiteData: [suite] });
    const checks = result.suites[0]!.checks;
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['replay/0001-get-users', 'passed'],
      ['replay/0002-patch-users', 'skipped'],
      ['replay/0003-delete-users', 'passed'],
      ['replay/0004-post-users', 'passed'],
      ['replay/0005-patch-users', 'passed'],
      ['replay/0006-get-users', 'passed'],
      ['replay/0007-delete-users', 'passed'],
    ]);
    expect(checks[1]!.skipReason).toMatch(/did not create .*a replay writes only to what it created/);
    expect(checks[2]!.exchanges[0]!.request.url).toMatch(/\/Users\/scim-check-missing-[a-z]{12}$/);
    // The created user was sent under a run-unique, prefixed name.
    expect(checks[3]!.exchanges[0]!.request.body).toMatch(/"userName":"scim-check-[a-z]{6}-idp\.made\.this@example\.com"/);
    expect(JSON.stringify(target.store.users.get(SEED_ADA)!.resource)).toBe(before);
    expect([...target.store.users.scan()].filter((e) => String(e.resource.userName).startsWith('scim-check-'))).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('--read-only leaves every write out and sends only GETs', async () => {
    const suite = recordingToSuite(recording, { file });
    const result = await run({ url: target.url, token: TOKEN, suiteData: [suite], readOnly: true });
    const sent = result.suites[0]!.checks.flatMap((c) => c.exchanges.map((e) => e.request.method));
    expect(new Set(sent)).toEqual(new Set(['GET']));
  });
});
