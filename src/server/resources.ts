/**
 * Users and Groups: create, read, replace, modify, delete (RFC 7644 §3.3–3.6), with meta/ETag handling
 * and the derived attributes (a user's `groups`, a group's `members`) rendered from the membership index.
 */
import { randomUUID } from 'node:crypto';
import { compileProjection, type Projection } from '../core/projection.js';
import { applyOperations, applyPatch, enforceImmutable, filterEqualityValues, normalizeOperations, type NormalizedOperation } from '../core/patch/index.js';
import { jsonEqual } from '../core/patch/equal.js';
import { inOperation } from '../core/patch/normalize.js';
import { isPlainObject } from '../core/patch/values.js';
import { ScimError, badRequest } from '../core/scim-error.js';
import type { ResourceModel } from '../core/schema/resolve.js';
import type { ScimResource } from '../core/schema/types.js';
import { PATCH_OP_SCHEMA } from '../core/schema/urns.js';
import type { ServerContext } from './context.js';
import { header, queryParams, type ScimRequest, type ScimResponse } from './exchange.js';
import { SERVER_LIMITS } from './limits.js';
import { patchedAttributes, readResource } from './resource-input.js';
import { quoted } from './respond.js';
import type { ResourceEndpoint } from './route.js';
import type { Entry } from './table.js';
import type { GroupEntry, MemberType } from './store.js';

interface Meta {
  resourceType: string;
  created: string;
  lastModified: string;
  location: string;
  version: string;
}

const metaOf = (resource: ScimResource): Meta => resource['meta'] as Meta;
const versionOf = (entry: Entry): string => metaOf(entry.resource).version;

function table(ctx: ServerContext, endpoint: ResourceEndpoint) {
  return endpoint === 'Users' ? ctx.store.users : ctx.store.groups;
}

function findEntry(ctx: ServerContext, endpoint: ResourceEndpoint, id: string): Entry {
  const entry = table(ctx, endpoint).get(id);
  if (!entry) throw new ScimError(404, `${endpoint === 'Users' ? 'User' : 'Group'} ${quoted(id)} not found.`);
  return entry;
}

/** The projection asked for in the query string (used by every read and write response). */
function queryProjection(model: ResourceModel, req: ScimRequest): Projection {
  const params = queryParams(req);
  return compileProjection(model, params.get('attributes'), params.get('excludedattributes'));
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/** The resource with its derived attribute, as the client asked to see it. */
export function render(ctx: ServerContext, endpoint: ResourceEndpoint, entry: Entry, projection: Projection): ScimResource {
  if (endpoint === 'Users') {
    const groupIds = ctx.store.groupsOf(entry.id);
    if (!groupIds || groupIds.size === 0 || !projection.includes('groups')) return projection.apply(entry.resource);
    const groups = [...groupIds].map((gid) => {
      const group = ctx.store.groups.get(gid);
      return { value: gid, $ref: `${ctx.url}/Groups/${encodeURIComponent(gid)}`, display: group?.resource['displayName'], type: 'direct' };
    });
    return projection.apply(withDerived(entry.resource, 'groups', groups));
  }
  const members = (entry as GroupEntry).members;
  if (members.size === 0 || !projection.includes('members')) return projection.apply(entry.resource);
  return projection.apply(withDerived(entry.resource, 'members', renderMembers(ctx, members)));
}

function renderMembers(ctx: ServerContext, members: ReadonlyMap<string, MemberType>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [id, type] of members) {
    const member = type === 'User' ? ctx.store.users.get(id) : ctx.store.groups.get(id);
    const display = member?.resource['displayName'] ?? member?.resource['userName'];
    out.push({ value: id, $ref: `${ctx.url}/${type}s/${encodeURIComponent(id)}`, display, type });
  }
  return out;
}

