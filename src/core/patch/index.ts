// PLACEHOLDER (owned by the PATCH helper): signatures are the contract; bodies get replaced.
import type { ResourceModel } from '../schema/resolve.js';
import type { ScimResource } from '../schema/types.js';

export interface PatchOptions {
  /** RFC-strict: replace with a value filter that matches nothing → 400 noTarget (default: Entra-compatible add). */
  strictNoTarget?: boolean;
}

export interface PatchResult {
  resource: ScimResource;
  changed: boolean;
}

/**
 * Applies a PatchOp request body's `Operations` (RFC 7644 §3.5.2) to a copy of `resource`, atomically.
 * Throws ScimError(400, invalidSyntax | invalidPath | noTarget | invalidValue | mutability). Never mutates input.
 */
export function applyPatch(resource: ScimResource, operations: unknown, model: ResourceModel, options: PatchOptions = {}): PatchResult {
  throw new Error(`applyPatch not implemented (${Object.keys(resource).length} ${String(operations)} ${model.core.id} ${String(options)})`);
}
