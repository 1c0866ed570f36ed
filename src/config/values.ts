/**
 * Parsers for option values written as text (flags, environment variables, config strings). Each returns the
 * value or a message saying what was expected; the caller adds where the value came from.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds from a number (ms) or text such as "250", "500ms", "30s", "1.5m", "2h". */
export function parseDuration(value: unknown): Parsed<number> {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value > 0 ? ok(value) : fail(`must be a positive whole number of milliseconds (got ${value})`);
  }
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(value).trim());
  const ms = match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!) : NaN;
  return ms > 0 ? ok(ms) : fail(`"${String(value)}" is not a duration (use milliseconds or e.g. "500ms", "30s", "10m")`);
}

export function parsePositiveInteger(value: unknown, max: number): Parsed<number> {
  const number = typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : NaN;
  return Number.isInteger(number) && number >= 1 && number <= max ? ok(number) : fail(`must be a whole number from 1 to ${max} (got "${String(value)}")`);
}

/** Booleans from environment text: 1/true/yes/on and 0/false/no/off. */
export function parseBoolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const text = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return ok(true);
  if (['0', 'false', 'no', 'off', ''].includes(text)) return ok(false);
  return fail(`must be true or false (got "${String(value)}")`);
}

/** A repeatable flag or comma-separated variable: ["a,b", "c"] → ["a", "b", "c"]. */
export function splitList(values: string | readonly string[]): string[] {
  return (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function parseHttpUrl(value: string, what: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`"${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`${what} must be http:// or https:// (got ${url.protocol})`);
  return ok(value);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** "Name: value" (as curl takes it). */
export function parseHeader(text: string): Parsed<[string, string]> {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!HEADER_NAME.test(name)) return fail(`"${text}" is not "Name: value"`);
  return ok([name, text.slice(colon + 1).trim()]);
}

/** "user:password" (split at the first colon: RFC 7617 user-ids cannot hold one). */
export function parseBasic(text: string): Parsed<{ user: string; pass: string }> {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail('must be "user:password"');
  return ok({ user: text.slice(0, colon), pass: text.slice(colon + 1) });
}

export interface ReporterSpec {
  name: string;
  /** Output file; omitted = the terminal (stdout). */
  file?: string;
}

/** "junit=reports/scim.xml" → { name: "junit", file: "reports/scim.xml" }; the name must be a known reporter. */
export function parseReporter(text: string, known: readonly string[]): Parsed<ReporterSpec> {
  const equals = text.indexOf('=');
  const name = (equals < 0 ? text : text.slice(0, equals)).trim();
  const file = equals < 0 ? undefined : text.slice(equals + 1).trim();
  if (!known.includes(name)) return fail(`unknown reporter "${name}" (known: ${known.join(', ')})`);
  if (file === '') return fail(`"${text}" names no file after "="`);
  return ok(file === undefined ? { name } : { name, file });
}
