import { randomUUID } from 'node:crypto';
import { ScimError } from '../../core/scim-error.js';
import { header, type ScimRequest, type ScimResponse } from '../exchange.js';
import { routeOf } from '../route.js';
import type { Fault, FaultApi } from './types.js';
import { isSuccess } from './types.js';

/**
 * Fault modes for OIN readiness and the Okta flows that depend on it (issue: OIN verdict agreeing with Okta's own
 * SPEC test; defects the default suites let through). Each is one small, named defect real servers have shipped.
 * (Numeric error `status`, the other case of Okta's verdict, is the rfc catalog's error-status-number.)
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

const onUserResource = (req: ScimRequest, method: string): boolean => {
  const route = routeOf(req);
  return req.method === method && route.kind === 'resource' && route.endpoint === 'Users';
};
const onUsers = (req: ScimRequest, method: string): boolean => {
  const route = routeOf(req);
  return req.method === method && route.kind === 'collection' && route.endpoint === 'Users';
};

async function read(api: FaultApi, path: string): Promise<Json | undefined> {
  const res = await api.dispatch({ method: 'GET', path, query: '', headers: {} }, { skipAuth: true });
  return res.status === 200 && isObject(res.body) ? res.body : undefined;
}

/** True when the request's credentials are accepted (faults run before authentication). */
async function authenticated(req: ScimRequest, api: FaultApi): Promise<boolean> {
  const res = await api.dispatch({ method: 'GET', path: '/Users', query: 'count=0', headers: req.headers });
  return res.status === 200;
}

/** Users whose userName equals `userName` ignoring case (the reference server's own filter). */
async function usersNamed(api: FaultApi, userName: string): Promise<Json[]> {
  const filter = `userName eq ${JSON.stringify(userName)}`;
  const res = await api.dispatch({ method: 'GET', path: '/Users', query: new URLSearchParams({ filter }).toString(), headers: {} }, { skipAuth: true });
  const resources = isObject(res.body) && Array.isArray(res.body['Resources']) ? res.body['Resources'] : [];
  return resources.filter(isObject);
}

/** Users reactivated after a deactivation, per server (so concurrent in-process servers never see each other's). */
const reactivated = new WeakMap<FaultApi['store'], Set<string>>();

/** The `active` value a PATCH or PUT of a user sets, when it sets one. */
function activeSet(req: ScimRequest): boolean | undefined {
  if (!isObject(req.body)) return undefined;
  if (req.method === 'PUT') return typeof req.body['active'] === 'boolean' ? req.body['active'] : undefined;
  const ops = Array.isArray(req.body['Operations']) ? req.body['Operations'].filter(isObject) : [];
  for (const op of ops) {
    const value = op['value'];
    if (typeof op['path'] === 'string' && /^active$/i.test(op['path']) && typeof value === 'boolean') return value;
    if (op['path'] === undefined && isObject(value) && typeof value['active'] === 'boolean') return value['active'];
  }
  return undefined;
}

/** Servers that already rate-limited once (the fault answers one 429 per server). */
const throttled = new WeakSet<FaultApi['store']>();

