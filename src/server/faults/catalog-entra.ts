import { ScimError } from '../../core/scim-error.js';
import { queryParams, type ScimRequest, type ScimResponse } from '../exchange.js';
import { routeOf, type ResourceEndpoint } from '../route.js';
import type { ScimStore } from '../store.js';
import type { Fault, FaultApi } from './types.js';
import { isSuccess } from './types.js';

/**
 * Fault modes for the entra suite: defects SCIM servers built "for Okta" ship and that only Microsoft Entra ID's
 * request shapes reveal (Microsoft: "Known issues with SCIM 2.0 protocol compliance", the aadOptscim062020 flag;
 * "Develop and plan provisioning for a SCIM endpoint"). Each is a rewrite of the request or the response, so every
 * entra check can be shown to fail against a server with the defect it exists to catch
 * (test/suites/entra-faults.test.ts).
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const invalid = (detail: string, scimType: 'invalidValue' | 'invalidSyntax' = 'invalidValue'): ScimResponse => ({ status: 400, body: new ScimError(400, detail, scimType).toJSON() });

/** True for `method` on `kind` ("collection" or "resource") of `endpoint`. */
function at(req: ScimRequest, kind: 'collection' | 'resource', endpoint: ResourceEndpoint, method: string): boolean {
  const route = routeOf(req);
  return req.method === method && route.kind === kind && route.endpoint === endpoint;
}

/** The operations of a well-formed PatchOp body. */
function operations(req: ScimRequest): Json[] | undefined {
  if (req.method !== 'PATCH' || !isObject(req.body) || !Array.isArray(req.body['Operations'])) return undefined;
  return req.body['Operations'].filter(isObject);
}

const opIs = (op: Json, name: string): boolean => String(op['op'] ?? '').toLowerCase() === name;
const pathOf = (op: Json): string => (typeof op['path'] === 'string' ? op['path'].trim() : '');

/**
 * The request without the operations `drop` selects; none left: 200 with the resource unchanged (the broken
 * server "succeeds" without doing anything).
 */
async function dropOperations(req: ScimRequest, api: FaultApi, drop: (op: Json) => boolean): Promise<ScimRequest | ScimResponse | void> {
  const ops = operations(req);
  if (!ops?.some(drop)) return;
  const kept = ops.filter((op) => !drop(op));
  if (kept.length) return { ...req, body: { ...(req.body as Json), Operations: kept } };
  return api.dispatch({ method: 'GET', path: req.path, query: '', headers: {} }, { skipAuth: true });
}

/**
 * A path-less value key that is itself a path: dotted (`name.givenName`) or an extension attribute
 * (`urn:…:User:employeeNumber`) — not a whole extension object (`urn:…:2.0:User`).
 */
function isPathKey(key: string): boolean {
  if (/^urn:/i.test(key)) return !/:(User|Group)$/i.test(key);
  return key.includes('.');
}

/** Keys a broken server stored verbatim, per server and resource id (so concurrent in-process servers never mix). */
const literalKeys = new WeakMap<ScimStore, Map<string, Json>>();

/** The equality filter's value, e.g. `displayName eq "X"` → X, when the filter is exactly that. */
function eqValue(filter: string | undefined, attribute: string): string | undefined {
  const m = filter === undefined ? null : new RegExp(`^\\s*${attribute}\\s+eq\\s+"((?:[^"\\\\]|\\\\.)*)"\\s*$`, 'i').exec(filter);
  return m ? (JSON.parse(`"${m[1]}"`) as string) : undefined;
}

