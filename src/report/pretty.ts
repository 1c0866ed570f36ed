import type { Exchange } from '../client/exchange.js';
import type { CheckResult, CheckStatus, LoadSummary, RunResult } from '../runner/results.js';
import { terminalText } from '../common/terminal-text.js';
import { toolVersion } from '../common/version.js';
import { loadSummaryLine, loadTable } from './load-table.js';
import { assertionText, beyondOktaText, oinSteps } from './failure-text.js';
import { consequenceText, entraReadiness, readinessSummary, type FlowVerdict } from './entra-readiness.js';

/** Colouring functions; identity when colour is off (the CLI builds them from chalk only on a colour terminal). */
export interface Paint {
  pass: (s: string) => string;
  fail: (s: string) => string;
  skip: (s: string) => string;
  warn: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const same = (s: string): string => s;
export const NO_PAINT: Paint = { pass: same, fail: same, skip: same, warn: same, dim: same, bold: same };

export interface PrettyOptions {
  paint?: Paint;
  /** Print the transcript of every exchange, not only of failures. */
  verbose?: boolean;
  /** Characters of a body shown in a transcript (default 800). */
  bodyChars?: number;
  /** Columns of the terminal the report goes to: check titles are cut to fit it (default: at 60 characters). */
  width?: number;
}

const SYMBOL: Record<CheckStatus, string> = { passed: '✓', failed: '✗', skipped: '–', warning: '!', 'known-failure': '~' };

function colourFor(status: CheckStatus, paint: Paint): (s: string) => string {
  return { passed: paint.pass, failed: paint.fail, skipped: paint.skip, warning: paint.warn, 'known-failure': paint.warn }[status];
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function trimBody(body: string | undefined, limit: number): string | undefined {
  if (body === undefined || body === '') return undefined;
  const oneLine = body.length > limit ? `${body.slice(0, limit)}… (${body.length - limit} more characters)` : body;
  return oneLine;
}

function indentLines(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The redacted request and response of one exchange, trimmed, as indented lines. */
export function renderExchange(ex: Exchange, index: number, pad: string, paint: Paint, bodyChars = 800): string {
  const lines: string[] = [];
  lines.push(paint.dim(`${pad}→ #${index + 1} ${ex.request.method} ${ex.request.url}`));
  for (const [k, v] of Object.entries(ex.request.headers)) lines.push(paint.dim(`${pad}    ${k}: ${v}`));
  const reqBody = trimBody(ex.request.body, bodyChars);
  if (reqBody) lines.push(paint.dim(indentLines(reqBody, `${pad}    `)));
  if (ex.response) {
    lines.push(paint.dim(`${pad}← ${ex.response.status} (${Math.round(ex.ms)} ms)`));
    for (const [k, v] of Object.entries(ex.response.headers)) {
      if (['content-type', 'location', 'etag', 'www-authenticate', 'retry-after'].includes(k.toLowerCase())) lines.push(paint.dim(`${pad}    ${k}: ${v}`));
    }
    const resBody = trimBody(ex.response.body, bodyChars);
    if (resBody) lines.push(paint.dim(indentLines(resBody, `${pad}    `)));
  } else if (ex.error) {
    lines.push(paint.dim(`${pad}← no response: ${ex.error.code}: ${ex.error.message}`));
  }
  return lines.join('\n');
}

/**
 * A check's failures: in full (expected, actual, why, source, and the exchange showing it) for failed checks,
 * one line each for warnings and known failures.
 */
function renderFailures(check: CheckResult, paint: Paint, bodyChars: number, mode: { short: boolean; exchanges: boolean }): string[] {
  const lines: string[] = [];
  const pad = '      ';
  const shown = new Set<number>();
  for (const f of check.failures) {
    if (mode.short) {
      lines.push(`${pad}${paint.warn('✗')} ${assertionText(f)} (expected ${show(f.expected)}, got ${show(f.actual)})${f.message ? `: ${f.message}` : ''}`);
      continue;
    }
    lines.push(`${pad}${f.beyondOkta ? paint.warn('✗') : paint.fail('✗')} ${assertionText(f)}`);
    lines.push(`${pad}  expected: ${show(f.expected)}`);
    lines.push(`${pad}  actual:   ${show(f.actual)}`);
    if (f.message) lines.push(`${pad}  why:      ${f.message}`);
    if (f.source) lines.push(`${pad}  source:   ${f.source}`);
    if (f.exchange !== undefined && mode.exchanges && !shown.has(f.exchange) && check.exchanges[f.exchange]) {
      shown.add(f.exchange);
      lines.push(renderExchange(check.exchanges[f.exchange]!, f.exchange, `${pad}  `, paint, bodyChars));
    }
  }
  for (const note of check.notes ?? []) lines.push(`${pad}${paint.dim(`note: ${note}`)}`);
  return lines;
}

/** Column widths of the check lines, from every check the report will show (known before the run starts). */
export interface PrettyLayout {
  idWidth: number;
  titleWidth: number;
}

/** Title width without a known terminal width; and the least a title gets on a narrow terminal. */
const DEFAULT_TITLE_WIDTH = 60;
const MIN_TITLE_WIDTH = 20;
/** What a check line holds besides id and title: "  ✓ ", two gaps of two, and "12345 ms". */
const LINE_OVERHEAD = 4 + 2 + 2 + 8;

/** With `width` (a terminal's columns) the titles take what the ids and times leave of it, else 60 characters. */
export function prettyLayout(checks: readonly { id: string; title: string }[], width?: number): PrettyLayout {
  const idWidth = Math.max(0, ...checks.map((c) => terminalText(c.id).length));
  const room = width !== undefined && width > 0 ? Math.max(MIN_TITLE_WIDTH, width - idWidth - LINE_OVERHEAD) : DEFAULT_TITLE_WIDTH;
  return { idWidth, titleWidth: Math.min(room, Math.max(0, ...checks.map((c) => terminalText(c.title).length))) };
}

function checkLine(check: CheckResult, layout: PrettyLayout, paint: Paint): string {
  const { idWidth, titleWidth } = layout;
  const colour = colourFor(check.status, paint);
  const title = check.title.length > titleWidth ? `${check.title.slice(0, titleWidth - 1)}…` : check.title.padEnd(titleWidth);
  const tail = check.status === 'skipped' ? paint.skip(`skipped: ${check.skipReason ?? ''}`) : paint.dim(`${Math.round(check.ms)} ms`);
  const label = check.status === 'known-failure' ? ` ${paint.warn('(known failure)')}` : check.status === 'warning' ? ` ${paint.warn('(warning)')}` : '';
  return `  ${colour(SYMBOL[check.status])} ${check.id.padEnd(idWidth)}  ${title}  ${tail}${label}`;
}

/**
 * Every string of a value escaped for the terminal (src/common/terminal-text.ts), object keys too: what a server or
 * a suite file wrote is shown, never obeyed. Bodies keep their line breaks; every other string stays on one line.
 */
function terminalSafe<T>(value: T, multiline = false): T {
  if (typeof value === 'string') return terminalText(value, { multiline }) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => terminalSafe(v, multiline)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terminalText(k), terminalSafe(v, multiline || k === 'body')])) as T;
  }
  return value;
}

