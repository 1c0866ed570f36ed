/**
 * Immutable attributes (RFC 7643 §2.2 `mutability: immutable`): set when the resource is created or while the
 * attribute has no value, never changed afterwards. RFC 7644 §3.5.1 for a whole-resource write: "If one or more
 * values are already set for the attribute, the input value(s) MUST match, or HTTP status code 400 SHOULD be
 * returned with a scimType error code of mutability. If the service provider has no existing values, the new
 * value(s) SHALL be applied." An immutable value the write leaves out is kept (clearing it would change it).
 *
 * Sub-attributes count too: an immutable sub-attribute of a complex value keeps its value; for a multi-valued
 * attribute it binds each element, which is found again by its identifying value — so elements (group members)
 * can still be added and removed, only an element's immutable parts cannot be changed.
 */
import { badRequest } from '../scim-error.js';
import type { ResourceModel } from '../schema/resolve.js';
import type { AttributeDef, ScimResource } from '../schema/types.js';
import { ElementIndex, own, sameSimple } from './multi-valued.js';
import { type ComplexValue, isPlainObject } from './values.js';

/** An attribute immutability applies to, with where it is stored (null: top level; else its extension URN). */
interface Guarded {
  container: string | null;
  def: AttributeDef;
}

const immutableSubs = (def: AttributeDef): AttributeDef[] => (def.type === 'complex' ? (def.subAttributes ?? []).filter((s) => s.mutability === 'immutable') : []);

const guardedByModel = new WeakMap<ResourceModel, Guarded[]>();

/** The attributes of a model that are immutable or hold immutable sub-attributes (computed once per model). */
function guardedAttributes(model: ResourceModel): Guarded[] {
  let list = guardedByModel.get(model);
  if (!list) {
    const relevant = (def: AttributeDef): boolean => def.mutability === 'immutable' || (def.mutability !== 'readOnly' && immutableSubs(def).length > 0);
    list = [
      ...model.core.attributes.filter(relevant).map((def) => ({ container: null, def })),
      ...model.extensions.flatMap((s) => s.attributes.filter(relevant).map((def) => ({ container: s.id, def }))),
    ];
    guardedByModel.set(model, list);
  }
  return list;
}

/** Whether a model has anything immutable (lets callers skip the check entirely). */
export function hasImmutable(model: ResourceModel): boolean {
  return guardedAttributes(model).length > 0;
}

const changed = (def: AttributeDef): Error => badRequest(`"${def.name}" is immutable and already has a value`, 'mutability');

/** Equality of two values of one attribute (strings compare case-insensitively unless caseExact; lists as sets). */
export function sameValue(def: AttributeDef, a: unknown, b: unknown): boolean {
  if (def.multiValued) {
    const as = Array.isArray(a) ? a : [a];
    const bs = Array.isArray(b) ? b : [b];
    if (as.length !== bs.length) return false;
    const single = { ...def, multiValued: false };
    return as.every((x) => bs.some((y) => sameValue(single, x, y)));
  }
  if (def.type !== 'complex') return sameSimple(def, a, b);
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const sub = (def.subAttributes ?? []).find((s) => s.name === key);
    if (!sub ? a[key] !== b[key] : !sameSimple(sub, own(a, key), own(b, key))) return false;
  }
  return true;
}

/** One complex value with the immutable sub-attributes of `previous` enforced; a new object when one is kept. */
function guardComplex(subs: AttributeDef[], previous: ComplexValue, next: ComplexValue): ComplexValue {
  let out = next;
  for (const sub of subs) {
    const was = own(previous, sub.name);
    if (was === undefined) continue;
    const now = own(next, sub.name);
    if (now === undefined) {
      if (out === next) out = { ...next };
      out[sub.name] = was;
    } else if (!sameSimple(sub, was, now)) {
      throw changed(sub);
    }
  }
  return out;
}

/**
 * The value an attribute takes when a write gives it `next` (undefined: the write leaves it out), given the
 * stored `previous` value. Throws 400 mutability when an immutable value would change.
 */
export function guardedValue(def: AttributeDef, previous: unknown, next: unknown): unknown {
  if (previous === undefined) return next;
  if (def.mutability === 'immutable') {
    if (next === undefined) return previous;
    if (!sameValue(def, previous, next)) throw changed(def);
    return next;
  }
  const subs = immutableSubs(def);
  if (!def.multiValued) {
    if (!isPlainObject(previous)) return next;
    if (next === undefined) {
      const kept = guardComplex(subs, previous, {});
      return Object.keys(kept).length > 0 ? kept : undefined;
    }
    return isPlainObject(next) ? guardComplex(subs, previous, next) : next;
  }
  if (!Array.isArray(next) || !Array.isArray(previous)) return next;
  // Elements are matched by their identifying value: a new element is free, a known one keeps its immutable parts.
  const index = new ElementIndex(def, previous);
  return next.map((element) => {
    const match = isPlainObject(element) ? index.find(element) : undefined;
    return isPlainObject(match) ? guardComplex(subs, match, element as ComplexValue) : element;
  });
}

const holder = (resource: ScimResource, container: string | null): Record<string, unknown> | undefined => {
  if (container === null) return resource;
  const value = own(resource, container);
  return isPlainObject(value) ? value : undefined;
};

/**
 * Enforces immutability on the attributes `next` will hold after a write over `previous` (both in stored form:
 * core attributes at the top level, extension attributes under their URN). Values kept from `previous` are put
 * into `next` (an extension object is created or copied, never modified when shared); throws 400 mutability.
 * `keepOmitted`: a left-out immutable value is kept (PUT); otherwise a left-out value is taken as removed on
 * purpose (PATCH, whose remove rules are checked per operation).
 */
export function enforceImmutable(model: ResourceModel, previous: ScimResource, next: ScimResource, keepOmitted: boolean): void {
  for (const { container, def } of guardedAttributes(model)) {
    const was = holder(previous, container) === undefined ? undefined : own(holder(previous, container)!, def.name);
    if (was === undefined) continue;
    const target = holder(next, container);
    const now = target === undefined ? undefined : own(target, def.name);
    if (now === undefined && !keepOmitted) continue;
    const value = guardedValue(def, was, now);
    if (value === now) continue;
    if (container === null) next[def.name] = value;
    else next[container] = { ...(target ?? {}), [def.name]: value };
  }
}
