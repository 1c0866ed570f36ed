import { ScimError, type ScimType } from '../../core/scim-error.js';
import { header, queryParams, type ScimRequest, type ScimResponse } from '../exchange.js';
import { routeOf } from '../route.js';
import type { Fault, FaultApi } from './types.js';
import { isSuccess } from './types.js';

/**
 * Fault modes for the rfc suite: RFC 7643/7644 defects, one named rewrite each, so that every rfc check can be
 * shown to fail against a server with the defect it exists to catch (test/suites/rfc-faults.test.ts). Some
 * faults only change what the server advertises, to prove the suite follows discovery (skips, notes, fallback).
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const scimError = (status: number, detail: string, scimType?: ScimType): ScimResponse => ({ status, body: new ScimError(status, detail, scimType).toJSON() });

/** True for a request on `kind` routes ('resource', 'collection', 'search', 'discovery') with `method` (any when omitted). */
function on(req: ScimRequest, kind: string, method?: string): boolean {
  return routeOf(req).kind === kind && (method === undefined || req.method === method);
}

/** The request with one query parameter removed (names matched case-insensitively). */
function withoutParam(req: ScimRequest, name: string): ScimRequest {
  const params = new URLSearchParams(req.query);
  for (const key of [...params.keys()]) if (key.toLowerCase() === name.toLowerCase()) params.delete(key);
  return { ...req, query: params.toString() };
}

/** The request with a query parameter (GET) and the same SearchRequest member (POST /.search) removed. */
function withoutListOption(req: ScimRequest, name: string): ScimRequest | void {
  if (req.method === 'GET' && queryParams(req).has(name.toLowerCase())) return withoutParam(req, name);
  if (on(req, 'search', 'POST') && isObject(req.body) && name in req.body) {
    const { [name]: _dropped, ...rest } = req.body;
    return { ...req, body: rest };
  }
}

/** A list response's resources, or undefined when the response is not a ListResponse. */
const resourcesOf = (res: ScimResponse): unknown[] | undefined =>
  res.status === 200 && isObject(res.body) && Array.isArray(res.body['Resources']) ? res.body['Resources'] : undefined;

/** Every resource object in a response (the resource itself, or each one of a list). */
function mapResources(res: ScimResponse, edit: (r: Json) => Json): ScimResponse | void {
  if (!isSuccess(res) || !isObject(res.body)) return;
  const list = resourcesOf(res);
  if (list) return { ...res, body: { ...res.body, Resources: list.map((r) => (isObject(r) ? edit(r) : r)) } };
  return { ...res, body: edit(res.body) };
}

/** The ServiceProviderConfig answer edited. */
function editConfig(req: ScimRequest, res: ScimResponse, edit: (config: Json) => Json): ScimResponse | void {
  const route = routeOf(req);
  if (route.kind === 'discovery' && route.endpoint === 'ServiceProviderConfig' && req.method === 'GET' && isObject(res.body)) return { ...res, body: edit(res.body) };
}

/** The current state of the resource a request addresses, read through the real handlers. */
async function current(req: ScimRequest, api: FaultApi): Promise<ScimResponse> {
  return api.dispatch({ method: 'GET', path: req.path, query: '', headers: {} }, { skipAuth: true });
}

/** Turns an error of the given scimType into a success with no body (the server "accepted" it). */
function swallowError(scimType: string, method?: string): Fault['onResponse'] {
  return (req, res) => {
    if (res.status === 400 && isObject(res.body) && res.body['scimType'] === scimType && (method === undefined || req.method === method)) return { status: 204 };
  };
}

/** The filter of a list request (GET query or POST /.search body). */
function filterOf(req: ScimRequest): string | undefined {
  if (req.method === 'GET' && on(req, 'collection')) return queryParams(req).get('filter');
  if (on(req, 'search', 'POST') && isObject(req.body) && typeof req.body['filter'] === 'string') return req.body['filter'];
  return undefined;
}

