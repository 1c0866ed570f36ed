import type { Exchange } from '../client/exchange.js';
import type { ScimClient } from '../client/index.js';
import { collectGarbage } from '../client/memory.js';
import type { CleanupResult } from './results.js';

export type CleanableType = 'User' | 'Group';

const ENDPOINT: Record<CleanableType, string> = { User: '/Users', Group: '/Groups' };
/** The attribute a created resource is found again by (the run makes each one unique). */
const NAME_ATTRIBUTE: Record<CleanableType, string> = { User: 'userName', Group: 'displayName' };

/** A create that may have happened, though its answer gave no id (timeout, Ctrl-C, deadline, cut-off body). */
export interface UnconfirmedCreate {
  resourceType: CleanableType;
  name: string;
}

/**
 * A create answered 2xx with an id the run cannot prove it made: a resource of another name or kind, one seen
 * before the create, or (answer without a name) one whose read-back does not show the name sent.
 */
export interface ForeignAnswer {
  resourceType: CleanableType;
  id: string;
  /** The name sent (undefined when the request carried none). */
  sentName: string | undefined;
  /** What the answer (or its read-back) showed instead, in words, e.g. `User "ada@example.com"`. */
  why: string;
}

/** A create whose answer carried an id but no name: the run reads it back before it writes to it or deletes it. */
export interface PendingProof {
  resourceType: CleanableType;
  id: string;
  sentName: string | undefined;
  sentAt: number;
}

const CORE_SCHEMA: Record<CleanableType, string> = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
};
/** Slack for comparing meta.created with the server's Date header (which has whole seconds). */
const CLOCK_SLACK_MS = 2_000;

/**
 * The resources a run created, in creation order, so that cleanup can remove exactly those — and only those: an id
 * is registered only when the run can show it made it (the answer carries the unique name it sent, of the right
 * kind, and the id was not seen before the create). Anything else is refused writes and left, with a report.
 */
export class CleanupRegistry {
  private readonly entries = new Map<string, { resourceType: CleanableType; id: string }>();
  private readonly unconfirmed = new Map<string, UnconfirmedCreate>();
  /** The registry's clock when each unconfirmed name was first sent: ids seen before it existed before it. */
  private readonly unconfirmedSentAt = new Map<string, number>();
  private readonly foreign = new Map<string, ForeignAnswer>();
  /** Ids the run saw in answers, with the clock value of the first sighting (a create after it cannot have made it). */
  private readonly seen = new Map<string, number>();
  private clock = 0;
  /** The server's clock when the run began (its first answer's Date header), to judge meta.created. */
  private serverStart: number | undefined;

  add(resourceType: CleanableType, id: string): void {
    // Even a suite's explicit `register` cannot make a resource proven foreign deletable.
    if (this.foreign.has(`${resourceType}/${id}`)) return;
    this.entries.set(`${resourceType}/${id}`, { resourceType, id });
  }

  remove(resourceType: CleanableType, id: string): void {
    this.entries.delete(`${resourceType}/${id}`);
  }

  list(): { resourceType: CleanableType; id: string }[] {
    return [...this.entries.values()];
  }

  /** A tick of the registry's clock: taken when a create is sent, so what was seen earlier counts as pre-existing. */
  mark(): number {
    return ++this.clock;
  }

  /** Remembers the server's clock at the start of the run (an HTTP Date header), if it gave one. */
  noteServerDate(date: string | undefined): void {
    const at = date ? Date.parse(date) : NaN;
    if (this.serverStart === undefined && Number.isFinite(at)) this.serverStart = at;
  }

  /**
   * Records the ids an answer shows (a list's Resources, or one resource read by id) that the run did not create:
   * a later create answered with one of them did not make it.
   */
  noteSeen(method: string, endpointPath: string, exchange: Exchange): void {
    const response = exchange.response;
    if (method !== 'GET' && method !== 'POST') return;
    if (!response || response.status !== 200 || response.bodyTruncated) return;
    const json = response.json as { Resources?: unknown } | undefined;
    const collection = collectionAt(endpointPath.replace(/\/\.search$/i, ''));
    const single = method === 'GET' ? resourceAt(endpointPath) : undefined;
    const items: { type: CleanableType | undefined; resource: unknown }[] = [];
    if (single) items.push({ type: single.resourceType, resource: json });
    else if (json && Array.isArray(json.Resources)) for (const r of json.Resources) items.push({ type: collection ?? kindOf(r), resource: r });
    const at = ++this.clock;
    for (const { type, resource } of items) {
      if (!type || !hasId(resource)) continue;
      const key = `${type}/${(resource as { id: string }).id}`;
      if (!this.entries.has(key) && !this.seen.has(key)) this.seen.set(key, at);
    }
  }

