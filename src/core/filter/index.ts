// The SCIM filter engine: parse (filters and PATCH paths), print, and evaluate against a resource model.
export type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from './ast.js';
export { FILTER_LIMITS } from './ast.js';
export { parseAttrPath, parseFilter, parsePatchPath } from './parser.js';
export { stringifyAttrPath, stringifyFilter } from './stringify.js';
export { compileFilter, compileSelector, compileValueFilter, selectValues, type FilterOptions, type ResourcePredicate } from './compile.js';
export { DEFAULT_INDEXED_ATTRIBUTES, findEqualityTerm, type EqualityTerm } from './index-terms.js';
