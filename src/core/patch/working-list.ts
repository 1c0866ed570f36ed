/**
 * The elements of one multi-valued attribute while a PATCH works on it. Its lookups (elements by identifying
 * value, by a sub-attribute's value for `emails[type eq "work"]`, the primary one) are built at most once per
 * request and kept up to date as operations change elements, so that N operations on an attribute of M values
 * cost about N + M, not N × M.
 */
import { findAttr } from '../schema/resolve.js';
import type { AttributeDef } from '../schema/types.js';
import { badRequest } from '../scim-error.js';
import { ElementIndex, own } from './multi-valued.js';
import { type ComplexValue, isPlainObject } from './values.js';

/** An equality key for a sub-attribute's value, following its comparison rules (caseExact); undefined: not indexable. */
export function equalityKey(sub: AttributeDef, v: unknown): string | undefined {
  if (typeof v === 'string') {
    if (sub.type === 'dateTime' || sub.type === 'boolean') return undefined;
    return `s:${sub.caseExact ? v : v.toLowerCase()}`;
  }
  if (typeof v === 'number' && (sub.type === 'integer' || sub.type === 'decimal')) return `n:${v}`;
  if (typeof v === 'boolean' && sub.type === 'boolean') return `b:${v}`;
  return undefined;
}

export class WorkingList {
  /** The draft's own array of elements, stored in the holder while it is not empty. */
  items: unknown[];
  private identity: ElementIndex | undefined;
  /** Per sub-attribute: elements by equality key (elements without a usable value are not listed). */
  private readonly bySub = new Map<AttributeDef, Map<string, Set<unknown>>>();
  private primaries: Set<unknown> | undefined;
  private readonly primarySub: AttributeDef | undefined;
  /** How many elements the attribute had when the request first reached it. */
  readonly initialLength: number;

  constructor(
    readonly def: AttributeDef,
    items: unknown[],
  ) {
    this.items = items;
    this.initialLength = items.length;
    this.primarySub = def.type === 'complex' ? findAttr(def.subAttributes, 'primary') : undefined;
  }

  /** Replaces every element (a replace of the whole attribute): the lookups are rebuilt when next needed. */
  reset(items: unknown[]): void {
    this.items = items;
    this.identity = undefined;
    this.bySub.clear();
    this.primaries = undefined;
    this.positions.clear();
  }

  /**
   * The first element, in list order, that denotes the same value as `element` (see sameElement), if any. Lookups
   * keep no order once elements change, so ties are broken by the order elements joined the list.
   */
  find(element: unknown): unknown {
    this.identity ??= new ElementIndex(this.def, this.items);
    const all = this.identity.findAll(element);
    if (all.length <= 1) return all[0];
    return all.reduce((first, e) => (this.position(e) < this.position(first) ? e : first));
  }

  /** Positions grow with every element added, so they order elements as the list does (removals keep the order). */
  private readonly positions = new Map<unknown, number>();
  private nextPosition = 0;

  private position(element: unknown): number {
    if (this.positions.size === 0) for (const e of this.items) this.positions.set(e, this.nextPosition++);
    return this.positions.get(element) ?? Infinity;
  }

  /** Every element that denotes the same value as `element`. */
  findAll(element: unknown): unknown[] {
    this.identity ??= new ElementIndex(this.def, this.items);
    return this.identity.findAll(element);
  }

  /** Elements whose sub-attribute `sub` equals one of `keys` (equality keys), in no particular order. */
  withSubValues(sub: AttributeDef, keys: readonly string[]): unknown[] {
    let index = this.bySub.get(sub);
    if (!index) {
      index = new Map();
      this.bySub.set(sub, index);
      for (const e of this.items) addTo(index, sub, e);
    }
    if (keys.length === 1) return [...(index.get(keys[0]!) ?? [])];
    const out = new Set<unknown>();
    for (const key of keys) for (const e of index.get(key) ?? []) out.add(e);
    return [...out];
  }

  append(element: unknown): void {
    this.items.push(element);
    if (this.positions.size > 0) this.positions.set(element, this.nextPosition++);
    this.index(element);
  }

  /** Changes an element in place (through `mutate`) and keeps the lookups right. */
  change(element: unknown, mutate: () => void): void {
    this.unindex(element);
    try {
      mutate();
    } finally {
      this.index(element);
    }
  }

  /** Removes the given elements (one pass over the list; a native search and splice for a few). */
  remove(elements: ReadonlySet<unknown>): void {
    if (elements.size === 0) return;
    if (elements.size <= 4) {
      for (const e of elements) {
        const at = this.items.indexOf(e);
        if (at >= 0) this.items.splice(at, 1);
      }
    } else {
      this.items = this.items.filter((e) => !elements.has(e));
    }
    for (const e of elements) this.unindex(e);
  }

  /**
   * Makes the one of `chosen` that is primary the only primary element (RFC 7644 §3.5.2: the server SHALL set any
   * other primary to false). Two chosen primaries at once are a client error.
   */
  enforceSinglePrimary(chosen: readonly unknown[]): void {
    const sub = this.primarySub;
    if (!sub) return;
    const newPrimaries = chosen.filter((e) => isPrimary(sub, e));
    if (newPrimaries.length > 1) throw badRequest(`at most one "${this.def.name}" value may have "primary": true`, 'invalidValue');
    if (newPrimaries.length === 0) return;
    for (const e of [...this.primaryElements()]) {
      if (e !== newPrimaries[0]) this.change(e, () => ((e as ComplexValue)[sub.name] = false));
    }
  }

  private primaryElements(): Set<unknown> {
    if (!this.primaries) {
      const sub = this.primarySub!;
      this.primaries = new Set(this.items.filter((e) => isPrimary(sub, e)));
    }
    return this.primaries;
  }

  private index(element: unknown): void {
    this.identity?.add(element);
    for (const [sub, index] of this.bySub) addTo(index, sub, element);
    if (this.primaries && isPrimary(this.primarySub!, element)) this.primaries.add(element);
  }

  private unindex(element: unknown): void {
    this.identity?.remove(element);
    for (const [sub, index] of this.bySub) {
      const key = subKey(sub, element);
      if (key !== undefined) index.get(key)?.delete(element);
    }
    this.primaries?.delete(element);
  }
}

const isPrimary = (sub: AttributeDef, e: unknown): boolean => isPlainObject(e) && own(e, sub.name) === true;

const subKey = (sub: AttributeDef, element: unknown): string | undefined =>
  isPlainObject(element) ? equalityKey(sub, own(element, sub.name)) : undefined;

function addTo(index: Map<string, Set<unknown>>, sub: AttributeDef, element: unknown): void {
  const key = subKey(sub, element);
  if (key === undefined) return;
  const bucket = index.get(key);
  if (bucket) bucket.add(element);
  else index.set(key, new Set([element]));
}