  /**
   * Remembers a POST to /Users or /Groups. An answer with our name and an id registers that id; an answer with
   * another name or kind, or an id seen before, is foreign (never written to, never deleted); an answer with an id
   * but no name must be read back (returned: the caller does it, then calls `settleReadBack`). A create whose answer
   * gave no id is remembered by name for a lookup — only names with the run's prefix: a lookup must never find
   * what others made.
   */
  noteCreate(endpointPath: string, body: string | undefined, exchange: Exchange, prefix: string, sentAt = this.mark()): PendingProof | undefined {
    let data: unknown;
    try {
      data = JSON.parse(body ?? '');
    } catch {
      data = undefined;
    }
    // Bulk creates never reach the registry by id: each one is looked up (the check may have deleted it already).
    if (/^\/Bulk\/?$/i.test(endpointPath)) {
      const operations = (data as { Operations?: unknown } | null)?.Operations;
      for (const op of Array.isArray(operations) ? (operations as Record<string, unknown>[]) : []) {
        const type = op?.method === 'POST' && typeof op.path === 'string' ? collectionAt(op.path) : undefined;
        if (type) this.noteName(type, op.data, prefix, sentAt);
      }
      return undefined;
    }
    const resourceType = collectionAt(endpointPath);
    const response = exchange.response;
    if (!resourceType || (response && !response.bodyTruncated && (response.status < 200 || response.status >= 300))) return undefined;
    if (!response || response.bodyTruncated || !hasId(response.json)) {
      this.noteName(resourceType, data, prefix, sentAt);
      return undefined;
    }
    const answered = response.json as Record<string, unknown>;
    const id = answered.id as string;
    const sentName = nameIn(resourceType, data);
    const kind = kindOf(answered);
    const answeredName = nameIn(resourceType, answered);
    let why: string | undefined;
    if (kind !== undefined && kind !== resourceType) why = `a ${kind}${describeName(kind, answered)}`;
    else if (answeredName !== undefined && (sentName === undefined || !sameName(answeredName, sentName))) why = `${resourceType} "${answeredName}"`;
    else if (this.seenBefore(resourceType, id, sentAt)) why = `${resourceType} ${id}, which the run had already seen before it sent the create`;
    else if (answeredName === undefined) return { resourceType, id, sentName, sentAt };
    if (why === undefined) {
      this.add(resourceType, id);
      return undefined;
    }
    this.markForeign({ resourceType, id, sentName, why }, data, prefix, sentAt);
    return undefined;
  }

  /**
   * Judges the read-back (GET by id) of a create answered with an id but no name: the id is registered only when
   * the resource carries the (prefixed) name sent, is of the right kind, and was not created before the run began.
   * Returns one line for the transcript saying what was decided.
   */
  settleReadBack(pending: PendingProof, readBack: Exchange, body: string | undefined, prefix: string): string {
    const { resourceType, id, sentName, sentAt } = pending;
    const response = readBack.response;
    const resource = response && response.status === 200 && !response.bodyTruncated ? (response.json as Record<string, unknown> | undefined) : undefined;
    const answeredName = nameIn(resourceType, resource);
    let why: string | undefined;
    if (!resource || !hasId(resource)) why = `only an id (${id}); reading it back answered ${describe(response?.status, readBack.error?.message)}`;
    else if (kindOf(resource) !== undefined && kindOf(resource) !== resourceType) why = `only an id (${id}); read back, it is a ${kindOf(resource)!}`;
    else if (sentName === undefined || answeredName === undefined || !sameName(answeredName, sentName)) {
      why = `only an id (${id}); read back, it ${answeredName === undefined ? `has no ${NAME_ATTRIBUTE[resourceType]}` : `is named "${answeredName}"`}`;
    } else if (!sentName.toLowerCase().startsWith(prefix.toLowerCase())) why = `only an id (${id}); the name sent lacks the run's prefix "${prefix}", so it could have existed before`;
    else if (this.seenBefore(resourceType, id, sentAt)) why = `only an id (${id}), which the run had already seen before it sent the create`;
    else if (this.createdBeforeRun(resource)) why = `only an id (${id}); read back, its meta.created (${String((resource.meta as { created?: unknown }).created)}) is before the run began`;
    if (why === undefined) {
      this.add(resourceType, id);
      return `the create was answered with only an id: read back ${ENDPOINT[resourceType]}/${id}, it carries the name sent, so this run made it (registered for cleanup)`;
    }
    let data: unknown;
    try {
      data = JSON.parse(body ?? '');
    } catch {
      data = undefined;
    }
    this.markForeign({ resourceType, id, sentName, why }, data, prefix, sentAt);
    return `the create was answered with ${why}: the run cannot prove it made it, so it is never written to or removed`;
  }

