// PLACEHOLDER (owned by the filter helper): signatures are the contract; bodies get replaced.
import type { ResourceModel } from '../schema/resolve.js';
import type { ScimResource } from '../schema/types.js';
import type { Filter, PatchPath } from './ast.js';

export type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from './ast.js';

/** Parses a filter string. Throws ScimError(400, invalidFilter) on any malformed or over-limit input; linear time. */
export function parseFilter(text: string): Filter {
  throw new Error(`parseFilter not implemented (${text.length})`);
}

/** Parses a PATCH `path` (attrPath, valuePath, valuePath.sub). Throws ScimError(400, invalidPath). */
export function parsePatchPath(text: string): PatchPath {
  throw new Error(`parsePatchPath not implemented (${text.length})`);
}

/**
 * Compiles a filter against a resource model into a predicate. Throws ScimError(400, invalidFilter) for
 * attributes the model does not know. String comparisons follow each attribute's caseExact.
 */
export function compileFilter(filter: Filter, model: ResourceModel): (resource: ScimResource) => boolean {
  throw new Error(`compileFilter not implemented (${filter.kind} ${model.core.id})`);
}
