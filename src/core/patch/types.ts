import type { Filter } from '../filter/ast.js';
import type { AttributeDef, ScimResource, SchemaDef } from '../schema/types.js';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** Tests one element of a multi-valued attribute against a PATCH path's value filter. */
export type ElementPredicate = (element: unknown) => boolean;

/** Where an operation applies, resolved against the schema (names in canonical case). */
export type PatchTarget =
  /** A whole extension object (path = the extension URN). Only `remove` keeps this target; add/replace are expanded per attribute. */
  | { kind: 'extension'; text: string; schema: SchemaDef }
  | {
      kind: 'attribute';
      /** The path as the client wrote it (or the path-less value key), for error details. */
      text: string;
      /** null for core/common attributes (stored top-level); the extension URN otherwise. */
      container: string | null;
      def: AttributeDef;
      /** `name.givenName`, `emails.value`, or the sub-attribute after a filter (`emails[type eq "work"].value`). */
      sub?: AttributeDef;
      /** Value filter over the elements of multi-valued `def` (`members[value eq "x"]`), with its compiled predicate. */
      filter?: Filter;
      matches?: ElementPredicate;
    };

/**
 * A validated operation: lowercase op name, resolved target, value coerced to the target's type with canonical
 * keys (null = unassign). A path-less add/replace becomes one operation per attribute in its value
 * (read-only attributes such as Okta's `id` dropped), all carrying the index of the request's operation.
 */
export interface NormalizedOperation {
  op: PatchOpName;
  /** Position of the source operation in the request's `Operations` array. */
  index: number;
  target: PatchTarget;
  /** Absent for a plain remove; for a remove of a whole multi-valued attribute, the elements to remove (Entra). */
  value?: unknown;
}

export interface PatchOptions {
  /**
   * A `replace` whose value filter matches no element: 'noTarget' → 400 noTarget (RFC 7644 §3.5.2.3, the default);
   * 'add' → create the element from the filter's equality terms, as Entra expects and scim-patch does.
   */
  replaceNoMatch?: 'noTarget' | 'add';
  /**
   * A `remove` whose value filter matches no element: 'noTarget' → 400 noTarget (RFC 7644 §3.12, "a filter that
   * yields no match"; the default); 'ignore' → succeed without change (e.g. removing a member twice).
   */
  removeNoMatch?: 'noTarget' | 'ignore';
  /** The most elements a multi-valued attribute may hold after an operation (none by default); over it: 400 invalidValue. */
  maxValues?: number;
  /** The most elements of multi-valued attributes the operations' values may carry in all (none by default). */
  maxValuesPerRequest?: number;
}

export interface PatchResult {
  resource: ScimResource;
  /** Whether anything differs from the input (drives meta.version / ETag / lastModified). */
  changed: boolean;
}
