/**
 * Latency histogram in bounded memory: log-linear buckets 1 % wide from 10 µs to 10 minutes (~1,800 counters),
 * whatever the number of samples, so a long load run at thousands of requests per second keeps no list of
 * latencies. A percentile is read to within 1 % of the true value; the maximum is kept exactly.
 */
const MIN_US = 10;
const MAX_US = 600_000_000;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_US / MIN_US) / LOG_GROWTH) + 2;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;
  private sumMs = 0;

  record(ms: number): void {
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const us = value * 1000;
    const index = us <= MIN_US ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(us / MIN_US) / LOG_GROWTH));
    this.counts[index]!++;
    this.total++;
    this.sumMs += value;
    if (value > this.maxMs) this.maxMs = value;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  get mean(): number {
    return this.total ? this.sumMs / this.total : 0;
  }

  /** The p-th percentile (0..100) in ms: the upper edge of the bucket holding that rank, never above the maximum. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxMs, i === 0 ? MIN_US / 1000 : (MIN_US * GROWTH ** i) / 1000);
    }
    return this.maxMs;
  }

  /** Adds another histogram's samples (e.g. a per-second window into the whole run). */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.maxMs = 0;
    this.sumMs = 0;
  }
}
