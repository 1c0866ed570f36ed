import { createHash } from 'node:crypto';
import type { CheckResult, CheckStatus, LoadSummary, RunResult } from '../runner/results.js';
import { STATUS_LABEL, STATUS_ORDER, formatMs, latencySvg, suiteBarsSvg } from './html/charts.js';
import { checkBlock } from './html/checks.js';
import { operationLatencies, type OperationLatency } from './html/latency.js';
import { loadSummaryLine } from './load-table.js';
import { html, trusted, type SafeHtml } from './html/markup.js';
import { REPORT_SCRIPT } from './html/script.js';
import { REPORT_CSS } from './html/styles.js';
import { beyondOktaText, BEYOND_OKTA, OIN_SUITE_ID, oinSteps, oinSuiteId, verdictText } from './failure-text.js';
import { consequenceText, ENTRA_SUITE_ID, entraReadiness, readinessSummary, type FlowVerdict } from './entra-readiness.js';

const COUNT_KEYS: { key: keyof RunResult['counts']; status: CheckStatus }[] = [
  { key: 'passed', status: 'passed' },
  { key: 'failed', status: 'failed' },
  { key: 'warnings', status: 'warning' },
  { key: 'knownFailures', status: 'known-failure' },
  { key: 'skipped', status: 'skipped' },
];

function checkAnchor(suiteIndex: number, checkIndex: number): string {
  return `check-${suiteIndex}-${checkIndex}`;
}

/** The verdict as the page shows it: its first word in capitals ("FAILED", "ERROR: …", "INTERRUPTED: …"). */
function verdictOf(result: RunResult): { text: string; className: string } {
  const verdict = verdictText(result);
  return { text: verdict.text.replace(/^\w+/, (word) => word.toUpperCase()), className: `verdict-${verdict.kind}` };
}

function legend(statuses: readonly CheckStatus[]): SafeHtml {
  return html`<ul class="legend">${statuses.map((s) => html`<li><span class="swatch ${s}"></span>${STATUS_LABEL[s]}</li>`)}</ul>`;
}

function headerSection(result: RunResult): SafeHtml {
  const verdict = verdictOf(result);
  const started = new Date(result.startedAt);
  const startedText = Number.isNaN(started.getTime()) ? result.startedAt : started.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return html`<header class="run"><div><h1>scim-check report</h1><p class="run-meta">Target <span class="url">${result.target.url}</span>${result.target.embedded ? ' (embedded reference server)' : ''}<br>Started ${startedText} · took ${formatMs(result.ms)} · ${result.tool.name} ${result.tool.version}</p></div><div class="verdict ${verdict.className}" id="verdict">${verdict.text}</div></header>${result.fatal ? html`<p class="fatal" id="fatal">${result.fatal}</p>` : null}${runNotes(result)}<ul class="counts">${COUNT_KEYS.map(({ key, status }) => html`<li class="${status}"><span class="num">${result.counts[key]}</span>${STATUS_LABEL[status]}</li>`)}</ul>`;
}

/** Why a run may be incomplete, and the runner's notes, right under the verdict where they cannot be missed. */
function runNotes(result: RunResult): SafeHtml | null {
  const notes = [
    result.interrupted ? 'The run was interrupted: checks stopped early (cleanup still ran).' : undefined,
    result.deadlineReached ? 'The deadline stopped the run before every check had run.' : undefined,
    ...(result.notes ?? []),
  ].filter((note): note is string => note !== undefined);
  return notes.length ? html`<ul class="run-notes">${notes.map((note) => html`<li>${note}</li>`)}</ul>` : null;
}

function suitesSection(result: RunResult): SafeHtml {
  if (result.suites.length === 0) return html`<h2>Suites</h2><p class="muted">No suite ran.</p>`;
  return html`<h2>Suites</h2>${legend(STATUS_ORDER)}<div class="chart-wrap">${suiteBarsSvg(result.suites)}</div>`;
}

