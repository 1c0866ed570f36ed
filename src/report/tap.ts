/**
 * The tap reporter: TAP version 14 (testanything.org), as node's test runner, Hurl and TAP consumers (tap-parser,
 * tap-junit, CI plugins) read it. One test point per check in report order: passed and warning → `ok` (a warning
 * carries its failures in the YAML block), failed → `not ok` with a YAML block (level, source, each failed
 * assertion's expected/actual, the request that showed it), skipped → `ok … # SKIP reason`, known failure →
 * `not ok … # TODO known failure`. A run that did not finish (fatal error, interruption, deadline) ends with
 * `Bail out!` and the reason, so no consumer reads it as passed; cleanup problems and notes are `#` comments, and
 * so is Entra readiness (one comment per Entra flow) when the run included the entra suite.
 */
import { terminalSafeJson, terminalText } from '../common/terminal-text.js';
import type { CheckResult, RunResult } from '../runner/results.js';
import { failureSummary, redactedExchange, valueText, verdictText } from './failure-text.js';
import { consequenceText, entraReadiness, readinessSummary } from './entra-readiness.js';

/** Characters of a value in the YAML block. */
const VALUE_CHARS = 500;

/** One line, with "#" and "\" escaped: in a description "#" would start a directive (TAP 14). */
function description(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/** Server or file text on one TAP line: line breaks flattened, control characters shown as escapes. */
function oneLine(text: string): string {
  return terminalText(text.replace(/[\r\n]+/g, ' '));
}

/** A YAML double-quoted scalar: JSON's escaping is valid YAML; DEL and C1 controls (not YAML-printable) escaped too. */
function yamlString(text: string): string {
  return terminalSafeJson(JSON.stringify(text));
}

function yamlBlock(check: CheckResult): string[] {
  const lines = ['  ---', `  id: ${yamlString(check.id)}`, `  level: ${check.level}`, `  source: ${yamlString(check.source)}`, `  duration_ms: ${Math.round(check.ms)}`];
  if (check.failures.length) {
    lines.push(`  message: ${yamlString(failureSummary(check.failures[0]!))}`, '  failures:');
    for (const f of check.failures) {
      lines.push(`    - assertion: ${yamlString(f.assertion)}`);
      if (f.expected !== undefined) lines.push(`      expected: ${yamlString(valueText(f.expected, VALUE_CHARS))}`);
      lines.push(`      actual: ${yamlString(valueText(f.actual, VALUE_CHARS))}`);
      if (f.message) lines.push(`      why: ${yamlString(f.message)}`);
      if (f.source) lines.push(`      source: ${yamlString(f.source)}`);
      const exchange = f.exchange === undefined ? undefined : check.exchanges[f.exchange];
      if (exchange) {
        const safe = redactedExchange(exchange);
        lines.push(`      request: ${yamlString(`${safe.request.method} ${safe.request.url}`)}`);
        lines.push(`      response: ${yamlString(safe.response ? String(safe.response.status) : `no response: ${safe.error?.message ?? 'unknown'}`)}`);
      }
    }
  }
  for (const note of check.notes ?? []) lines.push(`  note: ${yamlString(note)}`);
  lines.push('  ...');
  return lines;
}

function testPoint(check: CheckResult, n: number): string[] {
  const name = description(`${check.id}: ${check.title}`);
  switch (check.status) {
    case 'passed':
      return [`ok ${n} - ${name}`];
    case 'warning':
      return [`ok ${n} - ${name}`, ...yamlBlock(check)];
    case 'skipped':
      return [`ok ${n} - ${name} # SKIP ${description(check.skipReason ?? 'skipped')}`];
    case 'known-failure':
      return [`not ok ${n} - ${name} # TODO known failure (allowed)`, ...yamlBlock(check)];
    case 'failed':
      return [`not ok ${n} - ${name}`, ...yamlBlock(check)];
  }
}

/** Why the run did not finish, if it did not: the text after "Bail out!". */
function bailOut(result: RunResult): string | undefined {
  if (result.fatal) return `${verdictText(result).text}: ${oneLine(result.fatal)}`;
  if (result.interrupted) return `${verdictText(result).text} (exit ${result.exitCode})`;
  if (result.deadlineReached) return 'the run reached its deadline before every check had run';
  return undefined;
}

const FLOW_WORD = { works: 'works', fails: 'WOULD FAIL', untested: 'not tested' } as const;

/** Entra readiness as diagnostics: the verdict, then each flow; a failing one with its consequence and source. */
function entraComments(result: RunResult): string[] {
  const readiness = entraReadiness(result);
  if (!readiness) return [];
  const lines = [`# Entra readiness: ${readinessSummary(readiness)}`];
  for (const f of readiness.flows) {
    const detail = f.verdict === 'fails' ? `: ${consequenceText(f)}; failing: ${f.failing.map((c) => c.id).join(', ')}; source: ${f.flow.source}` : '';
    lines.push(`# Entra readiness: ${f.flow.title} ${FLOW_WORD[f.verdict]}${detail}`);
  }
  return lines;
}

export function renderTap(result: RunResult): string {
  const checks = result.suites.flatMap((s) => s.checks);
  const lines = ['TAP version 14', `1..${checks.length}`, `# scim-check ${result.tool.version} → ${oneLine(result.target.url)}`];
  checks.forEach((check, i) => lines.push(...testPoint(check, i + 1)));
  for (const left of result.cleanup.left) lines.push(`# cleanup: ${oneLine(`${left.resourceType} ${left.id} was not removed (${left.reason}); to remove it: ${left.howToRemove}`)}`);
  for (const note of result.notes ?? []) lines.push(`# note: ${oneLine(note)}`);
  lines.push(...entraComments(result).map(oneLine));
  const c = result.counts;
  lines.push(`# ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  const bail = bailOut(result);
  if (bail !== undefined) lines.push(`Bail out! ${bail}`);
  return `${lines.join('\n')}\n`;
}
