// The SCIM filter engine: parse (filters and PATCH paths), print, and evaluate against a resource model.
import type { ResourceModel } from '../schema/resolve.js';
import type { ScimResource } from '../schema/types.js';
import type { Filter } from './ast.js';

export type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from './ast.js';
export { FILTER_LIMITS } from './ast.js';
export { parseFilter, parsePatchPath } from './parser.js';
export { stringifyAttrPath, stringifyFilter } from './stringify.js';

/**
 * Compiles a filter against a resource model into a predicate. Throws ScimError(400, invalidFilter) for
 * attributes the model does not know. String comparisons follow each attribute's caseExact.
 */
export function compileFilter(filter: Filter, model: ResourceModel): (resource: ScimResource) => boolean {
  throw new Error(`compileFilter not implemented (${filter.kind} ${model.core.id})`);
}
