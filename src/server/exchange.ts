/**
 * The server's own view of one HTTP exchange, independent of node:http: handlers, faults and the request log
 * all work on these plain objects, so a fault can rewrite a request or a response without touching sockets.
 */
export interface ScimRequest {
  method: string;
  /** Path below the base path, without the query, e.g. "/Users/2819c223". Always starts with "/". */
  path: string;
  /** Raw query string without "?" ("" when none). */
  query: string;
  /** Request headers, names lowercased (node:http's own object; treat as read-only). */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when the request had none. */
  body?: unknown;
}

export interface ScimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised as application/scim+json). Ignored when `raw` is set. */
  body?: unknown;
  /** A body sent verbatim (faults use it for non-JSON answers); set a content-type header with it. */
  raw?: string | Buffer;
  /** Faults only: drop the connection instead of answering. */
  destroy?: boolean;
}

/** Reads the first value of a header (node:http gives arrays for repeated headers). */
export function header(req: ScimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Query parameters by lowercased name (Okta once sent "startindex"; names are matched case-insensitively). */
export function queryParams(req: ScimRequest): Map<string, string> {
  const params = new Map<string, string>();
  if (req.query === '') return params;
  for (const [name, value] of new URLSearchParams(req.query)) params.set(name.toLowerCase(), value);
  return params;
}
