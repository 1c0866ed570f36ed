/**
 * Finds an equality term a store can answer from an index (userName eq "…", externalId eq, id eq,
 * displayName eq, members[value eq "…"]) in a filter that is, or is an `and` chain containing, such a term.
 * The term is a necessary condition: the store looks up its candidates and still applies the compiled
 * predicate to them (which also takes care of case sensitivity and of the rest of the filter).
 */
import { GROUP_SCHEMA, USER_SCHEMA } from '../schema/urns.js';
import type { AttrPath, Filter } from './ast.js';

export interface EqualityTerm {
  /** The attribute as the caller spelled it in `indexed` (e.g. "userName", "members.value"). */
  attr: string;
  value: string;
}

export const DEFAULT_INDEXED_ATTRIBUTES = ['id', 'externalId', 'userName', 'displayName'] as const;

const CORE_URIS = [USER_SCHEMA.toLowerCase(), GROUP_SCHEMA.toLowerCase()];

/** The dotted name of a path on a core resource ("name.givenName"), or undefined when it names an extension. */
function coreName(path: AttrPath): string | undefined {
  if (path.uri !== undefined && !CORE_URIS.includes(path.uri.toLowerCase())) return undefined;
  return path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
}

/**
 * Returns the first `attr eq "string"` term on one of `indexed` (dotted names, compared case-insensitively)
 * that every match of `filter` must satisfy, or undefined. `members[value eq "x"]` counts as `members.value`.
 */
export function findEqualityTerm(filter: Filter, indexed: readonly string[] = DEFAULT_INDEXED_ATTRIBUTES): EqualityTerm | undefined {
  const wanted = new Map(indexed.map((name) => [name.toLowerCase(), name]));
  const search = (node: Filter, prefix: string): EqualityTerm | undefined => {
    switch (node.kind) {
      case 'and':
        return search(node.left, prefix) ?? search(node.right, prefix);
      case 'valuePath': {
        const name = prefix === '' ? coreName(node.path) : undefined;
        return name === undefined || name.includes('.') ? undefined : search(node.filter, `${name}.`);
      }
      case 'compare': {
        if (node.op !== 'eq' || typeof node.value !== 'string') return undefined;
        if (prefix !== '' && (node.path.uri !== undefined || node.path.sub !== undefined)) return undefined;
        const name = prefix === '' ? coreName(node.path) : `${prefix}${node.path.attr}`;
        const attr = name === undefined ? undefined : wanted.get(name.toLowerCase());
        return attr === undefined ? undefined : { attr, value: node.value };
      }
      default:
        return undefined;
    }
  };
  return search(filter, '');
}
