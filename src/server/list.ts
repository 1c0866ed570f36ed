/**
 * List and search (RFC 7644 §3.4.2, §3.4.3): filter, sortBy/sortOrder, startIndex/count, attributes.
 * An equality term on an indexed attribute (userName, externalId, id, group displayName, members.value) answers
 * from the index; other filters scan in stable order. Unfiltered, unsorted pages never walk the store.
 */
import { compileFilter, compileSelector, findEqualityTerm, parseAttrPath, parseFilter, type AttrPath, type Filter } from '../core/filter/index.js';
import { compileProjection, type Projection } from '../core/projection.js';
import { badRequest } from '../core/scim-error.js';
import { resolvePath } from '../core/schema/resolve.js';
import type { ScimResource } from '../core/schema/types.js';
import { LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA } from '../core/schema/urns.js';
import { isPlainObject } from '../core/patch/values.js';
import type { ServerContext } from './context.js';
import { queryParams, type ScimRequest, type ScimResponse } from './exchange.js';
import { render } from './resources.js';
import type { ResourceEndpoint } from './route.js';
import { quoted } from './respond.js';
import type { GroupEntry } from './store.js';
import type { Entry } from './table.js';

/** The parameters of a list or search request, whatever their origin (query string or SearchRequest body). */
interface ListQuery {
  filter?: string;
  startIndex?: string | number;
  count?: string | number;
  sortBy?: string;
  sortOrder?: string;
  attributes?: string | string[];
  excludedAttributes?: string | string[];
}

export function listFromQuery(ctx: ServerContext, endpoint: ResourceEndpoint, req: ScimRequest): ScimResponse {
  const params = queryParams(req);
  const get = (name: string): string | undefined => params.get(name.toLowerCase());
  return list(ctx, [endpoint], {
    filter: get('filter'),
    startIndex: get('startIndex'),
    count: get('count'),
    sortBy: get('sortBy'),
    sortOrder: get('sortOrder'),
    attributes: get('attributes'),
    excludedAttributes: get('excludedAttributes'),
  });
}

/** POST …/.search with a SearchRequest body (RFC 7644 §3.4.3). */
export function listFromSearch(ctx: ServerContext, endpoint: ResourceEndpoint, req: ScimRequest): ScimResponse {
  return list(ctx, [endpoint], searchQuery(req));
}

/**
 * POST /.search at the root (RFC 7644 §3.4.3): Users and Groups together, each result telling its kind by
 * `schemas` and `meta.resourceType`. An attribute one resource type lacks has no value there (§3.4.2.2); one
 * that no resource type knows is an invalidFilter error, as at the resource endpoints.
 */
export function listFromRootSearch(ctx: ServerContext, req: ScimRequest): ScimResponse {
  return list(ctx, ROOT_ENDPOINTS, searchQuery(req));
}

const ROOT_ENDPOINTS: readonly ResourceEndpoint[] = ['Users', 'Groups'];

function searchQuery(req: ScimRequest): ListQuery {
  const body = req.body;
  if (!isPlainObject(body)) throw badRequest('The search body must be a SearchRequest JSON object.', 'invalidSyntax');
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())) {
    throw badRequest(`"schemas" must include "${SEARCH_REQUEST_SCHEMA}".`, 'invalidSyntax');
  }
  const query: ListQuery = {};
  const str = (name: keyof ListQuery): string | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw badRequest(`"${name}" must be a string.`, 'invalidValue');
    return v;
  };
  const int = (name: 'startIndex' | 'count'): number | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`"${name}" must be an integer.`, 'invalidValue');
    return v;
  };
  const names = (name: 'attributes' | 'excludedAttributes'): string[] | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw badRequest(`"${name}" must be an array of attribute names.`, 'invalidValue');
    return v as string[];
  };
  query.filter = str('filter');
  query.sortBy = str('sortBy');
  query.sortOrder = str('sortOrder');
  query.startIndex = int('startIndex');
  query.count = int('count');
  query.attributes = names('attributes');
  query.excludedAttributes = names('excludedAttributes');
  return query;
}

/** An integer parameter; out-of-range values are clamped as RFC 7644 §3.4.2.4 says. */
function integerParam(value: string | number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^[+-]?\d{1,15}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw badRequest(`"${name}" must be an integer, got ${quoted(value)}.`, 'invalidValue');
  return n;
}