/** A copy of `resource` with `name` set, placed before `meta` so the output reads naturally. */
function withDerived(resource: ScimResource, name: string, value: unknown): ScimResource {
  const out: ScimResource = {};
  for (const key of Object.keys(resource)) {
    if (key === 'meta') out[name] = value;
    out[key] = resource[key];
  }
  if (!(name in out)) out[name] = value;
  return out;
}

function resourceResponse(ctx: ServerContext, status: number, endpoint: ResourceEndpoint, entry: Entry, projection: Projection): ScimResponse {
  const headers: Record<string, string> = { etag: versionOf(entry) };
  if (status === 201) headers['location'] = metaOf(entry.resource).location;
  return { status, headers, body: render(ctx, endpoint, entry, projection) };
}

// ---------------------------------------------------------------------------------------------------------------
// Stored representation

/**
 * The stored representation: schemas, id, attributes, meta (location absolute, a fresh version). For a new version
 * of `previous`, `created` is kept and every value equal to the previous one is the previous one: a write then
 * keeps alive only what changed (deactivating one of 100,000 users should not hand the garbage collector a whole
 * deep copy of the user to move to the old generation).
 */
function stamp(ctx: ServerContext, endpoint: ResourceEndpoint, id: string, attrs: ScimResource, previous?: ScimResource): ScimResource {
  const model = ctx.models[endpoint];
  const now = new Date().toISOString();
  let schemas = [model.core.id, ...model.extensions.filter((s) => attrs[s.id] !== undefined).map((s) => s.id)];
  if (previous) {
    for (const key of Object.keys(attrs)) if (key in previous && jsonEqual(previous[key], attrs[key])) attrs[key] = previous[key];
    if (jsonEqual(previous['schemas'], schemas)) schemas = previous['schemas'] as string[];
  }
  const before = previous ? metaOf(previous) : undefined;
  const meta: Meta = {
    resourceType: model.resourceType.name,
    created: before ? before.created : now,
    lastModified: now,
    // The previous version's string, not an equal new one: less for every write to keep alive.
    location: before ? before.location : `${ctx.url}/${endpoint}/${encodeURIComponent(id)}`,
    version: ctx.store.nextVersion(),
  };
  return { schemas, id, ...attrs, meta };
}

/** Marks a resource modified (membership changes of groups). */
function touch(ctx: ServerContext, entry: GroupEntry): void {
  const meta = metaOf(entry.resource);
  const next = { ...meta, lastModified: new Date().toISOString(), version: ctx.store.nextVersion() };
  ctx.store.updateGroup(entry, { ...entry.resource, meta: next });
}

function checkUnique(ctx: ServerContext, endpoint: ResourceEndpoint, attrs: ScimResource, self?: Entry): void {
  const t = table(ctx, endpoint);
  const kind = endpoint === 'Users' ? 'User' : 'Group';
  const conflict = (what: string): ScimError => new ScimError(409, `A ${kind} with ${what} already exists.`, 'uniqueness');
  const key = t.keyFor(attrs);
  // An unchanged key is still its own.
  if (key !== undefined && !(self && key === t.keyFor(self.resource))) {
    const holder = t.getByKeyValue(key);
    if (holder && holder !== self) throw conflict(endpoint === 'Users' ? `userName ${quoted(attrs['userName'])}` : `displayName ${quoted(attrs['displayName'])}`);
  }
  t.uniqueKeys.forEach((unique, i) => {
    const value = unique.keyOf(attrs);
    if (value === undefined || (self && value === unique.keyOf(self.resource))) return;
    const holder = t.getByUnique(i, value);
    if (holder && holder !== self) throw conflict(`the same ${unique.label}`);
  });
}

