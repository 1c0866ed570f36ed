import type { Exchange } from '../client/exchange.js';
import type { CheckResult, CheckStatus, RunResult } from '../runner/results.js';
import { OIN_PASSING, oinSteps } from './failure-text.js';

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
      lines.push(`${pad}${paint.warn('✗')} ${f.assertion} (expected ${show(f.expected)}, got ${show(f.actual)})${f.message ? `: ${f.message}` : ''}`);
      continue;
    }
    lines.push(`${pad}${paint.fail('✗')} ${f.assertion}`);
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

function checkLine(check: CheckResult, idWidth: number, titleWidth: number, paint: Paint): string {
  const colour = colourFor(check.status, paint);
  const title = check.title.length > titleWidth ? `${check.title.slice(0, titleWidth - 1)}…` : check.title.padEnd(titleWidth);
  const tail = check.status === 'skipped' ? paint.skip(`skipped: ${check.skipReason ?? ''}`) : paint.dim(`${Math.round(check.ms)} ms`);
  const label = check.status === 'known-failure' ? ` ${paint.warn('(known failure)')}` : check.status === 'warning' ? ` ${paint.warn('(warning)')}` : '';
  return `  ${colour(SYMBOL[check.status])} ${check.id.padEnd(idWidth)}  ${title}  ${tail}${label}`;
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
  const blocking = steps.filter((s) => !OIN_PASSING.has(s.check.status));
  const marks = steps.map(({ step, check }) => `${step ?? '·'} ${colourFor(check.status, paint)(SYMBOL[check.status])}`).join('  ');
  const verdict =
    blocking.length === 0
      ? paint.pass(`all ${steps.length} checks of Okta's SPEC test pass: an OIN submission would pass this test`)
      : paint.fail(`${blocking.length} of ${steps.length} checks of Okta's SPEC test do not pass: an OIN submission would fail`);
  return [`${paint.bold('OIN readiness')}  ${verdict}`, `  ${marks}`, ''];
}

/** The last line of every pretty report, exactly "N passed, N failed, N skipped". */
export function summaryLine(result: RunResult): string {
  const c = result.counts;
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

/** The human report: per suite one line per check, failure details with transcripts, cleanup, time, summary. */
export function renderPretty(result: RunResult, options: PrettyOptions = {}): string {
  const paint = options.paint ?? NO_PAINT;
  const bodyChars = options.bodyChars ?? 800;
  const out: string[] = [];
  out.push(paint.dim(`scim-check ${result.tool.version} → ${result.target.url}${result.target.embedded ? ' (embedded reference server)' : ''}`));
  const allChecks = result.suites.flatMap((s) => s.checks);
  const idWidth = Math.max(0, ...allChecks.map((c) => c.id.length));
  const titleWidth = Math.min(60, Math.max(0, ...allChecks.map((c) => c.title.length)));
  for (const suite of result.suites) {
    out.push('');
    out.push(`${paint.bold(suite.id)}  ${paint.dim(suite.title)}`);
    for (const check of suite.checks) {
      out.push(checkLine(check, idWidth, titleWidth, paint));
      // With --verbose every exchange follows anyway, so failures do not repeat theirs.
      const mode = { short: check.status !== 'failed', exchanges: !options.verbose };
      if (check.failures.length && check.status !== 'passed') out.push(...renderFailures(check, paint, bodyChars, mode));
      if (options.verbose) {
        check.exchanges.forEach((ex, i) => out.push(renderExchange(ex, i, '      ', paint, bodyChars)));
      }
    }
  }
  out.push('');
  out.push(...renderOinReadiness(result, paint));
  const cleanup = renderCleanup(result, paint);
  if (cleanup.length) out.push(...cleanup, '');
  for (const note of result.notes ?? []) out.push(paint.dim(`Note: ${note}`));
  if (result.interrupted) out.push(paint.warn('Interrupted: the remaining checks were not run; what the run created was cleaned up.'));
  if (result.deadlineReached) out.push(paint.fail('The run reached its deadline before every check had run.'));
  const c = result.counts;
  const extras = [c.warnings ? `${c.warnings} warning${c.warnings === 1 ? '' : 's'}` : '', c.knownFailures ? `${c.knownFailures} known failure${c.knownFailures === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  out.push(paint.dim(`Ran ${allChecks.length} checks in ${(result.ms / 1000).toFixed(2)} s${extras ? ` (${extras})` : ''}`));
  out.push(summaryLine(result));
  return `${out.join('\n')}\n`;
}
