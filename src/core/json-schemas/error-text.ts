/** Turns ajv errors into one readable line each: "<JSON pointer>: <what is wrong>, got <what came>". */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { pointerSegment } from './keywords.js';

const MAX_SHOWN = 60;

/** A short, bounded description of a JSON value, for "got …". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array (${value.length} items)`;
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

const list = (values: unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

function hintOf(error: ErrorObject): string | undefined {
  const hint = (error.parentSchema as { scimHint?: unknown } | undefined)?.scimHint;
  return typeof hint === 'string' ? hint : undefined;
}

function message(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  const got = `, got ${describeValue(error.data)}`;
  const hint = hintOf(error);
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? p.type : [p.type];
      return `must be ${types.join(' or ')}${got}`;
    }
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}${got}`;
    case 'enum':
      return `must be one of ${list(p.allowedValues as unknown[])}${got}`;
    case 'format':
      return `must be a valid ${String(p.format)}${got}`;
    case 'pattern':
      return `${hint ?? `must match ${String(p.pattern)}`}${got}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : (error.message ?? 'is too short');
    case 'minimum':
      return `must be >= ${String(p.limit)}${got}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function line(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `${error.instancePath}/${pointerSegment(String((error.params as { missingProperty: string }).missingProperty))}: is required but missing`;
  }
  const hint = hintOf(error);
  const text = message(error);
  const withHint = hint && error.keyword !== 'pattern' ? `${text} (${hint})` : text;
  return `${error.instancePath === '' ? '/' : error.instancePath}: ${withHint}`;
}

/** Readable, de-duplicated lines; the "must match then schema" wrappers of if/then are left out (their cause is listed). */
export function errorLines(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = (errors ?? []).filter((e) => e.keyword !== 'if').map(line);
  return [...new Set(lines)];
}
