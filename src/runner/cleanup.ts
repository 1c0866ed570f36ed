import type { ScimClient } from '../client/index.js';
import type { CleanupResult } from './results.js';

export type CleanableType = 'User' | 'Group';

const ENDPOINT: Record<CleanableType, string> = { User: '/Users', Group: '/Groups' };

/** The resources a run created, in creation order, so that cleanup can remove exactly those. */
export class CleanupRegistry {
  private readonly entries = new Map<string, { resourceType: CleanableType; id: string }>();

  add(resourceType: CleanableType, id: string): void {
    this.entries.set(`${resourceType}/${id}`, { resourceType, id });
  }

  remove(resourceType: CleanableType, id: string): void {
    this.entries.delete(`${resourceType}/${id}`);
  }

  list(): { resourceType: CleanableType; id: string }[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
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

/**
 * Removes what the registry holds: groups first (so memberships disappear with them), then users; a user whose
 * DELETE is not supported (405/501) is deactivated with Okta's PATCH instead. A 404 means it is already gone.
 * With `keep`, nothing is touched and the ids are reported.
 */
export async function cleanUp(
  registry: CleanupRegistry,
  client: ScimClient,
  options: { keep: boolean; baseUrl: string },
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], left: [], kept: [] };
  const entries = registry.list();
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
