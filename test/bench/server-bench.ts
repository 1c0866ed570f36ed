/**
 * `npm run bench`: loads the reference server over loopback with many concurrent keep-alive connections and
 * reports requests/second and p99 latency per operation, at 1,000 and 100,000 users, each also as a ratio of a
 * bare node:http server answering a fixed small user JSON (the yardstick), so the figures travel between machines.
 * The yardstick is measured in short rounds alternating with the operation's, and the ratio is the median of the
 * rounds' ratios, so that load coming and going on a shared machine weighs on both sides alike.
 * Then the same table for a server with `--data` (a journal in a temporary directory), whose POST and PATCH must stay
 * within 2× of the in-memory figures. BENCH_DATA=0 skips it, BENCH_DATA=only measures only it.
 *
 * The server under test runs in a child process, so the load generator and the server do not share a core.
 * Not a test: it prints the tables and the targets, and exits 0.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startServer } from '../../src/server/index.js';

const CONNECTIONS = 64;
/** Measured time per operation (and as much again for the yardstick), split into alternating rounds. */
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 2500);
const WARMUP_MS = 300;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const SIZES = [1_000, 100_000];
/** BENCH_ONLY="list 100" measures a single operation (for quick iterations). */
const ONLY = process.env['BENCH_ONLY'];
/** BENCH_SIZES=100000 measures one size only (for quick iterations; the 1k/100k comparison then is not printed). */
const SIZES_MEASURED = process.env['BENCH_SIZES'] ? process.env['BENCH_SIZES'].split(',').map(Number) : SIZES;
const DATA = process.env['BENCH_DATA'] ?? '1';
/** BENCH_CPU_PROF=DIR writes a V8 CPU profile of each server under test to DIR (open it in Chrome DevTools). */
const CPU_PROF = process.env['BENCH_CPU_PROF'];
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

async function childMain(role: string, users: number, dataDir: string | undefined): Promise<void> {
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
    const server = await startServer({ port: 0, token: 'bench-token', quiet: true, seed: 'none', ...(dataDir ? { data: dataDir } : {}) });
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < users; i++) batch.push(benchUser(i));
    server.load({ users: batch });
    // With --data the load is one journal record; wait until it is on disk, as the first request would.
    await fetch(`${server.url}/ServiceProviderConfig`, { headers: { authorization: 'Bearer bench-token' } });
    ready = { url: server.url, token: 'bench-token' };
  }
  // A profiled child writes its profile only when it exits normally.
  if (CPU_PROF) process.once('SIGTERM', () => process.exit(0));
  // The CPU time the process has used, on request: CPU per request does not depend on what else the machine runs.
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  });
  process.send?.(ready);
}

