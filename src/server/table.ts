import type { ScimResource } from '../core/schema/types.js';
import { markImmutable } from './serialize.js';
import type { UniqueKey } from './uniqueness.js';

/**
 * One stored resource. `resource` is the stored representation: never modified in place (a write stores a new
 * object), so responses may hand it out as is and its JSON text can be cached.
 */
export interface Entry {
  id: string;
  resource: ScimResource;
  /** Position in the table's insertion order (stable paging). */
  slot: number;
}

/**
 * Resources of one type in insertion order, with lookup by id and by one unique key.
 * Deletions leave holes that are compacted lazily before the next page, so paging never copies the store
 * and the order stays stable (Okta walks 100-item pages and must see no gap or repeat).
 */
export class ResourceTable<E extends Entry = Entry> {
  private readonly byId = new Map<string, E>();
  private readonly byKey = new Map<string, E>();
  /** externalId → its entry, or a set of them when several share it (externalId is not unique): a Set per resource
   * would be 100,000 more objects at 100,000 users for every full garbage collection to walk. */
  private readonly byExternalId = new Map<string, E | Set<E>>();
  /** One index per further unique attribute (`uniqueKeys`), in the same order. */
  private readonly byUnique: Map<string, E>[];
  private order: (E | undefined)[] = [];
  private holes = 0;

  /**
   * `keyOf` returns the unique key (already case-folded as the uniqueness rule requires), or undefined;
   * `uniqueKeys` are the schema's other unique attributes (custom extensions), each indexed the same way.
   */
  constructor(
    private readonly keyOf: (resource: ScimResource) => string | undefined,
    readonly uniqueKeys: readonly UniqueKey[] = [],
  ) {
    this.byUnique = uniqueKeys.map(() => new Map());
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): E | undefined {
    return this.byId.get(id);
  }

  /** The entry holding a unique key value (the key as given is folded the same way as stored keys). */
  getByKey(resource: ScimResource): E | undefined {
    const key = this.keyOf(resource);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  getByKeyValue(key: string): E | undefined {
    return this.byKey.get(key);
  }

  /** The entry holding the folded value `key` of `uniqueKeys[index]`. */
  getByUnique(index: number, key: string): E | undefined {
    return this.byUnique[index]?.get(key);
  }

  getByExternalId(externalId: string): Iterable<E> {
    const held = this.byExternalId.get(externalId);
    return held === undefined ? [] : held instanceof Set ? held : [held];
  }

  insert(entry: E): void {
    markImmutable(entry.resource);
    entry.slot = this.order.length;
    this.order.push(entry);
    this.byId.set(entry.id, entry);
    this.indexKeys(entry);
  }

  /**
   * Swaps the stored representation of an entry, keeping its place in the order. `keepText: false` stores it
   * without its JSON text (reads then serialise it as they go): for PATCH, whose versions are often replaced
   * before anything reads them — at 100,000 users each kept text is ~0.5 KB that every write would otherwise
   * have the young-generation collector copy twice and promote.
   */
  update(entry: E, resource: ScimResource, keepText = true): void {
    if (keepText) markImmutable(resource);
    const previous = entry.resource;
    // Most updates (deactivation, profile pushes) keep the indexed values: then the indexes stay as they are.
    if (
      this.keyOf(previous) === this.keyOf(resource) &&
      previous['externalId'] === resource['externalId'] &&
      this.uniqueKeys.every((u) => u.keyOf(previous) === u.keyOf(resource))
    ) {
      entry.resource = resource;
      return;
    }
    this.unindexKeys(entry);
    entry.resource = resource;
    this.indexKeys(entry);
  }

  remove(entry: E): void {
    this.unindexKeys(entry);
    this.byId.delete(entry.id);
    this.order[entry.slot] = undefined;
    this.holes++;
  }

  /** Entries [start, start+count) in stable order (start is 0-based). */
  page(start: number, count: number): E[] {
    this.compact();
    return this.order.slice(start, start + count) as E[];
  }

  /** All entries in stable order, without copying. */
  *scan(): IterableIterator<E> {
    for (const entry of this.order) if (entry !== undefined) yield entry;
  }

  /** The folded unique key a resource would be stored under (for uniqueness checks before writing). */
  keyFor(resource: ScimResource): string | undefined {
    return this.keyOf(resource);
  }

  private compact(): void {
    if (this.holes === 0) return;
    const live: E[] = [];
    for (const entry of this.order) {
      if (entry === undefined) continue;
      entry.slot = live.length;
      live.push(entry);
    }
    this.order = live;
    this.holes = 0;
  }

  private indexKeys(entry: E): void {
    const key = this.keyOf(entry.resource);
    if (key !== undefined) this.byKey.set(key, entry);
    this.uniqueKeys.forEach((u, i) => {
      const value = u.keyOf(entry.resource);
      if (value !== undefined) this.byUnique[i]!.set(value, entry);
    });
    const externalId = entry.resource['externalId'];
    if (typeof externalId === 'string') {
      const held = this.byExternalId.get(externalId);
      if (held === undefined) this.byExternalId.set(externalId, entry);
      else if (held instanceof Set) held.add(entry);
      else if (held !== entry) this.byExternalId.set(externalId, new Set([held, entry]));
    }
  }

  private unindexKeys(entry: E): void {
    const key = this.keyOf(entry.resource);
    if (key !== undefined && this.byKey.get(key) === entry) this.byKey.delete(key);
    this.uniqueKeys.forEach((u, i) => {
      const value = u.keyOf(entry.resource);
      if (value !== undefined && this.byUnique[i]!.get(value) === entry) this.byUnique[i]!.delete(value);
    });
    const externalId = entry.resource['externalId'];
    if (typeof externalId === 'string') {
      const held = this.byExternalId.get(externalId);
      if (held === entry) this.byExternalId.delete(externalId);
      else if (held instanceof Set) {
        held.delete(entry);
        if (held.size === 1) this.byExternalId.set(externalId, held.values().next().value!);
      }
    }
  }
}
