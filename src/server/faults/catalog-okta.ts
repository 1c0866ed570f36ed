import { ScimError, type ScimType } from '../../core/scim-error.js';
import { header, queryParams, type ScimRequest, type ScimResponse } from '../exchange.js';
import { routeOf, type ResourceEndpoint } from '../route.js';
import type { ScimStore } from '../store.js';
import type { Fault, FaultApi } from './types.js';
import { isSuccess } from './types.js';

/**
 * Fault modes for the Okta suites (okta-spec, okta-users, okta-groups): each one is a defect real SCIM servers
 * have shipped, expressed as a rewrite of the request or the response, so that every Okta check can be shown to
 * fail against a server with exactly the defect it exists to catch (test/suites/fault-matrix.test.ts).
 */

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** True for `method` on a resource (`/Users/{id}`) of `endpoint`. */
function onResource(req: ScimRequest, method: string, endpoint: ResourceEndpoint): boolean {
  const route = routeOf(req);
  return req.method === method && route.kind === 'resource' && route.endpoint === endpoint;
}

/** True for `method` on the collection (`/Users`) of `endpoint`. */
function onCollection(req: ScimRequest, method: string, endpoint?: ResourceEndpoint): boolean {
  const route = routeOf(req);
  return req.method === method && route.kind === 'collection' && (endpoint === undefined || route.endpoint === endpoint);
}

/** The request with its query parameters edited; parameter names are matched case-insensitively. */
function editQuery(req: ScimRequest, edit: (params: URLSearchParams, nameOf: (name: string) => string) => void): ScimRequest {
  const params = new URLSearchParams(req.query);
  const nameOf = (wanted: string): string => [...params.keys()].find((k) => k.toLowerCase() === wanted.toLowerCase()) ?? wanted;
  edit(params, nameOf);
  return { ...req, query: params.toString() };
}

const withBody = (req: ScimRequest, body: unknown): ScimRequest => ({ ...req, body });

function errorResponse(status: number, detail: string, scimType?: ScimType): ScimResponse {
  return { status, body: new ScimError(status, detail, scimType).toJSON() };
}

/** The resource as the server currently stores it (read through the real handlers). */
async function currentResource(req: ScimRequest, api: FaultApi): Promise<Json | undefined> {
  const res = await api.dispatch({ method: 'GET', path: req.path, query: '', headers: {} }, { skipAuth: true });
  return res.status === 200 && isObject(res.body) ? res.body : undefined;
}

/**
 * A fault that rewrites PUT bodies of `endpoint` using the stored resource: `rewrite(sent, stored)` is the body the
 * broken server actually applies.
 */
function rewritePut(endpoint: ResourceEndpoint, rewrite: (sent: Json, stored: Json) => Json): NonNullable<Fault['onRequest']> {
  return async (req, api) => {
    if (!onResource(req, 'PUT', endpoint) || !isObject(req.body)) return;
    const stored = await currentResource(req, api);
    if (stored) return withBody(req, rewrite(req.body, stored));
  };
}

/** The PATCH operations of a request, when it is a well-formed PatchOp. */
function patchOperations(req: ScimRequest): Json[] | undefined {
  if (req.method !== 'PATCH' || !isObject(req.body) || !Array.isArray(req.body['Operations'])) return undefined;
  return req.body['Operations'].filter(isObject);
}

const withOperations = (req: ScimRequest, operations: Json[]): ScimRequest => withBody(req, { ...(req.body as Json), Operations: operations });

/**
 * The request without the operations `skip` selects; when none are left, a 200 with the unchanged resource (the
 * broken server "succeeds" without doing anything, rather than rejecting an empty PATCH).
 */
async function skipOperations(req: ScimRequest, api: FaultApi, skip: (op: Json) => boolean): Promise<ScimRequest | ScimResponse | void> {
  const ops = patchOperations(req);
  if (!ops?.some(skip)) return;
  const kept = ops.filter((op) => !skip(op));
  if (kept.length) return withOperations(req, kept);
  const resource = await currentResource(req, api);
  return resource ? { status: 200, body: resource } : undefined;
}

const opName = (op: Json): string => String(op['op'] ?? '').toLowerCase();
const opPath = (op: Json): string | undefined => (typeof op['path'] === 'string' ? op['path'] : undefined);
const isMembersPath = (path: string | undefined): boolean => path !== undefined && /^members$/i.test(path.trim());

