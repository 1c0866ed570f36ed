/**
 * The json reporter: the RunResult itself (src/runner/results.ts), pretty-printed. Its shape is documented by
 * src/report/result.schema.json and versioned by `formatVersion`: a new optional field keeps the version,
 * a removed or changed field bumps it, so consumers should ignore fields they do not know.
 */
import type { RunResult } from '../runner/results.js';
import { terminalSafeJson } from '../common/terminal-text.js';
import { redactedExchange } from './failure-text.js';
import { consequenceText, entraReadiness, readinessSummary } from './entra-readiness.js';

/** The result as JSON, exchanges included (their credential headers masked once more). */
export function renderJson(result: RunResult): string {
  const safe: RunResult = {
    ...result,
    suites: result.suites.map((suite) => ({
      ...suite,
      checks: suite.checks.map((check) => ({ ...check, exchanges: check.exchanges.map(redactedExchange) })),
    })),
  };
  const entra = entraReadiness(result);
  const report = entra ? { ...safe, entraReadiness: entraJson(entra) } : safe;
  // The same data, with no character that acts on a terminal when the report is printed.
  return `${terminalSafeJson(JSON.stringify(report, null, 2))}\n`;
}

/** Entra readiness as data: each flow's verdict, consequence, source and checks (src/report/entra-readiness.ts). */
function entraJson(readiness: NonNullable<ReturnType<typeof entraReadiness>>): unknown {
  return {
    ready: readiness.ready,
    summary: readinessSummary(readiness),
    shapes: readiness.shapes,
    flows: readiness.flows.map((f) => ({
      id: f.flow.id,
      title: f.flow.title,
      verdict: f.verdict,
      consequence: f.verdict === 'fails' ? consequenceText(f) : f.flow.consequence,
      source: f.flow.source,
      checks: f.checks.map((c) => c.id),
      failing: f.failing.map((c) => c.id),
    })),
  };
}
