import { performance } from 'node:perf_hooks';
import { createClient, MIN_SECRET_LENGTH, shownBaseUrl, type AuthConfig, type ClientOptions, type ScimClient } from '../client/index.js';
import type { RunningServer, ServerOptions } from '../server/index.js';
import { toolVersion } from '../common/version.js';
import { cleanUp, CleanupRegistry } from './cleanup.js';
import { ConfigError } from './errors.js';
import { startDiscovery, type DiscoverySession } from './discovery.js';
import { likelyBaseUrl, notScimAnswer } from './endpoint-check.js';
import { runCheck, suiteHeaders, type CheckEnvironment, type SuiteHeaders } from './execute.js';
import { StepGate } from './gate.js';
import { builtInCheckIds, resolveSuites, suiteFromData, validateSuiteSet, type LoadedSuite } from './load.js';
import { oinReadiness } from './oin.js';
import { closestKey } from '../common/closest-key.js';
import type { CheckResult, CleanupResult, RunResult, SuiteResult } from './results.js';
import type { CheckDef, SuiteFile } from './suite-format.js';
import { displayText, expandDeep, expandString, type TemplateContext } from './template.js';
import { extensionSchemasFor, loadMapping, type Mapping, type MappingFile } from './mapping.js';
import { embeddedExtensionsFor } from './idp.js';
import { ENTRA_FLAGS, IDP_SUITE_IDS, IDPS, type EntraFlagOption, type Idp } from '../common/suite-ids.js';
import { parseHttpUrl } from '../common/http-url.js';

/** Options of a run; they mirror the `scim-check run` flags. */
export interface RunOptions {
  /** SCIM base URL. Omitted: the reference server is started in-process and tested. */
  url?: string;
  token?: string;
  basic?: { user: string; pass: string };
  /** Credentials in the client's terms (bearer, basic, OAuth 2.0 client credentials); overrides token/basic. */
  auth?: AuthConfig;
  /** HTTP(S) proxy URL (default: HTTPS_PROXY / NO_PROXY from the environment). */
  proxy?: string;
  /** Extra headers sent on every request; their values are secrets (redacted everywhere). */
  headers?: Record<string, string>;
  /**
   * Built-in suite ids, "all", or suite file paths. Omitted: the suites of `idp` (the Okta suites by default),
   * unless suiteData is given.
   */
  suites?: string[];
  /**
   * The identity provider modelled: its default suites (okta: okta-spec, okta-users, okta-groups; entra: entra)
   * and the headers of the first request. Default "okta".
   */
  idp?: Idp;
  /**
   * Which Microsoft Entra feature-flag (aadOptscim062020) shapes the entra checks send: "on", "off" or "both"
   * (default). Checks whose shape is common to both always run.
   */
  entraFlag?: EntraFlagOption;
  /**
   * Suites given as data (the suite file format), validated like files. Run after those of `suites`; when
   * `suites` is omitted, only these run (no default or `always` suites join them).
   */
  suiteData?: SuiteFile[];
  /** Run only these checks (and the checks they depend on). */
  only?: string[];
  /** Per-request timeout, ms (default 30 000). */
  timeoutMs?: number;
  /** Overall deadline for the checks, ms from the start (default none). Cleanup still runs after it. */
  deadlineMs?: number;
  insecure?: boolean;
  /** Extra trusted CA certificate(s), PEM text. */
  ca?: string;
  /** Okta app variant the suites model: "oin" (catalog, default) or "aiw" (private app: PUT for everything). */
  oktaApp?: 'oin' | 'aiw';
  /** Only checks that do not write; the others are reported as skipped. */
  readOnly?: boolean;
  /** Imported Runscope tests (--suite FILE.json): wait out their pause steps (by default they are skipped). */
  runscopePauses?: boolean;
  /** Leave created resources in place and report their ids. */
  keep?: boolean;
  /** Name prefix of everything the run creates (default "scim-check-"). */
  prefix?: string;
  /** Domain of generated userNames and e-mails (default "example.com"). */
  userDomain?: string;
  /** Checks whose failure is known: reported as "known-failure", never failing the run. */
  allowFailures?: string[];
  /** SHOULD-level failures fail the run too (by default only MUST failures do). */
  strict?: boolean;
  /**
   * Stop starting checks after the first one that fails the run (a MUST failure, or SHOULD with `strict`; known
   * failures do not count); the rest are reported as skipped, and cleanup still runs (--bail, --fail-fast).
   */
  bail?: boolean;
  /** How many suites may run at once (default 1). Output order stays suite order, then check order. */
  concurrency?: number;
  /** Requests a burst step (the concurrency suite) sends at once (default 10; 2 to 100). */
  burst?: number;
  /** Spread a burst's starts evenly over this many ms (default 0: all at once). */
  burstSpreadMs?: number;
  /**
   * Aborting stops starting checks; cleanup still runs and the result has `interrupted: true` and exitCode 130 (as
   * after Ctrl-C), or 143 (as after SIGTERM) when aborted with the reason "SIGTERM": `controller.abort('SIGTERM')`.
   */
  signal?: AbortSignal;
  /** Progress: called once the target answered, before the first check, with the checks the run will report. */
  onStart?: (plan: RunPlan) => void;
  /** Progress: called as each check starts and ends (e.g. for a spinner). `onCheckEnd` gets the final result. */
  onCheckStart?: (check: { id: string; title: string }) => void;
  onCheckEnd?: (result: CheckResult) => void;
  /** Options for the in-process reference server (only without `url`). */
  server?: ServerOptions;
  /** Response bodies larger than this fail the exchange (client default 10 MiB). */
  maxBodyBytes?: number;
  /**
   * The app's custom attributes with sample values (--mapping): a mapping file's path, or its content. Sent by
   * the Okta user suites on create and update and checked back (src/runner/mapping.ts).
   */
  mapping?: string | MappingFile;
}