/** A 200 list response rewritten by `edit` (other responses are left alone). */
function mapListResponse(res: ScimResponse, edit: (list: Json) => Json): ScimResponse | void {
  if (res.status !== 200 || !isObject(res.body) || !Array.isArray(res.body['Resources'])) return;
  return { ...res, body: edit(res.body) };
}

/** Rewrites every User object in a response (a single resource or the resources of a list). */
function mapUsers(req: ScimRequest, res: ScimResponse, edit: (user: Json) => Json): ScimResponse | void {
  const route = routeOf(req);
  if (!isSuccess(res) || route.kind === 'unknown' || !('endpoint' in route) || route.endpoint !== 'Users' || !isObject(res.body)) return;
  const body = res.body;
  if (Array.isArray(body['Resources'])) {
    return { ...res, body: { ...body, Resources: body['Resources'].map((u) => (isObject(u) ? edit(u) : u)) } };
  }
  return { ...res, body: edit(body) };
}

/** Passwords Okta sent, per server (so concurrent in-process servers never see each other's). */
const rememberedPasswords = new WeakMap<ScimStore, Map<string, string>>();

export const oktaFaults: Fault[] = [
  // ---- content negotiation -------------------------------------------------------------------------------------
  {
    id: 'scim-json-charset-rejected',
    description: 'Request bodies sent as Okta sends them (application/scim+json; charset=utf-8) are refused with 415.',
    onRequest(req) {
      const type = header(req, 'content-type');
      if (req.body !== undefined && type && /application\/scim\+json\s*;\s*charset/i.test(type)) {
        return errorResponse(415, 'Unsupported content type');
      }
    },
  },

  // ---- Okta SPEC test basics -----------------------------------------------------------------------------------
  {
    id: 'users-list-requires-filter',
    description: 'GET /Users without a filter is refused with 400, so nobody can list or import users.',
    onRequest(req) {
      if (onCollection(req, 'GET', 'Users') && !queryParams(req).has('filter')) {
        return errorResponse(400, 'A filter is required to list users', 'invalidFilter');
      }
    },
  },
  {
    id: 'get-by-id-returns-list',
    description: 'GET /Users/{id} answers with a ListResponse wrapping the user instead of the user itself.',
    onResponse(req, res) {
      if (onResource(req, 'GET', 'Users') && res.status === 200 && isObject(res.body)) {
        const list = { schemas: [LIST_RESPONSE], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [res.body] };
        return { ...res, body: list };
      }
    },
  },
  {
    id: '404-without-scim-body',
    description: 'Unknown ids get a bare 404 with a text body instead of a SCIM Error.',
    onResponse(_req, res) {
      if (res.status === 404) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, raw: 'Not Found' };
    },
  },
  {
    id: 'error-without-status',
    description: 'SCIM Error bodies leave out the status attribute.',
    onResponse(_req, res) {
      if (res.status >= 400 && isObject(res.body) && 'status' in res.body) {
        const { status: _status, ...rest } = res.body;
        return { ...res, body: rest };
      }
    },
  },
  {
    id: 'create-upserts-duplicate',
    description: 'POST /Users with a userName that exists answers 200 with the existing user instead of 409 Conflict.',
    async onResponse(req, res, api) {
      if (!onCollection(req, 'POST', 'Users') || res.status !== 409 || !isObject(req.body)) return;
      const filter = `userName eq ${JSON.stringify(String(req.body['userName']))}`;
      const found = await api.dispatch({ method: 'GET', path: '/Users', query: new URLSearchParams({ filter }).toString(), headers: {} }, { skipAuth: true });
      const existing = isObject(found.body) && Array.isArray(found.body['Resources']) ? found.body['Resources'][0] : undefined;
      if (isObject(existing)) return { status: 200, body: existing };
    },
  },

  {
    id: 'bodyless-content-type-rejected',
    description: 'A request with a Content-Type header but no body (Okta\'s GETs in its SPEC test, its DELETEs) is refused with 400.',
    onRequest(req) {
      if (req.body === undefined && header(req, 'content-type') !== undefined) return errorResponse(400, 'Request body is not valid JSON', 'invalidSyntax');
    },
  },
  {
    id: 'query-plus-not-space',
    description: 'A + in the query string is read literally instead of as a space, so filter=userName+eq+"…" is rejected.',
    onRequest(req) {
      if (req.method === 'GET' && req.query.includes('+')) return { ...req, query: req.query.replace(/\+/g, '%2B') };
    },
  },

  // ---- user lookup and creation --------------------------------------------------------------------------------
  {
    id: 'userName-filter-ignored',
    description: 'GET /Users ignores a filter and lists every user, so the userName existence check "finds" strangers.',
    onRequest(req) {
      if (onCollection(req, 'GET', 'Users')) return editQuery(req, (p, name) => p.delete(name('filter')));
    },
  },
  {
    id: 'startIndex-zero-based',
    description: 'startIndex is read as a 0-based offset, so every page (and a filtered lookup) skips its first match.',
    onRequest(req) {
      if (!onCollection(req, 'GET')) return;
      return editQuery(req, (p, name) => {
        const start = Number(p.get(name('startIndex')) ?? '1');
        p.set(name('startIndex'), String((Number.isInteger(start) && start > 0 ? start : 1) + 1));
      });
    },
    onResponse(req, res) {
      // Echo the startIndex the client asked for, as a server with this bug does (it believes it honoured it).
      if (!onCollection(req, 'GET')) return;
      const asked = Number(queryParams(req).get('startindex') ?? '1');
      return mapListResponse(res, (list) => ({ ...list, startIndex: Number.isInteger(asked) && asked > 0 ? asked : 1 }));
    },
  },
  {
    id: 'create-rejects-readonly-groups',
    description: 'POST /Users with the read-only "groups": [] Okta always sends is rejected with 400 mutability.',
    onRequest(req) {
      if (onCollection(req, 'POST', 'Users') && isObject(req.body) && 'groups' in req.body) {
        return errorResponse(400, 'Attribute "groups" is read-only', 'mutability');
      }
    },
  },
  {
    id: 'userName-lowercased',
    description: 'userName is stored in lower case instead of exactly as sent.',
    onRequest(req) {
      const writes = onCollection(req, 'POST', 'Users') || onResource(req, 'PUT', 'Users');
      if (writes && isObject(req.body) && typeof req.body['userName'] === 'string') {
        return withBody(req, { ...req.body, userName: req.body['userName'].toLowerCase() });
      }
    },
  },
  {
    id: 'enterprise-extension-dropped',
    description: 'The enterprise extension (department, …) sent on POST and PUT /Users is silently not stored.',
    onRequest(req) {
      const writes = onCollection(req, 'POST', 'Users') || onResource(req, 'PUT', 'Users');
      if (writes && isObject(req.body) && ENTERPRISE_USER in req.body) {
        const { [ENTERPRISE_USER]: _dropped, ...rest } = req.body;
        return withBody(req, rest);
      }
    },
  },
  {
    id: 'password-returned',
    description: 'The password Okta sends on create is stored and returned in every User response.',
    onResponse(req, res, api) {
      let passwords = rememberedPasswords.get(api.store);
      if (!passwords) rememberedPasswords.set(api.store, (passwords = new Map()));
      const known = passwords;
      if (onCollection(req, 'POST', 'Users') && res.status === 201 && isObject(req.body) && isObject(res.body)) {
        if (typeof req.body['password'] === 'string' && typeof res.body['id'] === 'string') {
          known.set(res.body['id'], req.body['password']);
        }
      }
      return mapUsers(req, res, (user) => {
        const password = typeof user['id'] === 'string' ? known.get(user['id']) : undefined;
        return password === undefined ? user : { ...user, password };
      });
    },
  },

  // ---- list paging (import) ------------------------------------------------------------------------------------
  {
    id: 'totalResults-off-by-one',
    description: 'List responses report one result fewer than there are.',
    onResponse(req, res) {
      if (!onCollection(req, 'GET')) return;
      return mapListResponse(res, (list) => {
        const total = list['totalResults'];
        return typeof total === 'number' && total > 0 ? { ...list, totalResults: total - 1 } : list;
      });
    },
  },
  {
    id: 'list-ignores-startIndex',
    description: 'GET /Users and /Groups ignore startIndex and always return the first page.',
    onRequest(req) {
      if (onCollection(req, 'GET')) return editQuery(req, (p, name) => p.delete(name('startIndex')));
    },
  },
  {
    id: 'startIndex-not-echoed',
    description: 'List responses always say startIndex 1, whatever page was asked for.',
    onResponse(req, res) {
      if (onCollection(req, 'GET')) return mapListResponse(res, (list) => ({ ...list, startIndex: 1 }));
    },
  },

  // ---- profile push --------------------------------------------------------------------------------------------
  {
    id: 'put-ignores-name',
    description: 'PUT /Users/{id} keeps the stored name and ignores the one sent.',
    onRequest: rewritePut('Users', (sent, stored) => ({ ...sent, name: stored['name'] })),
  },
  {
    id: 'put-rejects-readonly-meta',
    description: 'PUT /Users/{id} carrying the read-only id and meta Okta copies from its GET is rejected with 400 mutability.',
    onRequest(req) {
      if (onResource(req, 'PUT', 'Users') && isObject(req.body) && 'meta' in req.body) return errorResponse(400, 'Attribute "meta" is read-only', 'mutability');
    },
  },
  {
    id: 'put-merges',
    description: 'PUT /Users/{id} merges into the stored user instead of replacing it, so omitted attributes are kept.',
    onRequest: rewritePut('Users', (sent, stored) => ({ ...stored, ...sent })),
  },
  {
    id: 'patch-ignores-urn-path',
    description: 'PATCH operations whose path is URN-qualified (e.g. the enterprise department) are silently skipped.',
    onRequest(req, api) {
      return skipOperations(req, api, (op) => opPath(op)?.startsWith('urn:') === true);
    },
  },

  // ---- deactivation and reactivation ---------------------------------------------------------------------------
  {
    id: 'patch-pathless-ignored',
    description: 'PATCH operations without a path (Okta\'s deactivate, reactivate and group rename) are answered 200 but not applied.',
    onRequest(req, api) {
      return skipOperations(req, api, (op) => opPath(op) === undefined);
    },
  },
  {
    id: 'deactivated-hidden-from-filter',
    description: 'Filtered user lists leave out deactivated users, so Okta cannot find a user it is re-assigning.',
    onResponse(req, res) {
      if (!onCollection(req, 'GET', 'Users') || !queryParams(req).has('filter')) return;
      return mapListResponse(res, (list) => {
        const resources = (list['Resources'] as unknown[]).filter((u) => !(isObject(u) && u['active'] === false));
        const hidden = (list['Resources'] as unknown[]).length - resources.length;
        return { ...list, Resources: resources, itemsPerPage: resources.length, totalResults: Number(list['totalResults']) - hidden };
      });
    },
  },
  {
    id: 'reactivation-ignored',
    description: 'Once a user is inactive, PATCH or PUT setting active=true is answered with success but the user stays inactive.',
    async onRequest(req, api) {
      const isPatch = onResource(req, 'PATCH', 'Users');
      if (!(isPatch || onResource(req, 'PUT', 'Users')) || !isObject(req.body)) return;
      const stored = await currentResource(req, api);
      if (stored?.['active'] !== false) return;
      if (!isPatch) return withBody(req, { ...req.body, active: false });
      const ops = patchOperations(req) ?? [];
      return withOperations(
        req,
        ops.map((op) => {
          const value = op['value'];
          if (opPath(op) === undefined && isObject(value) && 'active' in value) return { ...op, value: { ...value, active: false } };
          if (opPath(op)?.toLowerCase() === 'active') return { ...op, value: false };
          return op;
        }),
      );
    },
  },
  {
    id: 'put-ignores-active',
    description: 'PUT /Users/{id} keeps the stored active flag, so private (AIW) apps can never deactivate a user.',
    onRequest: rewritePut('Users', (sent, stored) => ({ ...sent, active: stored['active'] })),
  },

  // ---- groups --------------------------------------------------------------------------------------------------
  {
    id: 'group-filter-ignored',
    description: 'GET /Groups ignores a filter and lists every group, so the displayName lookup matches other groups.',
    onRequest(req) {
      if (onCollection(req, 'GET', 'Groups')) return editQuery(req, (p, name) => p.delete(name('filter')));
    },
  },
  {
    id: 'group-create-rejects-empty-members',
    description: 'POST /Groups with "members": [] (how Okta pushes a new group) is rejected with 400.',
    onRequest(req) {
      if (onCollection(req, 'POST', 'Groups') && isObject(req.body) && Array.isArray(req.body['members']) && req.body['members'].length === 0) {
        return errorResponse(400, 'members must not be empty', 'invalidValue');
      }
    },
  },
  {
    id: 'patch-rejects-readonly-id',
    description: 'A PATCH value object that carries the read-only id (Okta\'s group rename) is rejected with 400 mutability.',
    onRequest(req) {
      const ops = patchOperations(req);
      if (ops?.some((op) => isObject(op['value']) && 'id' in op['value'])) {
        return errorResponse(400, 'Attribute "id" is read-only', 'mutability');
      }
    },
  },
  {
    id: 'group-add-keeps-first-member',
    description: 'A PATCH adding several members at once adds only the first of them.',
    onRequest(req) {
      const ops = patchOperations(req);
      if (!ops || !onResource(req, 'PATCH', 'Groups')) return;
      return withOperations(
        req,
        ops.map((op) => (opName(op) === 'add' && isMembersPath(opPath(op)) && Array.isArray(op['value']) ? { ...op, value: op['value'].slice(0, 1) } : op)),
      );
    },
  },
  {
    id: 'patch-applies-first-operation-only',
    description: 'A PATCH with several operations applies only the first one (and still answers success).',
    onRequest(req) {
      const ops = patchOperations(req);
      if (ops && ops.length > 1) return withOperations(req, ops.slice(0, 1));
    },
  },
  {
    id: 'group-remove-member-removes-all',
    description: 'PATCH remove with path members[value eq "…"] removes every member instead of the one named.',
    onRequest(req) {
      const ops = patchOperations(req);
      if (!ops || !onResource(req, 'PATCH', 'Groups')) return;
      return withOperations(
        req,
        ops.map((op) => (opName(op) === 'remove' && /^members\s*\[/i.test(opPath(op) ?? '') ? { op: 'remove', path: 'members' } : op)),
      );
    },
  },
  {
    id: 'group-replace-members-appends',
    description: 'PATCH replace of members adds the given members instead of replacing the list.',
    onRequest(req) {
      const ops = patchOperations(req);
      if (!ops || !onResource(req, 'PATCH', 'Groups')) return;
      return withOperations(req, ops.map((op) => (opName(op) === 'replace' && isMembersPath(opPath(op)) ? { ...op, op: 'add' } : op)));
    },
  },
  {
    id: 'group-replace-empty-ignored',
    description: 'PATCH replace of members with an empty list is answered with success but changes nothing.',
    onRequest(req, api) {
      if (!onResource(req, 'PATCH', 'Groups')) return;
      return skipOperations(req, api, (op) => opName(op) === 'replace' && isMembersPath(opPath(op)) && Array.isArray(op['value']) && op['value'].length === 0);
    },
  },
  {
    id: 'exclude-members-ignored',
    description: 'excludedAttributes=members is ignored: groups always come back with every member.',
    onRequest(req) {
      const route = routeOf(req);
      if (req.method === 'GET' && 'endpoint' in route && route.endpoint === 'Groups') {
        return editQuery(req, (p, name) => p.delete(name('excludedAttributes')));
      }
    },
  },
  {
    id: 'user-groups-empty',
    description: 'Users never report their group memberships (the read-only groups attribute is left out).',
    onResponse(req, res) {
      return mapUsers(req, res, (user) => {
        const { groups: _groups, ...rest } = user;
        return rest;
      });
    },
  },
  {
    id: 'group-delete-soft',
    description: 'DELETE /Groups/{id} answers 204 but keeps the group.',
    onRequest(req) {
      if (onResource(req, 'DELETE', 'Groups')) return { status: 204 };
    },
  },
  {
    id: 'group-delete-deletes-members',
    description: 'DELETE /Groups/{id} also deletes the users who were its members.',
    async onRequest(req, api) {
      if (!onResource(req, 'DELETE', 'Groups')) return;
      const group = await currentResource(req, api);
      const members = Array.isArray(group?.['members']) ? group['members'].filter(isObject) : [];
      for (const member of members) {
        if (typeof member['value'] === 'string' && member['type'] !== 'Group') {
          await api.dispatch({ method: 'DELETE', path: `/Users/${encodeURIComponent(member['value'])}`, query: '', headers: {} }, { skipAuth: true });
        }
      }
    },
  },
  {
    id: 'group-put-ignores-displayName',
    description: 'PUT /Groups/{id} keeps the stored displayName, so private (AIW) apps cannot rename groups.',
    onRequest: rewritePut('Groups', (sent, stored) => ({ ...sent, displayName: stored['displayName'] })),
  },
  {
    id: 'group-put-ignores-members',
    description: 'PUT /Groups/{id} keeps the stored members and ignores the member list sent.',
    onRequest: rewritePut('Groups', (sent, stored) => ({ ...sent, members: stored['members'] ?? [] })),
  },
  {
    id: 'group-put-merges-members',
    description: 'PUT /Groups/{id} adds the members sent to the stored ones instead of replacing the list.',
    onRequest: rewritePut('Groups', (sent, stored) => {
      const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
      const sentIds = new Set(objects(sent['members']).map((m) => m['value']));
      return { ...sent, members: [...objects(sent['members']), ...objects(stored['members']).filter((m) => !sentIds.has(m['value']))] };
    }),
  },
];
