/**
 * Checks and coerces PATCH values against attribute definitions (RFC 7643 §2.3 data types), rebuilding every
 * object from the schema's canonical attribute names. Because keys are copied only after they resolve to a
 * schema attribute, no client-chosen key ("__proto__", "constructor", …) can ever land on a stored object.
 */
import { badRequest } from '../scim-error.js';
import { findAttr } from '../schema/resolve.js';
import type { AttributeDef } from '../schema/types.js';

/** A complex value with canonical keys; a null entry means "unassign this sub-attribute" when merged. */
export type ComplexValue = Record<string, unknown>;

// xsd:dateTime (RFC 7643 §2.3.5); no nested quantifiers, so matching is linear.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Client text quoted into an error detail, cut short so a huge value cannot bloat responses and logs. */
export function excerpt(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

function describe(def: AttributeDef, v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  // Never echo a secret (password is writeOnly / returned never) into an error detail.
  if (def.mutability === 'writeOnly' || def.returned === 'never') return `a ${typeof v}`;
  return `${typeof v} ${excerpt(String(v))}`;
}

function invalid(def: AttributeDef, expected: string, raw: unknown) {
  return badRequest(`"${def.name}" must be ${expected}, got ${describe(def, raw)}`, 'invalidValue');
}

/** A value of a simple (non-complex) attribute type, coerced where identity providers send a known variant. */
export function simpleValue(def: AttributeDef, raw: unknown): string | number | boolean {
  switch (def.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      // Entra (without aadOptscim062020) sends "True"/"False"; lowercase variants are reported too.
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      throw invalid(def, 'a boolean', raw);
    case 'integer':
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      throw invalid(def, 'an integer', raw);
    case 'decimal':
      if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
      throw invalid(def, 'a number', raw);
    case 'dateTime':
      if (typeof raw === 'string' && DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw))) return raw;
      throw invalid(def, 'an xsd:dateTime string (e.g. "2026-01-02T03:04:05Z")', raw);
    case 'binary':
      if (typeof raw === 'string' && BASE64.test(raw)) return raw;
      throw invalid(def, 'a base64 string', raw);
    case 'string':
    case 'reference':
      if (typeof raw === 'string') return raw;
      throw invalid(def, 'a string', raw);
    case 'complex':
      throw invalid(def, 'given as a complex value', raw);
  }
}

/**
 * One value of a complex attribute, with canonical sub-attribute names. Null sub-values are kept (they mean
 * "unassign" in a merge); read-only sub-attributes are ignored as RFC 7643 §2.2 says for client-sent values.
 * A bare primitive becomes `{value: …}` when the attribute has a `value` sub-attribute (Entra's manager string).
 */
export function complexValue(def: AttributeDef, raw: unknown, dropNulls = false): ComplexValue {
  if (!isPlainObject(raw)) {
    const valueSub = findAttr(def.subAttributes, 'value');
    if (valueSub && raw !== null && typeof raw !== 'object') return { [valueSub.name]: simpleValue(valueSub, raw) };
    throw invalid(def, 'an object', raw);
  }
  const out: ComplexValue = {};
  for (const key of Object.keys(raw)) {
    const sub = findAttr(def.subAttributes, key);
    if (!sub) throw badRequest(`"${def.name}" has no sub-attribute ${excerpt(key)}`, 'invalidPath');
    if (sub.mutability === 'readOnly') continue;
    const v = raw[key];
    if (v === null || v === undefined) {
      if (!dropNulls) out[sub.name] = null;
      continue;
    }
    out[sub.name] = simpleValue(sub, v);
  }
  return out;
}

/** One value of an attribute (one element, for a multi-valued one). */
export function singleValue(def: AttributeDef, raw: unknown): unknown {
  return def.type === 'complex' ? complexValue(def, raw) : simpleValue(def, raw);
}

/** Drops null entries: the form a complex value takes once it is stored. */
export function compact(value: ComplexValue): ComplexValue {
  const out: ComplexValue = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/**
 * The whole value of an attribute: an array of elements for a multi-valued attribute (a lone element is
 * accepted and wrapped), a single value otherwise (a one-element array is unwrapped: Entra sends manager as
 * `[{value}]`). Returns null for "unassign" (null or an empty array, equivalent per RFC 7643 §2.5; "" for a
 * complex attribute).
 */
export function attributeValue(def: AttributeDef, raw: unknown): unknown {
  if (raw === null) return null;
  if (def.multiValued) {
    const items = Array.isArray(raw) ? raw : [raw];
    const elements = items.filter((v) => v !== null).map((v) => (def.type === 'complex' ? complexValue(def, v, true) : simpleValue(def, v)));
    return elements.length === 0 ? null : elements;
  }
  // Entra clears the manager by sending an empty string for the whole complex value.
  if (def.type === 'complex' && raw === '') return null;
  // One level only, and without recursion: a client value nested 50,000 arrays deep must get a 400, not overflow the stack.
  let value = raw;
  if (Array.isArray(value)) {
    if (value.length !== 1 || Array.isArray(value[0])) throw invalid(def, 'a single value', raw);
    value = value[0];
    if (value === null) return null;
    if (def.type === 'complex' && value === '') return null;
  }
  return singleValue(def, value);
}
