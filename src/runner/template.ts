import { randomInt, randomUUID } from 'node:crypto';
import { CheckError, ConfigError } from './errors.js';

/** What `{{…}}` placeholders resolve against (see suite-format.ts for the rules). */
export interface TemplateContext {
  /** Captures and suite variables (captures overwrite variables of the same name). */
  vars: Map<string, unknown>;
  prefix: string;
  domain: string;
  baseUrl: string;
  /** True when requests go over https:// with the certificate verified (not --insecure). */
  tlsVerified?: boolean;
  /** The Retry-After values of every 429 the run has received so far ("(missing)" when a 429 had none), shared by its suites. */
  rateLimits?: string[];
  /** How the run authenticates: "bearer", "basic", "oauth2", "header" (an Authorization given with --header) or "none". */
  authScheme?: string;
  /** The run's burst size (--burst; default 10) and spread (--burst-spread; default 0 ms = all at once). */
  burst?: number;
  burstSpreadMs?: number;
  /** Inside a burst step: this request's position and, with `each`, its element. */
  burstRequest?: { index: number; item?: unknown };
}

export const DEFAULT_BURST = 10;

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';

function randomFrom(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

type BuiltIn = { arg: 'none' | 'count' | 'var' };
const BUILT_INS: Record<string, BuiltIn> = {
  $prefix: { arg: 'none' },
  $domain: { arg: 'none' },
  $baseUrl: { arg: 'none' },
  $tlsVerified: { arg: 'none' },
  $authScheme: { arg: 'none' },
  $retryAfters: { arg: 'none' },
  $braces: { arg: 'none' },
  $uuid: { arg: 'none' },
  $digits: { arg: 'count' },
  $lower: { arg: 'count' },
  $upper: { arg: 'count' },
  $upperOf: { arg: 'var' },
  $lowerOf: { arg: 'var' },
  $burst: { arg: 'none' },
  $burstTiming: { arg: 'none' },
  $index: { arg: 'none' },
  $item: { arg: 'none' },
  $caseVariantOf: { arg: 'var' },
  $membersOf: { arg: 'var' },
  $memberRemovalsOf: { arg: 'var' },
};

/** "at once", or "within N ms" when the burst's starts are spread. */
export function burstTiming(spreadMs: number | undefined): string {
  return spreadMs ? `within ${spreadMs} ms` : 'at once';
}

/** The n-th case form of a text: as is, UPPER, lower, then letters alternating in case (from upper, from lower). */
export function caseVariant(text: string, n: number): string {
  switch (n % 5) {
    case 0:
      return text;
    case 1:
      return text.toUpperCase();
    case 2:
      return text.toLowerCase();
    default: {
      let upper = n % 5 === 3;
      let out = '';
      for (const ch of text) {
        const changed = upper ? ch.toUpperCase() : ch.toLowerCase();
        if (changed !== ch.toLowerCase() || changed !== ch.toUpperCase()) upper = !upper;
        out += changed;
      }
      return out;
    }
  }
}

function inBurst(ctx: TemplateContext, expr: string): { index: number; item?: unknown } {
  if (!ctx.burstRequest) throw new CheckError(`{{${expr}}} is only defined inside a burst step`);
  return ctx.burstRequest;
}

/** Splits "$digits:3" into its name and argument, and checks the built-in exists with a valid argument. */
function parseBuiltIn(expr: string): { name: string; arg: string | undefined } {
  const colon = expr.indexOf(':');
  const name = colon < 0 ? expr : expr.slice(0, colon);
  const arg = colon < 0 ? undefined : expr.slice(colon + 1).trim();
  const def = BUILT_INS[name];
  if (!def) throw new ConfigError(`unknown built-in {{${expr}}} (known: ${Object.keys(BUILT_INS).join(', ')})`);
  if (def.arg === 'none' && arg !== undefined) throw new ConfigError(`{{${expr}}} takes no argument`);
  if (def.arg === 'count' && !(arg && /^\d{1,3}$/.test(arg))) throw new ConfigError(`{{${expr}}} needs a length, e.g. {{${name}:4}}`);
  if (def.arg === 'var' && !arg) throw new ConfigError(`{{${expr}}} needs a variable name, e.g. {{${name}:userName}}`);
  return { name, arg };
}

function lookup(name: string, ctx: TemplateContext): unknown {
  if (!ctx.vars.has(name)) throw new CheckError(`variable {{${name}}} has no value (was its capture made?)`);
  return ctx.vars.get(name);
}

/** The value of one placeholder expression (without braces). */
function resolveExpression(expr: string, ctx: TemplateContext): unknown {
  if (!expr.startsWith('$')) return lookup(expr, ctx);
  const { name, arg } = parseBuiltIn(expr);
  switch (name) {
    case '$prefix':
      return ctx.prefix;
    case '$domain':
      return ctx.domain;
    case '$baseUrl':
      return ctx.baseUrl;
    case '$tlsVerified':
      return ctx.tlsVerified === true;
    case '$authScheme':
      return ctx.authScheme ?? 'none';
    case '$retryAfters':
      return (ctx.rateLimits ?? []).join(',');
    case '$braces':
      return '{{';
    case '$uuid':
      return randomUUID();
    case '$digits':
      return randomFrom(DIGITS, Number(arg));
    case '$lower':
      return randomFrom(LOWER, Number(arg));
    case '$upper':
      return randomFrom(UPPER, Number(arg));
    case '$upperOf':
      return String(lookup(arg!, ctx)).toUpperCase();
    case '$burst':
      return ctx.burst ?? DEFAULT_BURST;
    case '$burstTiming':
      return burstTiming(ctx.burstSpreadMs);
    case '$index':
      return inBurst(ctx, expr).index;
    case '$item': {
      const request = inBurst(ctx, expr);
      if (!('item' in request)) throw new CheckError('{{$item}} needs a burst with "each"');
      return request.item;
    }
    case '$membersOf': {
      const ids = lookup(arg!, ctx);
      if (!Array.isArray(ids)) throw new CheckError(`{{${expr}}} needs a list of ids (e.g. captured with each.body.id)`);
      return ids.map((value) => ({ value }));
    }
    case '$memberRemovalsOf': {
      // Okta's shape for membership removals: one remove operation per member, each with a value filter path.
      const ids = lookup(arg!, ctx);
      if (!Array.isArray(ids)) throw new CheckError(`{{${expr}}} needs a list of ids (e.g. captured with each.body.id)`);
      return ids.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(String(id))}]` }));
    }
    case '$caseVariantOf':
      return caseVariant(String(lookup(arg!, ctx)), inBurst(ctx, expr).index);
    default: // $lowerOf
      return String(lookup(arg!, ctx)).toLowerCase();
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Expands the placeholders of one string. A string that is exactly one placeholder keeps the value's JSON type;
 * otherwise values are joined as text, each passed through `encode` (used for URL paths).
 */
export function expandString(text: string, ctx: TemplateContext, encode?: (s: string) => string): unknown {
  const whole = WHOLE.exec(text);
  if (whole && !encode) return resolveExpression(whole[1]!, ctx);
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (_, expr: string) => {
    const value = asText(resolveExpression(expr, ctx));
    return encode ? encode(value) : value;
  });
}

/** Expands a string to text (for headers, query values, paths). */
export function expandText(text: string, ctx: TemplateContext, encode?: (s: string) => string): string {
  return asText(expandString(text, ctx, encode));
}

/** Expands every string inside a JSON value; object keys are expanded to text (e.g. a discovered extension URN). */
export function expandDeep(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return expandString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => expandDeep(v, ctx));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.includes('{{') ? expandText(k, ctx) : k] = expandDeep(v, ctx);
    return out;
  }
  return value;
}

/**
 * The variable names a value refers to (built-ins excluded, but their variable arguments included). Throws
 * ConfigError for an unknown or malformed built-in, so suite files fail at load time, not mid-run.
 */
export function templateNames(value: unknown): string[] {
  const names: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(PLACEHOLDER)) {
        const expr = m[1]!;
        if (!expr.startsWith('$')) names.push(expr);
        else {
          const { name, arg } = parseBuiltIn(expr);
          if (BUILT_INS[name]!.arg === 'var') names.push(arg!);
        }
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        visit(key);
        visit(inner);
      }
    }
  };
  visit(value);
  return names;
}

/**
 * A check's title or description as reported: {{$burst}} and {{$burstTiming}} replaced by the run's values (the
 * defaults when none given), so "{{$burst}} simultaneous creates" reads "10 simultaneous creates".
 */
export function displayText(text: string, run: { burst?: number; burstSpreadMs?: number } = {}): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{\s*\$burst\s*\}\}/g, String(run.burst ?? DEFAULT_BURST)).replace(/\{\{\s*\$burstTiming\s*\}\}/g, burstTiming(run.burstSpreadMs));
}
