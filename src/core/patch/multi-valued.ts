/**
 * Rules for values of multi-valued and complex attributes: when two elements are "the same value" (RFC 7644
 * §3.5.2.1: adding a value that is already there changes nothing), merging sub-attributes with mutability
 * checks, and the single-primary rule (RFC 7644 §3.5.2: setting primary true SHALL clear the others).
 */
import { ScimError, badRequest } from '../scim-error.js';
import { findAttr } from '../schema/resolve.js';
import type { AttributeDef } from '../schema/types.js';
import { jsonEqual } from './equal.js';
import { type ComplexValue, compact, isPlainObject } from './values.js';

export const own = (obj: Record<string, unknown>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

const mutabilityError = (detail: string): ScimError => badRequest(detail, 'mutability');

/** Equality of two simple values of one attribute: strings compare case-insensitively unless caseExact. */
export function sameSimple(def: AttributeDef, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !def.caseExact) return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/**
 * Whether two elements of a multi-valued attribute denote the same value. Elements with a `value`
 * sub-attribute are identified by it (and by `type` when both carry one), so re-adding a member with another
 * `display`, or Entra's `{"$ref": null, "value": …}`, is recognised as the member already there.
 */
export function sameElement(def: AttributeDef, a: unknown, b: unknown): boolean {
  if (def.type !== 'complex') return sameSimple(def, a, b);
  if (!isPlainObject(a) || !isPlainObject(b)) return jsonEqual(a, b);
  const valueSub = findAttr(def.subAttributes, 'value');
  const va = valueSub && own(a, valueSub.name);
  const vb = valueSub && own(b, valueSub.name);
  if (!valueSub || va === undefined || vb === undefined) return jsonEqual(compact(a), compact(b));
  if (!sameSimple(valueSub, va, vb)) return false;
  const typeSub = findAttr(def.subAttributes, 'type');
  const ta = typeSub && own(a, typeSub.name);
  const tb = typeSub && own(b, typeSub.name);
  return !typeSub || ta === undefined || tb === undefined || sameSimple(typeSub, ta, tb);
}

/** Fails when a sub-attribute (or attribute) about to be unassigned must keep a value. */
export function assertRemovable(def: AttributeDef, current: unknown): void {
  if (def.required) throw mutabilityError(`"${def.name}" is required and cannot be removed`);
  if (def.mutability === 'immutable' && current !== undefined) throw mutabilityError(`"${def.name}" is immutable and cannot be removed`);
}

/** Fails when an immutable attribute that already has a value would get a different one. */
export function assertWritable(def: AttributeDef, current: unknown, next: unknown): void {
  if (def.mutability === 'immutable' && current !== undefined && !jsonEqual(current, next)) {
    throw mutabilityError(`"${def.name}" is immutable and already has a value`);
  }
}

/**
 * Merges `patch` (canonical keys; null = unassign) into the complex value `target` in place (RFC 7644
 * §3.5.2.1/3: sub-attributes not given are left unchanged). With `keepImmutable`, immutable sub-attributes
 * that already have a value are silently kept (used when re-adding an existing element) instead of failing.
 */
export function mergeComplex(def: AttributeDef, target: ComplexValue, patch: ComplexValue, keepImmutable = false): void {
  for (const [key, next] of Object.entries(patch)) {
    const sub = findAttr(def.subAttributes, key);
    if (!sub) continue; // unreachable: patch keys were resolved against the same definition
    const current = own(target, sub.name);
    if (keepImmutable && sub.mutability === 'immutable' && current !== undefined) continue;
    if (next === null) {
      if (current === undefined) continue;
      assertRemovable(sub, current);
      delete target[sub.name];
    } else {
      assertWritable(sub, current, next);
      target[sub.name] = next;
    }
  }
}

/**
 * Makes `chosen` the only primary element when one of them was just set primary (RFC 7644 §3.5.2: the
 * server SHALL set any other primary to false). Two chosen primaries at once are a client error.
 */
export function enforceSinglePrimary(def: AttributeDef, elements: unknown[], chosen: readonly unknown[]): void {
  const primarySub = findAttr(def.subAttributes, 'primary');
  if (!primarySub) return;
  const isPrimary = (e: unknown): boolean => isPlainObject(e) && own(e, primarySub.name) === true;
  const newPrimaries = chosen.filter(isPrimary);
  if (newPrimaries.length > 1) throw badRequest(`at most one "${def.name}" value may have "primary": true`, 'invalidValue');
  if (newPrimaries.length === 0) return;
  for (const e of elements) if (e !== newPrimaries[0] && isPrimary(e)) (e as ComplexValue)[primarySub.name] = false;
}

/**
 * The elements of one multi-valued attribute, bucketed by their identifying value so that finding "the same
 * value" costs O(1) instead of a scan (adding or removing many members of a large group stays linear).
 */
export class ElementIndex {
  private readonly buckets = new Map<string, unknown[]>();
  private readonly unkeyed: unknown[] = [];

  constructor(
    private readonly def: AttributeDef,
    elements: readonly unknown[] = [],
  ) {
    for (const e of elements) this.add(e);
  }

  add(element: unknown): void {
    const key = this.keyOf(element);
    const bucket = key === undefined ? this.unkeyed : this.buckets.get(key);
    if (bucket) bucket.push(element);
    else this.buckets.set(key as string, [element]);
  }

  /** An indexed element that denotes the same value as `element` (see sameElement). */
  find(element: unknown): unknown {
    const key = this.keyOf(element);
    const candidates = key === undefined ? [...this.unkeyed, ...[...this.buckets.values()].flat()] : (this.buckets.get(key) ?? []);
    return candidates.find((e) => sameElement(this.def, e, element));
  }

  /** Elements only match when their keys are equal, so a keyed element is compared within its bucket only. */
  private keyOf(element: unknown): string | undefined {
    const sub = this.def.type === 'complex' ? findAttr(this.def.subAttributes, 'value') : this.def;
    const v = this.def.type === 'complex' ? (sub && isPlainObject(element) ? own(element, sub.name) : undefined) : element;
    if (v === undefined || v === null || typeof v === 'object') return undefined;
    return typeof v === 'string' ? `s:${sub?.caseExact ? v : v.toLowerCase()}` : `${typeof v}:${String(v)}`;
  }
}

/**
 * Adds elements to a multi-valued attribute's list in place, deduplicating: an element that is already there
 * is merged into the existing one instead of being appended. Returns the elements that were added or touched.
 */
export function addElements(def: AttributeDef, list: unknown[], additions: readonly unknown[]): unknown[] {
  const index = new ElementIndex(def, list);
  const touched: unknown[] = [];
  for (const addition of additions) {
    const existing = index.find(addition);
    if (existing === undefined) {
      const copy = isPlainObject(addition) ? { ...addition } : addition;
      list.push(copy);
      index.add(copy);
      touched.push(copy);
    } else {
      if (isPlainObject(existing) && isPlainObject(addition)) mergeComplex(def, existing, differences(def, existing, addition), true);
      touched.push(existing);
    }
  }
  enforceSinglePrimary(def, list, touched);
  return touched;
}

/** The entries of `patch` that differ from `current` (so "BJensen@Example.com" re-added over "bjensen@example.com" changes nothing). */
function differences(def: AttributeDef, current: ComplexValue, patch: ComplexValue): ComplexValue {
  const out: ComplexValue = {};
  for (const [key, next] of Object.entries(patch)) {
    const sub = findAttr(def.subAttributes, key);
    if (!sub || !sameSimple(sub, own(current, sub.name), next)) out[key] = next;
  }
  return out;
}
