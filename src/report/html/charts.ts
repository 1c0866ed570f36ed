import type { CheckStatus, SuiteResult } from '../../runner/results.js';
import type { OperationLatency } from './latency.js';
import { html, type SafeHtml } from './markup.js';

/** Drawing order of a suite bar's segments, worst news last so it sits at the right edge. */
export const STATUS_ORDER: readonly CheckStatus[] = ['passed', 'warning', 'known-failure', 'skipped', 'failed'];

export const STATUS_LABEL: Record<CheckStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  warning: 'warning',
  'known-failure': 'known failure',
};

const LABEL_WIDTH = 250;
const BAR_WIDTH = 480;
const TEXT_GAP = 12;
const VALUE_WIDTH = 230;
const CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + TEXT_GAP + VALUE_WIDTH;
const ROW_HEIGHT = 28;
const BAR_HEIGHT = 16;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Numbers in SVG attributes: finite, two decimals at most. */
function n(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

export function countByStatus(suite: SuiteResult): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { passed: 0, failed: 0, skipped: 0, warning: 0, 'known-failure': 0 };
  for (const check of suite.checks) counts[check.status] += 1;
  return counts;
}

/** One full-width stacked bar per suite: the share of its checks in each status. */
export function suiteBarsSvg(suites: readonly SuiteResult[]): SafeHtml {
  const height = suites.length * ROW_HEIGHT + 8;
  const rows = suites.map((suite, row) => {
    const y = row * ROW_HEIGHT + 4;
    const counts = countByStatus(suite);
    const total = suite.checks.length;
    let x = LABEL_WIDTH;
    const segments = STATUS_ORDER.filter((status) => counts[status] > 0).map((status) => {
      const width = (counts[status] / total) * BAR_WIDTH;
      const segment = html`<rect class="seg seg-${status}" x="${n(x)}" y="${n(y + (ROW_HEIGHT - BAR_HEIGHT) / 2 - 2)}" width="${n(width)}" height="${BAR_HEIGHT}"><title>${suite.title}: ${counts[status]} ${STATUS_LABEL[status]}</title></rect>`;
      x += width;
      return segment;
    });
    const empty = total === 0 ? html`<rect class="seg seg-none" x="${LABEL_WIDTH}" y="${n(y + (ROW_HEIGHT - BAR_HEIGHT) / 2 - 2)}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}"/>` : null;
    const summary = `${counts.passed}/${total} passed${counts.failed ? `, ${counts.failed} failed` : ''}`;
    return html`<g class="suite-row"><text class="label" x="0" y="${n(y + ROW_HEIGHT / 2 + 2)}"><title>${suite.title} (${suite.id})</title>${shorten(suite.title, 36)}</text>${segments}${empty}<text class="value" x="${LABEL_WIDTH + BAR_WIDTH + TEXT_GAP}" y="${n(y + ROW_HEIGHT / 2 + 2)}">${summary}</text></g>`;
  });
  return html`<svg class="chart suite-chart" role="img" aria-label="Checks per suite by status" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" preserveAspectRatio="xMinYMin meet">${rows}</svg>`;
}

/**
 * A log-scale axis from a whole decade up to 1, 2 or 5 × 10^k covering every value: latencies span orders of
 * magnitude (one timeout next to 5 ms reads), and a linear axis would flatten everything but the outlier.
 */
export function logAxis(values: readonly number[]): { lo: number; hi: number; ticks: number[] } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const min = Math.max(0.1, Math.min(...positive, 1));
  const max = Math.max(...positive, 1);
  const loExp = Math.floor(Math.log10(min));
  const decade = (e: number) => Number((10 ** e).toPrecision(1));
  const lo = decade(loExp);
  const topExp = Math.floor(Math.log10(max));
  const hi = [1, 2, 5, 10].map((f) => Number((f * 10 ** topExp).toPrecision(1))).find((v) => v >= max && v > lo) ?? decade(topExp + 1);
  const ticks: number[] = [];
  for (let e = loExp; decade(e) <= hi; e += 1) ticks.push(decade(e));
  if (ticks[ticks.length - 1] !== hi) ticks.push(hi);
  return { lo, hi, ticks };
}

function formatTick(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${Math.round(ms * 10) / 10} ms`;
}

/** Per-operation latency: median bar inside the p95 bar, a tick at the maximum, on a shared log axis. */
export function latencySvg(rows: readonly OperationLatency[]): SafeHtml {
  const axisHeight = 22;
  const height = axisHeight + rows.length * ROW_HEIGHT + 6;
  const axis = logAxis(rows.flatMap((r) => [r.medianMs, r.p95Ms, r.maxMs]));
  const span = Math.log10(axis.hi) - Math.log10(axis.lo);
  const scale = (ms: number) => LABEL_WIDTH + ((Math.log10(Math.min(Math.max(ms, axis.lo), axis.hi)) - Math.log10(axis.lo)) / span) * BAR_WIDTH;
  const ticks = axis.ticks.map((value) => {
    const x = scale(value);
    return html`<line class="grid" x1="${n(x)}" x2="${n(x)}" y1="${axisHeight - 4}" y2="${height - 2}"/><text class="tick" x="${n(x)}" y="${axisHeight - 8}" text-anchor="middle">${formatTick(value)}</text>`;
  });
  const bars = rows.map((row, i) => {
    const y = axisHeight + i * ROW_HEIGHT;
    const barY = y + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const midY = y + ROW_HEIGHT / 2;
    const maxX = scale(row.maxMs);
    const tip = `${row.operation}: ${row.count} request${row.count === 1 ? '' : 's'}${row.errors ? `, ${row.errors} transport error${row.errors === 1 ? '' : 's'}` : ''}; median ${formatMs(row.medianMs)}, p95 ${formatMs(row.p95Ms)}, max ${formatMs(row.maxMs)}`;
    return html`<g class="latency-row"><title>${tip}</title><text class="label mono" x="0" y="${n(midY + 4)}">${shorten(row.operation, 30)}</text><rect class="bar-p95" x="${LABEL_WIDTH}" y="${n(barY)}" width="${n(Math.max(1, scale(row.p95Ms) - LABEL_WIDTH))}" height="${BAR_HEIGHT}"/><rect class="bar-median" x="${LABEL_WIDTH}" y="${n(barY + 3)}" width="${n(Math.max(1, scale(row.medianMs) - LABEL_WIDTH))}" height="${BAR_HEIGHT - 6}"/><line class="tick-max" x1="${n(maxX)}" x2="${n(maxX)}" y1="${n(barY - 2)}" y2="${n(barY + BAR_HEIGHT + 2)}"/><text class="value" x="${LABEL_WIDTH + BAR_WIDTH + TEXT_GAP}" y="${n(midY + 4)}">${formatMs(row.medianMs)} · ${formatMs(row.p95Ms)} · ${formatMs(row.maxMs)} (n=${row.count})</text></g>`;
  });
  return html`<svg class="chart latency-chart" role="img" aria-label="Latency per operation: median, 95th percentile and maximum" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" preserveAspectRatio="xMinYMin meet">${ticks}${bars}</svg>`;
}