/** What a run is about to do: its target, and its suites with their checks in report order. */
export interface RunPlan {
  target: RunResult['target'];
  suites: { id: string; title: string; checks: { id: string; title: string }[] }[];
}

/** The exit code of an aborted run: 143 when the abort says SIGTERM, else 130 (Ctrl-C). */
export function abortExitCode(signal: AbortSignal | undefined): 130 | 143 {
  return signal?.reason === 'SIGTERM' ? 143 : 130;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** A burst creates up to this many users at once on the target: a safe bound for a production endpoint. */
const MAX_BURST = 100;
/** How long cleanup may take after the checks, whatever happened to them. */
const CLEANUP_BUDGET_MS = 15_000;

/** The suites named by `suites` and those given as `suiteData`, loaded and checked as one set. */
async function selectedSuites(options: RunOptions): Promise<LoadedSuite[]> {
  const defaults = IDP_SUITE_IDS[options.idp ?? 'okta'];
  const imports = { runscopePauses: options.runscopePauses ?? false };
  if (!options.suiteData?.length) return resolveSuites(options.suites, defaults, imports);
  const named = options.suites?.length ? await resolveSuites(options.suites, defaults, imports) : [];
  const given = await Promise.all(options.suiteData.map((data, i) => suiteFromData(data, `suiteData[${i}] (${data.id})`)));
  const loaded = [...named, ...given];
  validateSuiteSet(loaded);
  return loaded;
}

/** A check placed in the run, with the suite it belongs to. */
interface PlannedCheck {
  check: CheckDef;
  suite: SuiteFile;
  /** Set when the check is reported as skipped without running (e.g. --read-only). */
  leftOut?: string;
}

function emptyCleanup(): CleanupResult {
  return { removed: [], left: [], kept: [] };
}

export function baseResult(url: string, embedded: boolean, startedAt: Date): RunResult {
  return {
    formatVersion: 1,
    tool: { name: 'scim-check', version: toolVersion() },
    target: { url, embedded },
    startedAt: startedAt.toISOString(),
    ms: 0,
    suites: [],
    counts: { passed: 0, failed: 0, skipped: 0, warnings: 0, knownFailures: 0 },
    cleanup: emptyCleanup(),
    exitCode: 0,
  };
}

/** A --url must be http(s), without credentials in it, and come with credentials; throws ConfigError. */
export function checkTargetUrl(url: string, hasCredentials: boolean): void {
  parseHttpUrl('--url', url, 'use --token, --basic or --header');
  if (!hasCredentials) throw new ConfigError('no credentials: give --token (or SCIM_CHECK_TOKEN), --basic user:pass or --header "Authorization: …"');
}

/** Checks option values the type system cannot (numbers, URL scheme); throws ConfigError. */
function validateOptions(o: RunOptions): void {
  for (const [name, v] of [['timeoutMs', o.timeoutMs], ['deadlineMs', o.deadlineMs], ['concurrency', o.concurrency]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new ConfigError(`${name} must be a positive integer (got ${String(v)})`);
  }
  if (o.burst !== undefined && !(Number.isInteger(o.burst) && o.burst >= 2 && o.burst <= MAX_BURST)) throw new ConfigError(`--burst must be an integer from 2 to ${MAX_BURST} (got ${String(o.burst)})`);
  if (o.burstSpreadMs !== undefined && !(Number.isInteger(o.burstSpreadMs) && o.burstSpreadMs >= 0 && o.burstSpreadMs <= 10_000)) {
    throw new ConfigError(`--burst-spread must be 0 to 10000 ms (got ${String(o.burstSpreadMs)})`);
  }
  if (o.url !== undefined) checkTargetUrl(o.url, Boolean(o.token || o.basic || (o.auth !== undefined && o.auth.kind !== 'none') || Object.keys(o.headers ?? {}).length));
  if (o.token !== undefined && o.basic !== undefined) throw new ConfigError('give either --token or --basic, not both');
  for (const [what, secret] of credentialSecrets(o)) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`the ${what} is ${secret.length} character${secret.length === 1 ? '' : 's'} long: too short to keep out of reports (at least ${MIN_SECRET_LENGTH})`);
    }
  }
  if (o.oktaApp !== undefined && o.oktaApp !== 'oin' && o.oktaApp !== 'aiw') throw new ConfigError(`--okta-app must be oin or aiw (got ${String(o.oktaApp)})`);
  if (o.idp !== undefined && !(IDPS as readonly string[]).includes(o.idp)) throw new ConfigError(`--idp must be ${IDPS.join(' or ')} (got ${String(o.idp)})`);
  if (o.entraFlag !== undefined && !(ENTRA_FLAGS as readonly string[]).includes(o.entraFlag)) throw new ConfigError(`--entra-flag must be on, off or both (got ${String(o.entraFlag)})`);
  if (o.prefix !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(o.prefix)) throw new ConfigError('--prefix may hold only letters, digits, ".", "_" and "-" (1 to 40)');
  if (o.userDomain !== undefined && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(o.userDomain)) throw new ConfigError(`--user-domain is not a domain name: ${o.userDomain}`);
}

