/**
 * Plain-text pieces the json, junit and markdown reporters share: values shown as JSON, one-line failure
 * summaries, exchanges with credential headers masked once more, the run verdict, and the OIN readiness rows.
 */
import type { Exchange } from '../client/exchange.js';
import { createRedactor } from '../client/redact.js';
import type { AssertionFailure, CheckResult, CheckStatus, RunResult } from '../runner/results.js';

/** Exchanges are redacted at capture; this second pass keeps a hand-built RunResult from leaking credentials too. */
const credentialHeaders = createRedactor([]);

export function redactedExchange(exchange: Exchange): Exchange {
  const safe: Exchange = { ...exchange, request: { ...exchange.request, headers: credentialHeaders.redactHeaders(exchange.request.headers) } };
  if (exchange.response) safe.response = { ...exchange.response, headers: credentialHeaders.redactHeaders(exchange.response.headers) };
  return safe;
}

/** A value as compact JSON (so "1" and 1 differ), "(absent)" for undefined, cut at `limit` characters. */
export function valueText(value: unknown, limit = 200): string {
  let text: string;
  if (value === undefined) text = '(absent)';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** "status is 409: expected 409, got 201" (or the assertion and its message) — what a CI annotation or a table row has room for. */
export function failureSummary(failure: AssertionFailure, limit = 200): string {
  const parts: string[] = [];
  if (failure.expected !== undefined) parts.push(`expected ${valueText(failure.expected, limit)}`);
  if (failure.actual !== undefined || failure.expected !== undefined) parts.push(`got ${valueText(failure.actual, limit)}`);
  if (parts.length) return `${failure.assertion}: ${parts.join(', ')}`;
  return failure.message ? `${failure.assertion}: ${failure.message}` : failure.assertion;
}

/** The run's verdict in words, from its exit code; `kind` groups the codes (error: 2 and 3; interrupted: 130, 143). */
export function verdictText(result: RunResult): { passed: boolean; text: string; kind: 'passed' | 'failed' | 'error' | 'interrupted' } {
  switch (result.exitCode) {
    case 0:
      return { passed: true, kind: 'passed', text: result.counts.knownFailures > 0 ? 'passed (with known failures)' : 'passed' };
    case 1:
      return { passed: false, kind: 'failed', text: 'failed' };
    case 2:
      return { passed: false, kind: 'error', text: 'error: usage or configuration' };
    case 3:
      return { passed: false, kind: 'error', text: 'error: target unreachable, credentials rejected or not a SCIM endpoint' };
    case 130:
      return { passed: false, kind: 'interrupted', text: 'interrupted: not every check ran' };
    case 143:
      return { passed: false, kind: 'interrupted', text: 'terminated (SIGTERM): not every check ran' };
  }
}

/** The suite whose checks replay Okta's SCIM 2.0 SPEC test, the one an OIN submission must pass. */
export const OIN_SUITE_ID = 'okta-spec';

/** Statuses that would not stop an OIN submission (warnings come from steps Okta marks optional). */
export const OIN_PASSING: ReadonlySet<CheckStatus> = new Set<CheckStatus>(['passed', 'warning']);

export interface OinStep {
  /** Okta's step number, read from the check's source ("Okta SPEC test step 6; …"); undefined for extra checks. */
  step?: number;
  check: CheckResult;
}

const STEP_IN_SOURCE = /SPEC test step (\d+)/i;

/**
 * The okta-spec checks in Okta's order: checks whose source names a SPEC step ("… SPEC test step 6 …") are
 * sorted by that number within the places they hold; the others (our additions, e.g. seeding a user) keep
 * their place. Undefined when the run did not include the suite.
 */
export function oinSteps(result: RunResult): OinStep[] | undefined {
  const suite = result.suites.find((s) => s.id === OIN_SUITE_ID);
  if (!suite) return undefined;
  const rows: OinStep[] = suite.checks.map((check) => {
    const m = STEP_IN_SOURCE.exec(check.source);
    return m ? { step: Number(m[1]), check } : { check };
  });
  const numbered = rows.filter((r) => r.step !== undefined).sort((a, b) => a.step! - b.step!);
  let next = 0;
  return rows.map((r) => (r.step === undefined ? r : numbered[next++]!));
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
