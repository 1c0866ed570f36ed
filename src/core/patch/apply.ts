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
import { assertRemovable, assertWritable, differences, mergeComplex, own } from './multi-valued.js';
import { PATCH_LIMITS, inOperation } from './normalize.js';
import type { NormalizedOperation, PatchOptions, PatchResult, PatchTarget } from './types.js';
import { type ComplexValue, compact, excerpt, isPlainObject, simpleValue } from './values.js';
import { WorkingList, equalityKey } from './working-list.js';

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

  constructor(
    source: ScimResource,
    private readonly maxValues = Infinity,
  ) {
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

  /** Working lists of the multi-valued attributes operations reached, per holder object and attribute name. */
  private readonly lists = new Map<Holder, Map<string, WorkingList>>();
  /** Elements reached through value filters and sub-attribute paths so far (see PATCH_LIMITS.maxValuesReached). */
  private reached = 0;

  /** Counts `count` more elements reached on `def`; past the limit the request is refused (400 tooMany). */
  reach(def: AttributeDef, count: number): void {
    this.reached += count;
    if (this.reached <= PATCH_LIMITS.maxValuesReached) return;
    throw badRequest(
      `this PATCH reaches more than ${PATCH_LIMITS.maxValuesReached} values through value filters and sub-attribute paths ` +
        `(this server's limit; "${def.name}" was being worked on): send it in smaller parts`,
      'tooMany',
    );
  }

  /** The working list of a multi-valued attribute, kept across operations (its value made the draft's own first). */
  list(holder: Holder, def: AttributeDef): WorkingList {
    let byName = this.lists.get(holder);
    if (!byName) this.lists.set(holder, (byName = new Map()));
    const current = own(holder, def.name);
    const cached = byName.get(def.name);
    if (cached && (cached.items === current || (current === undefined && cached.items.length === 0))) return cached;
    this.claim(holder, def.name);
    const value = own(holder, def.name);
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    const work = new WorkingList(def, items);
    byName.set(def.name, work);
    return work;
  }

  /** Stores a working list's elements, unassigning the attribute when none are left (RFC 7644 §3.5.2.2). */
  store(holder: Holder, work: WorkingList): void {
    // Only growth is refused: a resource stored with more values (before the limit) can still be trimmed.
    if (work.items.length > this.maxValues && work.items.length > work.initialLength) {
      throw badRequest(`"${work.def.name}" may hold at most ${this.maxValues} values (this server's limit), this PATCH would leave ${work.items.length}`, 'invalidValue');
    }
    this.owned.add(work.items);
    if (work.items.length > 0) holder[work.def.name] = work.items;
    else if (own(holder, work.def.name) !== undefined) unassign(holder, work.def);
  }
}

export function applyOperations(
  resource: ScimResource,
  operations: readonly NormalizedOperation[],
  model: ResourceModel,
  options: PatchOptions = {},
): PatchResult {
  const draft = new Draft(resource, options.maxValues);
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
  if (target.def.multiValued) {
    if (target.filter) applyFiltered(draft, holder, target, target.filter, op, options);
    else if (target.sub) applyToSubOfEach(draft, holder, target.def, target.sub, op);
    else applyToList(draft, holder, target.def, op);
    return;
  }
  draft.claim(holder, target.def.name);
  if (target.sub) applyToSub(holder, target.def, target.sub, op);
  else applyToWhole(holder, target.def, op);
}

function unassign(holder: Holder, def: AttributeDef): void {
  const current = own(holder, def.name);
  assertRemovable(def, current);
  delete holder[def.name];
}

/** An operation on a whole multi-valued attribute: `emails`, `members`. */
function applyToList(draft: Draft, holder: Holder, def: AttributeDef, op: NormalizedOperation): void {
  const value = op.value;
  const work = draft.list(holder, def);
  if (op.op === 'remove' && Array.isArray(value)) {
    // Entra: remove members with a value array removes just those members.
    const gone = new Set<unknown>();
    for (const removal of value) for (const e of work.findAll(removal)) gone.add(e);
    work.remove(gone);
    return draft.store(holder, work);
  }
  if (op.op === 'remove' || value === null || value === undefined) {
    unassign(holder, def);
    return work.reset([]);
  }
  const elements = value as unknown[];
  if (op.op === 'add') {
    addElements(work, elements);
  } else {
    const list = elements.map((e) => (isPlainObject(e) ? { ...e } : e));
    work.reset(list);
    work.enforceSinglePrimary(list);
  }
  draft.store(holder, work);
}

/**
 * Adds elements in place, deduplicating: an element that is already there is merged into the existing one
 * instead of being appended (RFC 7644 §3.5.2.1).
 */
function addElements(work: WorkingList, additions: readonly unknown[]): void {
  const def = work.def;
  const touched: unknown[] = [];
  for (const addition of additions) {
    const existing = work.find(addition);
    if (existing === undefined) {
      const copy = isPlainObject(addition) ? { ...addition } : addition;
      work.append(copy);
      touched.push(copy);
    } else {
      const diff = isPlainObject(existing) && isPlainObject(addition) ? differences(def, existing, addition) : {};
      if (Object.keys(diff).length > 0) work.change(existing, () => mergeComplex(def, existing as ComplexValue, diff, true));
      touched.push(existing);
    }
  }
  work.enforceSinglePrimary(touched);
}

