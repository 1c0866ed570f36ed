import type { ResourceModel } from '../core/schema/resolve.js';
import type { DataStore } from './persistence.js';
import type { ResourceEndpoint } from './route.js';
import type { ScimStore } from './store.js';

/** Everything the handlers share; built once per server. */
export interface ServerContext {
  store: ScimStore;
  /** Base URL including the base path, e.g. http://127.0.0.1:8080/scim/v2 (for meta.location and $ref). */
  url: string;
  models: Record<ResourceEndpoint, ResourceModel>;
  /** Largest page a list returns (ServiceProviderConfig filter.maxResults); also the default count. */
  maxResults: number;
  /** Groups with more members than this answer a membership PATCH with 204 unless attributes are requested. */
  largeGroupMembers: number;
  /** With `--data`: where each request's changes are journalled (src/server/persistence.ts). */
  data?: DataStore;
}
