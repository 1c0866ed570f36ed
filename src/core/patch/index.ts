/**
 * The SCIM PATCH engine (RFC 7644 §3.5.2): schema-driven, atomic, never mutates its input.
 *
 * `applyPatch` is the whole thing. A server that keeps some attribute in an index (group `members`) can instead
 * call `normalizeOperations` once, handle the operations on that attribute itself (see `filterEqualityValues`),
 * and pass the rest to `applyOperations`.
 */
import type { ResourceModel } from '../schema/resolve.js';
import type { ScimResource } from '../schema/types.js';
import { applyOperations } from './apply.js';
import { normalizeOperations } from './normalize.js';
import type { PatchOptions, PatchResult } from './types.js';

export type { ElementPredicate, NormalizedOperation, PatchOpName, PatchOptions, PatchResult, PatchTarget } from './types.js';
export { applyOperations } from './apply.js';
export { PATCH_LIMITS, normalizeOperations } from './normalize.js';
export { filterEqualityValues } from './filter-terms.js';
export { sameElement } from './multi-valued.js';
export { enforceImmutable } from './immutable.js';

/**
 * Applies a PatchOp request body's `Operations` (RFC 7644 §3.5.2) to a copy of `resource`, atomically.
 * Throws ScimError(400, invalidSyntax | invalidPath | noTarget | invalidValue | mutability). Never mutates input;
 * the result shares the values no operation touched with it (treat both as read-only, as the server does).
 */
export function applyPatch(resource: ScimResource, operations: unknown, model: ResourceModel, options: PatchOptions = {}): PatchResult {
  return applyOperations(resource, normalizeOperations(operations, model, options.maxValuesPerRequest), model, options);
}
