import type { LoadSummary } from '../runner/results.js';
import { formatLatency } from '../runner/loadgen/contracts.js';

/**
 * The figures of a `scim-check load` run, one row per operation, for the text reporters (pretty, markdown): what
 * was sent, successful answers per second, latency percentiles from each request's due time, failures and 429s.
 */
export function loadTable(load: LoadSummary): { header: string[]; rows: string[][] } {
  const header = ['operation', 'sent', 'ok/s', 'p50', 'p95', 'p99', 'max', 'errors', 'timeouts', '429 (Retry-After: with/without; honoured)'];
  const rows = load.operations.map((o) => [
    o.operation,
    String(o.sent),
    String(o.okPerS),
    formatLatency(o.p50Ms),
    formatLatency(o.p95Ms),
    formatLatency(o.p99Ms),
    formatLatency(o.maxMs),
    String(o.errors),
    String(o.timeouts),
    o.throttled ? `${o.throttled} (${o.retryAfterPresent}/${o.retryAfterMissing}; ${o.honoured})` : '0',
  ]);
  return { header, rows };
}

/** One line under the table: offered vs achieved, failures, and how late the generator was. */
export function loadSummaryLine(load: LoadSummary): string {
  return `offered ${load.ratePerS} requests/s for ${load.durationMs / 1000} s (${load.idp} mix): ${load.sent} sent, ${load.okPerS} successful answers/s, ${Math.round(load.failureShare * 1000) / 10} % failed; generator: send lag p99 ${formatLatency(load.sendLagP99Ms)}, ${load.generatorCpuPerRequestUs} µs CPU per request`;
}
