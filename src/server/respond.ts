import { ScimError } from '../core/scim-error.js';
import type { ScimResponse } from './exchange.js';

/** A SCIM Error response (RFC 7644 §3.12) for a ScimError. */
export function errorResponse(err: ScimError, headers?: Record<string, string>): ScimResponse {
  return headers ? { status: err.status, headers, body: err.toJSON() } : { status: err.status, body: err.toJSON() };
}

export function methodNotAllowed(method: string, allowed: readonly string[]): ScimResponse {
  return errorResponse(new ScimError(405, `${method} is not supported here; allowed: ${allowed.join(', ')}.`), { allow: allowed.join(', ') });
}

/** A client-supplied value for an error detail, quoted and shortened so a huge input does not make a huge answer. */
export function quoted(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
