import type { ScimResource } from '../core/schema/types.js';
import { jsonText } from './serialize.js';
import { ResourceTable, type Entry } from './table.js';
import type { UniqueKey } from './uniqueness.js';

export type MemberType = 'User' | 'Group';

/** A group: its stored representation has no `members`; membership lives in `members` (id → type). */
export interface GroupEntry extends Entry {
  members: Map<string, MemberType>;
}

export interface StoreOptions {
  /** Fault switch: compare userName case-sensitively (a correct server folds case, RFC 7643 caseExact=false). */
  userNameCaseExact?: boolean;
  /** Further unique attributes of Users and Groups (custom extensions), each indexed (src/server/uniqueness.ts). */
  userUniqueKeys?: readonly UniqueKey[];
  groupUniqueKeys?: readonly UniqueKey[];
}

const folded = (value: unknown): string | undefined => (typeof value === 'string' ? value.toLowerCase() : undefined);

/**
 * The in-memory data set: Users and Groups with their indexes (id, userName, externalId, group displayName) and a
 * two-way membership index, so a membership change costs the same on a group of 10 or of 100,000 members.
 */
export class ScimStore {
  readonly users: ResourceTable;
  readonly groups: ResourceTable<GroupEntry>;
  /** member id (user or group) → ids of the groups it is a direct member of. */
  private readonly memberOf = new Map<string, Set<string>>();
  private revision = 0;
  /**
   * With `--data`: every change as one JSON journal record (src/server/persistence.ts), in order, until the
   * request that made them takes them as one transaction. Undefined without `--data`, so nothing is built then.
   */
  private changes: string[] | undefined;

  constructor(options: StoreOptions = {}) {
    this.users = new ResourceTable(
      options.userNameCaseExact
        ? (u) => (typeof u['userName'] === 'string' ? u['userName'] : undefined)
        : (u) => folded(u['userName']),
      options.userUniqueKeys,
    );
    this.groups = new ResourceTable<GroupEntry>((g) => folded(g['displayName']), options.groupUniqueKeys);
  }

  /** A new version tag; unique across all resources of this store. */
  nextVersion(): string {
    this.revision++;
    return `W/"${this.revision.toString(36)}"`;
  }

  /** The version counter (journalled, so that versions stay unique across restarts). */
  get currentRevision(): number {
    return this.revision;
  }

  set currentRevision(value: number) {
    this.revision = Math.max(this.revision, value);
  }

  /** Starts (true) or stops recording changes as journal records. */
  recordChanges(on: boolean): void {
    this.changes = on ? [] : undefined;
  }

  /** The changes recorded since the last call (undefined when none or not recording). */
  takeChanges(): string[] | undefined {
    const changes = this.changes;
    if (changes === undefined || changes.length === 0) return undefined;
    this.changes = [];
    return changes;
  }

  private record(op: string, id: string, rest = ''): void {
    this.changes?.push(`{"o":"${op}","id":${JSON.stringify(id)}${rest}}`);
  }

  private recordResource(op: 'u' | 'g', entry: Entry): void {
    if (this.changes) this.record(op, entry.id, `,"r":${jsonText(entry.resource)}`);
  }

  /** A user or group by id, for member references. */
  member(id: string): { type: MemberType; entry: Entry } | undefined {
    const user = this.users.get(id);
    if (user) return { type: 'User', entry: user };
    const group = this.groups.get(id);
    return group ? { type: 'Group', entry: group } : undefined;
  }

  addUser(id: string, resource: ScimResource): Entry {
    const entry: Entry = { id, resource, slot: 0 };
    this.users.insert(entry);
    this.recordResource('u', entry);
    return entry;
  }

  addGroup(id: string, resource: ScimResource): GroupEntry {
    const entry: GroupEntry = { id, resource, slot: 0, members: new Map() };
    this.groups.insert(entry);
    this.recordResource('g', entry);
    return entry;
  }

  /** Stores a new version of a user (`keepText`: see ResourceTable.update). */
  updateUser(entry: Entry, resource: ScimResource, keepText = true): void {
    this.users.update(entry, resource, keepText);
    this.recordResource('u', entry);
  }

  updateGroup(entry: GroupEntry, resource: ScimResource): void {
    this.groups.update(entry, resource);
    this.recordResource('g', entry);
  }

  /** Removes a user or group and every membership that names it; returns the groups whose members changed. */
  remove(id: string): GroupEntry[] {
    const group = this.groups.get(id);
    if (group) {
      for (const memberId of [...group.members.keys()]) this.unlink(group, memberId);
      this.groups.remove(group);
    } else {
      const user = this.users.get(id);
      if (!user) return [];
      this.users.remove(user);
    }
    // Replaying a removal removes its memberships too: one record.
    this.record('d', id);
    const parents = this.memberOf.get(id);
    if (!parents) return [];
    this.memberOf.delete(id);
    const changed: GroupEntry[] = [];
    for (const parentId of parents) {
      const parent = this.groups.get(parentId);
      if (parent?.members.delete(id)) changed.push(parent);
    }
    return changed;
  }

  /** Ids of the groups `memberId` directly belongs to (insertion order). */
  groupsOf(memberId: string): ReadonlySet<string> | undefined {
    return this.memberOf.get(memberId);
  }

  addMember(group: GroupEntry, memberId: string, type: MemberType): boolean {
    if (group.members.has(memberId)) return false;
    group.members.set(memberId, type);
    let set = this.memberOf.get(memberId);
    if (!set) this.memberOf.set(memberId, (set = new Set()));
    set.add(group.id);
    this.record('m+', group.id, `,"m":${JSON.stringify(memberId)},"t":"${type}"`);
    return true;
  }

  removeMember(group: GroupEntry, memberId: string): boolean {
    if (!this.unlink(group, memberId)) return false;
    this.record('m-', group.id, `,"m":${JSON.stringify(memberId)}`);
    return true;
  }

  clearMembers(group: GroupEntry): boolean {
    if (group.members.size === 0) return false;
    for (const memberId of [...group.members.keys()]) this.unlink(group, memberId);
    this.record('m0', group.id);
    return true;
  }

  private unlink(group: GroupEntry, memberId: string): boolean {
    if (!group.members.delete(memberId)) return false;
    const set = this.memberOf.get(memberId);
    set?.delete(group.id);
    if (set?.size === 0) this.memberOf.delete(memberId);
    return true;
  }
}