  private markForeign(answer: ForeignAnswer, data: unknown, prefix: string, sentAt: number): void {
    const key = `${answer.resourceType}/${answer.id}`;
    // Registered earlier under our name (e.g. created by another check): still ours.
    if (this.entries.has(key)) return;
    this.foreign.set(key, answer);
    // What we sent may still have been created: it is looked up by name at cleanup.
    this.noteName(answer.resourceType, data, prefix, sentAt);
  }

  /** Why a PUT/PATCH/DELETE to `endpointPath` must not be sent (it names a foreign answer), or undefined. */
  refusal(method: string, endpointPath: string): string | undefined {
    if (method !== 'PUT' && method !== 'PATCH' && method !== 'DELETE') return undefined;
    const target = resourceAt(endpointPath);
    const foreign = target && this.foreign.get(`${target.resourceType}/${target.id}`);
    if (!foreign) return undefined;
    return `not sent: ${foreignText(foreign)}, which may not be a resource this run made`;
  }

  /** Creates answered with a resource the run cannot prove it made, left alone (reported by cleanup). */
  foreignAnswers(): ForeignAnswer[] {
    return [...this.foreign.values()];
  }

  /**
   * True when `resource`, found by looking up the name of `pending`, must not be removed: a foreign answer, seen
   * before that create was sent, or created before the run began.
   */
  notOurs(pending: UnconfirmedCreate, id: string, resource?: unknown): boolean {
    const sentAt = this.unconfirmedSentAt.get(`${pending.resourceType}/${pending.name}`);
    return this.foreign.has(`${pending.resourceType}/${id}`) || (sentAt !== undefined && this.seenBefore(pending.resourceType, id, sentAt)) || this.createdBeforeRun(resource);
  }

  private seenBefore(resourceType: CleanableType, id: string, sentAt: number): boolean {
    const first = this.seen.get(`${resourceType}/${id}`);
    return first !== undefined && first < sentAt;
  }

  private createdBeforeRun(resource: unknown): boolean {
    const created = resource !== null && typeof resource === 'object' ? (resource as { meta?: { created?: unknown } }).meta?.created : undefined;
    const at = typeof created === 'string' ? Date.parse(created) : NaN;
    return this.serverStart !== undefined && Number.isFinite(at) && at < this.serverStart - CLOCK_SLACK_MS;
  }

  private noteName(resourceType: CleanableType, data: unknown, prefix: string, sentAt: number): void {
    const name = nameIn(resourceType, data);
    if (name === undefined || !name.toLowerCase().startsWith(prefix.toLowerCase())) return;
    const key = `${resourceType}/${name}`;
    // The earliest send of that name decides what counts as seen before it.
    if (this.unconfirmed.has(key)) return;
    this.unconfirmed.set(key, { resourceType, name });
    this.unconfirmedSentAt.set(key, sentAt);
  }

  unconfirmedCreates(): UnconfirmedCreate[] {
    return [...this.unconfirmed.values()];
  }

  get size(): number {
    return this.entries.size + this.unconfirmed.size + this.foreign.size;
  }
}

