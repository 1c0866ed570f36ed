/**
 * Plain-text pieces the json, junit and markdown reporters share: values shown as JSON, one-line failure
 * summaries, exchanges with credential headers masked once more, the run verdict, and the OIN readiness rows.
 */
import type { Exchange } from '../client/exchange.js';
import { createRedactor } from '../client/redact.js';
import { oinReadiness } from '../runner/oin.js';
import type { AssertionFailure, CheckResult, RunResult } from '../runner/results.js';

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

/** The label every reporter gives a finding stricter than Okta's own SPEC test (it never changes the OIN verdict). */
export const BEYOND_OKTA = "beyond Okta's test";

/** The assertion in words, labelled when it is beyond Okta's test. */
export function assertionText(failure: AssertionFailure): string {
  return failure.beyondOkta ? `${failure.assertion} [${BEYOND_OKTA}]` : failure.assertion;
}

/** "status is 409: expected 409, got 201" (or the assertion and its message) — what a CI annotation or a table row has room for. */
export function failureSummary(failure: AssertionFailure, limit = 200): string {
  const parts: string[] = [];
  const assertion = assertionText(failure);
  if (failure.expected !== undefined) parts.push(`expected ${valueText(failure.expected, limit)}`);
  if (failure.actual !== undefined || failure.expected !== undefined) parts.push(`got ${valueText(failure.actual, limit)}`);
  if (parts.length) return `${assertion}: ${parts.join(', ')}`;
  return failure.message ? `${assertion}: ${failure.message}` : assertion;
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

/** The built-in suite replaying Okta's SCIM 2.0 SPEC test (an imported Runscope export of it may be the source instead). */
export const OIN_SUITE_ID = 'okta-spec';

export interface OinStep {
  /** Okta's step number. */
  step: number;
  check: CheckResult;
  /** Okta's verdict on the step (findings beyond Okta's test do not count). */
  passed: boolean;
  /** Findings beyond Okta's test the check reported. */
  beyondOkta: number;
}

/**
 * Okta's SPEC-test steps in Okta's order with Okta's verdict on each (src/runner/oin.ts): from the run's `oin`,
 * or worked out from the suites for a result built by hand. Undefined when the run did not include the test.
 */
export function oinSteps(result: RunResult): OinStep[] | undefined {
  const oin = result.oin ?? oinReadiness(result.suites);
  if (!oin) return undefined;
  const checks = new Map(result.suites.flatMap((s) => s.checks).map((c) => [c.id, c]));
  return oin.steps.flatMap((s) => {
    const check = checks.get(s.check);
    return check ? [{ step: s.step, check, passed: s.passed, beyondOkta: s.beyondOkta }] : [];
  });
}

/** The suite the OIN verdict was read from (okta-spec, or an imported export of Okta's SPEC test). */
export function oinSuiteId(result: RunResult): string | undefined {
  return (result.oin ?? oinReadiness(result.suites))?.suite;
}

/** "2 findings beyond Okta's test (steps 4, 11) do not change this verdict" — or undefined when there are none. */
export function beyondOktaText(steps: readonly OinStep[]): string | undefined {
  const withFindings = steps.filter((s) => s.beyondOkta > 0);
  if (!withFindings.length) return undefined;
  const total = withFindings.reduce((n, s) => n + s.beyondOkta, 0);
  return `${plural(total, 'finding')} ${BEYOND_OKTA} (step${withFindings.length === 1 ? '' : 's'} ${withFindings.map((s) => s.step).join(', ')}) reported above; they do not change this verdict`;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