/** The credentials given, by name, that must be redacted from every output. */
function credentialSecrets(o: RunOptions): [string, string][] {
  const out: [string, string][] = [];
  if (o.token !== undefined) out.push(['token', o.token]);
  if (o.basic) out.push(['Basic password', o.basic.pass]);
  if (o.auth?.kind === 'bearer') out.push(['token', o.auth.token]);
  if (o.auth?.kind === 'basic') out.push(['Basic password', o.auth.pass]);
  if (o.auth?.kind === 'oauth2') out.push(['OAuth client secret', o.auth.clientSecret]);
  return out;
}

/**
 * Which checks run, in order: variants filtered (the suite's and the check's), --only with its prerequisites,
 * --read-only marks writers as left out. Every dependency must come earlier in the order (so suites can run
 * concurrently without waiting on one that has not started).
 */
function planChecks(loaded: LoadedSuite[], options: RunOptions): { suite: SuiteFile; checks: PlannedCheck[] }[] {
  const variant = options.oktaApp ?? 'oin';
  const flag = options.entraFlag ?? 'both';
  const inRun = (check: CheckDef): boolean => (!check.variant || check.variant === variant) && (!check.entraFlag || flag === 'both' || check.entraFlag === flag);
  const suites = loaded.map((l) => l.suite).filter((s) => !s.variant || s.variant === variant);
  const all = new Map<string, PlannedCheck>();
  for (const suite of suites) for (const check of suite.checks) if (inRun(check)) all.set(check.id, { check, suite });

  let selected = new Set(all.keys());
  if (options.only?.length) {
    selected = new Set();
    const pull = (id: string): void => {
      if (selected.has(id)) return;
      const planned = all.get(id);
      if (!planned) return;
      selected.add(id);
      planned.check.dependsOn?.forEach(pull);
    };
    for (const id of options.only) {
      if (!all.has(id)) {
        const known = [...all.keys()].filter((k) => k.includes(id)).slice(0, 5);
        throw new ConfigError(`--only: no check "${id}" in the selected suites${known.length ? ` (did you mean ${known.join(', ')}?)` : ''}`);
      }
      pull(id);
    }
  }
  const position = new Map([...all.keys()].map((id, i) => [id, i]));
  for (const id of selected) {
    const { check } = all.get(id)!;
    for (const dep of check.dependsOn ?? []) {
      if (!all.has(dep)) throw new ConfigError(`check "${id}" depends on "${dep}", which is not part of this run (select its suite, variant or --entra-flag)`);
      if (position.get(dep)! > position.get(id)!) throw new ConfigError(`check "${id}" depends on "${dep}", which runs after it; order the suites or checks so prerequisites come first`);
    }
    const skip = all.get(id)!.check.skip;
    if (skip !== undefined) {
      all.get(id)!.leftOut = skip;
      continue;
    }
    if (options.readOnly) {
      const planned = all.get(id)!;
      const method = unsafeMethod(planned.check);
      if (planned.check.writes) planned.leftOut = READ_ONLY_WRITES;
      // E.g. POST /.search, or PUT /Schemas expecting 405: harmless on a correct server, but not a read.
      else if (method) planned.leftOut = `left out by --read-only (this check sends ${method}; --read-only sends only GET)`;
    }
  }
  return suites
    .map((suite) => ({ suite, checks: suite.checks.filter((c) => selected.has(c.id)).map((c) => all.get(c.id)!) }))
    .filter((s) => s.checks.length > 0);
}