/** The CPU time (µs) a child has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
    child.send('cpu');
  });
}

function spawnChild(role: string, users: number, dataDir?: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const execArgv = [...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []), ...(process.env['BENCH_TRACE_GC'] ? ['--trace-gc'] : [])];
  const child = fork(fileURLToPath(import.meta.url), ['--child', role, String(users), ...(dataDir ? [dataDir] : [])], { stdio: 'inherit', execArgv });
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
    private readonly child: ChildProcess,
  ) {
    this.url = new URL(ready.url);
    this.pool = new Pool(this.url.origin, { connections: CONNECTIONS, pipelining: 1 });
  }

  /** Load for `durationMs`; also the server process's CPU time per request (µs). */
  async run(durationMs: number): Promise<Measured & { latencies: number[]; cpuPerRequest: number }> {
    const base = this.url.pathname === '/' ? '' : this.url.pathname;
    const cpuBefore = await cpuOf(this.child);
    const measured = await load(this.pool, this.url, this.ready.token, () => {
      const r = this.next(this.sequence++);
      return { ...r, path: `${base}${r.path}` };
    }, durationMs);
    const cpu = (await cpuOf(this.child)) - cpuBefore;
    return { ...measured, cpuPerRequest: cpu / Math.max(1, measured.latencies.length) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

interface Pair {
  /** Medians over the rounds. */
  rps: number;
  yardRps: number;
  ratio: number;
  p99: number;
  errors: number;
  /** Server CPU µs per request, and the yardstick's (medians over the rounds). */
  cpu: number;
  yardCpu: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Measures an operation and the yardstick in alternating short rounds, so that both sides of the ratio see the
 * same machine load (on a shared machine other processes come and go); each round gives a ratio, and the medians
 * of the rounds are reported (a round disturbed by a burst of load elsewhere does not move them).
 */
async function measurePair(yard: Target, op: Target): Promise<Pair> {
  await yard.run(WARMUP_MS);
  await op.run(WARMUP_MS);
  const roundMs = DURATION_MS / ROUNDS;
  const rounds: { rps: number; yardRps: number; cpu: number; yardCpu: number }[] = [];
  const latencies: number[] = [];
  let errors = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const y = await yard.run(roundMs);
    const r = await op.run(roundMs);
    rounds.push({ rps: r.rps, yardRps: y.rps, cpu: r.cpuPerRequest, yardCpu: y.cpuPerRequest });
    errors += r.errors;
    for (const l of r.latencies) latencies.push(l);
  }
  latencies.sort((a, b) => a - b);
  return {
    rps: median(rounds.map((r) => r.rps)),
    yardRps: median(rounds.map((r) => r.yardRps)),
    ratio: median(rounds.map((r) => r.rps / r.yardRps)),
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    errors,
    cpu: median(rounds.map((r) => r.cpu)),
    yardCpu: median(rounds.map((r) => r.yardCpu)),
  };
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
    // scatter visits every user once per `size` requests; each visit flips `active`, so that every PATCH changes the
    // user (with `n % 2` a size of even length set every user to the value it already had from the second pass on,
    // and the 1,000-user figure measured mostly PATCHes that change nothing).
    ['PATCH deactivate', (n) => ({ method: 'PATCH', path: `/Users/bench-${scatter(n, size)}`, body: DEACTIVATE[Math.floor(n / size) % 2]!, expect: 200 })],
    ['list 100', (n) => ({ method: 'GET', path: `/Users?startIndex=${1 + scatter(n, size - 100)}&count=100`, expect: 200 })],
  ];
}

const TARGETS: Record<string, number> = { 'GET by id': 0.6, 'userName eq filter': 0.6, 'PATCH deactivate': 0.4, POST: 0.3, 'list 100': 0.03 };

type Results = Map<string, Map<number, Pair>>;

/** Every operation at every size, against a fresh server each (in memory, or with a journal in a new directory). */
async function measureAll(yard: Target, withData: boolean): Promise<Results> {
  const results: Results = new Map();
  for (const size of SIZES_MEASURED) {
    for (const [name, next] of operations(size, String(size)).filter(([name]) => ONLY === undefined || name === ONLY)) {
      // A freshly loaded server per operation: what one operation leaves behind (new users, modified ones,
      // garbage, journal) does not weigh on the next one's figures.
      const dataDir = withData ? join(mkdtempSync(join(tmpdir(), 'scim-bench-')), 'data') : undefined;
      const server = await spawnChild('server', size, dataDir);
      const op = new Target(server.ready, next, server.child);
      try {
        if (!results.has(name)) results.set(name, new Map());
        results.get(name)!.set(size, await measurePair(yard, op));
      } finally {
        await op.close();
        server.child.kill();
        await new Promise((resolve) => server.child.once('exit', resolve));
        if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
      }
    }
  }
  return results;
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

function printTable(title: string, results: Results, memory?: Results): void {
  const header = ['operation', 'users', 'req/s', 'p99 ms', 'yardstick req/s', 'ratio', 'target', 'errors', 'CPU µs/req (yardstick)'];
  if (memory) header.push('vs memory');
  const rows: string[][] = [header];
  const verdicts: string[] = [];
  for (const [name, bySize] of results) {
    for (const size of SIZES_MEASURED) {
      const p = bySize.get(size)!;
      const target = TARGETS[name] ?? 0;
      const row = [name, String(size), fmt(p.rps), fmt(p.p99, 1), fmt(p.yardRps), fmt(p.ratio, 2), `≥ ${target} ${p.ratio >= target ? 'ok' : 'MISSED'}`, String(p.errors), `${fmt(p.cpu)} (${fmt(p.yardCpu)})`];
      const inMemory = memory?.get(name)?.get(size);
      if (memory) {
        // Compared as yardstick ratios, so a change in machine load between the two runs does not count.
        const factor = inMemory ? inMemory.ratio / p.ratio : NaN;
        const judged = name === 'POST' || name === 'PATCH deactivate';
        row.push(Number.isNaN(factor) ? '-' : `${fmt(factor, 2)}× slower${judged ? ` (≤ 2×) ${factor <= 2 ? 'ok' : 'MISSED'}` : ''}`);
      }
      rows.push(row);
    }
    const small = bySize.get(SIZES[0]!);
    const large = bySize.get(SIZES[1]!);
    if (!small || !large) continue;
    const slowdown = small.ratio / large.ratio;
    verdicts.push(
      `${name}: 100k users vs 1k users ${fmt(slowdown, 2)}× slower (target ≤ 1.5×) ${slowdown <= 1.5 ? 'ok' : 'MISSED'}; CPU per request ${fmt(large.cpu / small.cpu, 2)}×`,
    );
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  for (const v of verdicts) console.log(v);
}

async function main(): Promise<void> {
  const started = performance.now();
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');
  const loadBefore = load();
  const yardChild = await spawnChild('yardstick', 0);
  const yard = new Target(yardChild.ready, () => ({ method: 'GET', path: '/Users/bench-1', expect: 200 }), yardChild.child);
  let memory: Results | undefined;
  let data: Results | undefined;
  try {
    if (DATA !== 'only') memory = await measureAll(yard, false);
    if (DATA !== '0') data = await measureAll(yard, true);
  } finally {
    await yard.close();
    yardChild.child.kill();
  }
  const setup = `${CONNECTIONS} keep-alive connections, ${DURATION_MS} ms per operation in ${ROUNDS} rounds alternating with the yardstick, medians`;
  if (memory) printTable(`scim-check reference server, in memory — ${setup}`, memory);
  if (data) printTable(`scim-check reference server, --data (journal fdatasync'ed before each answer) — ${setup}`, data, memory);
  console.log(`\nload average before ${loadBefore}, after ${load()} (${availableParallelism()} cores); bench wall time ${fmt((performance.now() - started) / 1000, 1)} s`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  void childMain(process.argv[childIndex + 1]!, Number(process.argv[childIndex + 2]), process.argv[childIndex + 3]);
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
