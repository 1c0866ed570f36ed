import type { Filter } from '../filter/ast.js';

/**
 * The values a PATCH value filter selects by equality on one sub-attribute: `members[value eq "a"]` → ["a"],
 * `members[value eq "a" or value eq "b"]` → ["a", "b"]. Undefined for any other filter shape, in which case
 * the caller must evaluate the filter element by element. Lets a server resolve member removals via an index.
 */
export function filterEqualityValues(filter: Filter, subAttribute = 'value'): string[] | undefined {
  if (filter.kind === 'or') {
    const left = filterEqualityValues(filter.left, subAttribute);
    const right = left && filterEqualityValues(filter.right, subAttribute);
    return left && right ? [...left, ...right] : undefined;
  }
  const isTerm =
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    typeof filter.value === 'string' &&
    filter.path.uri === undefined &&
    filter.path.sub === undefined &&
    filter.path.attr.toLowerCase() === subAttribute.toLowerCase();
  return isTerm ? [filter.value as string] : undefined;
}