const READ_ONLY_WRITES = 'left out by --read-only (this check writes to the server)';

/** The first method a check sends that is not a plain read (GET, HEAD, OPTIONS), if any. */
function unsafeMethod(check: CheckDef): string | undefined {
  return check.steps.map((s) => s.request.method).find((m) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS');
}

function skipped(planned: PlannedCheck, reason: string, options: RunOptions): CheckResult {
  const { check, suite } = planned;
  const shown = { burst: options.burst, burstSpreadMs: options.burstSpreadMs };
  return {
    id: check.id,
    suite: suite.id,
    title: displayText(check.title, shown),
    description: displayText(check.description, shown),
    level: check.level,
    source: check.source,
    status: 'skipped',
    ms: 0,
    skipReason: reason,
    failures: [],
    exchanges: [],
    ...(check.entraFlag ? { entraFlag: check.entraFlag } : {}),
    ...(check.oktaStep !== undefined ? { oktaStep: check.oktaStep } : {}),
  };
}

/** A promise and its resolver: a check's result, awaited by the checks that depend on it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** How the run authenticates, for {{$authScheme}}: an Authorization given with --header counts as "header". */
function authSchemeOf(o: RunOptions): string {
  if (Object.keys(o.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) return 'header';
  if (o.auth && o.auth.kind !== 'none') return o.auth.kind;
  if (o.basic) return 'basic';
  return 'bearer'; // a token, or the embedded server's
}

function clientAuth(o: RunOptions, embeddedToken: string | undefined): AuthConfig {
  if (o.auth && o.auth.kind !== 'none') return o.auth;
  if (o.basic) return { kind: 'basic', user: o.basic.user, pass: o.basic.pass };
  const token = o.token ?? embeddedToken;
  return token ? { kind: 'bearer', token } : { kind: 'none' };
}

/**
 * One line for an unreachable target, rejected credentials or a URL that is no SCIM endpoint (exit 3), or undefined
 * when the target answers like SCIM.
 * Sent with the headers of the first suite (an IdP's connection test is its first request). The exchange's notes
 * (e.g. 429 waits) go to `notes`.
 */
export async function preflight(client: ScimClient, url: string, headers: Record<string, string>, registry: CleanupRegistry, notes: string[] = []): Promise<string | undefined> {
  const ex = await client.send({ method: 'GET', url: '/Users?startIndex=1&count=1', headers });
  notes.push(...(ex.notes ?? []));
  // What existed before the run: the server's clock now, and the user this answer shows (cleanup never removes it).
  registry.noteServerDate(ex.response?.headers['date']);
  registry.noteSeen('GET', '/Users', ex);
  if (ex.error || !ex.response) return `cannot reach ${url}: ${ex.error?.message ?? 'no response'}`;
  const status = ex.response.status;
  if (status === 401 || status === 403) return `${url} rejected the credentials (HTTP ${status} on GET /Users)`;
  const notScim = notScimAnswer(ex.response);
  if (!notScim) return undefined;
  const likely = await likelyBaseUrl(client, url, ex, headers);
  return `${url} is not a SCIM endpoint: ${notScim}; ${likely ? `did you mean ${likely}?` : 'a SCIM base URL usually ends in /scim/v2 (see the application\'s SCIM settings)'}`;
}

/** A failed check that fails the run: MUST, or SHOULD with --strict (MAY failures never do). */
function failsTheRun(check: CheckResult, strict: boolean): boolean {
  return check.status === 'failed' && (check.level === 'MUST' || (strict && check.level === 'SHOULD'));
}

/**
 * Every --allow-failure id must name a check: one of the loaded suites, or of any built-in suite (a config file's
 * list serves runs of other suites too). A typo would otherwise silently fail the run it meant to let pass.
 */
async function checkAllowedFailures(allowed: string[], loaded: LoadedSuite[]): Promise<void> {
  const inRun = new Set(loaded.flatMap((l) => l.suite.checks.map((c) => c.id)));
  const missing = allowed.filter((id) => !inRun.has(id));
  if (!missing.length) return;
  const known = [...new Set([...inRun, ...(await builtInCheckIds())])];
  const unknown = missing.filter((id) => !known.includes(id));
  if (!unknown.length) return;
  const lines = unknown.map((id) => {
    const near = closestKey(id, known) ?? known.find((k) => k.endsWith(`/${id}`));
    return `--allow-failure: no check "${id}"${near ? ` (did you mean ${near}?)` : ' (scim-check list shows every check id)'}`;
  });
  throw new ConfigError(lines.join('\n'));
}

export function countAndExit(result: RunResult, strict: boolean): void {
  const counts = result.counts;
  let failing = false;
  for (const suite of result.suites) {
    for (const c of suite.checks) {
      if (c.status === 'passed') counts.passed++;
      else if (c.status === 'skipped') counts.skipped++;
      else if (c.status === 'warning') counts.warnings++;
      else if (c.status === 'known-failure') counts.knownFailures++;
      else {
        counts.failed++;
        if (failsTheRun(c, strict)) failing = true;
      }
    }
  }
  result.exitCode = failing || result.deadlineReached ? 1 : 0;
}

/**
 * Runs the selected suites against a SCIM server and returns the structured result. Never throws for bad input
 * or a broken server: configuration problems give exitCode 2, an unreachable target or rejected credentials 3,
 * each with `fatal` set to one clear line. Everything the run created is cleaned up before it resolves.
 */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const embedded = options.url === undefined;
  // A key in the base URL's query (`?api_key=K`) is a secret in every report, from the first line on.
  const result = baseResult(options.url === undefined ? '' : shownBaseUrl(options.url), embedded, startedAt);
  const finish = (): RunResult => {
    result.ms = Math.round(performance.now() - t0);
    // An abort at any point (during the first request, the last check or cleanup) is an interruption, whatever
    // the checks said: never reported as passed. Bad options (2) were found before anything ran.
    if (options.signal?.aborted && result.exitCode !== 2) {
      result.interrupted = true;
      result.exitCode = abortExitCode(options.signal);
    }
    return result;
  };

  let plan: ReturnType<typeof planChecks>;
  let mapping: Mapping | undefined;
  try {
    validateOptions(options);
    const loaded = await selectedSuites(options);
    plan = planChecks(loaded, options);
    await checkAllowedFailures(options.allowFailures ?? [], loaded);
    if (options.mapping !== undefined) mapping = loadMapping(options.mapping);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    result.exitCode = 2;
    result.fatal = err.message;
    return finish();
  }

  let server: RunningServer | undefined;
  let client: ScimClient | undefined;
  let stopInFlight: (() => void) | undefined;
  const registry = new CleanupRegistry();
  /** The base URL as given (its query kept: the client sends it on every request) and without its query. */
  const bases = { client: '', scim: '' };
  try {
    if (embedded) {
      const { startServer } = await import('../server/index.js');
      try {
        // The embedded server learns the mapping's custom extensions, so `--mapping FILE` alone passes.
        // So do the suites that need one (the entra suite's custom extension attributes).
        const mapped = mapping ? extensionSchemasFor(mapping) : [];
        const extensions = [...mapped, ...embeddedExtensionsFor(plan.map((p) => p.suite.id)).filter((e) => !mapped.some((m) => m.id === e.id))];
        server = await startServer({ port: 0, quiet: true, ...(extensions.length ? { extensions } : {}), ...options.server });
      } catch (err) {
        result.exitCode = 2;
        result.fatal = `could not start the reference server: ${err instanceof Error ? err.message : String(err)}`;
        return finish();
      }
      result.target.url = server.url;
    }
    bases.client = (options.url ?? result.target.url).replace(/\/+$/, '');
    // Templates ({{$baseUrl}}), endpoints and cleanup's hints go without the query.
    const baseUrl = (bases.scim = withoutQuery(bases.client));
    const deadline = options.deadlineMs ? Date.now() + options.deadlineMs : undefined;
    const clientOptions = clientOptionsFor(options, bases.client, server?.token, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, deadline });
    client = createClient(clientOptions);
    // Ctrl-C must not wait for a slow request: closing the client ends whatever is in flight (cleanup has its own).
    const mainClient = client;
    stopInFlight = () => void mainClient.close();
    options.signal?.addEventListener('abort', stopInFlight, { once: true });

    const preflightNotes: string[] = [];
    const unreachable = await preflight(client, baseUrl, plan[0] ? suiteHeaders(plan[0].suite).all : {}, registry, preflightNotes);
    if (unreachable && options.signal?.aborted) {
      // Ctrl-C during the first request closed the client: that says nothing about the target.
      result.interrupted = true;
      return finish();
    }
    if (unreachable) {
      result.exitCode = 3;
      result.fatal = client.redact(unreachable);
      return finish();
    }

    const stopReason = (): string | undefined => {
      if (options.signal?.aborted) {
        result.interrupted = true;
        return 'the run was interrupted';
      }
      if (deadline !== undefined && Date.now() >= deadline) {
        result.deadlineReached = true;
        return `the run's deadline (${options.deadlineMs} ms) was reached`;
      }
      return undefined;
    };
    options.onStart?.({ target: { ...result.target }, suites: plan.map(({ suite, checks }) => ({ id: suite.id, title: suite.title, checks: checks.map(({ check }) => ({ id: check.id, title: check.title })) })) });
    const bail: BailState | undefined = options.bail ? {} : undefined;
    result.suites = await runSuites(plan, { client, baseUrl, registry, stopReason, options, mapping, ...(bail ? { bail } : {}) });
    if (bail?.after) {
      const notRun = result.suites.flatMap((s) => s.checks).filter((c) => c.skipReason === bailReason(bail.after!)).length;
      (result.notes ??= []).push(`--bail: the run stopped after the first failure that fails it (${bail.after}); ${notRun} check${notRun === 1 ? '' : 's'} not run`);
    }
    if (options.readOnly) {
      const leftOut = plan.flatMap((s) => s.checks).filter((c) => c.leftOut);
      const writers = leftOut.filter((c) => c.leftOut === READ_ONLY_WRITES).map((c) => c.check.id);
      const others = leftOut.filter((c) => c.leftOut !== READ_ONLY_WRITES).map((c) => c.check.id);
      if (writers.length) (result.notes ??= []).push(`--read-only left out ${writers.length} checks that write: ${writers.join(', ')}`);
      if (others.length) (result.notes ??= []).push(`--read-only also left out ${others.length} checks that send POST, PUT or DELETE without writing (e.g. POST /.search): ${others.join(', ')}`);
    }
    applyAllowedFailures(result, options.allowFailures ?? []);
    const flagNote = entraFlagNote(plan, bases.client, options.entraFlag ?? 'both');
    if (flagNote) (result.notes ??= []).push(flagNote);
    const oin = oinReadiness(result.suites);
    if (oin) result.oin = oin;
    const rateLimited = rateLimitNote(result.suites, preflightNotes);
    if (rateLimited) (result.notes ??= []).push(rateLimited);
  } finally {
    if (stopInFlight) options.signal?.removeEventListener('abort', stopInFlight);
    if (client && registry.size > 0) {
      result.cleanup = await cleanUpWith(client, registry, bases, options, server?.token);
    }
    await client?.close();
    await server?.close();
  }
  if (result.exitCode === 0) countAndExit(result, options.strict ?? false);
  return finish();
}