/** "the server answered the create of "x" with User "y"" — one phrase for refusals and the cleanup report. */
function foreignText({ sentName, why }: ForeignAnswer): string {
  return `the server answered the create of ${sentName === undefined ? 'a resource without a name' : `"${sentName}"`} with ${why}`;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The kind a SCIM body declares (schemas, meta.resourceType), or undefined when it says neither. */
function kindOf(json: unknown): CleanableType | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const { schemas, meta } = json as { schemas?: unknown; meta?: { resourceType?: unknown } };
  const declared = Array.isArray(schemas) ? (['User', 'Group'] as const).filter((t) => schemas.includes(CORE_SCHEMA[t])) : [];
  if (declared.length === 1) return declared[0];
  const type = meta !== null && typeof meta === 'object' ? meta.resourceType : undefined;
  return type === 'User' || type === 'Group' ? type : undefined;
}

function describeName(kind: CleanableType, json: Record<string, unknown>): string {
  const name = nameIn(kind, json);
  return `${name === undefined ? '' : ` "${name}"`} (id ${String(json.id)})`;
}

function nameIn(resourceType: CleanableType, data: unknown): string | undefined {
  const name = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[NAME_ATTRIBUTE[resourceType]] : undefined;
  return typeof name === 'string' ? name : undefined;
}

function hasId(json: unknown): boolean {
  const id = json !== null && typeof json === 'object' ? (json as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '';
}

/** "/Users/abc" or "/Groups/abc" (relative to the base URL) → the registered resource it names, if any. */
export function resourceAt(endpointPath: string): { resourceType: CleanableType; id: string } | undefined {
  const m = /^\/(Users|Groups)\/([^/?]+)$/i.exec(endpointPath);
  if (!m) return undefined;
  return { resourceType: m[1]!.toLowerCase() === 'users' ? 'User' : 'Group', id: decodeURIComponent(m[2]!) };
}

/** The collection a POST went to ("/Users" → User), for auto-registration of what it created. */
export function collectionAt(endpointPath: string): CleanableType | undefined {
  const m = /^\/(Users|Groups)\/?$/i.exec(endpointPath);
  if (!m) return undefined;
  return m[1]!.toLowerCase() === 'users' ? 'User' : 'Group';
}

const DEACTIVATE_BODY = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'replace', value: { active: false } }],
});

const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

function describe(status: number | undefined, error: string | undefined): string {
  return status !== undefined ? `HTTP ${status}` : (error ?? 'no response');
}

/** A lookup answer this large is collected at once once read (see findByName). */
const LARGE_BODY_BYTES = 1024 * 1024;

/** The resources named exactly `name` (a GET with an eq filter), or why the lookup failed. */
async function findByName(client: ScimClient, { resourceType, name }: UnconfirmedCreate): Promise<{ found: { id: string; resource: unknown }[] } | { problem: string }> {
  const attribute = NAME_ATTRIBUTE[resourceType];
  const filter = `${attribute} eq "${name.replace(/["\\]/g, '\\$&')}"`;
  const found = await client.send({ method: 'GET', url: `${ENDPOINT[resourceType]}?filter=${encodeURIComponent(filter)}`, headers: { accept: 'application/scim+json' } });
  const resources = (found.response?.json as { Resources?: unknown } | undefined)?.Resources;
  if (found.response?.status !== 200 || (resources !== undefined && !Array.isArray(resources))) {
    return { problem: `looking it up by ${attribute} answered ${describe(found.response?.status, found.error?.message)}` };
  }
  const matches: { id: string; resource: unknown }[] = [];
  for (const r of (resources ?? []) as Record<string, unknown>[]) {
    // The name check also protects against a server that ignores the filter and lists everyone.
    if (r !== null && typeof r === 'object' && typeof r[attribute] === 'string' && (r[attribute] as string).toLowerCase() === name.toLowerCase() && hasId(r)) matches.push({ id: r.id as string, resource: r });
  }
  // A server that ignores the filter answers every lookup with its whole list: let each one go before the next, as
  // the checks do (src/client/memory.ts), or several of them pile up as garbage (peak RSS 330 MB at 9 MB a list).
  if ((found.response?.bodyBytes ?? 0) >= LARGE_BODY_BYTES) {
    found.response!.json = undefined;
    collectGarbage();
  }
  return { found: matches };
}

