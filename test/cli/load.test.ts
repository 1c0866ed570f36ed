import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { isLoopback, plannedResources, runLoad, SETUP_GROUPS, SETUP_USERS } from '../../src/runner/loadgen/index.js';
import { LatencyHistogram } from '../../src/runner/loadgen/histogram.js';
import { mixFor, schedule } from '../../src/runner/loadgen/mix.js';
import { tempDir } from '../helpers/temp-dir.js';
import { resultSchemaErrors } from '../report/result-schema.js';
import { assertBuilt, cli, startCli } from './spawn-cli.js';

const statusOf = (result: RunResult, id: string): string | undefined => result.suites.flatMap((s) => s.checks).find((c) => c.id === id)?.status;
const CONTRACTS = ['load/okta-timeout', 'load/okta-retry-after', 'load/entra-rate', 'load/entra-failures'];

describe('scim-check load', () => {
  it('against the embedded server at 200 requests/s: every contract met, figures for every operation, everything it made removed', async () => {
    assertBuilt();
    const dir = tempDir('scim-check-load-');
    const json = join(dir, 'load.json');
    const html = join(dir, 'load.html');
    const markdown = join(dir, 'load.md');
    const outcome = await cli(['load', '--rate', '200', '--duration', '2s', '--reporter', 'pretty', '--reporter', `json=${json}`, '--reporter', `html=${html}`, '--reporter', `markdown=${markdown}`]);
    expect(outcome.stderr).toMatch(/Okta request mix at 200 requests\/s for 2 s against the built-in reference server:\n {2}about 400 requests; creates up to \d+ users and 2 groups/);
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    expect(resultSchemaErrors(result)).toEqual([]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain("Latency by operation (from each request's due time)");
    expect(page).toContain('membership (PATCH /Groups/{id})');
    expect(readFileSync(markdown, 'utf8')).toMatch(/### Load\n\n\| operation \| sent \| ok\/s \| p50 \| p95 \| p99 \| max \|/);
    for (const id of CONTRACTS) expect(statusOf(result, id), id).toBe('passed');
    expect(result.load!.sent).toBe(400);
    expect(result.load!.operations.map((o) => o.operation)).toEqual([
      'lookup (GET /Users?filter)',
      'create (POST /Users)',
      'profile update (PUT /Users/{id})',
      'deactivation (PATCH /Users/{id})',
      'membership (PATCH /Groups/{id})',
    ]);
    // The mix's shares: 30/15/25/10/20 of 400.
    expect(result.load!.operations.map((o) => o.sent)).toEqual([120, 60, 100, 40, 80]);
    for (const o of result.load!.operations) expect(o.ok, o.operation).toBe(o.sent);
    // Setup users and groups, and every user the creates made.
    expect(result.cleanup.removed).toHaveLength(SETUP_USERS + SETUP_GROUPS + 60);
    expect(result.cleanup.left).toEqual([]);
    expect(outcome.stdout).toMatch(/^Load\n {2}operation +sent +ok\/s +p50 +p95 +p99 +max +errors +timeouts/m);
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toBe('9 passed, 0 failed, 0 skipped');
  });

  it('refuses a target that is not on this machine without --yes, before sending anything, and says what it would create', async () => {
    const outcome = await cli(['load', '--url', 'https://scim.example.invalid/scim/v2', '--token', 'secret-token', '--rate', '10', '--duration', '1m']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('about 600 requests; creates up to 100 users and 2 groups');
    expect(outcome.stderr).toContain('not started: this target is not on this machine; add --yes');
    expect(outcome.stderr).not.toContain('secret-token');
  });

  it('takes rate, duration and idp from the config file\'s "load" section; flags win', async () => {
    const dir = tempDir('scim-check-load-config-');
    writeFileSync(join(dir, 'scim-check.config.json'), JSON.stringify({ load: { rate: 40, duration: '1s', idp: 'entra' }, reporters: [`json=${join(dir, 'r.json')}`] }));
    const outcome = await cli(['load', '--rate', '30'], {}, { cwd: dir });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain('Entra request mix at 30 requests/s for 1 s against the built-in reference server');
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
    expect(result.load).toMatchObject({ idp: 'entra', ratePerS: 30, durationMs: 1000, sent: 30 });
  });

  it('Ctrl-C stops the load, removes what it created and exits 130', async () => {
    const { child, done } = startCli(['load', '--rate', '50', '--duration', '60s']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Off a terminal the progress line comes every 5 s: the first one shows the load is running.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!/^load \d+\.\d\/60 s · .* answers\/s · p50 .* · in flight \d+ · failed 0 · 429 0$/m.test(stderr)) return;
        clearInterval(poll);
        resolve();
      }, 50);
    });
    child.kill('SIGINT');
    const outcome = await done;
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toContain('interrupted; stopping the load and removing what it created');
    expect(outcome.stdout).not.toContain('not removed');
    expect(outcome.stdout).toMatch(/Cleanup: removed \d+ resources created by this run\./);
  });

  it('bad values are a usage error with one line', async () => {
    const outcome = await cli(['load', '--rate', 'fast']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('scim-check: --rate must be a positive number of requests per second (got "fast")\n');
  });
});

