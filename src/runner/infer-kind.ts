import type { SchemaName } from './suite-format.js';

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Where each kind of payload is defined, for the failure's source. */
export const KIND_SOURCE: Record<SchemaName, string> = {
  User: 'RFC 7643 §4.1 (User) and §8.7.1',
  Group: 'RFC 7643 §4.2 (Group)',
  ListResponse: 'RFC 7644 §3.4.2 (ListResponse)',
  UserListResponse: 'RFC 7644 §3.4.2 (ListResponse of Users)',
  GroupListResponse: 'RFC 7644 §3.4.2 (ListResponse of Groups)',
  Error: 'RFC 7644 §3.12 (Error response)',
  ServiceProviderConfig: 'RFC 7643 §5 (ServiceProviderConfig)',
  ResourceType: 'RFC 7643 §6 (ResourceType)',
  Schema: 'RFC 7643 §7 (Schema)',
  PatchOp: 'RFC 7644 §3.5.2 (PatchOp)',
};

/**
 * The RFC payload kind a response body should be, from the endpoint and status: any error status → Error;
 * /Users → UserListResponse (GET, .search) or User (POST, /Users/{id}); likewise Groups; discovery endpoints by
 * name. `endpointPath` is the request path relative to the SCIM base URL, without the query.
 * Undefined when nothing is known about the endpoint (then the body's own `schemas` decide).
 */
export function inferKind(method: string, endpointPath: string, status: number, json: unknown): SchemaName | undefined {
  if (json === undefined) return undefined;
  if (status >= 400) return 'Error';
  if (status < 200 || status >= 300) return undefined;
  const segments = endpointPath.split('/').filter(Boolean).map((s) => s.toLowerCase());
  const [collection, member] = segments;
  const isSearch = member === '.search' && method === 'POST';
  const listOrOne = (list: SchemaName, one: SchemaName): SchemaName | undefined => {
    if (segments.length === 1) return method === 'GET' ? list : method === 'POST' ? one : undefined;
    if (isSearch) return list;
    return segments.length === 2 ? one : undefined;
  };
  switch (collection) {
    case 'users':
      return listOrOne('UserListResponse', 'User');
    case 'groups':
      return listOrOne('GroupListResponse', 'Group');
    case 'serviceproviderconfig':
      return segments.length === 1 ? 'ServiceProviderConfig' : undefined;
    case 'resourcetypes':
      return segments.length === 1 ? 'ListResponse' : 'ResourceType';
    case 'schemas':
      return segments.length === 1 ? 'ListResponse' : 'Schema';
    case '.search':
      return 'ListResponse';
  }
  const schemas = json !== null && typeof json === 'object' ? (json as { schemas?: unknown }).schemas : undefined;
  if (Array.isArray(schemas)) {
    if (schemas.includes(ERROR_URN)) return 'Error';
    if (schemas.includes(LIST_URN)) return 'ListResponse';
  }
  return undefined;
}

/** True when the request asks for a projection (attributes/excludedAttributes): required attributes may be absent. */
export function isProjected(url: string): boolean {
  return /[?&](attributes|excludedAttributes)=/i.test(url);
}