/** Renders every stored attribute (the filter, not the client, looks at it). */
const EVERYTHING: Projection = { apply: (resource) => resource, includes: () => true };

const INDEXED: Record<ResourceEndpoint, readonly string[]> = {
  Users: ['id', 'externalId', 'userName'],
  Groups: ['id', 'externalId', 'displayName', 'members.value'],
};

/** A resource found by a list or search, with its resource type (a root search returns both kinds). */
interface Hit {
  endpoint: ResourceEndpoint;
  entry: Entry;
}

const tableOf = (ctx: ServerContext, endpoint: ResourceEndpoint) => (endpoint === 'Users' ? ctx.store.users : ctx.store.groups);

function list(ctx: ServerContext, endpoints: readonly ResourceEndpoint[], query: ListQuery): ScimResponse {
  const startIndex = Math.max(1, integerParam(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(ctx.maxResults, Math.max(0, integerParam(query.count, 'count') ?? ctx.maxResults));
  const projections = new Map(endpoints.map((e) => [e, compileProjection(ctx.models[e], query.attributes, query.excludedAttributes)]));
  const descending = sortDescending(query.sortOrder);
  const compare = query.sortBy === undefined ? undefined : sortComparator(ctx, query.sortBy, endpoints, descending);

  let total: number;
  let page: Hit[];
  if (query.filter === undefined && compare === undefined) {
    // Unfiltered, unsorted: the page is cut from the tables (one after the other) without walking them.
    total = endpoints.reduce((sum, e) => sum + tableOf(ctx, e).size, 0);
    page = [];
    let skip = startIndex - 1;
    for (const endpoint of endpoints) {
      const table = tableOf(ctx, endpoint);
      const wanted = count - page.length;
      if (wanted <= 0) break;
      if (skip >= table.size) {
        skip -= table.size;
        continue;
      }
      for (const entry of table.page(skip, wanted)) page.push({ endpoint, entry });
      skip = 0;
    }
  } else {
    let matches = query.filter === undefined ? everything(ctx, endpoints) : filterHits(ctx, endpoints, query.filter);
    // Array.prototype.sort is stable and matches are in insertion order, so ties keep a stable order.
    if (compare) matches = matches.sort(compare);
    total = matches.length;
    page = matches.slice(startIndex - 1, startIndex - 1 + count);
  }
  return {
    status: 200,
    body: {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: total,
      startIndex,
      itemsPerPage: page.length,
      Resources: page.map(({ endpoint, entry }) => render(ctx, endpoint, entry, projections.get(endpoint)!)),
    },
  };
}

function everything(ctx: ServerContext, endpoints: readonly ResourceEndpoint[]): Hit[] {
  const hits: Hit[] = [];
  for (const endpoint of endpoints) for (const entry of tableOf(ctx, endpoint).scan()) hits.push({ endpoint, entry });
  return hits;
}

function filterHits(ctx: ServerContext, endpoints: readonly ResourceEndpoint[], text: string): Hit[] {
  const filter = parseFilter(text);
  const several = endpoints.length > 1;
  if (several) requireKnownSomewhere(ctx, endpoints, filter);
  const hits: Hit[] = [];
  for (const endpoint of endpoints) {
    const predicate = compileFilter(filter, ctx.models[endpoint], { unknownAsAbsent: several });
    // Filters on the derived attributes (a user's groups, a group's members) need the rendered resource.
    const derived = endpoint === 'Users' ? 'groups' : 'members';
    const view = mentions(filter, derived)
      ? (entry: Entry): ScimResource => render(ctx, endpoint, entry, EVERYTHING)
      : (entry: Entry): ScimResource => entry.resource;
    for (const entry of candidates(ctx, endpoint, filter)) if (predicate(view(entry))) hits.push({ endpoint, entry });
  }
  return hits;
}

/** Across resource types, an attribute no type knows is still a client error (most likely a typo). */
function requireKnownSomewhere(ctx: ServerContext, endpoints: readonly ResourceEndpoint[], filter: Filter): void {
  for (const path of topLevelPaths(filter)) {
    if (endpoints.some((e) => resolvePath(ctx.models[e], path) !== undefined)) continue;
    // Compiling against the first model reports the unknown attribute in the resource endpoints' words.
    compileFilter({ kind: 'present', path }, ctx.models[endpoints[0]!]);
  }
}

function topLevelPaths(filter: Filter): AttrPath[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...topLevelPaths(filter.left), ...topLevelPaths(filter.right)];
    case 'not':
      return topLevelPaths(filter.filter);
    default:
      return [filter.path];
  }
}

