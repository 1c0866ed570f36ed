/**
 * `scim-check load`: an IdP's request mix at a fixed arrival rate for a bounded time (src/runner/loadgen/generator.ts),
 * judged against Okta's and Entra's documented contracts (contracts.ts), as a normal RunResult so every reporter
 * shows it. Everything it creates goes through the run's cleanup registry and is removed at the end, also after an
 * interruption. Without a URL it loads the reference server in a child process, so server and generator each
 * get a core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient, type AuthConfig } from '../../client/index.js';
import { createDispatcher } from '../../client/dispatcher.js';
import { createRedactor } from '../../client/redact.js';
import type { Exchange } from '../../client/exchange.js';
import { cleanUp, CleanupRegistry } from '../cleanup.js';
import { ConfigError } from '../errors.js';
import type { CleanupResult, RunResult } from '../results.js';
import { abortExitCode, baseResult, checkTargetUrl, countAndExit, preflight } from '../run.js';
import { contractChecks, summarize } from './contracts.js';
import { LoadGenerator, type Progress } from './generator.js';
import { IDPS, MixState, mixFor, type Idp } from './mix.js';

export { formatLatency } from './contracts.js';
export type { Progress } from './generator.js';
export { IDPS, type Idp } from './mix.js';

export interface LoadOptions {
  /** SCIM base URL; omitted: the reference server, started in a child process. */
  url?: string;
  token?: string;
  basic?: { user: string; pass: string };
  /** Extra headers on every request (secrets: redacted everywhere). */
  headers?: Record<string, string>;
  insecure?: boolean;
  /** Extra trusted CA certificate(s), PEM. */
  ca?: string;
  proxy?: string;
  /** Whose request mix and shapes (default okta). */
  idp?: Idp;
  /** Requests per second (default 25). */
  ratePerS?: number;
  /** How long the load runs (default 30 s). */
  durationMs?: number;
  /** Per request, counted from the time it was due (default 60 s, Okta's). */
  timeoutMs?: number;
  prefix?: string;
  userDomain?: string;
  /** Aborting stops the load at once; what was created is still removed. */
  signal?: AbortSignal;
  /** Called about every `progressEveryMs` (default 500) with the figures since the previous call. */
  onProgress?: (progress: Progress & { durationMs: number }) => void;
  progressEveryMs?: number;
  /** The embedded reference server's fault modes (only without `url`; for tests and demonstrations). */
  serverFaults?: string[];
}

export const LOAD_DEFAULTS = Object.freeze({ ratePerS: 25, durationMs: 30_000, timeoutMs: 60_000, idp: 'okta' as Idp });
/** Users and groups made before the clock starts, so updates and membership changes have something to work on. */
export const SETUP_USERS = 10;
export const SETUP_GROUPS = 2;
const MAX_RATE = 20_000;
const MAX_DURATION_MS = 24 * 3600_000;
/** Sockets per origin: enough for thousands of requests a second, bounded when a server stalls. */
const CONNECTIONS = 256;

/** What a load run will create: stated before it starts (and asked to confirm against a remote target). */
export function plannedResources(options: LoadOptions): { requests: number; users: number; groups: number } {
  const mix = mixFor(options.idp ?? LOAD_DEFAULTS.idp);
  const requests = Math.max(1, Math.round(((options.ratePerS ?? LOAD_DEFAULTS.ratePerS) * (options.durationMs ?? LOAD_DEFAULTS.durationMs)) / 1000));
  const createShare = mix.operations.filter((op) => op.kind === 'create').reduce((n, op) => n + op.weight, 0) / mix.operations.reduce((n, op) => n + op.weight, 0);
  return { requests, users: SETUP_USERS + Math.ceil(requests * createShare), groups: SETUP_GROUPS };
}