/**
 * Removes what the registry holds: groups first (so memberships disappear with them), then users; a user whose
 * DELETE is not supported (405/501) is deactivated with Okta's PATCH instead. A 404 means it is already gone.
 * Creates that were never answered (or answered with a resource the run cannot prove it made) are looked up by
 * their (prefixed, unique) name first; a resource found that way is removed only if it was not seen before the
 * create and was not created before the run. What the run cannot prove it made is reported, never removed.
 * With `keep`, nothing is touched and the ids are reported.
 */
export async function cleanUp(
  registry: CleanupRegistry,
  client: ScimClient,
  options: { keep: boolean; baseUrl: string },
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], left: [], kept: [] };
  const entries = registry.list();
  const reported = new Set<string>();
  const leaveForeign = (resourceType: CleanableType, id: string, reason: string, name: string | undefined): void => {
    if (reported.has(`${resourceType}/${id}`)) return;
    reported.add(`${resourceType}/${id}`);
    result.left.push({
      resourceType,
      id,
      reason: `${reason}; not removed, as the run cannot prove it made it`,
      howToRemove: `check ${resourceType === 'User' ? 'user' : 'group'} ${id}${name === undefined ? '' : ` ("${name}")`} and remove it only if it is a test leftover`,
    });
  };
  for (const answer of registry.foreignAnswers()) {
    if (entries.some((e) => e.resourceType === answer.resourceType && e.id === answer.id)) continue; // also created under our name
    leaveForeign(answer.resourceType, answer.id, foreignText(answer), undefined);
  }
  for (const pending of registry.unconfirmedCreates()) {
    const lookup = await findByName(client, pending);
    if ('problem' in lookup) {
      result.left.push({
        resourceType: pending.resourceType,
        id: `(unknown: its create was not answered) ${NAME_ATTRIBUTE[pending.resourceType]} "${pending.name}"`,
        reason: lookup.problem,
        howToRemove: `look for ${pending.resourceType === 'User' ? 'user' : 'group'} "${pending.name}" in the application and remove it if it exists`,
      });
      continue;
    }
    for (const { id, resource } of lookup.found) {
      if (entries.some((e) => e.resourceType === pending.resourceType && e.id === id)) continue;
      if (registry.notOurs(pending, id, resource)) {
        leaveForeign(pending.resourceType, id, `looking up "${pending.name}" found ${pending.resourceType} ${id}, which existed before the run created anything by that name`, pending.name);
        continue;
      }
      entries.push({ resourceType: pending.resourceType, id });
    }
  }
  if (options.keep) {
    result.kept = entries.map((e) => ({ ...e }));
    return result;
  }
  const ordered = [...entries.filter((e) => e.resourceType === 'Group'), ...entries.filter((e) => e.resourceType === 'User')];
  for (const { resourceType, id } of ordered) {
    const path = `${ENDPOINT[resourceType]}/${encodeURIComponent(id)}`;
    const url = `${options.baseUrl}${path}`;
    const del = await client.send({ method: 'DELETE', url: path, headers: { accept: 'application/scim+json' } });
    const status = del.response?.status;
    if (status !== undefined && ((status >= 200 && status < 300) || status === 404)) {
      registry.remove(resourceType, id);
      if (status !== 404) result.removed.push({ resourceType, id, how: 'deleted' });
      continue;
    }
    if (resourceType === 'User' && (status === 405 || status === 501)) {
      const patch = await client.send({ method: 'PATCH', url: path, headers: { 'content-type': CONTENT_TYPE, accept: 'application/scim+json' }, body: DEACTIVATE_BODY });
      const pStatus = patch.response?.status;
      if (pStatus !== undefined && pStatus >= 200 && pStatus < 300) {
        registry.remove(resourceType, id);
        result.removed.push({ resourceType, id, how: 'deactivated' });
        continue;
      }
      result.left.push({
        resourceType,
        id,
        reason: `DELETE answered ${status}, and deactivating it answered ${describe(pStatus, patch.error?.message)}`,
        howToRemove: `remove or deactivate user ${id} in the application's admin UI`,
      });
      continue;
    }
    result.left.push({
      resourceType,
      id,
      reason: `DELETE answered ${describe(status, del.error?.message)}`,
      howToRemove: `curl -X DELETE -H "Authorization: <your credentials>" ${url}`,
    });
  }
  return result;
}
