/**
 * `npm run bench`: loads the reference server over loopback with many concurrent keep-alive connections and
 * reports requests/second and p99 latency per operation, at 1,000 and 100,000 users, each also as a ratio of a
 * bare node:http server answering a fixed small user JSON (the yardstick), so the figures travel between machines.
 *
 * The server under test runs in a child process, so the load generator and the server do not share a core.
 * Not a test: it prints a table and the targets, and exits 0.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startServer } from '../../src/server/index.js';

const CONNECTIONS = 64;
/** Measured time per operation (and as much again for the yardstick), split into alternating rounds. */
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 2500);
const WARMUP_MS = 300;
const ROUNDS = 5;
const SIZES = [1_000, 100_000];
/** BENCH_ONLY="list 100" measures a single operation (for quick iterations). */
const ONLY = process.env['BENCH_ONLY'];
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Ready {
  url: string;
  token: string;
}

const benchUser = (i: number): Record<string, unknown> => ({
  schemas: [USER_SCHEMA],
  id: `bench-${i}`,
  externalId: `00u${i}`,
  userName: `Bench.User${i}@Example.com`,
  name: { givenName: 'Bench', familyName: `User${i}` },
  displayName: `Bench User${i}`,
  emails: [{ value: `bench.user${i}@example.com`, type: 'work', primary: true }],
  active: true,
});

// ---------------------------------------------------------------------------------------------------------------
// Child roles

async function childMain(role: string, users: number): Promise<void> {
  let ready: Ready;
  if (role === 'yardstick') {
    const body = JSON.stringify({ ...benchUser(1), meta: { resourceType: 'User', version: 'W/"1"' } });
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ready = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: '' };
  } else {
    const server = await startServer({ port: 0, token: 'bench-token', quiet: true, seed: 'none' });
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < users; i++) batch.push(benchUser(i));
    server.load({ users: batch });
    ready = { url: server.url, token: 'bench-token' };
  }
  process.send?.(ready);
}

function spawnChild(role: string, users: number): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), ['--child', role, String(users)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`bench child ${role} exited with ${code}`)));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Load generation

interface Request {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: string;
  expect: number;
}

interface Measured {
  rps: number;
  p99: number;
  errors: number;
}

/** Runs `next(0), next(1), …` (the counter continues across calls) on every connection for `durationMs`. */
async function load(pool: Pool, origin: URL, token: string, next: () => Request, durationMs: number): Promise<Measured & { latencies: number[] }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json; charset=utf-8' };
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const req = next();
      const started = performance.now();
      try {
        const res = await pool.request({ origin, path: req.path, method: req.method, headers, ...(req.body ? { body: req.body } : {}) });
        await res.body.text();
        if (res.statusCode !== req.expect) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = performance.now() - started;
  return { rps: latencies.length / (elapsed / 1000), p99: 0, errors, latencies };
}

/** A target with an open connection pool and its request sequence (the counter runs across rounds). */
class Target {
  private readonly url: URL;
  private readonly pool: Pool;
  private sequence = 0;

  constructor(
    private readonly ready: Ready,
    private readonly next: (n: number) => Request,
  ) {
    this.url = new URL(ready.url);
    this.pool = new Pool(this.url.origin, { connections: CONNECTIONS, pipelining: 1 });
  }

  run(durationMs: number): Promise<Measured & { latencies: number[] }> {
    const base = this.url.pathname === '/' ? '' : this.url.pathname;
    return load(this.pool, this.url, this.ready.token, () => {
      const r = this.next(this.sequence++);
      return { ...r, path: `${base}${r.path}` };
    }, durationMs);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Measures an operation and the yardstick in alternating short rounds, so that both sides of the ratio see the
 * same machine load (on a shared machine other processes come and go).
 */
async function measurePair(yard: Target, op: Target): Promise<{ m: Measured; yard: Measured }> {
  await yard.run(WARMUP_MS);
  await op.run(WARMUP_MS);
  const roundMs = DURATION_MS / ROUNDS;
  const totals = { yard: { count: 0, ms: 0, errors: 0, latencies: [] as number[] }, op: { count: 0, ms: 0, errors: 0, latencies: [] as number[] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [side, target] of [['yard', yard], ['op', op]] as const) {
      const r = await target.run(roundMs);
      const t = totals[side];
      t.count += r.latencies.length;
      t.ms += (r.latencies.length / r.rps) * 1000;
      t.errors += r.errors;
      t.latencies.push(...r.latencies);
    }
  }
  const summary = (t: (typeof totals)['op']): Measured => {
    t.latencies.sort((a, b) => a - b);
    return { rps: t.count / (t.ms / 1000), p99: t.latencies[Math.floor(t.latencies.length * 0.99)] ?? 0, errors: t.errors };
  };
  return { m: summary(totals.op), yard: summary(totals.yard) };
}

// Request bodies prepared once, so the load generator's time goes to requests rather than to JSON.stringify.
const DEACTIVATE = [false, true].map((active) => JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] }));
const NEW_USER_HEAD = JSON.stringify({ ...benchUser(0), id: undefined, externalId: undefined, userName: undefined }).slice(0, -1) + ',"userName":';