/**
 * One check as the report shows it: its line, its failures (in full for failed checks, with the exchange that shows
 * them), and with `verbose` every exchange. Printed as the check ends (live output) and by renderPretty.
 */
export function renderCheck(result: CheckResult, layout: PrettyLayout, options: PrettyOptions = {}): string[] {
  const paint = options.paint ?? NO_PAINT;
  const bodyChars = options.bodyChars ?? 800;
  const check = terminalSafe(result);
  const out = [checkLine(check, layout, paint)];
  // With --verbose every exchange follows anyway, so failures do not repeat theirs.
  const mode = { short: check.status !== 'failed', exchanges: !options.verbose };
  if (check.failures.length && check.status !== 'passed') out.push(...renderFailures(check, paint, bodyChars, mode));
  if (options.verbose) check.exchanges.forEach((ex, i) => out.push(renderExchange(ex, i, '      ', paint, bodyChars)));
  return out;
}

/** The first line: version and target. */
function renderHead(target: RunResult['target'], version: string, paint: Paint): string {
  return paint.dim(`scim-check ${terminalText(version)} → ${terminalText(target.url)}${target.embedded ? ' (embedded reference server)' : ''}`);
}

/** The blank line and the title line before a suite's checks. */
function renderSuiteHead(suite: { id: string; title: string }, paint: Paint): string[] {
  return ['', `${paint.bold(terminalText(suite.id))}  ${paint.dim(terminalText(suite.title))}`];
}

