/**
 * Rules for values of multi-valued and complex attributes: when two elements are "the same value" (RFC 7644
 * §3.5.2.1: adding a value that is already there changes nothing) and merging sub-attributes with mutability
 * checks. The single-primary rule lives with the elements' lookups (working-list.ts).
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
 * The elements of one multi-valued attribute, bucketed by their identifying value (or, for elements without one,
 * by their content) so that finding "the same value" costs O(1) instead of a scan (adding or removing many
 * members of a large group, or many addresses, stays linear).
 */
export class ElementIndex {
  private readonly buckets = new Map<string, Set<unknown>>();
  /** Elements whose identifying value is null or not a simple value: compared with every query. */
  private readonly unkeyed = new Set<unknown>();

  constructor(
    private readonly def: AttributeDef,
    elements: readonly unknown[] = [],
  ) {
    for (const e of elements) this.add(e);
  }

  add(element: unknown): void {
    const key = this.keyOf(element);
    const bucket = key === undefined ? this.unkeyed : this.buckets.get(key);
    if (bucket) bucket.add(element);
    else this.buckets.set(key as string, new Set([element]));
  }

  /** Forgets an element (before it changes or leaves the list). */
  remove(element: unknown): void {
    const key = this.keyOf(element);
    (key === undefined ? this.unkeyed : this.buckets.get(key))?.delete(element);
  }

  /** An indexed element that denotes the same value as `element` (see sameElement). */
  find(element: unknown): unknown {
    const key = this.keyOf(element);
    if (key !== undefined && !key.startsWith('j:')) {
      for (const e of this.buckets.get(key) ?? []) if (sameElement(this.def, e, element)) return e;
      return undefined;
    }
    return this.candidates(element).find((e) => sameElement(this.def, e, element));
  }

  /** Every indexed element that denotes the same value as `element`. */
  findAll(element: unknown): unknown[] {
    const key = this.keyOf(element);
    if (key !== undefined && !key.startsWith('j:')) {
      const found: unknown[] = [];
      for (const e of this.buckets.get(key) ?? []) if (sameElement(this.def, e, element)) found.push(e);
      return found;
    }
    return this.candidates(element).filter((e) => sameElement(this.def, e, element));
  }

  private candidates(element: unknown): unknown[] {
    const key = this.keyOf(element);
    if (key === undefined) return [...this.unkeyed, ...[...this.buckets.values()].flatMap((b) => [...b])];
    const bucket = [...(this.buckets.get(key) ?? [])];
    // An element without a value equals another only by content, which an unkeyed (null-valued) one may share.
    return key.startsWith('j:') ? [...bucket, ...this.unkeyed] : bucket;
  }

  /** Elements only match when their keys are equal, so a keyed element is compared within its bucket only. */
  private keyOf(element: unknown): string | undefined {
    if (this.def.type !== 'complex') return simpleKey(this.def, element);
    if (!isPlainObject(element)) return undefined;
    const sub = findAttr(this.def.subAttributes, 'value');
    const v = sub ? own(element, sub.name) : undefined;
    if (v === undefined) {
      // No identifying value: the same value means the same content (sameElement), whatever the key order.
      const content = compact(element);
      return `j:${JSON.stringify(Object.keys(content).sort().map((k) => [k, content[k]]))}`;
    }
    return simpleKey(sub!, v);
  }
}

function simpleKey(def: AttributeDef, v: unknown): string | undefined {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  return typeof v === 'string' ? `s:${def.caseExact ? v : v.toLowerCase()}` : `${typeof v}:${String(v)}`;
}

/** The entries of `patch` that differ from `current` (so "BJensen@Example.com" re-added over "bjensen@example.com" changes nothing). */
export function differences(def: AttributeDef, current: ComplexValue, patch: ComplexValue): ComplexValue {
  const out: ComplexValue = {};
  for (const [key, next] of Object.entries(patch)) {
    const sub = findAttr(def.subAttributes, key);
    if (!sub || !sameSimple(sub, own(current, sub.name), next)) out[key] = next;
  }
  return out;
}