export const entraFaults: Fault[] = [
  {
    id: 'connection-filter-404',
    description: 'A /Users filter that matches nobody (Entra\'s Test Connection with a random GUID) answers 404 instead of 200 with an empty list.',
    onResponse(req, res) {
      if (!at(req, 'collection', 'Users', 'GET') || !queryParams(req).has('filter') || res.status !== 200 || !isObject(res.body)) return;
      if (res.body['totalResults'] === 0) return { status: 404, body: new ScimError(404, 'User not found').toJSON() };
    },
  },
  {
    id: 'active-string-ignored',
    description: 'PATCH setting active to the string "False" or "True" (Entra without the aadOptscim062020 flag) answers 200 but leaves active unchanged.',
    onRequest: (req, api) => (at(req, 'resource', 'Users', 'PATCH') ? dropOperations(req, api, (op) => pathOf(op).toLowerCase() === 'active' && typeof op['value'] === 'string') : undefined),
  },
  {
    id: 'pathless-keys-literal',
    description: 'A path-less PATCH replace stores dotted and URN-qualified keys ("name.givenName", "urn:…:employeeNumber") as attributes of those literal names instead of applying them as paths.',
    async onRequest(req, api) {
      if (!at(req, 'resource', 'Users', 'PATCH')) return;
      const ops = operations(req);
      const pathKeyed = (op: Json): boolean => opIs(op, 'replace') && pathOf(op) === '' && isObject(op['value']) && Object.keys(op['value']).some(isPathKey);
      if (!ops?.some(pathKeyed)) return;
      const stored = literalKeys.get(api.store) ?? new Map<string, Json>();
      literalKeys.set(api.store, stored);
      const id = (routeOf(req) as { id: string }).id;
      const kept = ops.map((op) => {
        if (!pathKeyed(op)) return op;
        const value = op['value'] as Json;
        const literal = Object.fromEntries(Object.entries(value).filter(([k]) => isPathKey(k)));
        stored.set(id, { ...stored.get(id), ...literal });
        return { ...op, value: Object.fromEntries(Object.entries(value).filter(([k]) => !isPathKey(k))) };
      });
      return { ...req, body: { ...(req.body as Json), Operations: kept } };
    },
    onResponse(req, res, api) {
      const route = routeOf(req);
      const literal = route.kind === 'resource' && route.endpoint === 'Users' ? literalKeys.get(api.store)?.get(route.id) : undefined;
      if (literal && isSuccess(res) && isObject(res.body)) return { ...res, body: { ...res.body, ...literal } };
    },
  },
  {
    id: 'patch-empty-string-ignored',
    description: 'PATCH replace with the value "" (how Entra clears an attribute) answers 200 but keeps the old value.',
    onRequest: (req, api) => (routeOf(req).kind === 'resource' ? dropOperations(req, api, (op) => opIs(op, 'replace') && op['value'] === '') : undefined),
  },
  {
    id: 'patch-null-rejected',
    description: 'PATCH replace with the value null (Microsoft\'s validation clearing an attribute) is refused with 400.',
    onRequest(req) {
      if (routeOf(req).kind === 'resource' && operations(req)?.some((op) => opIs(op, 'replace') && 'value' in op && op['value'] === null)) return invalid('null is not a valid value');
    },
  },
  {
    id: 'manager-string-rejected',
    description: 'A manager given as a bare id string on the enterprise URN path (Entra, Microsoft\'s validation) is refused with 400: only {value, $ref} is accepted.',
    onRequest(req) {
      const stringManager = (op: Json): boolean => /(^|:)manager$/i.test(pathOf(op)) && typeof op['value'] === 'string' && op['value'] !== '';
      if (at(req, 'resource', 'Users', 'PATCH') && operations(req)?.some(stringManager)) return invalid('manager must be a complex value');
    },
  },
  {
    id: 'custom-extension-needs-schemas',
    description: 'POST or PUT /Users carrying extension attributes whose URN is not listed in "schemas" (as Entra sends custom attributes) is refused with 400.',
    onRequest(req) {
      if (!(at(req, 'collection', 'Users', 'POST') || at(req, 'resource', 'Users', 'PUT')) || !isObject(req.body)) return;
      const listed = new Set((Array.isArray(req.body['schemas']) ? req.body['schemas'] : []).map((s) => String(s).toLowerCase()));
      const unlisted = Object.keys(req.body).filter((k) => k.toLowerCase().startsWith('urn:') && !listed.has(k.toLowerCase()));
      if (unlisted.length) return invalid(`extension ${unlisted[0]} is not listed in schemas`, 'invalidSyntax');
    },
  },
  {
    id: 'adscim-schema-rejected',
    description: 'POST /Groups listing a schema besides the core Group one (Entra\'s http://schemas.microsoft.com/…/ADSCIM/2.0/Group) is refused with 400.',
    onRequest(req) {
      if (!at(req, 'collection', 'Groups', 'POST') || !isObject(req.body) || !Array.isArray(req.body['schemas'])) return;
      if (req.body['schemas'].some((s) => String(s) !== GROUP_SCHEMA)) return invalid('unknown schema in schemas', 'invalidSyntax');
    },
  },
  {
    id: 'group-create-upserts',
    description: 'POST /Groups with a displayName that exists answers 201 with the existing group instead of 409 Conflict.',
    async onResponse(req, res, api) {
      if (!at(req, 'collection', 'Groups', 'POST') || res.status !== 409 || !isObject(req.body)) return;
      const filter = `displayName eq ${JSON.stringify(String(req.body['displayName']))}`;
      const found = await api.dispatch({ method: 'GET', path: '/Groups', query: new URLSearchParams({ filter }).toString(), headers: {} }, { skipAuth: true });
      const existing = isObject(found.body) && Array.isArray(found.body['Resources']) ? found.body['Resources'][0] : undefined;
      if (isObject(existing)) return { status: 201, body: existing };
    },
  },
  {
    id: 'group-name-filter-case-sensitive',
    description: 'displayName eq "…" on /Groups matches only the exact case (RFC 7643 makes Group displayName caseExact false).',
    onResponse(req, res) {
      const wanted = eqValue(queryParams(req).get('filter'), 'displayName');
      if (!at(req, 'collection', 'Groups', 'GET') || wanted === undefined || res.status !== 200 || !isObject(res.body) || !Array.isArray(res.body['Resources'])) return;
      const exact = res.body['Resources'].filter((g) => isObject(g) && g['displayName'] === wanted);
      // excludedAttributes may have left displayName out: only a list that shows it can be narrowed.
      if (res.body['Resources'].some((g) => isObject(g) && typeof g['displayName'] !== 'string')) return;
      return { ...res, body: { ...res.body, totalResults: exact.length, itemsPerPage: exact.length, Resources: exact } };
    },
  },
  {
    id: 'member-ref-null-rejected',
    description: 'PATCH of members whose values carry "$ref": null (how Entra adds and removes members) is refused with 400.',
    onRequest(req) {
      const refNull = (op: Json): boolean => /^members$/i.test(pathOf(op)) && Array.isArray(op['value']) && op['value'].some((m) => isObject(m) && '$ref' in m && m['$ref'] === null);
      if (at(req, 'resource', 'Groups', 'PATCH') && operations(req)?.some(refNull)) return invalid('members[].$ref must be a URI');
    },
  },
  {
    id: 'remove-members-value-empties',
    description: 'PATCH remove of "members" with a value list (Entra without the aadOptscim062020 flag) ignores the list and removes every member.',
    onRequest(req) {
      const ops = operations(req);
      const byValue = (op: Json): boolean => opIs(op, 'remove') && /^members$/i.test(pathOf(op)) && Array.isArray(op['value']);
      if (!at(req, 'resource', 'Groups', 'PATCH') || !ops?.some(byValue)) return;
      return { ...req, body: { ...(req.body as Json), Operations: ops.map((op) => (byValue(op) ? { op: 'remove', path: 'members' } : op)) } };
    },
  },
];