/** The client's options for this run: target, credentials, transport; timing differs between checks and cleanup. */
function clientOptionsFor(options: RunOptions, baseUrl: string, embeddedToken: string | undefined, timing: { timeoutMs: number; deadline: number | undefined }): ClientOptions {
  const clientOptions: ClientOptions = { baseUrl, auth: clientAuth(options, embeddedToken), timeoutMs: timing.timeoutMs };
  if (timing.deadline) clientOptions.deadline = timing.deadline;
  if (options.headers) clientOptions.headers = options.headers;
  if (options.insecure) clientOptions.insecure = true;
  if (options.ca) clientOptions.ca = options.ca;
  if (options.maxBodyBytes) clientOptions.maxBodyBytes = options.maxBodyBytes;
  if (options.proxy) clientOptions.proxy = options.proxy;
  return clientOptions;
}

/** `url` without its query string or fragment, and without a trailing slash. */
function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.replace(/\/+$/, '');
}

/** Cleanup gets a fresh client: the run's one may be past its deadline. */
async function cleanUpWith(mainClient: ScimClient, registry: CleanupRegistry, bases: { client: string; scim: string }, options: RunOptions, embeddedToken: string | undefined): Promise<CleanupResult> {
  const baseUrl = bases.scim;
  if (options.keep) return cleanUp(registry, mainClient, { keep: true, baseUrl });
  const cleanupOptions = clientOptionsFor(options, bases.client, embeddedToken, {
    timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 10_000),
    deadline: Date.now() + CLEANUP_BUDGET_MS,
  });
  const cleanupClient = createClient(cleanupOptions);
  try {
    return await cleanUp(registry, cleanupClient, { keep: false, baseUrl });
  } finally {
    await cleanupClient.close();
  }
}

