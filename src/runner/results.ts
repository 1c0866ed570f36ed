import type { Exchange } from '../client/exchange.js';
import type { EntraFlag, Level } from './suite-format.js';

/** The structured result of a run: what every reporter renders and what the programmatic API returns. */
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'warning' | 'known-failure';

export interface AssertionFailure {
  /** What was asserted, in words, e.g. "status is 201". */
  assertion: string;
  expected?: unknown;
  actual?: unknown;
  source?: string;
  message?: string;
  /** Index into the check's exchanges of the exchange that shows the failure. */
  exchange?: number;
  /**
   * A finding stricter than Okta's own SPEC test (in a check replaying an Okta step): reported as "beyond Okta's
   * test", never part of the OIN readiness verdict.
   */
  beyondOkta?: true;
}

export interface CheckResult {
  id: string;
  suite: string;
  title: string;
  description: string;
  level: Level;
  source: string;
  status: CheckStatus;
  ms: number;
  /** Why the check was skipped (failed prerequisite, --read-only, not advertised, …). */
  skipReason?: string;
  failures: AssertionFailure[];
  exchanges: Exchange[];
  /** Informational notes (e.g. "advertised false but works"). */
  notes?: string[];
  /** The Entra feature-flag shape the check sends ("on": aadOptscim062020, "off": without it); absent: common to both. */
  entraFlag?: EntraFlag;
  /** The Okta SPEC-test step this check replays (see CheckDef.oktaStep). */
  oktaStep?: number;
}

export interface SuiteResult {
  id: string;
  title: string;
  checks: CheckResult[];
  /** The suite is Okta's SPEC test (built-in okta-spec or an imported Runscope export): the OIN verdict's source. */
  oinVerdict?: true;
}

export interface CleanupResult {
  removed: { resourceType: string; id: string; how: 'deleted' | 'deactivated' }[];
  left: { resourceType: string; id: string; reason: string; howToRemove: string }[];
  kept: { resourceType: string; id: string }[];
}

/** Okta's verdict on one step of its SPEC test (src/runner/oin.ts). */
export interface OinStepVerdict {
  step: number;
  /** The check replaying it. */
  check: string;
  /** What Okta's test would say: findings beyond Okta's test do not count. */
  passed: boolean;
  /** How many findings beyond Okta's test the check reported. */
  beyondOkta: number;
}

/** OIN readiness: Okta's own SPEC test's verdict, step by step in Okta's order. */
export interface OinReadiness {
  /** The suite it was read from (an imported Runscope SPEC test wins over okta-spec). */
  suite: string;
  passed: boolean;
  steps: OinStepVerdict[];
}

export interface RunResult {
  /** Version of this result format (the json reporter's schema). */
  formatVersion: 1;
  tool: { name: 'scim-check'; version: string };
  target: { url: string; embedded: boolean };
  startedAt: string;
  ms: number;
  suites: SuiteResult[];
  counts: { passed: number; failed: number; skipped: number; warnings: number; knownFailures: number };
  cleanup: CleanupResult;
  /**
   * The CLI's exit code: 0 all required checks passed; 1 a check failed; 2 usage/config error; 3 target unreachable,
   * credentials rejected or not a SCIM endpoint; 130 interrupted (Ctrl-C, or the caller's abort signal); 143 terminated (SIGTERM).
   */
  exitCode: 0 | 1 | 2 | 3 | 130 | 143;
  /** The one-line reason for exit codes 2 and 3. */
  fatal?: string;
  /** True when the run was interrupted (SIGINT / the caller's abort signal): checks stopped, cleanup still ran. */
  interrupted?: boolean;
  /** True when the overall deadline stopped the run before every check had run. */
  deadlineReached?: boolean;
  /** Run-level notes for the reader (e.g. which checks --read-only left out). */
  notes?: string[];
  /** OIN readiness, when the run included Okta's SPEC test (okta-spec or an imported export of it). */
  oin?: OinReadiness;
  /** `scim-check load` only: the load offered and what each operation achieved. */
  load?: LoadSummary;
}

/** One operation of a load run (e.g. "lookup (GET /Users?filter)"): counts and latency from the time each request was due. */
export interface LoadOperationSummary {
  operation: string;
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  /** 429 answers; with an integer Retry-After; without; retries after the wait that were not rate-limited again. */
  throttled: number;
  retryAfterPresent: number;
  retryAfterMissing: number;
  honoured: number;
  /** Successful answers per second of the run (until its last answer). */
  okPerS: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by status ("200", "429", "timeout", "error"). */
  statuses: Record<string, number>;
}

export interface LoadSummary {
  idp: 'okta' | 'entra';
  /** Offered load: requests due per second, for durationMs. */
  ratePerS: number;
  durationMs: number;
  timeoutMs: number;
  /** Requests sent, and successful answers per second from the start to the last answer (at least the duration). */
  sent: number;
  okPerS: number;
  /** Share of answered or timed-out requests that failed (0..1). */
  failureShare: number;
  /** How late the generator sent requests after their due time (99th percentile and maximum). */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
  /** CPU time the generator spent per request (µs): 1,000,000 / this is what one core of it can send per second. */
  generatorCpuPerRequestUs: number;
  operations: LoadOperationSummary[];
}