describe('load contracts against broken servers', () => {
  it('a server whose answers sometimes take longer than the timeout breaks the Okta timeout contract, naming the operations', async () => {
    const result = await runLoad({ ratePerS: 100, durationMs: 1500, timeoutMs: 1000, serverFaults: ['latency-spikes'] });
    expect(result.exitCode).toBe(1);
    expect(statusOf(result, 'load/okta-timeout')).toBe('failed');
    const failure = result.suites[0]!.checks.find((c) => c.id === 'load/okta-timeout')!.failures[0]!;
    expect(failure.assertion).toBe('every request is answered within 1 s');
    expect(String(failure.actual)).toMatch(/^\d+ of 150 not answered within 1 s \(.*\); slowest answer 1 s$/);
    expect(result.suites[0]!.checks.find((c) => c.id === 'load/okta-timeout')!.title).toBe('Okta: every request answered within 1 s (--timeout; Okta itself waits 60 s)');
    expect(result.load!.operations.reduce((n, o) => n + o.timeouts, 0)).toBeGreaterThan(0);
  });

  it('429 without Retry-After breaks the Okta Retry-After contract; the failing operation keeps a redacted sample exchange', async () => {
    const result = await runLoad({ ratePerS: 100, durationMs: 1000, timeoutMs: 5000, serverFaults: ['429-without-retry-after'] });
    expect(result.exitCode).toBe(1);
    expect(statusOf(result, 'load/okta-retry-after')).toBe('failed');
    const throttled = result.load!.operations.reduce((n, o) => n + o.throttled, 0);
    expect(throttled).toBeGreaterThan(0);
    expect(result.load!.operations.reduce((n, o) => n + o.retryAfterMissing, 0)).toBe(throttled);
    const sample = result.suites[0]!.checks.find((c) => c.exchanges.length)!.exchanges[0]!;
    expect(sample.response?.status).toBe(429);
    expect(sample.request.headers['Authorization']).toBe('Bearer [REDACTED]');
  });

  it('429 with Retry-After is waited out and retried: counted as present and honoured, and the contract holds', async () => {
    let n = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        n++;
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
          res.writeHead(status, { 'content-type': 'application/scim+json', ...headers }).end(JSON.stringify(body));
        if (n > 20 && n % 7 === 0) return json(429, { status: '429' }, { 'retry-after': '1' });
        if (req.method === 'POST') return json(201, { id: randomUUID() });
        if (req.method === 'DELETE') return res.writeHead(204).end();
        return json(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
      const result = await runLoad({ url, token: 't', ratePerS: 50, durationMs: 1000, timeoutMs: 10_000 });
      const ops = result.load!.operations;
      const throttled = ops.reduce((s, o) => s + o.throttled, 0);
      expect(throttled).toBeGreaterThan(0);
      expect(ops.reduce((s, o) => s + o.retryAfterPresent, 0)).toBe(throttled);
      expect(ops.reduce((s, o) => s + o.honoured, 0)).toBeGreaterThan(0);
      expect(statusOf(result, 'load/okta-retry-after')).toBe('passed');
      // A request waited out takes at least the second it was asked to wait, counted from its due time.
      expect(Math.max(...ops.map((o) => o.maxMs))).toBeGreaterThanOrEqual(1000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('load runs (API)', () => {
  it('--idp entra sends Entra\'s shapes (updates by PATCH) and meets every contract against the reference server', async () => {
    const result = await runLoad({ idp: 'entra', ratePerS: 50, durationMs: 1000 });
    expect(result.exitCode).toBe(0);
    for (const id of CONTRACTS) expect(statusOf(result, id), id).toBe('passed');
    expect(result.load!.operations.map((o) => o.operation)).toContain('profile update (PATCH /Users/{id})');
    for (const o of result.load!.operations) expect(o.ok, o.operation).toBe(o.sent);
    expect(result.cleanup.left).toEqual([]);
  });

  it('below 25 requests/s the Entra rate contract is not judged, and says how to judge it', async () => {
    const result = await runLoad({ ratePerS: 10, durationMs: 1000 });
    const check = result.suites[0]!.checks.find((c) => c.id === 'load/entra-rate')!;
    expect(check.status).toBe('skipped');
    expect(check.skipReason).toBe('the run offered 10 requests/s; run with --rate 25 or more to judge it');
    expect(result.exitCode).toBe(0);
  });

  it('an abort stops the load at once, judges no contract, removes what was created and exits 130 (143 for SIGTERM)', async () => {
    const controller = new AbortController();
    // Aborted once the load runs (the first progress report), as a SIGTERM would.
    const result = await runLoad({ ratePerS: 50, durationMs: 20_000, signal: controller.signal, progressEveryMs: 300, onProgress: () => controller.abort('SIGTERM') });
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(143);
    expect(result.load!.sent).toBeLessThan(1000);
    for (const id of CONTRACTS) expect(statusOf(result, id), id).toBe('skipped');
    expect(result.cleanup.removed.length).toBeGreaterThanOrEqual(SETUP_USERS + SETUP_GROUPS);
    expect(result.cleanup.left).toEqual([]);
  });
});

describe('load generator parts', () => {
  it('the histogram keeps percentiles within 1 % in a fixed number of counters, and the maximum exactly', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100_000; i++) h.record(i / 100); // 0.01 ms … 1000 ms, uniform
    for (const [p, exact] of [[50, 500], [95, 950], [99, 990]] as const) {
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(h.max).toBe(1000);
    expect(h.count).toBe(100_000);
    const w = new LatencyHistogram();
    w.record(61_000);
    h.merge(w);
    expect(h.max).toBe(61_000);
    expect(h.percentile(100)).toBe(61_000);
  });

  it('the mix sends every operation in its share, spread over each 100 requests', () => {
    const order = schedule(mixFor('okta').operations);
    expect(order).toHaveLength(100);
    const count = (kind: string, from: number, to: number) => order.slice(from, to).filter((op) => op.kind === kind).length;
    expect([count('lookup', 0, 100), count('create', 0, 100), count('update', 0, 100), count('deactivate', 0, 100), count('membership', 0, 100)]).toEqual([30, 15, 25, 10, 20]);
    expect(count('create', 0, 20)).toBe(3);
  });

  it('loopback needs no confirmation; anything else does', () => {
    for (const url of ['http://127.0.0.1:8080/scim', 'http://localhost/scim', 'http://[::1]:9000/', 'http://127.8.0.1/', 'http://[::ffff:127.0.0.1]/']) expect(isLoopback(url), url).toBe(true);
    for (const url of ['https://app.example.com/scim', 'http://10.0.0.5/scim', 'http://192.168.1.2/', 'http://localhost.example.com/']) expect(isLoopback(url), url).toBe(false);
  });

  it('states what a run will create: setup users and groups, and its share of creates', () => {
    expect(plannedResources({ ratePerS: 25, durationMs: 30_000 })).toEqual({ requests: 750, users: SETUP_USERS + 113, groups: SETUP_GROUPS });
  });
});
