/**
 * OIN readiness: what Okta's own SCIM 2.0 SPEC test would say about the server, step by step in Okta's order.
 * It is read from the suite marked `oinVerdict` — an imported Runscope export of Okta's SPEC test when the run
 * has one (the faithful run), else the built-in okta-spec, whose Okta assertions use Runscope's semantics. A
 * step passes when its check passed, or when every failure it reported is "beyond Okta's test" (stricter RFC
 * findings, schema validation, captures): those are reported but are not what Okta's test asserts.
 */
import type { CheckResult, OinReadiness, SuiteResult } from './results.js';

/** Okta's verdict on one replayed step. A skipped step is not a pass: Okta's test would have run it. */
export function oktaStepPassed(check: CheckResult): boolean {
  if (check.status === 'passed' || check.status === 'warning') return true;
  if (check.status === 'skipped') return false;
  return check.failures.every((f) => f.beyondOkta === true);
}

const BUILT_IN = 'okta-spec';
/** A result built by hand (or by an older version) may carry the step only in the check's source. */
const STEP_IN_SOURCE = /SPEC test step (\d+)/i;
const stepOf = (c: CheckResult): number | undefined => c.oktaStep ?? (STEP_IN_SOURCE.exec(c.source) ? Number(STEP_IN_SOURCE.exec(c.source)![1]) : undefined);

/** The suite the verdict comes from: an imported SPEC test wins over the built-in okta-spec. */
function verdictSuite(suites: readonly SuiteResult[]): SuiteResult | undefined {
  const marked = suites.filter((s) => (s.oinVerdict || s.id === BUILT_IN) && s.checks.some((c) => stepOf(c) !== undefined));
  return marked.find((s) => s.id !== BUILT_IN) ?? marked[0];
}

export function oinReadiness(suites: readonly SuiteResult[]): OinReadiness | undefined {
  const suite = verdictSuite(suites);
  if (!suite) return undefined;
  const steps = suite.checks
    .filter((c) => stepOf(c) !== undefined)
    .map((c) => ({ step: stepOf(c)!, check: c.id, passed: oktaStepPassed(c), beyondOkta: c.failures.filter((f) => f.beyondOkta).length }))
    .sort((a, b) => a.step - b.step);
  return { suite: suite.id, passed: steps.every((s) => s.passed), steps };
}