/** Rejects list requests whose filter matches `pattern` (outside quoted values) as unsupported. */
function rejectFilters(pattern: RegExp, what: string): Fault['onRequest'] {
  return (req) => {
    const filter = filterOf(req);
    if (filter !== undefined && pattern.test(filter.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return scimError(400, `Unsupported filter: ${what}`, 'invalidFilter');
  };
}

/** Edits every ETag header and meta.version in a response. */
function mapVersions(res: ScimResponse, version: (v: string) => string): ScimResponse | void {
  const etag = res.headers?.['etag'];
  const edited = mapResources(res, (r) => (isObject(r['meta']) && typeof r['meta']['version'] === 'string' ? { ...r, meta: { ...r['meta'], version: version(r['meta']['version']) } } : r)) ?? res;
  if (etag === undefined && edited === res) return;
  return { ...edited, headers: { ...(edited.headers ?? {}), ...(etag !== undefined ? { etag: version(etag) } : {}) } };
}

/** A request without one header. */
function withoutHeader(req: ScimRequest, name: string): ScimRequest | void {
  if (header(req, name) === undefined) return;
  const { [name]: _dropped, ...headers } = req.headers;
  return { ...req, headers };
}

export const rfcFaults: Fault[] = [
  // ---- discovery -----------------------------------------------------------------------------------------------
  {
    id: 'config-flags-incomplete',
    description: 'The ServiceProviderConfig leaves out the sort and etag members (their supported flags are REQUIRED).',
    onResponse: (req, res) => editConfig(req, res, ({ sort: _s, etag: _e, ...rest }) => rest),
  },
  {
    id: 'extension-schema-unserved',
    description: 'The User resource type declares the Enterprise extension, but /Schemas does not serve that schema.',
    onResponse(req, res) {
      const route = routeOf(req);
      if (route.kind !== 'discovery' || route.endpoint !== 'Schemas' || req.method !== 'GET') return;
      if (route.id === ENTERPRISE_USER) return scimError(404, 'No such schema');
      const list = resourcesOf(res);
      if (!list) return;
      const kept = list.filter((s) => !(isObject(s) && s['id'] === ENTERPRISE_USER));
      return { ...res, body: { ...(res.body as Json), Resources: kept, totalResults: kept.length, itemsPerPage: kept.length } };
    },
  },
  {
    id: 'schema-characteristics-invalid',
    description: 'The served User schema gives userName the type "text" and the mutability "rw", which RFC 7643 §7 does not define, and leaves it not required.',
    onResponse(req, res) {
      if (!on(req, 'discovery', 'GET')) return;
      const fix = (s: Json): Json =>
        Array.isArray(s['attributes'])
          ? { ...s, attributes: s['attributes'].map((a) => (isObject(a) && a['name'] === 'userName' ? { ...a, type: 'text', mutability: 'rw', required: false } : a)) }
          : s;
      return mapResources(res, fix);
    },
  },
  {
    id: 'discovery-by-id-missing',
    description: 'GET /Schemas/{id} and GET /ResourceTypes/{id} answer 404 although the lists include them.',
    onRequest(req) {
      const route = routeOf(req);
      if (route.kind === 'discovery' && route.id !== undefined) return scimError(404, 'Not found');
    },
  },
  {
    id: 'discovery-accepts-writes',
    description: 'POST, PUT and DELETE on the discovery endpoints answer 200 instead of 405 Method Not Allowed.',
    async onRequest(req, api) {
      if (!on(req, 'discovery') || req.method === 'GET') return;
      return api.dispatch({ ...req, method: 'GET', body: undefined }, { skipAuth: true });
    },
  },
  {
    id: 'discovery-unavailable',
    description: '/ResourceTypes and /Schemas answer 404: clients cannot learn the schemas (the rfc suite falls back to the standard ones).',
    onRequest(req) {
      const route = routeOf(req);
      if (route.kind === 'discovery' && route.endpoint !== 'ServiceProviderConfig') return scimError(404, 'Not found');
    },
  },

  // ---- create --------------------------------------------------------------------------------------------------
  {
    id: 'location-header-wrong',
    description: 'The Location header of 201 Created points at the collection (/Users) instead of the new resource.',
    onResponse(req, res) {
      const location = res.headers?.['location'];
      if (res.status === 201 && location) return { ...res, headers: { ...res.headers, location: location.replace(/\/[^/]+$/, '') } };
    },
  },
  {
    id: 'meta-incomplete',
    description: 'Resources come back without meta.resourceType and meta.lastModified.',
    onResponse: (_req, res) => mapResources(res, (r) => (isObject(r['meta']) ? { ...r, meta: { ...r['meta'], resourceType: undefined, lastModified: undefined } } : r)),
  },
  {
    id: 'client-id-honoured',
    description: 'POST and PUT answer with the id the client sent instead of ignoring the read-only attribute.',
    onResponse(req, res) {
      if ((req.method === 'POST' || req.method === 'PUT') && isSuccess(res) && isObject(req.body) && typeof req.body['id'] === 'string' && isObject(res.body)) {
        return { ...res, body: { ...res.body, id: req.body['id'] } };
      }
    },
  },
  {
    id: 'required-not-enforced',
    description: 'POST and PUT without a required attribute (userName, a group\'s displayName) are accepted: the server invents one instead of answering 400.',
    onRequest(req) {
      const route = routeOf(req);
      const writes = (route.kind === 'collection' && req.method === 'POST') || (route.kind === 'resource' && req.method === 'PUT');
      if (!writes || !('endpoint' in route) || !isObject(req.body)) return;
      const required = route.endpoint === 'Users' ? 'userName' : 'displayName';
      if (req.body[required] === undefined) return { ...req, body: { ...req.body, [required]: `generated-${Date.now()}-${Math.random().toString(36).slice(2)}` } };
    },
  },
  {
    id: 'required-beyond-schema',
    description: 'POST /Users without name is refused with 400 although the schema does not mark name required.',
    onRequest(req) {
      const route = routeOf(req);
      if (route.kind === 'collection' && route.endpoint === 'Users' && req.method === 'POST' && isObject(req.body) && req.body['name'] === undefined) {
        return scimError(400, '"name" is required.', 'invalidValue');
      }
    },
  },
  {
    id: 'conflict-without-scimType',
    description: '409 Conflict answers leave out scimType "uniqueness".',
    onResponse(_req, res) {
      if (res.status === 409 && isObject(res.body)) return { ...res, body: { ...res.body, scimType: undefined } };
    },
  },
  {
    id: 'unique-attribute-ignored',
    description: 'Unique attributes besides userName (a custom badge number marked uniqueness "server") are served as unique but never checked: duplicates are stored.',
    flags: { extraUniquenessIgnored: true },
  },

  {
    id: 'extension-values-dropped',
    description: 'Users come back without their extension attributes (Enterprise and custom): they are accepted and lost.',
    onResponse(req, res) {
      const route = routeOf(req);
      if (!('endpoint' in route) || route.endpoint !== 'Users') return;
      return mapResources(res, (u) => Object.fromEntries(Object.entries(u).filter(([k]) => !k.toLowerCase().startsWith('urn:'))));
    },
  },
  {
    id: 'password-masked',
    description: 'Users come back with a masked password ("********") instead of never returning it.',
    onResponse(req, res) {
      const route = routeOf(req);
      if ('endpoint' in route && route.endpoint === 'Users') return mapResources(res, (u) => ({ ...u, password: '********' }));
    },
  },

  {
    id: 'get-returns-summary',
    description: 'GET /Users/{id} returns only id, userName, schemas and meta, not every attribute returned by default (name, emails, groups, extensions…).',
    onResponse(req, res) {
      const route = routeOf(req);
      if (route.kind !== 'resource' || route.endpoint !== 'Users' || req.method !== 'GET' || req.query !== '') return;
      return mapResources(res, ({ schemas, id, userName, meta }) => ({ schemas, id, userName, meta }));
    },
  },

  // ---- projection ----------------------------------------------------------------------------------------------
  {
    id: 'attributes-ignored',
    description: 'The attributes parameter (query and .search body) is ignored: full resources come back.',
    onRequest: (req) => withoutListOption(req, 'attributes') ?? (on(req, 'resource', 'GET') && queryParams(req).has('attributes') ? withoutParam(req, 'attributes') : undefined),
  },
  {
    id: 'excluded-attributes-ignored',
    description: 'The excludedAttributes parameter (query and .search body) is ignored.',
    onRequest: (req) =>
      withoutListOption(req, 'excludedAttributes') ?? (on(req, 'resource', 'GET') && queryParams(req).has('excludedattributes') ? withoutParam(req, 'excludedAttributes') : undefined),
  },
  {
    id: 'always-attributes-projected-away',
    description: 'With attributes or excludedAttributes, id (returned "always") is left out too.',
    onResponse(req, res) {
      const params = queryParams(req);
      if (!params.has('attributes') && !params.has('excludedattributes')) return;
      return mapResources(res, ({ id: _id, ...rest }) => rest);
    },
  },
  {
    id: 'urn-attribute-names-unknown',
    description: 'URN-qualified names in attributes (urn:…:User:userName) are not recognised and return nothing but id.',
    onRequest(req) {
      const attributes = queryParams(req).get('attributes');
      if (attributes === undefined || !/urn:/i.test(attributes)) return;
      const kept = attributes.split(',').filter((a) => !/^urn:/i.test(a.trim()));
      const params = new URLSearchParams(withoutParam(req, 'attributes').query);
      params.set('attributes', kept.length ? kept.join(',') : 'id');
      return { ...req, query: params.toString() };
    },
  },

  // ---- filters -------------------------------------------------------------------------------------------------
  {
    id: 'filter-ignored',
    description: 'The filter (query and .search body) is ignored: every resource comes back.',
    onRequest: (req) => withoutListOption(req, 'filter'),
  },
  {
    id: 'filter-operators-limited',
    description: 'Filters support only eq and and; ne, co, sw, ew, pr, gt, ge, lt, le, or and not are refused with 400.',
    onRequest: rejectFilters(/\s(ne|co|sw|ew|gt|ge|lt|le|or)\s|\spr\b|\bnot\s*\(/i, 'only eq and and are supported'),
  },
  {
    id: 'filter-syntax-case-sensitive',
    description: 'Attribute names and operators in filters are matched case-sensitively (USERNAME EQ … is refused).',
    onRequest: rejectFilters(/\b(?!userName\b)[uU][sS][eE][rR][nN][aA][mM][eE]\b|\s(?!eq\b)[eE][qQ]\s/, 'attribute names and operators must be written as in the schema'),
  },
  {
    id: 'filter-boolean-unsupported',
    description: 'Filters comparing a boolean (active eq true) are refused with 400.',
    onRequest: rejectFilters(/\s(eq|ne)\s+(true|false)\b/i, 'boolean comparisons'),
  },
  {
    id: 'filter-urn-unsupported',
    description: 'Filters on URN-qualified (extension) attributes are refused with 400.',
    onRequest: rejectFilters(/urn:/i, 'URN-qualified attribute paths'),
  },
  {
    id: 'filter-value-path-unsupported',
    description: 'Value-path filters (emails[type eq "work"]) are refused with 400.',
    onRequest: rejectFilters(/\[/, 'value paths'),
  },
  {
    id: 'invalid-filter-accepted',
    description: 'A malformed filter answers 200 with an empty list instead of 400 invalidFilter.',
    onResponse(_req, res) {
      if (res.status === 400 && isObject(res.body) && res.body['scimType'] === 'invalidFilter') {
        return { status: 200, body: { schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] } };
      }
    },
  },
  {
    id: 'no-match-404',
    description: 'A filter that matches nothing answers 404 instead of 200 with totalResults 0.',
    onResponse(req, res) {
      if (filterOf(req) !== undefined && isObject(res.body) && res.body['totalResults'] === 0) return scimError(404, 'No resources match the filter');
    },
  },

  // ---- paging and search ---------------------------------------------------------------------------------------
  {
    id: 'beyond-total-404',
    description: 'A startIndex beyond totalResults answers 404 instead of an empty page.',
    onResponse(req, res) {
      const startIndex = Number(queryParams(req).get('startindex'));
      if (isObject(res.body) && typeof res.body['totalResults'] === 'number' && startIndex > res.body['totalResults']) return scimError(404, 'No such page');
    },
  },
  {
    id: 'out-of-range-paging-400',
    description: 'startIndex below 1 or a negative count answers 400 instead of being read as 1 and 0.',
    onRequest(req) {
      if (!on(req, 'collection', 'GET')) return;
      const params = queryParams(req);
      const startIndex = params.has('startindex') ? Number(params.get('startindex')) : 1;
      const count = params.has('count') ? Number(params.get('count')) : 0;
      if (startIndex < 1 || count < 0) return scimError(400, 'startIndex must be >= 1 and count >= 0', 'invalidValue');
    },
  },
  {
    id: 'search-ignores-body',
    description: 'POST /.search ignores the SearchRequest (filter, paging, sorting, attributes) and lists everything.',
    onRequest(req) {
      if (on(req, 'search', 'POST')) return { ...req, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] } };
    },
  },

  // ---- sorting -------------------------------------------------------------------------------------------------
  {
    id: 'sort-reversed',
    description: 'Sorted lists come back in the opposite order to the one asked for.',
    onResponse(req, res) {
      const sorted = queryParams(req).has('sortby') || (on(req, 'search', 'POST') && isObject(req.body) && req.body['sortBy'] !== undefined);
      const list = resourcesOf(res);
      if (sorted && list) return { ...res, body: { ...(res.body as Json), Resources: [...list].reverse() } };
    },
  },
  {
    id: 'sort-not-advertised',
    description: 'Sorting works but the ServiceProviderConfig says sort.supported false (the rfc suite skips sorting and notes that it works).',
    onResponse: (req, res) => editConfig(req, res, (c) => ({ ...c, sort: { supported: false } })),
  },

  // ---- PUT -----------------------------------------------------------------------------------------------------
  {
    id: 'put-unknown-creates',
    description: 'PUT to an unknown id creates the resource (201) instead of answering 404.',
    async onResponse(req, res, api) {
      const route = routeOf(req);
      if (route.kind !== 'resource' || req.method !== 'PUT' || res.status !== 404) return;
      return api.dispatch({ method: 'POST', path: `/${route.endpoint}`, query: '', headers: {}, body: req.body }, { skipAuth: true });
    },
  },
  {
    id: 'immutable-writable',
    description: 'Attributes served as immutable can be changed by PUT and PATCH like any other (no 400 mutability).',
    flags: { immutableWritable: true },
  },

  // ---- PATCH ---------------------------------------------------------------------------------------------------
  {
    id: 'patch-ignored',
    description: 'PATCH answers 200 with the unchanged resource and applies nothing.',
    async onRequest(req, api) {
      if (on(req, 'resource', 'PATCH')) return current(req, api);
    },
  },
  {
    id: 'patch-not-atomic',
    description: 'PATCH applies operations one at a time: those before a failing one stay applied.',
    async onRequest(req, api) {
      if (!on(req, 'resource', 'PATCH') || !isObject(req.body) || !Array.isArray(req.body['Operations']) || req.body['Operations'].length < 2) return;
      let last: ScimResponse | undefined;
      for (const operation of req.body['Operations']) {
        last = await api.dispatch({ ...req, body: { ...req.body, Operations: [operation] } }, { skipAuth: true });
        if (!isSuccess(last)) return last;
      }
      return last;
    },
  },
  {
    id: 'primary-duplicated',
    description: 'A user read back with several e-mails shows every one of them as primary.',
    onResponse(req, res) {
      if (!on(req, 'resource', 'GET')) return;
      return mapResources(res, (r) => (Array.isArray(r['emails']) && r['emails'].length > 1 ? { ...r, emails: r['emails'].map((e) => (isObject(e) ? { ...e, primary: true } : e)) } : r));
    },
  },
  {
    id: 'remove-required-accepted',
    description: 'PATCH remove of a required attribute (userName) answers 204 instead of 400 mutability.',
    onResponse: swallowError('mutability', 'PATCH'),
  },
  {
    id: 'invalid-path-accepted',
    description: 'PATCH with a malformed path answers 204 instead of 400 invalidPath.',
    onResponse: swallowError('invalidPath', 'PATCH'),
  },
  {
    id: 'unknown-op-accepted',
    description: 'PATCH with an op other than add, remove or replace answers 204 instead of 400.',
    onResponse: swallowError('invalidSyntax', 'PATCH'),
  },
  {
    id: 'no-target-accepted',
    description: 'PATCH whose filter matches nothing (or remove without a path) answers 204 instead of 400 noTarget.',
    onResponse: swallowError('noTarget', 'PATCH'),
  },
  {
    id: 'change-password-advertised-broken',
    description: 'The ServiceProviderConfig advertises changePassword, but PATCH of password is refused with 400.',
    onRequest(req) {
      if (!on(req, 'resource', 'PATCH') || !isObject(req.body) || !Array.isArray(req.body['Operations'])) return;
      if (req.body['Operations'].some((o) => isObject(o) && typeof o['path'] === 'string' && o['path'].toLowerCase() === 'password')) return scimError(400, 'password cannot be changed', 'mutability');
    },
    onResponse: (req, res) => editConfig(req, res, (c) => ({ ...c, changePassword: { supported: true } })),
  },

  // ---- DELETE --------------------------------------------------------------------------------------------------
  {
    id: 'delete-keeps-resource',
    description: 'DELETE answers 204 but the resource stays retrievable.',
    async onRequest(req, api) {
      if (!on(req, 'resource', 'DELETE')) return;
      const found = await current(req, api);
      return found.status === 200 ? { status: 204 } : undefined;
    },
  },
  {
    id: 'unknown-id-204',
    description: 'DELETE and PATCH of an unknown (or already deleted) id answer 204 instead of 404.',
    onResponse(req, res) {
      if ((on(req, 'resource', 'DELETE') || on(req, 'resource', 'PATCH')) && res.status === 404) return { status: 204 };
    },
  },
  {
    id: 'delete-returns-body',
    description: 'DELETE answers 200 with a JSON body instead of 204 No Content.',
    onResponse(req, res) {
      if (on(req, 'resource', 'DELETE') && res.status === 204) return { status: 200, body: { deleted: true } };
    },
  },

  // ---- ETags ---------------------------------------------------------------------------------------------------
  {
    id: 'etag-not-version',
    description: 'The ETag header differs from meta.version (a different tag is sent in the header).',
    onResponse(_req, res) {
      const etag = res.headers?.['etag'];
      if (etag) return { ...res, headers: { ...res.headers, etag: etag.replace(/"$/, '-h"') } };
    },
  },
  {
    id: 'etag-constant',
    description: 'ETag and meta.version never change when the resource does.',
    onResponse: (_req, res) => mapVersions(res, () => 'W/"1"'),
  },
  {
    id: 'if-match-ignored',
    description: 'If-Match is ignored: a stale version still updates the resource instead of 412.',
    onRequest: (req) => withoutHeader(req, 'if-match'),
  },
  {
    id: 'if-none-match-ignored',
    description: 'If-None-Match is ignored: the current version gets 200 with the body instead of 304.',
    onRequest: (req) => withoutHeader(req, 'if-none-match'),
  },

  // ---- errors and format ---------------------------------------------------------------------------------------
  {
    id: 'content-type-application-json',
    description: 'Responses are labelled application/json instead of application/scim+json.',
    onResponse(_req, res) {
      if (res.body !== undefined && res.raw === undefined && res.status !== 204 && res.status !== 304) {
        return { status: res.status, headers: { ...(res.headers ?? {}), 'content-type': 'application/json' }, raw: JSON.stringify(res.body) };
      }
    },
  },
  {
    id: 'application-json-rejected',
    description: 'Request bodies sent as application/json (not application/scim+json) are refused with 415.',
    onRequest(req) {
      const type = header(req, 'content-type');
      if (req.body !== undefined && type !== undefined && /^application\/json\b/i.test(type)) return scimError(415, 'Unsupported content type');
    },
  },
  {
    id: 'invalid-syntax-500',
    description: 'A request body that is JSON but not an object answers 500 instead of 400 invalidSyntax.',
    onResponse(_req, res) {
      if (res.status === 400 && isObject(res.body) && res.body['scimType'] === 'invalidSyntax') return scimError(500, 'Internal server error');
    },
  },

  {
    id: 'error-status-number',
    description: 'SCIM Error bodies carry status as a number (404) instead of the string "404".',
    onResponse(_req, res) {
      if (res.status >= 400 && isObject(res.body) && typeof res.body['status'] === 'string') return { ...res, body: { ...res.body, status: Number(res.body['status']) } };
    },
  },
  {
    id: 'unauthenticated-allowed',
    description: 'Requests without an Authorization header are served as if authenticated.',
    async onRequest(req, api) {
      if (header(req, 'authorization') === undefined) return api.dispatch(req, { skipAuth: true });
    },
  },

  // ---- groups and bulk -----------------------------------------------------------------------------------------
  {
    id: 'group-members-dropped',
    description: 'POST /Groups ignores the members given at creation.',
    onRequest(req) {
      const route = routeOf(req);
      if (route.kind === 'collection' && route.endpoint === 'Groups' && req.method === 'POST' && isObject(req.body) && 'members' in req.body) {
        const { members: _members, ...rest } = req.body;
        return { ...req, body: rest };
      }
    },
  },
  {
    id: 'nested-group-members-dropped',
    description: 'Groups accept other groups as members but never list them.',
    onResponse(req, res) {
      const route = routeOf(req);
      if (req.method !== 'GET' || !('endpoint' in route) || route.endpoint !== 'Groups') return;
      return mapResources(res, (g) => (Array.isArray(g['members']) ? { ...g, members: g['members'].filter((m) => !(isObject(m) && m['type'] === 'Group')) } : g));
    },
  },
  {
    id: 'bulk-advertised-broken',
    description: 'The ServiceProviderConfig advertises bulk, but /Bulk is not implemented.',
    onResponse: (req, res) => editConfig(req, res, (c) => ({ ...c, bulk: { supported: true, maxOperations: 10, maxPayloadSize: 1048576 } })),
  },
];
