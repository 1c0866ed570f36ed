/**
 * Canonical filter text: lower-case operators, double-quoted JSON strings, parentheses only where
 * precedence or left-associativity needs them, and value filters always in bracket form (Entra's
 * `x[f].sub op v` is printed as `x[f and sub op v]`, its meaning). parseFilter(stringifyFilter(f)) equals f.
 */
import type { AttrPath, Filter, FilterValue } from './ast.js';

export function stringifyAttrPath(path: AttrPath): string {
  const name = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}

export function stringifyValue(value: FilterValue): string {
  return JSON.stringify(value);
}

/** Binding strength: a child binding more loosely than its parent needs parentheses. */
const PRECEDENCE: Record<Filter['kind'], number> = { or: 1, and: 2, not: 3, compare: 3, present: 3, valuePath: 3 };

export function stringifyFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${stringifyAttrPath(filter.path)} ${filter.op} ${stringifyValue(filter.value)}`;
    case 'present':
      return `${stringifyAttrPath(filter.path)} pr`;
    case 'not':
      return `not (${stringifyFilter(filter.filter)})`;
    case 'valuePath':
      return `${stringifyAttrPath(filter.path)}[${stringifyFilter(filter.filter)}]`;
    case 'and':
    case 'or': {
      const own = PRECEDENCE[filter.kind];
      const left = stringifyFilter(filter.left);
      const right = stringifyFilter(filter.right);
      // Left-associative: a same-precedence right child must keep its parentheses to keep its shape.
      const l = PRECEDENCE[filter.left.kind] < own ? `(${left})` : left;
      const r = PRECEDENCE[filter.right.kind] <= own ? `(${right})` : right;
      return `${l} ${filter.kind} ${r}`;
    }
  }
}