// A cheap deterministic scatter over [0, size), so requests hit users all over the store.
const scatter = (n: number, size: number): number => (n * 7919) % size;

function operations(size: number, runId: string): [string, (n: number) => Request][] {
  return [
    ['GET by id', (n) => ({ method: 'GET', path: `/Users/bench-${scatter(n, size)}`, expect: 200 })],
    [
      'userName eq filter',
      (n) => ({
        method: 'GET',
        path: `/Users?filter=${encodeURIComponent(`userName eq "BENCH.USER${scatter(n, size)}@EXAMPLE.COM"`)}&startIndex=1&count=100`,
        expect: 200,
      }),
    ],
    ['POST', (n) => ({ method: 'POST', path: '/Users', body: `${NEW_USER_HEAD}"new.${runId}.${n}@example.com"}`, expect: 201 })],
    ['PATCH deactivate', (n) => ({ method: 'PATCH', path: `/Users/bench-${scatter(n, size)}`, body: DEACTIVATE[n % 2]!, expect: 200 })],
    ['list 100', (n) => ({ method: 'GET', path: `/Users?startIndex=${1 + scatter(n, size - 100)}&count=100`, expect: 200 })],
  ];
}

const TARGETS: Record<string, number> = { 'GET by id': 0.6, 'userName eq filter': 0.6, 'PATCH deactivate': 0.4, POST: 0.3, 'list 100': 0.03 };

async function main(): Promise<void> {
  const started = performance.now();
  const yardChild = await spawnChild('yardstick', 0);
  const yard = new Target(yardChild.ready, () => ({ method: 'GET', path: '/Users/bench-1', expect: 200 }));
  const results = new Map<string, Map<number, { m: Measured; yard: Measured }>>();
  try {
    for (const size of SIZES) {
      for (const [name, next] of operations(size, String(size)).filter(([name]) => ONLY === undefined || name === ONLY)) {
        // A freshly loaded server per operation: what one operation leaves behind (new users, modified ones,
        // garbage) does not weigh on the next one's figures.
        const server = await spawnChild('server', size);
        const op = new Target(server.ready, next);
        const pair = await measurePair(yard, op);
        await op.close();
        server.child.kill();
        if (!results.has(name)) results.set(name, new Map());
        results.get(name)!.set(size, pair);
      }
    }
  } finally {
    await yard.close();
    yardChild.child.kill();
  }

  const fmt = (n: number, digits = 0): string => n.toFixed(digits);
  const rows: string[][] = [['operation', 'users', 'req/s', 'p99 ms', 'yardstick req/s', 'ratio', 'target', 'errors']];
  const verdicts: string[] = [];
  for (const [name, bySize] of results) {
    for (const size of SIZES) {
      const { m, yard: y } = bySize.get(size)!;
      const ratio = m.rps / y.rps;
      const target = TARGETS[name] ?? 0;
      rows.push([name, String(size), fmt(m.rps), fmt(m.p99, 1), fmt(y.rps), fmt(ratio, 2), `≥ ${target} ${ratio >= target ? 'ok' : 'MISSED'}`, String(m.errors)]);
    }
    const small = bySize.get(SIZES[0]!)!;
    const large = bySize.get(SIZES[1]!)!;
    // Compared as yardstick ratios, so a change in machine load between the two runs does not count.
    const slowdown = small.m.rps / small.yard.rps / (large.m.rps / large.yard.rps);
    verdicts.push(`${name}: 100k users vs 1k users ${fmt(slowdown, 2)}× slower (target ≤ 1.5×) ${slowdown <= 1.5 ? 'ok' : 'MISSED'}`);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nscim-check reference server — ${CONNECTIONS} keep-alive connections, ${DURATION_MS} ms per operation\n`);
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  for (const v of verdicts) console.log(v);
  console.log(`\nbench wall time ${fmt((performance.now() - started) / 1000, 1)} s`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  void childMain(process.argv[childIndex + 1]!, Number(process.argv[childIndex + 2]));
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
