/**
 * Applies NormalizedOperations to a copy of a resource (RFC 7644 §3.5.2.1–3). Every operation either
 * succeeds or throws a ScimError; since only the copy is touched, a failure leaves the input as it was.
 * The copy is made on write: the result shares every value no operation touched with the input (so deactivating
 * a user does not deep-copy the whole user); neither is ever modified in place afterwards by this engine.
 */
import type { Filter } from '../filter/ast.js';
import { badRequest } from '../scim-error.js';
import { type ResourceModel, findAttr } from '../schema/resolve.js';
import type { AttributeDef, ScimResource } from '../schema/types.js';
import { jsonEqual } from './equal.js';
import { enforceImmutable, hasImmutable } from './immutable.js';
import { ElementIndex, addElements, assertRemovable, assertWritable, enforceSinglePrimary, mergeComplex, own } from './multi-valued.js';
import { inOperation } from './normalize.js';
import type { NormalizedOperation, PatchOptions, PatchResult, PatchTarget } from './types.js';
import { type ComplexValue, compact, excerpt, isPlainObject, simpleValue } from './values.js';

type AttributeTarget = Extract<PatchTarget, { kind: 'attribute' }>;
type Holder = Record<string, unknown>;

/**
 * A copy-on-write copy of a resource: the top level is copied at once; an extension object, and an attribute's
 * value, are copied only when an operation first reaches them, after which operations may change them in place.
 */
class Draft {
  readonly resource: ScimResource;
  /** Objects and arrays that belong to the draft (copies), as opposed to ones still shared with the input. */
  private readonly owned = new Set<unknown>();

  constructor(source: ScimResource) {
    this.resource = { ...source };
  }

  /** The object an attribute is stored in: the resource itself, or its extension object (copied or created). */
  holder(container: string | null): Holder {
    if (container === null) return this.resource;
    const existing = own(this.resource, container);
    if (isPlainObject(existing) && this.owned.has(existing)) return existing;
    const copy: Holder = isPlainObject(existing) ? { ...existing } : {};
    this.owned.add(copy);
    this.resource[container] = copy;
    return copy;
  }

  /** Makes the value of `name` in `holder` the draft's own (deep) copy before an operation changes it in place. */
  claim(holder: Holder, name: string): void {
    const value = own(holder, name);
    if (typeof value !== 'object' || value === null || this.owned.has(value)) return;
    const copy = structuredClone(value);
    this.owned.add(copy);
    holder[name] = copy;
  }
}

export function applyOperations(
  resource: ScimResource,
  operations: readonly NormalizedOperation[],
  model: ResourceModel,
  options: PatchOptions = {},
): PatchResult {
  const draft = new Draft(resource);
  for (const op of operations) inOperation(op.index, () => applyOne(draft, op, options));
  const out = draft.resource;
  // Whatever path the operations took (a whole list replaced, an element replaced through a filter), an
  // immutable value that was set must come out unchanged.
  if (hasImmutable(model)) enforceImmutable(model, resource, out, false);
  syncExtensions(resource, out, model);
  // Untouched values are the input's own, so this compares only what the operations reached.
  return { resource: out, changed: !jsonEqual(resource, out) };
}

function applyOne(draft: Draft, op: NormalizedOperation, options: PatchOptions): void {
  const target = op.target;
  if (target.kind === 'extension') {
    // Only remove reaches here: normalization expands add/replace of an extension object per attribute.
    const stored = own(draft.resource, target.schema.id);
    if (stored === undefined) return;
    for (const def of target.schema.attributes) if (isPlainObject(stored) && own(stored, def.name) !== undefined) assertRemovable(def, stored[def.name]);
    delete draft.resource[target.schema.id];
    return;
  }
  const holder = draft.holder(target.container);
  draft.claim(holder, target.def.name);
  if (target.filter) applyFiltered(holder, target, target.filter, op, options);
  else if (target.sub) applyToSub(holder, target, target.sub, op);
  else applyToWhole(holder, target.def, op);
}

