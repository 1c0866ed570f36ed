import type { ScimRequest, ScimResponse } from '../exchange.js';
import type { ScimStore } from '../store.js';

/**
 * A fault mode: the reference server broken in one named, deliberate way, so that each conformance check can be
 * shown to fail against a server with the defect it exists to catch (`scim-check serve --fault ID`).
 *
 * Prefer rewrites: `onRequest` may answer directly (return a response) or rewrite the request (return a request);
 * `onResponse` may replace the response. Both run for every request, in the order faults were given, and may be
 * async (e.g. to add a delay). Use `flags` only for behaviour a rewrite cannot express.
 *
 * Bodies may be the server's stored resources themselves: never modify a request or response body in place,
 * return a new object instead (`{ ...res, body: { ...body, … } }`).
 */
export interface Fault {
  /** Stable kebab-case id, e.g. "create-returns-200". */
  id: string;
  /** One line: what the broken server does wrong. */
  description: string;
  onRequest?(req: ScimRequest, api: FaultApi): ScimRequest | ScimResponse | void | Promise<ScimRequest | ScimResponse | void>;
  onResponse?(req: ScimRequest, res: ScimResponse, api: FaultApi): ScimResponse | void | Promise<ScimResponse | void>;
  flags?: BehaviourFlags;
}

/** Switches inside the real handlers, for defects that are not request/response rewrites. */
export interface BehaviourFlags {
  /** userName compared case-sensitively (filters and uniqueness). */
  userNameCaseExact?: boolean;
  /** Immutable attributes handled as readWrite (the schemas still serve them as immutable). */
  immutableWritable?: boolean;
  /** Unique attributes besides userName / group displayName not indexed, so never checked. */
  extraUniquenessIgnored?: boolean;
}

/** What a fault can reach: the store, and the real request pipeline (authentication + handlers, no faults). */
export interface FaultApi {
  readonly store: ScimStore;
  /** The server's base URL including the base path. */
  readonly url: string;
  /** Runs a request through the real handlers. `skipAuth` treats it as authenticated. */
  dispatch(req: ScimRequest, options?: { skipAuth?: boolean }): Promise<ScimResponse>;
}

/** True when the (possibly rewritten) response was a success of the given status class. */
export const isSuccess = (res: ScimResponse): boolean => res.status >= 200 && res.status < 300;