function renderCleanup(result: RunResult, paint: Paint): string[] {
  const { removed, left, kept } = result.cleanup;
  const lines: string[] = [];
  if (removed.length) {
    const deactivated = removed.filter((r) => r.how === 'deactivated').length;
    lines.push(paint.dim(`Cleanup: removed ${removed.length} resource${removed.length === 1 ? '' : 's'} created by this run${deactivated ? ` (${deactivated} deactivated: the server does not support DELETE)` : ''}.`));
  }
  if (left.length) {
    lines.push(paint.fail(`Cleanup could not remove ${left.length} resource${left.length === 1 ? '' : 's'}:`));
    for (const l of left) lines.push(`  ${l.resourceType} ${l.id}: ${l.reason}\n    to remove it: ${l.howToRemove}`);
  }
  if (kept.length) {
    lines.push(paint.warn(`Kept (--keep) ${kept.length} resource${kept.length === 1 ? '' : 's'} created by this run:`));
    for (const k of kept) lines.push(`  ${k.resourceType} ${k.id}`);
  }
  return lines;
}

/**
 * One compact line of Okta's SPEC-test steps in Okta's order ("1 ✓ 2 ✓ … 9 ✗ …") with the verdict, so a developer
 * sees at a glance whether an OIN submission would pass. Nothing when the run did not include okta-spec.
 */
function renderOinReadiness(result: RunResult, paint: Paint): string[] {
  const steps = oinSteps(result);
  if (!steps || steps.length === 0) return [];
  const blocking = steps.filter((s) => !s.passed);
  const marks = steps.map(({ step, passed, check }) => `${step} ${passed ? paint.pass('✓') : check.status === 'skipped' ? paint.skip(SYMBOL.skipped) : paint.fail('✗')}`).join('  ');
  const verdict =
    blocking.length === 0
      ? paint.pass(`all ${steps.length} steps of Okta's SPEC test would pass: an OIN submission would pass this test`)
      : paint.fail(`${blocking.length} of ${steps.length} steps of Okta's SPEC test would fail: an OIN submission would fail`);
  const beyond = beyondOktaText(steps);
  return [`${paint.bold('OIN readiness')}  ${verdict}`, `  ${marks}`, ...(beyond ? [paint.dim(`  ${beyond}`)] : []), ''];
}

const FLOW_SYMBOL: Record<FlowVerdict, string> = { works: '✓', fails: '✗', untested: '–' };

/**
 * Entra's provisioning flows in Entra's order, each marked; a failing flow says what it does in Entra and where
 * Microsoft says so. Nothing when the run did not include the entra suite.
 */
function renderEntraReadiness(result: RunResult, paint: Paint): string[] {
  const readiness = entraReadiness(result);
  if (!readiness) return [];
  const colour = { works: paint.pass, fails: paint.fail, untested: paint.skip };
  const lines = [`${paint.bold('Entra readiness')}  ${(readiness.ready ? paint.pass : readiness.flows.some((f) => f.verdict === 'fails') ? paint.fail : paint.warn)(readinessSummary(readiness))}`];
  // The flows as marks, four to a line so the list stays readable in an 80-column terminal.
  for (let i = 0; i < readiness.flows.length; i += 4) {
    lines.push(`  ${readiness.flows.slice(i, i + 4).map((f) => `${colour[f.verdict](FLOW_SYMBOL[f.verdict])} ${f.flow.title}`).join('  ')}`);
  }
  for (const f of readiness.flows.filter((x) => x.verdict === 'fails')) {
    lines.push(`  ${paint.fail('✗')} ${f.flow.title}: ${consequenceText(f)}`);
    lines.push(paint.dim(`      failing: ${f.failing.map((c) => c.id).join(', ')}; source: ${f.flow.source}`));
  }
  return [...lines, ''];
}

