// Record a full Okta default run through the recording proxy, then replay it: against a fresh reference server
// with zero differences, and against broken servers with the differences each defect causes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingToSuite } from '../../src/runner/replay.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { failedIds, recordRun, TOKEN, type Recorded } from './support.js';

let recorded: Recorded;
beforeAll(async () => {
  recorded = await recordRun();
  await recorded.server.close();
});

/** Replays the recording against a server with these faults (none: a fresh one); returns the result. */
async function replayAgainst(faults: string[], options: { asRecorded?: boolean } = {}) {
  const server = await startServer({ port: 0, token: TOKEN, quiet: true, faults });
  try {
    const suite = recordingToSuite(recorded.recording, { file: recorded.file, ...options });
    const result = await run({ url: server.url, token: TOKEN, suiteData: [suite] });
    const leftovers = [...server.store.users.scan()].filter((e) => String(e.resource.userName).startsWith('scim-check-'));
    return { result, suite, leftovers };
  } finally {
    await server.close();
  }
}

describe('recording a full Okta default run', () => {
  it('has one line per exchange the run sent, in order, after a header', () => {
    const sent = recorded.result.suites.flatMap((s) => s.checks.flatMap((c) => c.exchanges)).length;
    expect(recorded.result.exitCode).toBe(0);
    expect(recorded.recording.header).toMatchObject({ format: 'scim-check-recording', version: 1, source: 'proxy', basePath: '/scim/v2', pseudonymised: false });
    // The run's checks and its cleanup both went through the proxy.
    expect(recorded.recording.exchanges.length).toBeGreaterThanOrEqual(sent);
    expect(recorded.recording.exchanges.map((e) => e.seq)).toEqual(recorded.recording.exchanges.map((_, i) => i + 1));
    expect(recorded.recording.exchanges.some((e) => e.request.method === 'POST' && e.response?.status === 201)).toBe(true);
  });

  it('keeps the headers as sent and never the credential', () => {
    const first = recorded.recording.exchanges[0]!;
    expect(first.request.headers['Authorization']).toBe('Bearer [REDACTED:1]');
    expect(Object.keys(first.request.headers)).toContain('Accept');
    expect(recorded.text).not.toContain(TOKEN);
  });
});

describe('replaying it', () => {
  it('against a fresh reference server: every exchange answers as recorded, and nothing is left behind', async () => {
    const { result, suite, leftovers } = await replayAgainst([]);
    expect(suite.checks.length).toBe(recorded.recording.exchanges.length);
    expect(failedIds(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.counts.passed).toBe(suite.checks.length);
    expect(leftovers).toEqual([]);
  });

  it('with the names as recorded (--as-recorded) against a fresh server: also no differences', async () => {
    const { result, suite } = await replayAgainst([], { asRecorded: true });
    expect(suite.variables ?? {}).not.toHaveProperty('name1');
    expect(failedIds(result)).toEqual([]);
  });

  it('makes names run-unique: two replays do not collide', async () => {
    const server = await startServer({ port: 0, token: TOKEN, quiet: true });
    try {
      const suite = recordingToSuite(recorded.recording, { file: recorded.file });
      const first = await run({ url: server.url, token: TOKEN, suiteData: [suite], keep: true });
      const second = await run({ url: server.url, token: TOKEN, suiteData: [suite] });
      expect(failedIds(first)).toEqual([]);
      expect(failedIds(second)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([
    // The deactivated user is gone: reads of it, its deactivation and its later deletion differ.
    ['deactivate-deletes', /-(get|patch|delete)-users$/],
    ['group-remove-member-removes-all', /-(patch|get)-groups$/],
    ['put-ignores-name', /-(put|get|patch)-users$/],
    ['userName-filter-ignored', /-get-users$/],
  ])('against a server with fault %s: the exchanges it breaks are reported, with the recorded value beside the replayed one', async (fault, where) => {
    const { result } = await replayAgainst([fault]);
    const failed = failedIds(result);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((id) => where.test(id))).toBe(true);
    expect(result.exitCode).toBe(1);
    const failure = result.suites[0]!.checks.find((c) => c.status === 'failed')!.failures[0]!;
    expect(failure).toHaveProperty('expected');
    expect(failure).toHaveProperty('actual');
  });
});

describe('recording the Entra suite (--idp entra) and replaying it', () => {
  let entra: Recorded;
  beforeAll(async () => {
    entra = await recordRun({ idp: 'entra' });
    await entra.server.close();
  });

  it('replays with zero differences on a fresh server', async () => {
    expect(entra.result.exitCode).toBe(0);
    const server = await startServer({ port: 0, token: TOKEN, quiet: true });
    try {
      const result = await run({ url: server.url, token: TOKEN, suiteData: [recordingToSuite(entra.recording, { file: entra.file })] });
      expect(result.counts.passed).toBe(entra.recording.exchanges.length);
      expect(failedIds(result)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reports the groups Entra would empty on a server whose members remove ignores the value list', async () => {
    const server = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['remove-members-value-empties'] });
    try {
      const result = await run({ url: server.url, token: TOKEN, suiteData: [recordingToSuite(entra.recording, { file: entra.file })] });
      const failed = failedIds(result);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((id) => /-groups$/.test(id))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