/** Validates member references: each must name an existing User or Group (not the group itself). */
function resolveMembers(ctx: ServerContext, groupId: string | undefined, members: unknown, where = 'members'): [string, MemberType][] {
  if (members === undefined || members === null) return [];
  const list = Array.isArray(members) ? members : [members];
  return list.map((item, i) => {
    const value = isPlainObject(item) ? item['value'] : undefined;
    if (typeof value !== 'string' || value === '') throw badRequest(`${where}[${i}].value must be the id of a User or Group.`, 'invalidValue');
    if (value === groupId) throw badRequest(`${where}[${i}]: a group cannot be a member of itself.`, 'invalidValue');
    const member = ctx.store.member(value);
    if (!member) throw badRequest(`${where}[${i}].value: no User or Group has id ${quoted(value)}.`, 'invalidValue');
    const type = isPlainObject(item) ? item['type'] : undefined;
    if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== member.type.toLowerCase())) {
      throw badRequest(`${where}[${i}].type: ${quoted(type)} does not match the referenced resource, a ${member.type}.`, 'invalidValue');
    }
    return [value, member.type];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Conditional requests

function etagList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim());
}

const matchesVersion = (tags: string[], version: string): boolean =>
  tags.some((t) => t === '*' || t === version || t.replace(/^W\//, '') === version.replace(/^W\//, ''));

/** If-Match on writes (RFC 7644 §3.14): a stale version → 412. */
function checkIfMatch(req: ScimRequest, entry: Entry): void {
  const tags = etagList(header(req, 'if-match'));
  if (tags && !matchesVersion(tags, versionOf(entry))) {
    throw new ScimError(412, `If-Match ${tags.join(', ')} does not match the current version ${versionOf(entry)}.`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

export function getResource(ctx: ServerContext, endpoint: ResourceEndpoint, id: string, req: ScimRequest): ScimResponse {
  const entry = findEntry(ctx, endpoint, id);
  const version = versionOf(entry);
  const tags = etagList(header(req, 'if-none-match'));
  if (tags && matchesVersion(tags, version)) return { status: 304, headers: { etag: version } };
  return resourceResponse(ctx, 200, endpoint, entry, queryProjection(ctx.models[endpoint], req));
}

/** The most values a multi-valued attribute may hold; group members live in an index and are not limited. */
const valuesLimit = (endpoint: ResourceEndpoint): number | undefined => (endpoint === 'Users' ? SERVER_LIMITS.valuesPerAttribute : undefined);

export function createResource(ctx: ServerContext, endpoint: ResourceEndpoint, req: ScimRequest): ScimResponse {
  const entry = insertResource(ctx, endpoint, requireBody(req), randomUUID());
  return resourceResponse(ctx, 201, endpoint, entry, queryProjection(ctx.models[endpoint], req));
}

/** Validates a resource body and stores it under `id` (POST, and seeding with fixed ids). */
export function insertResource(ctx: ServerContext, endpoint: ResourceEndpoint, body: unknown, id: string): Entry {
  const attrs = readResource(body, ctx.models[endpoint], valuesLimit(endpoint));
  checkUnique(ctx, endpoint, attrs);
  if (ctx.store.member(id)) throw new ScimError(409, `A resource with id ${quoted(id)} already exists.`, 'uniqueness');
  let members: [string, MemberType][] = [];
  if (endpoint === 'Groups') {
    members = resolveMembers(ctx, id, attrs['members']);
    delete attrs['members'];
  }
  const resource = stamp(ctx, endpoint, id, attrs);
  const entry = endpoint === 'Users' ? ctx.store.addUser(id, resource) : ctx.store.addGroup(id, resource);
  for (const [memberId, type] of members) ctx.store.addMember(entry as GroupEntry, memberId, type);
  return entry;
}

export function replaceResource(ctx: ServerContext, endpoint: ResourceEndpoint, id: string, req: ScimRequest): ScimResponse {
  const model = ctx.models[endpoint];
  const entry = findEntry(ctx, endpoint, id);
  checkIfMatch(req, entry);
  const attrs = readResource(requireBody(req), model, valuesLimit(endpoint));
  // RFC 7644 §3.5.1: an immutable value already set must be matched; one the body leaves out is kept.
  enforceImmutable(model, entry.resource, attrs, true);
  checkUnique(ctx, endpoint, attrs, entry);
  if (endpoint === 'Groups') {
    const members = resolveMembers(ctx, id, attrs['members']);
    delete attrs['members'];
    const group = entry as GroupEntry;
    ctx.store.clearMembers(group);
    for (const [memberId, type] of members) ctx.store.addMember(group, memberId, type);
  }
  const resource = stamp(ctx, endpoint, id, attrs, entry.resource);
  if (endpoint === 'Users') ctx.store.updateUser(entry, resource);
  else ctx.store.updateGroup(entry as GroupEntry, resource);
  return resourceResponse(ctx, 200, endpoint, entry, queryProjection(model, req));
}

export function deleteResource(ctx: ServerContext, endpoint: ResourceEndpoint, id: string, req: ScimRequest): ScimResponse {
  const entry = findEntry(ctx, endpoint, id);
  checkIfMatch(req, entry);
  for (const group of ctx.store.remove(id)) touch(ctx, group);
  return { status: 204 };
}

export function patchResource(ctx: ServerContext, endpoint: ResourceEndpoint, id: string, req: ScimRequest): ScimResponse {
  const model = ctx.models[endpoint];
  const entry = findEntry(ctx, endpoint, id);
  checkIfMatch(req, entry);
  const operations = patchOperations(requireBody(req));
  if (endpoint === 'Users') {
    const result = applyPatch(entry.resource, operations, model, { maxValues: SERVER_LIMITS.valuesPerAttribute, maxValuesPerRequest: SERVER_LIMITS.valuesPerPatch });
    if (result.changed) {
      const attrs = patchedAttributes(result.resource, model);
      checkUnique(ctx, endpoint, attrs, entry);
      ctx.store.updateUser(entry, stamp(ctx, endpoint, id, attrs, entry.resource), false);
    }
  } else {
    patchGroup(ctx, entry as GroupEntry, normalizeOperations(operations, model, SERVER_LIMITS.valuesPerPatch));
  }
  const params = queryParams(req);
  const asked = params.has('attributes') || params.has('excludedattributes');
  // RFC 7644 §3.5.2 allows 204; a huge member list is not worth serialising back unless the client asks.
  if (endpoint === 'Groups' && !asked && (entry as GroupEntry).members.size > ctx.largeGroupMembers) {
    return { status: 204, headers: { etag: versionOf(entry) } };
  }
  return resourceResponse(ctx, 200, endpoint, entry, queryProjection(model, req));
}

function requireBody(req: ScimRequest): unknown {
  if (req.body === undefined) throw badRequest('This request needs a JSON body.', 'invalidSyntax');
  return req.body;
}

/** The `Operations` of a PatchOp request (RFC 7644 §3.5.2), after checking the message schema. */
function patchOperations(body: unknown): unknown {
  if (!isPlainObject(body)) throw badRequest('The PATCH body must be a PatchOp JSON object.', 'invalidSyntax');
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw badRequest(`"schemas" must include "${PATCH_OP_SCHEMA}".`, 'invalidSyntax');
  }
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  if (key === undefined) throw badRequest('A PatchOp needs "Operations".', 'invalidSyntax');
  return body[key];
}

// ---------------------------------------------------------------------------------------------------------------
// Group PATCH: `members` operations run against the membership index (cost independent of group size);
// everything else goes through the PATCH engine on the group without its members.

/** Staged membership changes over the current member set, committed only when every operation succeeded. */
class MemberChanges {
  private cleared = false;
  private readonly staged = new Map<string, MemberType | null>();

  constructor(private readonly group: GroupEntry) {}

  has(id: string): boolean {
    const staged = this.staged.get(id);
    if (staged !== undefined) return staged !== null;
    return !this.cleared && this.group.members.has(id);
  }

  add(id: string, type: MemberType): void {
    this.staged.set(id, type);
  }

  remove(id: string): void {
    this.staged.set(id, null);
  }

  clear(): void {
    this.cleared = true;
    this.staged.clear();
  }

  /** Applies the changes to the store; true when membership changed (re-adding a member is no change). */
  commit(ctx: ServerContext): boolean {
    let changed = false;
    if (this.cleared) {
      for (const id of [...this.group.members.keys()]) {
        if (!this.staged.get(id)) changed = ctx.store.removeMember(this.group, id) || changed;
      }
    }
    for (const [id, type] of this.staged) {
      changed = (type === null ? ctx.store.removeMember(this.group, id) : ctx.store.addMember(this.group, id, type)) || changed;
    }
    return changed;
  }
}

const isMembersOp = (op: NormalizedOperation): boolean =>
  op.target.kind === 'attribute' && op.target.container === null && op.target.def.name === 'members';

/** True when the index can carry out a members operation (otherwise the whole group goes through the engine). */
function indexFriendly(op: NormalizedOperation): boolean {
  if (op.target.kind !== 'attribute' || op.target.sub) return false;
  if (!op.target.filter) return true;
  return op.op === 'remove' && filterEqualityValues(op.target.filter) !== undefined;
}

function patchGroup(ctx: ServerContext, entry: GroupEntry, ops: NormalizedOperation[]): void {
  const model = ctx.models.Groups;
  const memberOps = ops.filter(isMembersOp);
  const changes = new MemberChanges(entry);
  let result;
  if (memberOps.every(indexFriendly)) {
    const otherOps = ops.filter((op) => !isMembersOp(op));
    result = otherOps.length > 0 ? applyOperations(entry.resource, otherOps, model) : { resource: entry.resource, changed: false };
    for (const op of memberOps) inOperation(op.index, () => stageMembersOp(ctx, entry, changes, op));
  } else {
    // Rare shapes (members[type eq "User"], members.display, …): materialise the list once and let the engine decide.
    const full = withDerived(entry.resource, 'members', renderMembers(ctx, entry.members).map(({ value, type }) => ({ value, type })));
    result = applyOperations(full, ops, model);
    changes.clear();
    for (const [id, type] of resolveMembers(ctx, entry.id, result.resource['members'])) changes.add(id, type);
  }
  let attrs: ScimResource | undefined;
  if (result.changed) {
    attrs = patchedAttributes(result.resource, model);
    delete attrs['members'];
    checkUnique(ctx, 'Groups', attrs, entry);
  }
  // Validation is over: from here on nothing throws, so the request applies entirely or not at all.
  const membersChanged = changes.commit(ctx);
  if (attrs) ctx.store.updateGroup(entry, stamp(ctx, 'Groups', entry.id, attrs, entry.resource));
  else if (membersChanged) touch(ctx, entry);
}

function stageMembersOp(ctx: ServerContext, entry: GroupEntry, changes: MemberChanges, op: NormalizedOperation): void {
  const target = op.target as Extract<NormalizedOperation['target'], { kind: 'attribute' }>;
  if (op.op === 'remove') {
    if (target.filter) {
      const ids = filterEqualityValues(target.filter) ?? [];
      const present = ids.filter((id) => changes.has(id));
      if (present.length === 0) throw badRequest(`no "members" value matches "${target.text}"`, 'noTarget');
      for (const id of present) changes.remove(id);
    } else if (Array.isArray(op.value)) {
      // Entra: remove of `members` carrying a value list removes just those members.
      for (const item of op.value) if (isPlainObject(item) && typeof item['value'] === 'string') changes.remove(item['value']);
    } else {
      changes.clear();
    }
    return;
  }
  if (op.op === 'replace') changes.clear();
  if (op.value === null || op.value === undefined) return;
  for (const [id, type] of resolveMembers(ctx, entry.id, op.value, 'value')) changes.add(id, type);
}