export const oinFaults: Fault[] = [
  {
    id: 'scheme-less-authorization-500',
    description: 'An Authorization header without a scheme (Okta\'s SPEC step 11 sends "Authorization: non-token") crashes the server: 500 instead of 401.',
    onRequest(req) {
      const value = header(req, 'authorization');
      if (value !== undefined && !/^\S+\s+\S/.test(value.trim())) {
        return { status: 500, body: new ScimError(500, 'Internal server error').toJSON() };
      }
    },
  },
  {
    id: 'userName-eq-substring',
    description: 'A userName eq filter matches every userName that contains the value (bob@x.com also finds jimbob@x.com).',
    onRequest(req) {
      if (req.method !== 'GET' || routeOf(req).kind !== 'collection' || routeOf(req).kind === 'unknown') return;
      const params = new URLSearchParams(req.query);
      const name = [...params.keys()].find((k) => k.toLowerCase() === 'filter');
      const filter = name ? params.get(name) : null;
      if (!name || !filter || !/^\s*userName\s+eq\s+/i.test(filter)) return;
      params.set(name, filter.replace(/^(\s*userName\s+)eq(\s+)/i, '$1co$2'));
      return { ...req, query: params.toString() };
    },
  },
  {
    id: 'userName-case-duplicate-created',
    description: 'Creating a user whose userName differs from an existing one only in case answers 201 with a new id instead of 409.',
    async onRequest(req, api) {
      if (!onUsers(req, 'POST') || !isObject(req.body) || typeof req.body['userName'] !== 'string') return;
      const sent = req.body['userName'];
      const clash = (await usersNamed(api, sent)).some((u) => typeof u['userName'] === 'string' && u['userName'] !== sent);
      if (!clash || !(await authenticated(req, api))) return;
      // The broken server "creates" it: a 201 with a fresh id it never stored, as a second account would be.
      const { password: _password, ...rest } = req.body;
      const id = randomUUID();
      const now = new Date().toISOString();
      return { status: 201, headers: { location: `${api.url}/Users/${id}` }, body: { ...rest, id, meta: { resourceType: 'User', created: now, lastModified: now, location: `${api.url}/Users/${id}` } } } satisfies ScimResponse;
    },
  },
  {
    id: 'patch-returns-previous',
    description: 'A PATCH on a user is applied, but the 200 answer shows the user as it was before the change.',
    async onRequest(req, api) {
      if (!onUserResource(req, 'PATCH')) return;
      const before = await read(api, req.path);
      if (!before) return;
      const res = await api.dispatch(req);
      return isSuccess(res) && res.status === 200 ? { ...res, body: before } : res;
    },
  },
  {
    id: 'put-rejects-own-groups',
    description: "A PUT of a user carrying the user's own non-empty groups (as read back after Group Push) is refused with 400 instead of ignoring the read-only attribute.",
    onRequest(req) {
      if (!onUserResource(req, 'PUT') || !isObject(req.body) || !Array.isArray(req.body['groups']) || req.body['groups'].length === 0) return;
      return { status: 400, body: new ScimError(400, 'Attribute "groups" is readOnly.', 'mutability').toJSON() };
    },
  },
  {
    id: 'second-deactivation-ignored',
    description: 'A user deactivated, reactivated and then deactivated again stays active: the second deactivation is answered as done but ignored.',
    async onRequest(req, api) {
      if (!(onUserResource(req, 'PATCH') || onUserResource(req, 'PUT'))) return;
      const active = activeSet(req);
      if (active === undefined) return;
      const current = await read(api, req.path);
      if (!current || typeof current['id'] !== 'string') return;
      const seen = reactivated.get(api.store) ?? new Set<string>();
      reactivated.set(api.store, seen);
      if (active && current['active'] === false) seen.add(current['id']);
      else if (!active && seen.has(current['id']) && (await authenticated(req, api))) return { status: 200, body: current };
    },
  },
  {
    id: 'resource-types-omit-extensions',
    description: '/ResourceTypes describes the User without its schemaExtensions, although the server accepts and returns enterprise extension data.',
    onResponse(req, res) {
      if (req.method !== 'GET' || !/^\/ResourceTypes(\/User)?\/?$/i.test(req.path) || res.status !== 200 || !isObject(res.body)) return;
      const strip = (rt: unknown): unknown => (isObject(rt) && rt['id'] === 'User' ? Object.fromEntries(Object.entries(rt).filter(([k]) => k !== 'schemaExtensions')) : rt);
      const body = res.body;
      return { ...res, body: Array.isArray(body['Resources']) ? { ...body, Resources: body['Resources'].map(strip) } : (strip(body) as Json) };
    },
  },
  {
    id: 'rate-limit-retry-after-http-date',
    description: "The first GET /Groups is rate-limited: 429 with Retry-After as an HTTP-date one second ahead, where Okta needs whole seconds (it then waits 5 minutes).",
    onRequest(req, api) {
      if (req.method !== 'GET' || routeOf(req).kind !== 'collection' || !/^\/Groups\/?$/i.test(req.path) || throttled.has(api.store)) return;
      throttled.add(api.store);
      return { status: 429, headers: { 'retry-after': new Date(Date.now() + 1000).toUTCString() }, body: new ScimError(429, 'Too many requests.').toJSON() };
    },
  },
  {
    id: 'group-patch-batch-capped',
    description: 'A group PATCH carrying more than 50 operations or member values (Okta sends batches of 100 changes) is refused with 400 tooMany.',
    onRequest(req) {
      const route = routeOf(req);
      if (req.method !== 'PATCH' || route.kind !== 'resource' || route.endpoint !== 'Groups' || !isObject(req.body)) return;
      const ops = Array.isArray(req.body['Operations']) ? req.body['Operations'].filter(isObject) : [];
      const changes = ops.reduce((n, op) => n + (Array.isArray(op['value']) ? op['value'].length : 1), 0);
      if (ops.length > 50 || changes > 50) return { status: 400, body: new ScimError(400, 'At most 50 changes per request.', 'tooMany').toJSON() };
    },
  },
];