const listOf = (holder: Holder, def: AttributeDef): unknown[] => {
  const current = own(holder, def.name);
  return Array.isArray(current) ? current : current === undefined ? [] : [current];
};

/** Stores a list, unassigning the attribute when it becomes empty (RFC 7644 §3.5.2.2). */
function storeList(holder: Holder, def: AttributeDef, list: unknown[]): void {
  if (list.length > 0) holder[def.name] = list;
  else if (own(holder, def.name) !== undefined) unassign(holder, def);
}

function unassign(holder: Holder, def: AttributeDef): void {
  const current = own(holder, def.name);
  assertRemovable(def, current);
  delete holder[def.name];
}

/** An operation on a whole attribute: `active`, `name`, `emails`, `members`. */
function applyToWhole(holder: Holder, def: AttributeDef, op: NormalizedOperation): void {
  const value = op.value;
  if (op.op === 'remove') {
    if (Array.isArray(value)) {
      // Entra: remove members with a value array removes just those members.
      const removals = new ElementIndex(def, value);
      storeList(holder, def, listOf(holder, def).filter((e) => removals.find(e) === undefined));
    } else {
      unassign(holder, def);
    }
    return;
  }
  if (value === null || value === undefined) return unassign(holder, def);
  if (def.multiValued) {
    const elements = value as unknown[];
    if (op.op === 'add') {
      const list = listOf(holder, def);
      addElements(def, list, elements);
      storeList(holder, def, list);
    } else {
      const list = elements.map((e) => (isPlainObject(e) ? { ...e } : e));
      enforceSinglePrimary(def, list, list);
      storeList(holder, def, list);
    }
    return;
  }
  const current = own(holder, def.name);
  if (def.type === 'complex') {
    // add and replace both merge sub-attributes into a complex value (RFC 7644 §3.5.2.1 and §3.5.2.3).
    const merged: ComplexValue = isPlainObject(current) ? current : {};
    mergeComplex(def, merged, value as ComplexValue);
    if (Object.keys(merged).length === 0) delete holder[def.name];
    else holder[def.name] = merged;
    return;
  }
  assertWritable(def, current, value);
  holder[def.name] = value;
}

/** Sets or unassigns a sub-attribute of one complex value in place. */
function writeSub(element: ComplexValue, sub: AttributeDef, value: unknown): void {
  const current = own(element, sub.name);
  if (value === null || value === undefined) {
    if (current === undefined) return;
    assertRemovable(sub, current);
    delete element[sub.name];
    return;
  }
  assertWritable(sub, current, value);
  element[sub.name] = value;
}

const subValue = (op: NormalizedOperation): unknown => (op.op === 'remove' ? null : op.value);

/** `name.givenName` (single-valued complex) or `emails.display` (every element of a multi-valued one). */
function applyToSub(holder: Holder, target: AttributeTarget, sub: AttributeDef, op: NormalizedOperation): void {
  const { def } = target;
  const value = subValue(op);
  if (!def.multiValued) {
    const current = own(holder, def.name);
    const complex: ComplexValue = isPlainObject(current) ? current : {};
    writeSub(complex, sub, value);
    if (Object.keys(complex).length === 0) delete holder[def.name];
    else holder[def.name] = complex;
    return;
  }
  const list = listOf(holder, def).filter(isPlainObject);
  if (list.length === 0 && value !== null) list.push({});
  for (const element of list) writeSub(element, sub, value);
  enforceSinglePrimary(def, list, sub.name === 'primary' ? list : []);
  storeList(holder, def, list.filter((e) => Object.keys(e).length > 0));
}

