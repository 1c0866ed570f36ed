/**
 * The markdown reporter: a compact GitHub-flavoured summary for $GITHUB_STEP_SUMMARY and pull-request comments —
 * verdict, counts, a per-suite table, failures with a short expected/actual, warnings, cleanup problems, and
 * "OIN readiness" (the okta-spec checks in Okta's order). Transcripts stay in the json/junit/html reports:
 * a PR comment holds at most 65,536 characters, so long lists are cut with a count of what was left out.
 */
import { terminalText } from '../common/terminal-text.js';
import type { CheckResult, CheckStatus, RunResult, SuiteResult } from '../runner/results.js';
import { BEYOND_OKTA, beyondOktaText, failureSummary, OIN_SUITE_ID, oinSteps, plural, verdictText } from './failure-text.js';
import { consequenceText, entraReadiness, readinessSummary, type FlowVerdict } from './entra-readiness.js';
import { loadSummaryLine, loadTable } from './load-table.js';

const MAX_LISTED = 40;
const VALUE_CHARS = 120;

const ICON: Record<CheckStatus, string> = { passed: '✅', failed: '❌', skipped: '⏭️', warning: '⚠️', 'known-failure': '🔶' };
const LABEL: Record<CheckStatus, string> = { passed: 'passed', failed: 'failed', skipped: 'skipped', warning: 'warning', 'known-failure': 'known failure' };

