import type { ScimRequest } from './exchange.js';

export type ResourceEndpoint = 'Users' | 'Groups';
export type DiscoveryEndpoint = 'ServiceProviderConfig' | 'ResourceTypes' | 'Schemas';

/** What a request path (below the base path) addresses. */
export type Route =
  | { kind: 'collection'; endpoint: ResourceEndpoint }
  | { kind: 'search'; endpoint: ResourceEndpoint }
  /** POST /.search at the root: every resource type (RFC 7644 §3.4.3). */
  | { kind: 'rootSearch' }
  | { kind: 'resource'; endpoint: ResourceEndpoint; id: string }
  | { kind: 'discovery'; endpoint: DiscoveryEndpoint; id?: string }
  /** RFC 7644 endpoints this server does not implement (answered 501). */
  | { kind: 'unsupported'; endpoint: 'Bulk' | 'Me' }
  | { kind: 'unknown' };

const RESOURCE_ENDPOINTS = new Set<string>(['Users', 'Groups']);
const DISCOVERY_ENDPOINTS = new Set<string>(['ServiceProviderConfig', 'ResourceTypes', 'Schemas']);
const UNSUPPORTED_ENDPOINTS = new Set<string>(['Bulk', 'Me']);

/** Classifies a path such as "/Users/abc" or "/Schemas/urn:…:User" (a trailing slash is tolerated). */
export function parseRoute(path: string): Route {
  const parts = path.split('/');
  // parts[0] is "" (leading slash); drop one trailing empty segment.
  if (parts.length > 2 && parts[parts.length - 1] === '') parts.pop();
  const endpoint = parts[1] ?? '';
  const rest = parts[2];
  if (parts.length > 3) return { kind: 'unknown' };
  if (RESOURCE_ENDPOINTS.has(endpoint)) {
    const type = endpoint as ResourceEndpoint;
    if (rest === undefined) return { kind: 'collection', endpoint: type };
    if (rest === '.search') return { kind: 'search', endpoint: type };
    const id = decodeSegment(rest);
    return id === undefined || id === '' ? { kind: 'unknown' } : { kind: 'resource', endpoint: type, id };
  }
  if (DISCOVERY_ENDPOINTS.has(endpoint)) {
    const type = endpoint as DiscoveryEndpoint;
    if (rest === undefined) return { kind: 'discovery', endpoint: type };
    const id = decodeSegment(rest);
    if (id === undefined || id === '' || type === 'ServiceProviderConfig') return { kind: 'unknown' };
    return { kind: 'discovery', endpoint: type, id };
  }
  if (endpoint === '.search' && rest === undefined) return { kind: 'rootSearch' };
  if (UNSUPPORTED_ENDPOINTS.has(endpoint) && rest === undefined) {
    return { kind: 'unsupported', endpoint: endpoint as 'Bulk' | 'Me' };
  }
  return { kind: 'unknown' };
}

function decodeSegment(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Convenience for faults: the route of a request. */
export const routeOf = (req: ScimRequest): Route => parseRoute(req.path);
