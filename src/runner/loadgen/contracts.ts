/**
 * What a load run means for the identity providers: the figures of each operation as checks (MAY level: they
 * report, they do not fail the run), and the IdPs' documented contracts as MUST checks, so every reporter shows
 * pass or fail. Pure: figures in, checks out.
 */
import type { AssertionFailure, CheckResult, LoadOperationSummary, LoadSummary } from '../results.js';
import type { Level } from '../suite-format.js';
import type { GeneratorResult, OperationStats } from './generator.js';
import type { Idp } from './mix.js';

export const OKTA_TIMEOUT_MS = 60_000;
export const ENTRA_MIN_RATE = 25;
export const ENTRA_QUARANTINE_SHARE = 0.4;

const SOURCES = {
  oktaTimeout:
    'Okta SCIM FAQ: "The timeout is 60 seconds if Okta doesn\'t receive anything from the socket after any SCIM request is made" (https://developer.okta.com/docs/concepts/scim/faqs/)',
  oktaRetryAfter:
    'Okta, Understanding SCIM, "Handle SCIM server rate limiting (HTTP 429)": Okta waits the integer Retry-After seconds; when it is missing or not an integer it waits 5 minutes (https://developer.okta.com/docs/concepts/scim/)',
  entraRate:
    'Microsoft Entra, Develop a SCIM endpoint, gallery requirements: "Support at least 25 requests per second per tenant" (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups)',
  entraQuarantine:
    'Microsoft Entra, Application provisioning in quarantine status: a job is quarantined when 40 % or more of its requests fail (https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status)',
};

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** "850 µs", "12.3 ms", "1.20 s". */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${round(ms, ms < 10 ? 2 : 1)} ms`;
  return `${round(ms / 1000, 2)} s`;
}

export function summarize(idp: Idp, result: GeneratorResult, options: { ratePerS: number; durationMs: number; timeoutMs: number }): LoadSummary {
  // Per second of the run until its last answer: a server that answers 20,000 requests sent in 10 s over 30 s
  // handled 667 a second, not 2,000.
  const seconds = Math.max(options.durationMs, result.elapsedMs) / 1000;
  const operations: LoadOperationSummary[] = result.operations.map((s) => ({
    operation: s.label,
    sent: s.sent,
    ok: s.ok,
    errors: s.errors,
    timeouts: s.timeouts,
    throttled: s.throttled,
    retryAfterPresent: s.retryAfterPresent,
    retryAfterMissing: s.retryAfterMissing,
    honoured: s.honoured,
    okPerS: round(s.ok / seconds, 2),
    p50Ms: round(s.latency.percentile(50), 3),
    p95Ms: round(s.latency.percentile(95), 3),
    p99Ms: round(s.latency.percentile(99), 3),
    maxMs: round(s.latency.max, 3),
    statuses: { ...s.statuses },
  }));
  const ok = operations.reduce((n, o) => n + o.ok, 0);
  const judged = operations.reduce((n, o) => n + o.ok + o.errors + o.timeouts, 0);
  return {
    idp,
    ratePerS: options.ratePerS,
    durationMs: options.durationMs,
    timeoutMs: options.timeoutMs,
    sent: operations.reduce((n, o) => n + o.sent, 0),
    okPerS: round(ok / seconds, 2),
    failureShare: judged ? (judged - ok) / judged : 0,
    sendLagP99Ms: round(result.sendLag.percentile(99), 3),
    sendLagMaxMs: round(result.sendLag.max, 3),
    generatorCpuPerRequestUs: Math.round(result.cpuPerRequestUs),
    operations,
  };
}

function check(id: string, title: string, description: string, level: Level, source: string, failures: AssertionFailure[], extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id: `load/${id}`,
    suite: 'load',
    title,
    description,
    level,
    source,
    status: failures.length ? 'failed' : 'passed',
    ms: 0,
    failures,
    exchanges: [],
    ...extra,
  };
}

/** One MAY check per operation: its figures in the title, failed when any request of it failed. */
function operationCheck(stats: OperationStats, summary: LoadOperationSummary, okStatuses: readonly number[]): CheckResult {
  const figures = `${summary.okPerS}/s, p99 ${formatLatency(summary.p99Ms)}`;
  const bad = summary.errors + summary.timeouts;
  const failures: AssertionFailure[] = bad
    ? [{ assertion: `every ${stats.kind} is answered ${okStatuses.join(' or ')} within the timeout`, expected: `${summary.sent} answered ${okStatuses.join('/')}`, actual: `${summary.errors} errors, ${summary.timeouts} timeouts; answers: ${statusText(summary.statuses)}`, source: 'RFC 7644 §3', ...(stats.sample ? { exchange: 0 } : {}) }]
    : [];
  const notes = [
    `${summary.sent} sent, ${summary.ok} succeeded; answers: ${statusText(summary.statuses) || 'none'}`,
    summary.throttled
      ? `429: ${summary.throttled} (with an integer Retry-After: ${summary.retryAfterPresent}, without: ${summary.retryAfterMissing}; retried after the wait and not rate-limited again: ${summary.honoured})`
      : 'no 429 answers',
  ];
  return check(
    stats.kind,
    `${stats.label}: ${figures}, ${bad} failed`,
    `${summary.okPerS} successful answers/s; latency from the time each request was due: p50 ${formatLatency(summary.p50Ms)}, p95 ${formatLatency(summary.p95Ms)}, p99 ${formatLatency(summary.p99Ms)}, max ${formatLatency(summary.maxMs)}; ${summary.errors} errors, ${summary.timeouts} timeouts.`,
    'MAY',
    'scim-check load figures',
    failures,
    { notes, exchanges: stats.sample ? [stats.sample] : [] },
  );
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ×${n}`)
    .join(', ');
}

