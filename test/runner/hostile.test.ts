/**
 * Issue 4 at the runner level: against every server of the hostile corpus (test/client/hostile-servers.ts), a run
 * ends with a clear failed check or a clear exit 3 — within its deadline, with bounded memory, no crash and no
 * unhandled rejection (vitest fails the run on one), and never sends credentials to another origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/results.js';
import { HOSTILE_CLIENT_TIMEOUT_MS, HOSTILE_SERVERS, type RunningHostile } from '../client/hostile-servers.js';

const TOKEN = 'hostile-corpus-token-7d3f';
const DEADLINE_MS = 6_000;
/** Deadline, then cleanup (bounded by the runner's cleanup budget), with room for a loaded machine. */
const WALL_BOUND_MS = 30_000;

interface Outcome {
  id: string;
  result: RunResult;
  ms: number;
  running: RunningHostile;
}

const outcomes = new Map<string, Outcome>();
/** Servers whose scenario could not be run at all, with why (reported by their own test, not as a hook failure). */
const failures = new Map<string, string>();
let heapBefore = 0;
let heapPeak = 0;

beforeAll(async () => {
  heapBefore = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
  try {
    // All at once: most end at the preflight within the client timeout, so the whole corpus takes seconds.
    const settled = await Promise.allSettled(
      HOSTILE_SERVERS.map(async (server) => {
        const running = await server.start().catch((err: unknown) => {
          failures.set(server.id, `could not start: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        });
        const started = Date.now();
        const result = await run({
          url: running.baseUrl,
          token: TOKEN,
          suites: ['okta-spec'],
          timeoutMs: HOSTILE_CLIENT_TIMEOUT_MS,
          deadlineMs: DEADLINE_MS,
          maxBodyBytes: 1024 * 1024,
          ...(running.clientOptions.ca ? { ca: running.clientOptions.ca } : {}),
        });
        outcomes.set(server.id, { id: server.id, result, ms: Date.now() - started, running });
      }),
    );
    settled.forEach((s, i) => {
      const id = HOSTILE_SERVERS[i]!.id;
      if (s.status === 'rejected' && !failures.has(id)) failures.set(id, `run() threw: ${String(s.reason)}`);
    });
  } finally {
    clearInterval(sampler);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...outcomes.values()].map((o) => o.running.close()));
});

describe('the runner against the hostile-server corpus', () => {
  it('covers at least 25 misbehaving servers', () => {
    expect(outcomes.size + failures.size).toBe(HOSTILE_SERVERS.length);
    expect(outcomes.size).toBeGreaterThanOrEqual(25);
  });

  it.each(HOSTILE_SERVERS.map((s) => [s.id, s.title]))('%s (%s): a clear failed check or a clear exit 3, in time', (id) => {
    expect(failures.get(id)).toBeUndefined();
    const { result, ms } = outcomes.get(id)!;
    expect(ms).toBeLessThan(WALL_BOUND_MS);
    if (result.exitCode === 3) {
      expect(result.fatal).toMatch(/^(cannot reach|.* rejected the credentials)/);
      expect(result.fatal).not.toContain('\n');
      expect(result.suites).toEqual([]);
    } else {
      expect(result.exitCode).toBe(1);
      const failed = result.suites.flatMap((s) => s.checks).filter((c) => c.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const check of failed) {
        for (const failure of check.failures) {
          expect(failure.assertion.length).toBeGreaterThan(0);
          expect(failure.source).toBeTruthy();
        }
      }
    }
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('never sends the credentials to another origin', () => {
    const seen = outcomes.get('redirect-to-other-origin')!.running.authorizationsSeen();
    expect(seen.filter((s) => s.origin === 'self').length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.origin === 'other' && s.value !== undefined)).toEqual([]);
  });

  it('keeps memory bounded (a 50 MB body, an endless body and a gzip bomb included)', () => {
    expect(heapPeak - heapBefore).toBeLessThan(300 * 1024 * 1024);
  });
});