/** One run-level line when the server rate-limited the run (each wait is also noted in its transcript). */
function rateLimitNote(suites: SuiteResult[], preflightNotes: string[]): string | undefined {
  const notes = [...preflightNotes, ...suites.flatMap((s) => s.checks).flatMap((c) => c.exchanges).flatMap((e) => e.notes ?? [])];
  const waitedMs = notes.map((n) => /^429: waited (\d+) ms/.exec(n)?.[1]).filter((ms) => ms !== undefined).map(Number);
  const notRetried = notes.filter((n) => /^429\b/.test(n) && !n.startsWith('429: waited')).length;
  if (waitedMs.length + notRetried === 0) return undefined;
  const total = waitedMs.reduce((sum, ms) => sum + ms, 0);
  const answers = waitedMs.length + notRetried;
  return (
    `the server answered HTTP 429 (rate limited) ${answers} time${answers === 1 ? '' : 's'}: waited ${Math.round(total / 100) / 10} s in total as Retry-After asked` +
    (notRetried ? `; ${notRetried} not retried (no usable Retry-After, or longer than the wait bound or the deadline)` : '')
  );
}

/**
 * Known failures (--allow-failure): a failure becomes "known-failure"; a listed check that passes is flagged on the
 * check and in the run's notes, which every report shows, so the list does not go stale. Applied as each check
 * ends, so that live output shows its final status.
 */