/** `members[value eq "x"]`, `emails[type eq "work"].value`: operates on the elements the filter selects. */
function applyFiltered(holder: Holder, target: AttributeTarget, filter: Filter, op: NormalizedOperation, options: PatchOptions): void {
  const { def, sub } = target;
  const list = listOf(holder, def);
  const matched = list.filter((e) => isPlainObject(e) && target.matches?.(e) === true) as ComplexValue[];

  if (matched.length === 0) {
    if (op.op === 'remove') {
      if (options.removeNoMatch === 'ignore') return;
      throw badRequest(`no "${def.name}" value matches ${excerpt(target.text)}`, 'noTarget');
    }
    if (op.op === 'replace' && options.replaceNoMatch !== 'add') {
      throw badRequest(`no "${def.name}" value matches ${excerpt(target.text)}`, 'noTarget');
    }
    if (op.value === null) return;
    // Entra: add (or lenient replace) through a filter that matches nothing creates the element it describes.
    const created = elementFromFilter(def, filter, target.text);
    if (sub) writeSub(created, sub, op.value);
    else mergeComplex(def, created, op.value as ComplexValue);
    addElements(def, list, [compact(created)]);
    storeList(holder, def, list);
    return;
  }

  const selected = new Set<unknown>(matched);
  if (sub) {
    const value = subValue(op);
    for (const element of matched) writeSub(element, sub, value);
    enforceSinglePrimary(def, list, sub.name === 'primary' ? matched : []);
  } else if (op.op === 'remove' || op.value === null) {
    storeList(holder, def, list.filter((e) => !selected.has(e)));
    return;
  } else if (op.op === 'add') {
    for (const element of matched) mergeComplex(def, element, op.value as ComplexValue);
    enforceSinglePrimary(def, list, matched);
  } else {
    // replace through a filter replaces each selected element as a whole (RFC 7644 §3.5.2.3).
    const replacement = compact(op.value as ComplexValue);
    const fresh: ComplexValue[] = [];
    list.forEach((e, i) => {
      if (!selected.has(e)) return;
      const copy = { ...replacement };
      list[i] = copy;
      fresh.push(copy);
    });
    enforceSinglePrimary(def, list, fresh);
  }
  storeList(holder, def, list.filter((e) => !isPlainObject(e) || Object.keys(e).length > 0));
}

/**
 * The element a filter describes, built from its `sub eq value` terms joined by `and`
 * (`phoneNumbers[type eq "mobile"]` → `{type: "mobile"}`); any other filter cannot describe a new element.
 */
function elementFromFilter(def: AttributeDef, filter: Filter, text: string): ComplexValue {
  const element: ComplexValue = {};
  const collect = (f: Filter): boolean => {
    if (f.kind === 'and') return collect(f.left) && collect(f.right);
    if (f.kind !== 'compare' || f.op !== 'eq' || f.path.uri !== undefined || f.path.sub !== undefined) return false;
    const sub = findAttr(def.subAttributes, f.path.attr);
    if (!sub || sub.mutability === 'readOnly') return false;
    if (f.value !== null) element[sub.name] = simpleValue(sub, f.value);
    return true;
  };
  if (!collect(filter)) {
    throw badRequest(`no "${def.name}" value matches ${excerpt(text)}, and its filter does not describe a new value`, 'noTarget');
  }
  return element;
}

/**
 * Drops extension objects left empty and keeps `schemas` in step with the extensions present: an extension
 * that appears gets its URN listed, one that disappears gets it removed (RFC 7643 §3).
 */
function syncExtensions(before: ScimResource, after: ScimResource, model: ResourceModel): void {
  for (const ext of model.extensions) {
    const stored = own(after, ext.id);
    if (isPlainObject(stored) && Object.keys(stored).length === 0) delete after[ext.id];
    const had = own(before, ext.id) !== undefined;
    const has = own(after, ext.id) !== undefined;
    const schemas = own(after, 'schemas');
    if (had === has || !Array.isArray(schemas)) continue;
    // A new array: `schemas` may still be the input's.
    const at = schemas.findIndex((s) => typeof s === 'string' && s.toLowerCase() === ext.id.toLowerCase());
    if (has && at < 0) after['schemas'] = [...schemas, ext.id];
    if (!has && at >= 0) after['schemas'] = schemas.filter((_, i) => i !== at);
  }
}
