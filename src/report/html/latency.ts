import type { Exchange } from '../../client/exchange.js';
import type { RunResult } from '../../runner/results.js';

/** Latency of one operation shape ("GET /Users/{id}") over every exchange of the run. */
export interface OperationLatency {
  operation: string;
  count: number;
  /** Exchanges that ended in a transport error (timeout, reset, …); their time still counts. */
  errors: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Resource endpoints whose second path segment is a resource id. Other segments stay literal. */
const LITERAL_SEGMENTS = new Set(['.search']);

/**
 * The operation an exchange stands for: method plus the path relative to the SCIM base URL, with ids replaced
 * by "{id}" and a filter query marked, e.g. "GET /Users?filter", "PATCH /Groups/{id}".
 */
export function operationShape(method: string, requestUrl: string, baseUrl: string): string {
  let path = requestUrl;
  let hasFilter = false;
  try {
    const url = new URL(requestUrl, baseUrl);
    path = url.pathname;
    hasFilter = url.searchParams.has('filter');
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    if (basePath && (path === basePath || path.startsWith(`${basePath}/`))) path = path.slice(basePath.length);
  } catch {
    path = requestUrl.split('?')[0] ?? requestUrl;
  }
  const segments = path.split('/').filter((s) => s !== '');
  const shaped = segments.map((segment, i) => (i === 0 || LITERAL_SEGMENTS.has(segment) ? segment : '{id}'));
  return `${method.toUpperCase()} /${shaped.join('/')}${hasFilter ? '?filter' : ''}`;
}

/** Nearest-rank percentile of an ascending list (p in 0..100). */
export function percentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sortedAsc.length);
  return sortedAsc[Math.min(sortedAsc.length, Math.max(1, rank)) - 1] ?? 0;
}

export function allExchanges(result: RunResult): Exchange[] {
  return result.suites.flatMap((suite) => suite.checks.flatMap((check) => check.exchanges));
}

/** Per-operation latency over the whole run, ordered by path then method so related operations sit together. */
export function operationLatencies(result: RunResult): OperationLatency[] {
  const groups = new Map<string, { times: number[]; errors: number }>();
  for (const exchange of allExchanges(result)) {
    const operation = operationShape(exchange.request.method, exchange.request.url, result.target.url);
    const group = groups.get(operation) ?? { times: [], errors: 0 };
    group.times.push(Number.isFinite(exchange.ms) ? Math.max(0, exchange.ms) : 0);
    if (exchange.error) group.errors += 1;
    groups.set(operation, group);
  }
  const rows = [...groups].map(([operation, { times, errors }]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      operation,
      count: sorted.length,
      errors,
      medianMs: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      maxMs: sorted[sorted.length - 1] ?? 0,
    };
  });
  const pathOf = (op: string) => op.slice(op.indexOf(' ') + 1);
  return rows.sort((a, b) => pathOf(a.operation).localeCompare(pathOf(b.operation)) || a.operation.localeCompare(b.operation));
}