/** The worst operations for a failure message: "PATCH … 3, GET … 1". */
function byOperation(operations: LoadOperationSummary[], count: (o: LoadOperationSummary) => number): string {
  return operations
    .filter((o) => count(o) > 0)
    .map((o) => `${o.operation} ${count(o)}`)
    .join(', ');
}

/**
 * The contracts, judged on the run's figures: Okta's 60 s (or the shorter --timeout) and integer Retry-After,
 * Entra's 25 requests/s (when at least that much was offered) and its 40 % quarantine threshold.
 */
export function contractChecks(summary: LoadSummary, generated: GeneratorResult, okStatuses: Map<string, readonly number[]>, interrupted: boolean): CheckResult[] {
  const ops = summary.operations;
  const checks = generated.operations.map((stats, i) => operationCheck(stats, ops[i]!, okStatuses.get(stats.label) ?? []));
  const skip = (c: CheckResult, reason: string): CheckResult => ({ ...c, status: 'skipped', skipReason: reason, failures: [] });
  const contracts: CheckResult[] = [];

  const limitMs = Math.min(summary.timeoutMs, OKTA_TIMEOUT_MS);
  const limit = formatLatency(limitMs);
  const timeouts = ops.reduce((n, o) => n + o.timeouts, 0);
  const slowest = Math.max(0, ...ops.map((o) => o.maxMs));
  contracts.push(
    check(
      'okta-timeout',
      limitMs < OKTA_TIMEOUT_MS ? `Okta: every request answered within ${limit} (--timeout; Okta itself waits 60 s)` : 'Okta: every request answered within 60 s',
      `Every request of the run is answered within ${limit} of the time it was due; Okta closes the connection after 60 s without an answer and reports the task as failed.`,
      'MUST',
      SOURCES.oktaTimeout,
      timeouts || slowest >= limitMs
        ? [{ assertion: `every request is answered within ${limit}`, expected: `< ${limit}`, actual: `${timeouts} of ${summary.sent} not answered within ${limit}${timeouts ? ` (${byOperation(ops, (o) => o.timeouts)})` : ''}; slowest answer ${formatLatency(slowest)}` }]
        : [],
      { notes: [`slowest answer ${formatLatency(slowest)}; p99 over all operations ${formatLatency(Math.max(0, ...ops.map((o) => o.p99Ms)))}`] },
    ),
  );

  const throttled = ops.reduce((n, o) => n + o.throttled, 0);
  const missing = ops.reduce((n, o) => n + o.retryAfterMissing, 0);
  const honoured = ops.reduce((n, o) => n + o.honoured, 0);
  contracts.push(
    check(
      'okta-retry-after',
      'Okta: every 429 carries an integer Retry-After',
      'A server that rate-limits answers 429 with Retry-After in whole seconds, which Okta waits before retrying; without it Okta pauses the task for 5 minutes.',
      'MUST',
      SOURCES.oktaRetryAfter,
      missing ? [{ assertion: '429 answers carry an integer Retry-After', expected: 'Retry-After: <seconds>', actual: `${missing} of ${throttled} 429 answers without one (${byOperation(ops, (o) => o.retryAfterMissing)})` }] : [],
      { notes: [throttled ? `${throttled} answers were 429; after waiting Retry-After, ${honoured} retries went through` : 'the server answered no request with 429'] },
    ),
  );

  const rate = check(
    'entra-rate',
    `Entra: at least ${ENTRA_MIN_RATE} requests/s handled`,
    `Successful answers per second over the run reach ${ENTRA_MIN_RATE}, Microsoft's requirement for gallery apps (per tenant).`,
    'MUST',
    SOURCES.entraRate,
    summary.okPerS < ENTRA_MIN_RATE ? [{ assertion: `at least ${ENTRA_MIN_RATE} successful answers per second`, expected: `>= ${ENTRA_MIN_RATE}/s`, actual: `${summary.okPerS}/s (offered ${summary.ratePerS}/s)` }] : [],
    { notes: [`${summary.okPerS} successful answers/s at an offered ${summary.ratePerS} requests/s`] },
  );
  contracts.push(summary.ratePerS < ENTRA_MIN_RATE ? skip(rate, `the run offered ${summary.ratePerS} requests/s; run with --rate ${ENTRA_MIN_RATE} or more to judge it`) : rate);

  const share = Math.round(summary.failureShare * 1000) / 10;
  contracts.push(
    check(
      'entra-failures',
      'Entra: fewer than 40 % of requests fail',
      'Errors, timeouts and unretried 429s stay under 40 % of the requests; at 40 % Microsoft puts the provisioning job in quarantine.',
      'MUST',
      SOURCES.entraQuarantine,
      summary.failureShare >= ENTRA_QUARANTINE_SHARE ? [{ assertion: 'fewer than 40 % of the requests fail', expected: '< 40 %', actual: `${share} % failed` }] : [],
      { notes: [`${share} % of the requests failed`] },
    ),
  );
  const judged = interrupted ? contracts.map((c) => skip(c, 'the run was interrupted before its end')) : contracts;
  return [...checks, ...judged];
}