/** "2 failed, 1 skipped" */
function breakdown(checks: readonly CheckResult[]): string {
  return STATUS_ORDER.map((status) => [status, checks.filter((c) => c.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${STATUS_LABEL[status]}`)
    .join(', ');
}

function oinSection(result: RunResult): SafeHtml {
  const source = oinSuiteId(result);
  const suiteIndex = result.suites.findIndex((s) => s.id === source);
  const steps = oinSteps(result);
  const heading = html`<h2 id="oin">OIN readiness</h2>`;
  if (!steps || suiteIndex < 0) {
    return html`${heading}<p class="muted">The ${OIN_SUITE_ID} suite (Okta's SCIM 2.0 SPEC test steps) was not part of this run; run it with <code>--suite ${OIN_SUITE_ID}</code> to see whether an OIN submission would pass.</p>`;
  }
  const checks = result.suites[suiteIndex]!.checks;
  const blocking = steps.filter((s) => !s.passed).map((s) => s.check);
  const ready = steps.length > 0 && blocking.length === 0;
  const summary = ready
    ? `All ${steps.length} steps of Okta's SPEC test would pass: an OIN submission would pass this test.`
    : `${blocking.length} of ${steps.length} steps of Okta's SPEC test would fail (${breakdown(blocking)}): an OIN submission would fail.`;
  const beyond = beyondOktaText(steps);
  // Rows in Okta's step order; each links to the check's own block (anchored by its place in the suite).
  const rows = steps.map(({ step, check, passed, beyondOkta }) => {
    const verdict = passed ? 'passed' : check.status === 'skipped' ? 'skipped' : 'failed';
    return html`<tr class="oin-step" data-status="${verdict}"><td class="step">${String(step)}</td><td><a href="#${checkAnchor(suiteIndex, checks.indexOf(check))}">${check.title}</a></td><td><span class="badge badge-${verdict}">${passed ? 'would pass' : verdict === 'skipped' ? 'not run' : 'would fail'}</span></td><td>${beyondOkta ? String(beyondOkta) : ''}</td></tr>`;
  });
  return html`${heading}<p class="oin-verdict ${ready ? 'ready' : 'not-ready'}">${summary}</p>${beyond ? html`<p class="muted">${beyond}.</p>` : null}<table class="oin"><thead><tr><th>#</th><th>Okta SPEC test step</th><th>Okta's verdict</th><th>${BEYOND_OKTA}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const FLOW_BADGE: Record<FlowVerdict, { status: CheckStatus; text: string }> = {
  works: { status: 'passed', text: 'works' },
  fails: { status: 'failed', text: 'would fail' },
  untested: { status: 'skipped', text: 'not tested' },
};

/** Entra's flows in Entra's order with their verdict, consequence and Microsoft source (only when entra ran). */
function entraSection(result: RunResult): SafeHtml | null {
  const readiness = entraReadiness(result);
  if (!readiness) return null;
  const suiteIndex = result.suites.findIndex((s) => s.id === ENTRA_SUITE_ID);
  const checks = result.suites[suiteIndex]!.checks;
  const link = (check: CheckResult): SafeHtml => html`<a href="#${checkAnchor(suiteIndex, checks.indexOf(check))}">${check.id}</a>`;
  const rows = readiness.flows.map((f) => {
    const badge = FLOW_BADGE[f.verdict];
    const effect = f.verdict === 'fails' ? html`<strong>${consequenceText(f)}</strong><br>failing: ${f.failing.map((c, i) => html`${i ? ', ' : ''}${link(c)}`)}` : html`<span class="muted">${f.flow.consequence}</span>`;
    return html`<tr class="entra-flow" data-verdict="${f.verdict}"><td>${f.flow.title}</td><td><span class="badge badge-${badge.status}">${badge.text}</span></td><td>${effect}</td><td class="muted">${f.flow.source}</td></tr>`;
  });
  return html`<h2 id="entra">Entra readiness</h2><p class="entra-verdict ${readiness.ready ? 'ready' : 'not-ready'}">${readinessSummary(readiness)}.</p><table class="oin entra"><thead><tr><th>Entra flow</th><th>Result</th><th>If it fails in Entra</th><th>Source</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A load run's operations as chart rows: latency from each request's due time, from the run's histograms. */
function loadLatencies(load: LoadSummary): OperationLatency[] {
  return load.operations.map((o) => ({ operation: o.operation, count: o.sent, errors: o.errors + o.timeouts, medianMs: o.p50Ms, p95Ms: o.p95Ms, maxMs: o.maxMs }));
}

function latencySection(result: RunResult): SafeHtml {
  const rows = result.load ? loadLatencies(result.load) : operationLatencies(result);
  const heading = result.load ? html`<h2>Latency by operation (from each request's due time)</h2><p class="muted">${loadSummaryLine(result.load)}</p>` : html`<h2>Latency by operation</h2>`;
  if (rows.length === 0) return html`${heading}<p class="muted">No HTTP exchanges were recorded.</p>`;
  return html`${heading}<ul class="legend"><li><span class="swatch median"></span>median</li><li><span class="swatch p95"></span>95th percentile</li><li><span class="swatch max"></span>maximum</li><li>log scale; values: median · p95 · max (requests)</li></ul><div class="chart-wrap">${latencySvg(rows)}</div>`;
}

function checksSection(result: RunResult): SafeHtml {
  const present = STATUS_ORDER.filter((status) => result.suites.some((s) => s.checks.some((c) => c.status === status)));
  const toolbar = html`<div class="toolbar" role="toolbar"><button type="button" data-filter="all" aria-pressed="true">all</button>${present.map((status) => html`<button type="button" data-filter="${status}" aria-pressed="false">${STATUS_LABEL[status]}</button>`)}<button type="button" data-expand="open">expand all</button><button type="button" data-expand="close">collapse all</button></div>`;
  const suites = result.suites.map(
    (suite, si) => html`<section class="suite" data-suite="${suite.id}"><h3>${suite.title} <span class="muted mono">${suite.id}</span></h3>${suite.checks.map((check, ci) => checkBlock(check, checkAnchor(si, ci)))}</section>`,
  );
  return html`<h2>Checks</h2>${toolbar}${suites}`;
}

function cleanupSection(result: RunResult): SafeHtml | null {
  const { removed, left, kept } = result.cleanup;
  if (removed.length + left.length + kept.length === 0) return null;
  return html`<h2>Cleanup</h2><ul class="cleanup"><li>${removed.length} test resource${removed.length === 1 ? '' : 's'} removed</li>${kept.map((r) => html`<li>kept (--keep): ${r.resourceType} <code>${r.id}</code></li>`)}${left.map((r) => html`<li><strong>left on the target:</strong> ${r.resourceType} <code>${r.id}</code> (${r.reason}). To remove: ${r.howToRemove}</li>`)}</ul>`;
}

/** The CSP hash of the inline script: only that exact script may run, whatever a response body contains. */
function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}

/**
 * Renders a run as one self-contained HTML file (inline CSS, JS and SVG; no network access at all): verdict,
 * counts, a per-suite pass/fail picture, OIN readiness, per-operation latency, and every check expandable to
 * its failure detail and redacted transcript.
 */
export function renderHtml(result: RunResult): string {
  const verdict = verdictOf(result);
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src '${scriptHash(REPORT_SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scim-check ${verdict.text}: ${result.target.url}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<main>
${headerSection(result)}
${suitesSection(result)}
${result.load ? null : oinSection(result)}
${entraSection(result)}
${latencySection(result)}
${checksSection(result)}
${cleanupSection(result)}
</main>
<script>${trusted(REPORT_SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