function applyAllowedFailure(check: CheckResult, allowed: readonly string[] | undefined): CheckResult {
  if (!allowed?.includes(check.id)) return check;
  if (check.status === 'failed') return { ...check, status: 'known-failure' };
  if (check.status === 'passed') return { ...check, notes: [...(check.notes ?? []), KNOWN_FAILURE_PASSES] };
  return check;
}

const KNOWN_FAILURE_PASSES = 'listed as a known failure, but it passes now: remove it from the list';

/**
 * A base URL that carries aadOptscim062020 is a job with the flag: Entra sends only the flag's shapes to it. Both
 * still ran (customers decide whether to add the flag, so a server should take both); say how to send only those.
 */
function entraFlagNote(plan: ReturnType<typeof planChecks>, baseUrl: string, flag: EntraFlagOption): string | undefined {
  if (flag !== 'both' || !plan.some((p) => p.checks.some((c) => c.check.entraFlag)) || !/[?&]aadOptscim062020(?:[=&]|$)/i.test(baseUrl)) return undefined;
  return 'the base URL carries aadOptscim062020: Entra sends it only the shapes of the feature flag; the checks of both shapes ran (--entra-flag on sends only the flag\'s)';
}

function applyAllowedFailures(result: RunResult, allowed: string[]): void {
  const nowPassing = result.suites.flatMap((s) => s.checks).filter((c) => allowed.includes(c.id) && c.status === 'passed' && c.notes?.includes(KNOWN_FAILURE_PASSES));
  if (nowPassing.length) (result.notes ??= []).push(`now passing, remove from the known failures (--allow-failure, allowFailures): ${nowPassing.map((c) => c.id).join(', ')}`);
}

interface SuiteRunContext {
  client: ScimClient;
  baseUrl: string;
  registry: CleanupRegistry;
  stopReason: () => string | undefined;
  options: RunOptions;
  mapping: Mapping | undefined;
  /** Set when suites run concurrently: walks pass it alone (src/runner/gate.ts). */
  gate?: StepGate;
  /** Set with --bail: which check failed first (no check starts after it). */
  bail?: BailState;
  /** Retry-After values of the 429s seen so far, for {{$retryAfters}} (the always-on transport suite runs last). */
  rateLimits?: string[];
  /** The headers of the run's first suite that declares its own (see SuiteFile.headersFrom). */
  runHeaders?: SuiteHeaders;
}

interface BailState {
  after?: string;
}

const bailReason = (failed: string): string => `not run: --bail stopped the run after ${failed} failed`;

