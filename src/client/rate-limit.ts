/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */

/** Milliseconds to wait, or undefined when the header is missing or unusable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the HTTP-date forms count; Date.parse alone would also accept "5" or "tomorrow"-like strings.
  if (!/[a-z]{3},?\s/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RateLimitState {
  /** The Retry-After header of the 429, as received. */
  retryAfter: string | null | undefined;
  retriesSoFar: number;
  waitedSoFarMs: number;
  maxRetries: number;
  maxWaitMs: number;
  /** Time left before the run deadline (Infinity without one). */
  untilDeadlineMs: number;
}

/** Whether to wait out a 429 (Okta waits Retry-After, §1.5 of the IdP notes), and what to say if not. */
export function rateLimitDecision(state: RateLimitState): { waitMs: number } | { giveUp: string } {
  const waitMs = parseRetryAfter(state.retryAfter);
  const shown = state.retryAfter ?? '';
  if (waitMs === undefined) {
    return { giveUp: `429 without a usable Retry-After (${shown || 'missing'}); Okta would wait 5 minutes; not retried` };
  }
  if (state.retriesSoFar >= state.maxRetries) return { giveUp: `429 again after ${state.retriesSoFar} retries; giving up` };
  if (state.waitedSoFarMs + waitMs > state.maxWaitMs || waitMs >= state.untilDeadlineMs) {
    return { giveUp: `429 with Retry-After ${shown} (${waitMs} ms): longer than the ${state.maxWaitMs} ms wait bound or the deadline; not retried` };
  }
  return { waitMs };
}