/** Text outside code: markdown punctuation and HTML escaped, line breaks flattened (one item, one line). */
export function mdText(text: string): string {
  return terminalText(text.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** Inline code that survives backticks and table pipes in the content. */
export function mdCode(text: string): string {
  const flat = terminalText(text.replace(/[\r\n]+/g, ' ')).replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function countOf(suite: SuiteResult, status: CheckStatus): number {
  return suite.checks.filter((c) => c.status === status).length;
}

function header(result: RunResult): string[] {
  const verdict = verdictText(result);
  const where = result.target.embedded ? 'embedded reference server' : mdCode(result.target.url);
  const c = result.counts;
  const counts = [`**${c.passed} passed**`, `**${c.failed} failed**`, `${c.skipped} skipped`];
  if (c.warnings) counts.push(plural(c.warnings, 'warning'));
  if (c.knownFailures) counts.push(plural(c.knownFailures, 'known failure'));
  const lines = [
    `## ${verdict.passed ? '✅' : '❌'} scim-check ${verdict.text}`,
    '',
    `${where} · ${secondsText(result.ms)} · ${mdText(result.startedAt)} · scim-check ${mdText(result.tool.version)}`,
    '',
    counts.join(' · '),
  ];
  if (result.fatal) lines.push('', `> **${mdText(result.fatal)}**`);
  if (result.interrupted) lines.push('', '> Interrupted: the remaining checks were not run.');
  if (result.deadlineReached) lines.push('', '> The run reached its deadline before every check had run.');
  return lines;
}

function suiteTable(suites: readonly SuiteResult[]): string[] {
  if (suites.length === 0) return [];
  const rows = suites.map((s) => {
    const icon = countOf(s, 'failed') > 0 ? '❌' : '✅';
    const cells = [`${icon} ${mdCode(s.id)} ${mdText(s.title)}`, countOf(s, 'passed'), countOf(s, 'failed'), countOf(s, 'skipped'), countOf(s, 'warning'), countOf(s, 'known-failure'), secondsText(s.checks.reduce((t, c) => t + c.ms, 0))];
    return `| ${cells.join(' | ')} |`;
  });
  return ['', '| Suite | Passed | Failed | Skipped | Warnings | Known | Time |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows];
}

function oinSection(result: RunResult): string[] {
  const steps = oinSteps(result);
  const lines = ['', '### OIN readiness', ''];
  if (!steps) return [...lines, `Not measured: this run did not include the ${mdCode(OIN_SUITE_ID)} suite (Okta's SCIM 2.0 SPEC test). Run it with ${mdCode(`--suite ${OIN_SUITE_ID}`)}.`];
  const blocking = steps.filter((s) => !s.passed);
  const beyond = beyondOktaText(steps);
  lines.push(
    blocking.length === 0
      ? `✅ All ${steps.length} steps of Okta's SPEC test would pass: an OIN submission would pass this test.`
      : `❌ ${blocking.length} of ${steps.length} steps of Okta's SPEC test would fail: an OIN submission would fail.`,
    ...(beyond ? ['', `_${mdText(beyond)}._`] : []),
    '',
    `| Step | Okta SPEC test step | Okta's verdict | ${mdText(BEYOND_OKTA)} |`,
    '| ---: | --- | --- | ---: |',
  );
  for (const { step, check, passed, beyondOkta } of steps) {
    const verdict = passed ? `${ICON.passed} would pass` : check.status === 'skipped' ? `${ICON.skipped} not run` : `${ICON.failed} would fail`;
    lines.push(`| ${step} | ${mdText(check.title)} | ${verdict} | ${beyondOkta || ''} |`);
  }
  return lines;
}

const FLOW_LABEL: Record<FlowVerdict, string> = { works: '✅ works', fails: '❌ would fail', untested: '⏭️ not tested' };

/** Entra's flows with their verdict, and what each failing one does in Entra (only when the run included entra). */
function entraSection(result: RunResult): string[] {
  const readiness = entraReadiness(result);
  if (!readiness) return [];
  const lines = ['', '### Entra readiness', '', `${readiness.ready ? '✅' : '❌'} ${mdText(readinessSummary(readiness))}.`, '', '| Entra flow | Result | If it fails in Entra | Source |', '| --- | --- | --- | --- |'];
  for (const f of readiness.flows) {
    const effect = f.verdict === 'fails' ? `${mdText(consequenceText(f))} (${f.failing.map((c) => mdCode(c.id)).join(', ')})` : mdText(f.flow.consequence);
    lines.push(`| ${mdText(f.flow.title)} | ${FLOW_LABEL[f.verdict]} | ${effect} | ${mdText(f.flow.source)} |`);
  }
  return lines;
}

function checkItems(checks: readonly CheckResult[], detail: (c: CheckResult) => string): string[] {
  const shown = checks.slice(0, MAX_LISTED).map((c) => `- ${ICON[c.status]} ${mdCode(c.id)} ${mdText(c.title)}${detail(c)}`);
  if (checks.length > MAX_LISTED) shown.push(`- … and ${checks.length - MAX_LISTED} more (see the json or junit report)`);
  return shown;
}

function firstFailure(check: CheckResult): string {
  const [first, ...rest] = check.failures;
  if (!first) return '';
  const more = rest.length ? ` (+${plural(rest.length, 'more failure')})` : '';
  const source = first.source ?? check.source;
  return ` — ${mdCode(failureSummary(first, VALUE_CHARS))}${more} · _${mdText(source)}_`;
}

function listSection(title: string, checks: readonly CheckResult[], detail: (c: CheckResult) => string): string[] {
  return checks.length ? ['', `### ${title}`, '', ...checkItems(checks, detail)] : [];
}

function cleanupSection(result: RunResult): string[] {
  const { left, kept } = result.cleanup;
  if (!left.length && !kept.length) return [];
  const lines = ['', '### Cleanup', ''];
  for (const l of left) lines.push(`- ❌ ${mdText(l.resourceType)} ${mdCode(l.id)} was not removed: ${mdText(l.reason)}. To remove it: ${mdText(l.howToRemove)}`);
  if (kept.length) lines.push(`- Kept (--keep): ${kept.map((k) => `${mdText(k.resourceType)} ${mdCode(k.id)}`).join(', ')}`);
  return lines;
}

/** `scim-check load`: the per-operation figures. */
function loadSection(result: RunResult): string[] {
  if (!result.load) return [];
  const { header, rows } = loadTable(result.load);
  const row = (cells: string[]): string => `| ${cells.map(mdText).join(' | ')} |`;
  return ['', '### Load', '', row(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(row), '', mdText(loadSummaryLine(result.load))];
}

export function renderMarkdown(result: RunResult): string {
  const checks = result.suites.flatMap((s) => s.checks);
  const lines = [
    ...header(result),
    ...suiteTable(result.suites),
    ...(result.load ? [] : oinSection(result)),
    ...entraSection(result),
    ...loadSection(result),
    ...listSection('Failures', checks.filter((c) => c.status === 'failed'), firstFailure),
    ...listSection('Warnings', checks.filter((c) => c.status === 'warning'), firstFailure),
    ...listSection('Known failures', checks.filter((c) => c.status === 'known-failure'), firstFailure),
    ...cleanupSection(result),
    ...(result.notes?.length ? ['', ...result.notes.map((n) => `> ${mdText(n)}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