/** The last line of every pretty report, exactly "N passed, N failed, N skipped". */
export function summaryLine(result: RunResult): string {
  const c = result.counts;
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

/** `scim-check load`: the per-operation figures as an aligned table. */
function renderLoad(load: LoadSummary, paint: Paint): string[] {
  const { header, rows } = loadTable(load);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [paint.bold('Load'), `  ${paint.dim(line(header))}`, ...rows.map((r) => `  ${line(r)}`), `  ${paint.dim(loadSummaryLine(load))}`];
}

/** Everything after the checks: OIN readiness, cleanup, notes, why the run stopped, time and the summary line. */
function renderTail(unsafe: RunResult, paint: Paint): string[] {
  const result = terminalSafe({ ...unsafe, suites: [] as RunResult['suites'] });
  const out: string[] = [''];
  if (unsafe.load) out.push(...renderLoad(unsafe.load, paint), '');
  out.push(...renderOinReadiness(unsafe, paint));
  out.push(...renderEntraReadiness(unsafe, paint));
  const cleanup = renderCleanup(result, paint);
  if (cleanup.length) out.push(...cleanup, '');
  for (const note of result.notes ?? []) out.push(paint.dim(`Note: ${note}`));
  if (result.fatal) out.push(paint.fail(`Error: ${result.fatal}`));
  if (result.interrupted) out.push(paint.warn(`${result.exitCode === 143 ? 'Terminated (SIGTERM)' : 'Interrupted'}: the remaining checks were not run; what the run created was cleaned up.`));
  if (result.deadlineReached) out.push(paint.fail('The run reached its deadline before every check had run.'));
  const c = result.counts;
  const extras = [c.warnings ? `${c.warnings} warning${c.warnings === 1 ? '' : 's'}` : '', c.knownFailures ? `${c.knownFailures} known failure${c.knownFailures === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  const ran = unsafe.suites.reduce((n, s) => n + s.checks.length, 0);
  out.push(paint.dim(`Ran ${ran} checks in ${(result.ms / 1000).toFixed(2)} s${extras ? ` (${extras})` : ''}`));
  out.push(summaryLine(result));
  return out;
}

/** The human report: per suite one line per check, failure details with transcripts, cleanup, time, summary. */
export function renderPretty(result: RunResult, options: PrettyOptions = {}): string {
  const paint = options.paint ?? NO_PAINT;
  const layout = prettyLayout(result.suites.flatMap((s) => s.checks), options.width);
  const out = [renderHead(result.target, result.tool.version, paint)];
  for (const suite of result.suites) {
    out.push(...renderSuiteHead(suite, paint));
    for (const check of suite.checks) out.push(...renderCheck(check, layout, options));
  }
  out.push(...renderTail(result, paint));
  return `${out.join('\n')}\n`;
}

/** What the runner tells a live report before the first check: the target and every check in report order. */
export interface LivePlan {
  target: RunResult['target'];
  suites: readonly { id: string; title: string; checks: readonly { id: string; title: string }[] }[];
}

export interface LivePretty {
  /** The run passed its first request: print the first line and the first suite's title. */
  start(plan: LivePlan): void;
  /** A check ended: print it now if its suite is the one being shown, else when the suites before it are done. */
  checkDone(check: CheckResult): void;
  /** The run is over: print what is left (or, when it never started, the whole report) and the summary. */
  finish(result: RunResult): void;
}

/**
 * The pretty report printed as the run goes, in the same order and with the same text as renderPretty: each
 * suite's title when its turn comes, each check's lines as it ends. With concurrent suites, later suites' lines are
 * held until the suites before them are done, so the output keeps suite order.
 */
export function livePretty(write: (text: string) => void, options: PrettyOptions = {}): LivePretty {
  const paint = options.paint ?? NO_PAINT;
  let plan: LivePlan | undefined;
  let layout: PrettyLayout = { idWidth: 0, titleWidth: 0 };
  let held: string[][] = [];
  let done: number[] = [];
  let current = 0;
  const emit = (lines: string[]): void => {
    if (lines.length) write(`${lines.join('\n')}\n`);
  };
  /** Prints the current suite's held lines; moves on while the current suite is complete. */
  const advance = (): void => {
    while (plan && current < plan.suites.length) {
      emit(held[current]!);
      held[current] = [];
      if (done[current]! < plan.suites[current]!.checks.length) return;
      current++;
      if (current < plan.suites.length) emit(renderSuiteHead(plan.suites[current]!, paint));
    }
  };
  return {
    start(started) {
      plan = started;
      layout = prettyLayout(started.suites.flatMap((s) => s.checks), options.width);
      held = started.suites.map(() => []);
      done = started.suites.map(() => 0);
      emit([renderHead(started.target, toolVersion(), paint)]);
      if (started.suites.length) emit(renderSuiteHead(started.suites[0]!, paint));
      advance();
    },
    checkDone(check) {
      const index = plan?.suites.findIndex((s) => s.id === check.suite) ?? -1;
      if (index < 0) return;
      held[index]!.push(...renderCheck(check, layout, options));
      done[index]!++;
      if (index === current) advance();
    },
    finish(result) {
      if (!plan) return write(renderPretty(result, options));
      // Suites cut short (none, normally: every planned check reports an end) are printed as they stand.
      while (current < plan.suites.length) {
        emit(held[current]!);
        current++;
        if (current < plan.suites.length) emit(renderSuiteHead(plan.suites[current]!, paint));
      }
      emit(renderTail(result, paint));
    },
  };
}
