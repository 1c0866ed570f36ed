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
