import type { Exchange } from '../client/exchange.js';
import type { ScimClient } from '../client/index.js';
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

/** A create answered 2xx with a resource of another name than the one sent (perhaps one that existed before). */
export interface ForeignAnswer {
  resourceType: CleanableType;
  id: string;
  sentName: string;
  answeredName: string;
}

/** The resources a run created, in creation order, so that cleanup can remove exactly those. */
export class CleanupRegistry {
  private readonly entries = new Map<string, { resourceType: CleanableType; id: string }>();
  private readonly unconfirmed = new Map<string, UnconfirmedCreate>();
  private readonly foreign = new Map<string, ForeignAnswer>();

  add(resourceType: CleanableType, id: string): void {
    this.entries.set(`${resourceType}/${id}`, { resourceType, id });
  }

  remove(resourceType: CleanableType, id: string): void {
    this.entries.delete(`${resourceType}/${id}`);
  }

  list(): { resourceType: CleanableType; id: string }[] {
    return [...this.entries.values()];
  }

  /**
   * Remembers a POST to /Users or /Groups that may have created a resource without the run learning its id, so
   * cleanup can look it up by name. Only names with the run's prefix: a lookup must never find what others made.
   */
  noteCreate(endpointPath: string, body: string | undefined, exchange: Exchange, prefix: string): void {
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
        if (type) this.noteName(type, op.data, prefix);
      }
      return;
    }
    const resourceType = collectionAt(endpointPath);
    const response = exchange.response;
    if (!resourceType || (response && !response.bodyTruncated && (response.status < 200 || response.status >= 300))) return;
    if (response && !response.bodyTruncated && hasId(response.json)) {
      const answered = response.json as Record<string, unknown>;
      const id = answered.id as string;
      const sentName = nameIn(resourceType, data);
      const answeredName = nameIn(resourceType, answered);
      // An answer naming another resource (not ours by name or prefix) may be one that existed before the run:
      // never delete it by that id; what we sent is looked up by name instead.
      const lower = (text: string): string => text.toLowerCase();
      if (sentName !== undefined && answeredName !== undefined && lower(answeredName) !== lower(sentName) && !lower(answeredName).startsWith(lower(prefix))) {
        this.foreign.set(`${resourceType}/${id}`, { resourceType, id, sentName, answeredName });
        this.noteName(resourceType, data, prefix);
        return;
      }
      this.add(resourceType, id);
      return;
    }
    this.noteName(resourceType, data, prefix);
  }

  /** Why a PUT/PATCH/DELETE to `endpointPath` must not be sent (it names a foreign answer), or undefined. */
  refusal(method: string, endpointPath: string): string | undefined {
    if (method !== 'PUT' && method !== 'PATCH' && method !== 'DELETE') return undefined;
    const target = resourceAt(endpointPath);
    const foreign = target && this.foreign.get(`${target.resourceType}/${target.id}`);
    if (!foreign) return undefined;
    return `not sent: the server answered the create of "${foreign.sentName}" with ${foreign.resourceType} ${foreign.id} named "${foreign.answeredName}", which may not be a resource this run made`;
  }

  /** Creates answered with a resource of another name, left alone (reported by cleanup). */
  foreignAnswers(): ForeignAnswer[] {
    return [...this.foreign.values()];
  }

  private noteName(resourceType: CleanableType, data: unknown, prefix: string): void {
    const name = nameIn(resourceType, data);
    if (name === undefined || !name.toLowerCase().startsWith(prefix.toLowerCase())) return;
    this.unconfirmed.set(`${resourceType}/${name}`, { resourceType, name });
  }

  unconfirmedCreates(): UnconfirmedCreate[] {
    return [...this.unconfirmed.values()];
  }

  get size(): number {
    return this.entries.size + this.unconfirmed.size;
  }
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

/** Ids of the resources named exactly `name` (a GET with an eq filter), or why the lookup failed. */
async function findByName(client: ScimClient, { resourceType, name }: UnconfirmedCreate): Promise<{ ids: string[] } | { problem: string }> {
  const attribute = NAME_ATTRIBUTE[resourceType];
  const filter = `${attribute} eq "${name.replace(/["\\]/g, '\\$&')}"`;
  const found = await client.send({ method: 'GET', url: `${ENDPOINT[resourceType]}?filter=${encodeURIComponent(filter)}`, headers: { accept: 'application/scim+json' } });
  const resources = (found.response?.json as { Resources?: unknown } | undefined)?.Resources;
  if (found.response?.status !== 200 || (resources !== undefined && !Array.isArray(resources))) {
    return { problem: `looking it up by ${attribute} answered ${describe(found.response?.status, found.error?.message)}` };
  }
  const ids: string[] = [];
  for (const r of (resources ?? []) as Record<string, unknown>[]) {
    // The name check also protects against a server that ignores the filter and lists everyone.
    if (r !== null && typeof r === 'object' && typeof r[attribute] === 'string' && (r[attribute] as string).toLowerCase() === name.toLowerCase() && hasId(r)) ids.push(r.id as string);
  }
  return { ids };
}

/**
 * Removes what the registry holds: groups first (so memberships disappear with them), then users; a user whose
 * DELETE is not supported (405/501) is deactivated with Okta's PATCH instead. A 404 means it is already gone.
 * Creates that were never answered are looked up by their (prefixed, unique) name first.
 * With `keep`, nothing is touched and the ids are reported.
 */
export async function cleanUp(
  registry: CleanupRegistry,
  client: ScimClient,
  options: { keep: boolean; baseUrl: string },
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], left: [], kept: [] };
  const entries = registry.list();
  for (const { resourceType, id, sentName, answeredName } of registry.foreignAnswers()) {
    if (entries.some((e) => e.resourceType === resourceType && e.id === id)) continue; // also created under our name
    result.left.push({
      resourceType,
      id,
      reason: `the server answered the create of "${sentName}" with "${answeredName}"; not removed, as it may not be a resource this run made`,
      howToRemove: `check ${resourceType === 'User' ? 'user' : 'group'} ${id} ("${answeredName}") and remove it only if it is a test leftover`,
    });
  }
  for (const pending of registry.unconfirmedCreates()) {
    const found = await findByName(client, pending);
    if ('problem' in found) {
      result.left.push({
        resourceType: pending.resourceType,
        id: `(unknown: its create was not answered) ${NAME_ATTRIBUTE[pending.resourceType]} "${pending.name}"`,
        reason: found.problem,
        howToRemove: `look for ${pending.resourceType === 'User' ? 'user' : 'group'} "${pending.name}" in the application and remove it if it exists`,
      });
      continue;
    }
    for (const id of found.ids) if (!entries.some((e) => e.resourceType === pending.resourceType && e.id === id)) entries.push({ resourceType: pending.resourceType, id });
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