/** An operation on a whole single-valued attribute: `active`, `name`. */
function applyToWhole(holder: Holder, def: AttributeDef, op: NormalizedOperation): void {
  const value = op.value;
  if (op.op === 'remove' || value === null || value === undefined) return unassign(holder, def);
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

/** `name.givenName`: a sub-attribute of a single-valued complex attribute. */
function applyToSub(holder: Holder, def: AttributeDef, sub: AttributeDef, op: NormalizedOperation): void {
  const current = own(holder, def.name);
  const complex: ComplexValue = isPlainObject(current) ? current : {};
  writeSub(complex, sub, subValue(op));
  if (Object.keys(complex).length === 0) delete holder[def.name];
  else holder[def.name] = complex;
}

/** `emails.display`: the sub-attribute of every element of a multi-valued attribute. */
function applyToSubOfEach(draft: Draft, holder: Holder, def: AttributeDef, sub: AttributeDef, op: NormalizedOperation): void {
  const value = subValue(op);
  const work = draft.list(holder, def);
  if (work.items.length === 0 && value !== null) work.append({});
  const elements = work.items.filter(isPlainObject);
  draft.reach(def, elements.length);
  for (const element of elements) work.change(element, () => writeSub(element, sub, value));
  work.enforceSinglePrimary(sub.name === 'primary' ? elements : []);
  if (value === null) dropEmpty(work, elements);
  draft.store(holder, work);
}

/** Removes those of `elements` that an operation left without any sub-attribute. */
function dropEmpty(work: WorkingList, elements: readonly unknown[]): void {
  work.remove(new Set(elements.filter((e) => isPlainObject(e) && Object.keys(e).length === 0)));
}

/**
 * The elements a value filter selects, in no particular order. Equality terms on one sub-attribute
 * (`members[value eq "x"]`, `emails[type eq "work"]`, also joined by `or`, or one side of an `and`) are looked up;
 * other filters test every element. Either way the elements reached count towards PATCH_LIMITS.maxValuesReached.
 */
function selectElements(draft: Draft, work: WorkingList, target: AttributeTarget, filter: Filter): ComplexValue[] {
  const matches = (e: unknown): e is ComplexValue => isPlainObject(e) && target.matches?.(e) === true;
  const terms = equalityTerms(work.def, filter);
  const candidates = terms ? work.withSubValues(terms.sub, terms.keys) : work.items;
  draft.reach(work.def, candidates.length);
  // Equality keys follow the sub-attribute's comparison rules, so a filter of nothing but eq terms needs no re-test.
  return terms?.exact ? candidates.filter(isPlainObject) : candidates.filter(matches);
}

/**
 * The sub-attribute and equality keys a filter's `eq` terms select by, when every match must have one of them;
 * `exact` when the filter is nothing but those terms.
 */
function equalityTerms(def: AttributeDef, filter: Filter): { sub: AttributeDef; keys: string[]; exact: boolean } | undefined {
  switch (filter.kind) {
    case 'compare': {
      if (filter.op !== 'eq' || filter.value === null || filter.path.uri !== undefined || filter.path.sub !== undefined) return undefined;
      const sub = findAttr(def.subAttributes, filter.path.attr);
      const key = sub && equalityKey(sub, filter.value);
      return sub && key !== undefined ? { sub, keys: [key], exact: true } : undefined;
    }
    case 'or': {
      const left = equalityTerms(def, filter.left);
      const right = left && equalityTerms(def, filter.right);
      if (!left || !right || left.sub !== right.sub) return undefined;
      return { sub: left.sub, keys: [...left.keys, ...right.keys], exact: left.exact && right.exact };
    }
    case 'and': {
      const side = equalityTerms(def, filter.left) ?? equalityTerms(def, filter.right);
      return side && { ...side, exact: false };
    }
    default:
      return undefined;
  }
}

/** `members[value eq "x"]`, `emails[type eq "work"].value`: operates on the elements the filter selects. */
function applyFiltered(draft: Draft, holder: Holder, target: AttributeTarget, filter: Filter, op: NormalizedOperation, options: PatchOptions): void {
  const { def, sub } = target;
  const work = draft.list(holder, def);
  const matched = selectElements(draft, work, target, filter);

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
    addElements(work, [compact(created)]);
    return draft.store(holder, work);
  }

  if (sub) {
    const value = subValue(op);
    for (const element of matched) work.change(element, () => writeSub(element, sub, value));
    work.enforceSinglePrimary(sub.name === 'primary' ? matched : []);
  } else if (op.op === 'remove' || op.value === null) {
    work.remove(new Set(matched));
    return draft.store(holder, work);
  } else if (op.op === 'add') {
    for (const element of matched) work.change(element, () => mergeComplex(def, element, op.value as ComplexValue));
    work.enforceSinglePrimary(matched);
  } else {
    // replace through a filter replaces each selected element as a whole (RFC 7644 §3.5.2.3); the draft owns
    // the elements, so each is rewritten in place.
    const replacement = compact(op.value as ComplexValue);
    for (const element of matched) {
      work.change(element, () => {
        for (const key of Object.keys(element)) delete element[key];
        Object.assign(element, replacement);
      });
    }
    work.enforceSinglePrimary(matched);
  }
  dropEmpty(work, matched);
  draft.store(holder, work);
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