/** Runs the planned suites (up to `concurrency` at once); results come back in plan order. */
async function runSuites(plan: ReturnType<typeof planChecks>, ctx: SuiteRunContext): Promise<SuiteResult[]> {
  const outcomes = new Map<string, ReturnType<typeof deferred<CheckResult>>>();
  for (const { checks } of plan) for (const p of checks) outcomes.set(p.check.id, deferred<CheckResult>());
  const results: SuiteResult[] = plan.map(({ suite }) => ({ id: suite.id, title: suite.title, checks: [], ...(suite.oinVerdict ? { oinVerdict: true as const } : {}) }));
  let next = 0;
  const workers = Math.max(1, Math.min(ctx.options.concurrency ?? 1, plan.length));
  // The IdP's headers: those of the run's first suite (what the connection check sent), for suites that take them.
  const first = plan.find(({ suite }) => suite.headersFrom !== 'run')?.suite;
  const shared: SuiteRunContext = { ...ctx, rateLimits: [], ...(first ? { runHeaders: suiteHeaders(first) } : {}) };
  const suiteCtx: SuiteRunContext = workers > 1 ? { ...shared, gate: new StepGate() } : shared;
  const worker = async (): Promise<void> => {
    while (next < plan.length) {
      const i = next++;
      results[i]!.checks = await runSuite(plan[i]!.suite, plan[i]!.checks, outcomes, suiteCtx);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

async function runSuite(
  suite: SuiteFile,
  checks: PlannedCheck[],
  outcomes: Map<string, ReturnType<typeof deferred<CheckResult>>>,
  ctx: SuiteRunContext,
): Promise<CheckResult[]> {
  const template: TemplateContext = {
    vars: new Map(),
    prefix: ctx.options.prefix ?? 'scim-check-',
    domain: ctx.options.userDomain ?? 'example.com',
    baseUrl: ctx.baseUrl,
    tlsVerified: ctx.baseUrl.startsWith('https://') && !ctx.options.insecure,
    authScheme: authSchemeOf(ctx.options),
    ...(ctx.rateLimits ? { rateLimits: ctx.rateLimits } : {}),
    ...(ctx.options.burst !== undefined ? { burst: ctx.options.burst } : {}),
    ...(ctx.options.burstSpreadMs !== undefined ? { burstSpreadMs: ctx.options.burstSpreadMs } : {}),
  };
  const results: CheckResult[] = [];
  let setupProblem: string | undefined;
  try {
    for (const [name, value] of Object.entries(suite.variables ?? {})) template.vars.set(name, expandString(value, template));
  } catch (err) {
    setupProblem = `the suite's variables could not be set: ${err instanceof Error ? err.message : String(err)}`;
  }
  const env: CheckEnvironment = {
    client: ctx.client,
    template,
    headers: suite.headersFrom === 'run' && ctx.runHeaders ? ctx.runHeaders : suiteHeaders(suite),
    registry: ctx.registry,
    stopReason: ctx.stopReason,
    ...(ctx.gate ? { gate: ctx.gate } : {}),
  };
  if (ctx.mapping && !setupProblem) {
    try {
      // Expanded once per suite, so the values sent are the values expected back.
      env.mapping = expandDeep(ctx.mapping, template) as Mapping;
    } catch (err) {
      setupProblem = `the --mapping values could not be expanded: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  // Discovery suites read the server's features and schemas first (src/runner/discovery.ts).
  const discovery = suite.discovery && !setupProblem ? await startDiscovery(ctx.client, template, env.headers.all) : undefined;
  for (const planned of checks) {
    const result = applyAllowedFailure(await runPlanned(planned, env, outcomes, ctx, setupProblem, discovery), ctx.options.allowFailures);
    results.push(result);
    outcomes.get(planned.check.id)!.resolve(result);
    if (ctx.bail && ctx.bail.after === undefined && failsTheRun(result, ctx.options.strict ?? false)) ctx.bail.after = result.id;
    ctx.options.onCheckEnd?.(result);
  }
  return results;
}

async function runPlanned(
  planned: PlannedCheck,
  env: CheckEnvironment,
  outcomes: Map<string, ReturnType<typeof deferred<CheckResult>>>,
  ctx: SuiteRunContext,
  setupProblem: string | undefined,
  discovery?: DiscoverySession,
): Promise<CheckResult> {
  if (setupProblem) return skipped(planned, setupProblem, ctx.options);
  if (planned.leftOut) return skipped(planned, planned.leftOut, ctx.options);
  if (planned.check.unsupported) return skipped(planned, planned.check.unsupported, ctx.options);
  for (const dep of planned.check.dependsOn ?? []) {
    const outcome = await outcomes.get(dep)!.promise;
    // Okta's SPEC test runs every step whatever happened before: a step that ran and failed does not stop the next
    // (one whose captured value is missing then fails by itself, as it would in Okta's test).
    if (outcome.status !== 'passed' && !(planned.check.oktaStep !== undefined && outcome.status !== 'skipped')) {
      return skipped(planned, `prerequisite ${dep} ${outcome.status === 'skipped' ? 'was skipped' : 'did not pass'}`, ctx.options);
    }
  }
  const stop = ctx.stopReason();
  if (stop) return skipped(planned, `not run: ${stop}`, ctx.options);
  // Checks already running finish; none starts after the first failure that fails the run.
  if (ctx.bail?.after !== undefined) return skipped(planned, bailReason(ctx.bail.after), ctx.options);
  const notAdvertised = discovery?.beforeCheck(planned.check);
  if (notAdvertised) return skipped(planned, notAdvertised, ctx.options);
  ctx.options.onCheckStart?.({ id: planned.check.id, title: displayText(planned.check.title, env.template) });
  const result = await runCheck(planned.check, planned.suite.id, env);
  if (result.status === 'failed' && ctx.options.signal?.aborted) {
    // Cut short by the interruption: not a verdict on the server.
    return { ...result, status: 'skipped', skipReason: 'interrupted while running', failures: [] };
  }
  return discovery ? discovery.afterCheck(planned.check, result) : result;
}