/** The entries a filter can match: from an index when it has an indexed equality term, else all of them. */
function candidates(ctx: ServerContext, endpoint: ResourceEndpoint, filter: Filter): Iterable<Entry> {
  const term = findEqualityTerm(filter, INDEXED[endpoint]);
  const table = tableOf(ctx, endpoint);
  if (!term) return table.scan();
  const one = (entry: Entry | undefined): Entry[] => (entry ? [entry] : []);
  switch (term.attr) {
    case 'id':
      return one(table.get(term.value));
    case 'userName':
      // The index folds case as the uniqueness rule does; the predicate then applies the exact comparison rules.
      return one(table.getByKey({ userName: term.value }));
    case 'displayName':
      return one(table.getByKey({ displayName: term.value }));
    case 'externalId':
      return inStableOrder([...table.getByExternalId(term.value)]);
    case 'members.value': {
      const groupIds = ctx.store.groupsOf(term.value) ?? [];
      const groups = [...groupIds].map((id) => ctx.store.groups.get(id)).filter((g): g is GroupEntry => g !== undefined);
      return inStableOrder(groups);
    }
    default:
      return table.scan();
  }
}

const inStableOrder = <E extends Entry>(entries: E[]): E[] => entries.sort((a, b) => a.slot - b.slot);

function mentions(filter: Filter, attr: string): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return mentions(filter.left, attr) || mentions(filter.right, attr);
    case 'not':
      return mentions(filter.filter, attr);
    default:
      return filter.path.attr.toLowerCase() === attr;
  }
}

function sortDescending(sortOrder: string | undefined): boolean {
  if (sortOrder === undefined) return false;
  const order = sortOrder.toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw badRequest(`"sortOrder" must be "ascending" or "descending", got ${quoted(sortOrder)}.`, 'invalidValue');
  }
  return order === 'descending';
}

type SortKey = string | number | boolean | undefined;

/**
 * Orders by the attribute's (first) value, with the attribute's comparison rules (caseExact, dateTime as instants).
 * Resources without a value sort after all others in ascending order (and before them in descending order); across
 * resource types, a type without the attribute has no value for it.
 */
function sortComparator(ctx: ServerContext, sortBy: string, endpoints: readonly ResourceEndpoint[], descending: boolean): (a: Hit, b: Hit) => number {
  const path = parseAttrPath(sortBy, 'invalidValue');
  const keyOfBy = new Map<ResourceEndpoint, (entry: Entry) => SortKey>();
  for (const endpoint of endpoints) {
    const model = ctx.models[endpoint];
    const resolved = resolvePath(model, path);
    if (!resolved || resolved.kind !== 'attribute') continue;
    const def = resolved.sub ?? resolved.def;
    const select = compileSelector(path, model);
    keyOfBy.set(endpoint, (entry) => {
      const v = select(entry.resource)[0];
      if (typeof v === 'string') {
        if (def.type === 'dateTime') return Date.parse(v);
        return def.caseExact ? v : v.toLowerCase();
      }
      return typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
    });
  }
  if (keyOfBy.size === 0) throw badRequest(`"sortBy": unknown attribute ${quoted(sortBy)}.`, 'invalidValue');
  const keys = new Map<Entry, SortKey>();
  const cached = (hit: Hit): SortKey => {
    if (!keys.has(hit.entry)) keys.set(hit.entry, keyOfBy.get(hit.endpoint)?.(hit.entry));
    return keys.get(hit.entry);
  };
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const ka = cached(a);
    const kb = cached(b);
    if (ka === kb) return 0;
    if (ka === undefined) return sign;
    if (kb === undefined) return -sign;
    return (ka < kb ? -1 : 1) * sign;
  };
}