/** True for a loopback target (no confirmation needed): localhost, 127.0.0.0/8, ::1 (also IPv4-mapped). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  // IPv4-mapped loopback (::ffff:127.0.0.1) comes out of URL as ::ffff:7fxx:xxxx.
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/i.test(host);
}

function validate(o: LoadOptions): void {
  const rate = o.ratePerS ?? LOAD_DEFAULTS.ratePerS;
  if (!(Number.isFinite(rate) && rate > 0 && rate <= MAX_RATE)) throw new ConfigError(`--rate must be a number of requests per second above 0 and at most ${MAX_RATE} (got ${String(o.ratePerS)})`);
  const duration = o.durationMs ?? LOAD_DEFAULTS.durationMs;
  if (!(Number.isInteger(duration) && duration >= 100 && duration <= MAX_DURATION_MS)) throw new ConfigError(`--duration must be from 100 ms to 24 h (got ${String(o.durationMs)} ms)`);
  const timeout = o.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  if (!(Number.isInteger(timeout) && timeout > 0)) throw new ConfigError(`--timeout must be a positive number of milliseconds (got ${String(o.timeoutMs)})`);
  if (o.idp !== undefined && !(IDPS as readonly string[]).includes(o.idp)) throw new ConfigError(`--idp must be ${IDPS.join(' or ')} (got ${String(o.idp)})`);
  if (o.prefix !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(o.prefix)) throw new ConfigError('--prefix may hold only letters, digits, ".", "_" and "-" (1 to 40)');
  if (o.url !== undefined) checkTargetUrl(o.url, Boolean(o.token || o.basic || Object.keys(o.headers ?? {}).length));
  if (o.token !== undefined && o.basic !== undefined) throw new ConfigError('give either --token or --basic, not both');
}

/** bin/scim-check.js of this package (two levels above src/runner/loadgen in the sources, three in dist). */
function binPath(): string {
  const candidates = ['../../../bin/scim-check.js', '../../../../bin/scim-check.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** The reference server in a child process (its own core), with a fresh token; resolves once it listens. */
async function startChildServer(faults: string[]): Promise<{ url: string; token: string; child: ChildProcess }> {
  const token = randomBytes(24).toString('base64url');
  const args = [binPath(), 'serve', '--port', '0', '--host', '127.0.0.1', '--seed', 'none', '--quiet', ...faults.flatMap((f) => ['--fault', f])];
  // The token travels in the environment, not on a command line others can read.
  const child = spawn(process.execPath, args, { env: { ...process.env, SCIM_CHECK_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail('it did not start within 15 s'), 15_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}${err.trim() ? `: ${err.trim().split('\n').at(-1)}` : ''}`));
    };
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening at (\S+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ url, token, child });
    });
    child.once('exit', (code) => fail(`it exited with code ${code}`));
  });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  // The start-up failure listener goes first, else a normal stop would read as "it exited".
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function authOf(o: LoadOptions, embeddedToken: string | undefined): AuthConfig {
  if (o.basic) return { kind: 'basic', user: o.basic.user, pass: o.basic.pass };
  const token = o.token ?? embeddedToken;
  return token ? { kind: 'bearer', token } : { kind: 'none' };
}

/** The Authorization header for the generator (unless --header sets one), and every secret to redact. */
function credentialsOf(auth: AuthConfig, headers: Record<string, string>): { headers: Record<string, string>; secrets: string[] } {
  const out = { ...headers };
  const secrets = Object.values(headers);
  const named = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (auth.kind === 'bearer') {
    secrets.push(auth.token);
    if (!named) out['Authorization'] = `Bearer ${auth.token}`;
  } else if (auth.kind === 'basic') {
    const encoded = Buffer.from(`${auth.user}:${auth.pass}`).toString('base64');
    secrets.push(auth.pass, encoded);
    if (!named) out['Authorization'] = `Basic ${encoded}`;
  }
  return { headers: out, secrets };
}

/**
 * Runs the load and returns its verdict as a RunResult (suite "load"; `load` holds the figures). Never throws for
 * bad options or a broken server: exit code 2 with `fatal` for options, 3 for an unreachable target or rejected
 * credentials, 1 when a contract is broken. Everything the run created is removed before it resolves.
 */
export async function runLoad(options: LoadOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const result = baseResult(options.url ?? '', options.url === undefined, new Date());
  const finish = (): RunResult => {
    result.ms = Math.round(performance.now() - t0);
    return result;
  };
  try {
    validate(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    result.exitCode = 2;
    result.fatal = err.message;
    return finish();
  }
  const idp = options.idp ?? LOAD_DEFAULTS.idp;
  const ratePerS = options.ratePerS ?? LOAD_DEFAULTS.ratePerS;
  const durationMs = options.durationMs ?? LOAD_DEFAULTS.durationMs;
  const timeoutMs = options.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  const prefix = options.prefix ?? 'scim-check-';

  let child: ChildProcess | undefined;
  let embeddedToken: string | undefined;
  if (options.url === undefined) {
    try {
      const started = await startChildServer(options.serverFaults ?? []);
      child = started.child;
      embeddedToken = started.token;
      result.target.url = started.url;
    } catch (err) {
      result.exitCode = 2;
      result.fatal = `could not start the reference server: ${err instanceof Error ? err.message : String(err)}`;
      return finish();
    }
  }
  const baseUrl = result.target.url.replace(/\/+$/, '');
  const auth = authOf(options, embeddedToken);
  const credentials = credentialsOf(auth, options.headers ?? {});
  const redactor = createRedactor(credentials.secrets, Object.keys(options.headers ?? {}));
  const clientOptions = (deadline?: number) => ({
    baseUrl,
    auth,
    timeoutMs: Math.min(timeoutMs, 30_000),
    ...(deadline ? { deadline } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.insecure ? { insecure: true } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  const registry = new CleanupRegistry();
  const client = createClient(clientOptions());
  const dispatcher = createDispatcher({
    insecure: options.insecure ?? false,
    env: process.env,
    timeoutMs,
    connections: CONNECTIONS,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  const mix = mixFor(idp);
  const state = new MixState(prefix, options.userDomain ?? 'example.com');
  const generator = new LoadGenerator({
    baseUrl: new URL(baseUrl),
    dispatcher,
    credentials: credentials.headers,
    redactor,
    mix,
    state,
    ratePerS,
    durationMs,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onCreate: (body, status, json) => noteCreate(registry, '/Users', body, status, json, prefix),
  });
  let ticker: NodeJS.Timeout | undefined;
  try {
    const unreachable = await preflight(client, baseUrl, mix.headers, registry);
    if (unreachable) {
      result.exitCode = 3;
      result.fatal = client.redact(unreachable);
      return finish();
    }
    const setup = await setUp(generator, mix, state, registry, prefix);
    if (setup) {
      result.suites = [{ id: 'load', title: loadTitle(idp, ratePerS, durationMs), checks: [setup] }];
    } else if (!options.signal?.aborted) {
      if (options.onProgress) ticker = setInterval(() => options.onProgress!({ ...generator.progress(), durationMs }), options.progressEveryMs ?? 500);
      const generated = await generator.run();
      clearInterval(ticker);
      const summary = summarize(idp, generated, { ratePerS, durationMs, timeoutMs });
      result.load = summary;
      const okStatuses = new Map(mix.operations.map((op) => [op.label, op.ok]));
      result.suites = [{ id: 'load', title: loadTitle(idp, ratePerS, durationMs), checks: contractChecks(summary, generated, okStatuses, generated.interrupted) }];
      if (summary.sendLagP99Ms > 100) {
        (result.notes ??= []).push(
          `the generator sent requests up to ${Math.round(summary.sendLagMaxMs)} ms late (p99 ${Math.round(summary.sendLagP99Ms)} ms): this machine could not keep to the offered rate; latency counts from the due time, so the lateness is in the figures`,
        );
      }
    }
  } finally {
    clearInterval(ticker);
    await dispatcher.destroy().catch(() => undefined);
    if (registry.size > 0) result.cleanup = await cleanUpLoad(registry, clientOptions, baseUrl);
    await client.close();
    await stopChild(child);
  }
  if (result.exitCode === 0) countAndExit(result, false);
  if (options.signal?.aborted) {
    // Interrupted: not a verdict on the server (130, or 143 when aborted with the reason "SIGTERM", as run()).
    result.interrupted = true;
    result.exitCode = abortExitCode(options.signal);
  }
  return finish();
}

function loadTitle(idp: Idp, rate: number, durationMs: number): string {
  return `Load: ${idp === 'okta' ? 'Okta' : 'Entra'} request mix at ${rate} requests/s for ${durationMs / 1000} s`;
}

/** Registers a create with the cleanup registry as a run's client would (an unanswered one by its name). */
function noteCreate(registry: CleanupRegistry, endpoint: string, body: string, status: number | undefined, json: unknown, prefix: string): void {
  const exchange: Exchange = {
    request: { method: 'POST', url: endpoint, headers: {} },
    ms: 0,
    startedAt: new Date().toISOString(),
    ...(status !== undefined ? { response: { status, headers: {}, ...(json !== undefined ? { json } : {}) } } : { error: { code: 'NO_ANSWER', message: 'no answer' } }),
  };
  registry.noteCreate(endpoint, body, exchange, prefix);
}

/**
 * Makes the users and groups the load works on (not timed). Returns a failed check when the server would not
 * create them, else undefined.
 */
async function setUp(generator: LoadGenerator, mix: ReturnType<typeof mixFor>, state: MixState, registry: CleanupRegistry, prefix: string) {
  const failures: string[] = [];
  for (let i = 0; i < SETUP_GROUPS + SETUP_USERS; i++) {
    const isGroup = i < SETUP_GROUPS;
    const user = state.newUser();
    const displayName = `${prefix}Load ${user.familyName}`;
    const body = isGroup ? mix.groupBody(displayName) : mix.userBody(user);
    const path = isGroup ? '/Groups' : '/Users';
    let outcome = await generator.once({ method: 'POST', path, body });
    // Setup is not measured: a 429 is waited out (Retry-After, else a second) so a rate-limited server gets its load.
    for (let retry = 0; outcome.status === 429 && retry < 3; retry++) {
      const seconds = Number(/^\d+$/.exec(String(outcome.headers?.['retry-after'] ?? '').trim())?.[0] ?? 1);
      await new Promise((r) => setTimeout(r, Math.min(seconds, 30) * 1000));
      outcome = await generator.once({ method: 'POST', path, body });
    }
    let json: unknown;
    try {
      json = outcome.text ? JSON.parse(outcome.text) : undefined;
    } catch {
      json = undefined;
    }
    noteCreate(registry, path, body, outcome.status, json, prefix);
    const id = (json as { id?: unknown } | undefined)?.id;
    if (outcome.status !== 201 || typeof id !== 'string') {
      failures.push(`POST ${path} answered ${outcome.status ?? outcome.error ?? 'nothing'}`);
      break;
    }
    if (isGroup) state.groups.push({ id, members: new Set() });
    else state.users.push({ ...user, id });
  }
  if (!failures.length) return undefined;
  return {
    id: 'load/setup',
    suite: 'load',
    title: `Setup: ${SETUP_USERS} users and ${SETUP_GROUPS} groups for the load to work on`,
    description: 'Before the clock starts, the users and groups that updates and membership changes work on are created.',
    level: 'MUST' as const,
    source: 'RFC 7644 §3.3',
    status: 'failed' as const,
    ms: 0,
    failures: [{ assertion: 'the setup creates answer 201 with an id', expected: 201, actual: failures.join('; ') }],
    exchanges: [],
  };
}

/** Cleanup with its own client: a budget that grows with what there is to remove (a long run makes thousands). */
async function cleanUpLoad(registry: CleanupRegistry, clientOptions: (deadline?: number) => Parameters<typeof createClient>[0], baseUrl: string): Promise<CleanupResult> {
  const budget = Math.max(15_000, registry.size * 50);
  const cleanupClient = createClient(clientOptions(Date.now() + budget));
  try {
    return await cleanUp(registry, cleanupClient, { keep: false, baseUrl });
  } finally {
    await cleanupClient.close();
  }
}
