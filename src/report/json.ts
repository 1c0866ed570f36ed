/**
 * The json reporter: the RunResult itself (src/runner/results.ts), pretty-printed. Its shape is documented by
 * src/report/result.schema.json and versioned by `formatVersion`: a new optional field keeps the version,
 * a removed or changed field bumps it, so consumers should ignore fields they do not know.
 */
import type { RunResult } from '../runner/results.js';
import { redactedExchange } from './failure-text.js';

/** The result as JSON, exchanges included (their credential headers masked once more). */
export function renderJson(result: RunResult): string {
  const safe: RunResult = {
    ...result,
    suites: result.suites.map((suite) => ({
      ...suite,
      checks: suite.checks.map((check) => ({ ...check, exchanges: check.exchanges.map(redactedExchange) })),
    })),
  };
  return `${JSON.stringify(safe, null, 2)}\n`;
}
