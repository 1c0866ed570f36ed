/**
 * The SCIM filter AST (RFC 7644 §3.4.2.2) and PATCH path (RFC 7644 §3.5.2), shared by the parser,
 * the in-memory evaluator, the PATCH engine and the server.
 *
 * Names keep the case they were written in; resolving them against a schema (case-insensitively) is
 * the resolver's job (src/core/schema/resolve.ts).
 */
export interface AttrPath {
  /** Schema URN prefix when written (e.g. "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"), split on the last ':'. */
  uri?: string;
  /** Attribute name, e.g. "emails" or "userName". */
  attr: string;
  /** Sub-attribute, e.g. "familyName" in "name.familyName". */
  sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A comparison value: JSON string, number, true/false or null (RFC 7644 §3.4.2.2 compValue). */
export type FilterValue = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /**
   * `emails[type eq "work"]`: `filter` is evaluated against each element of the multi-valued attribute `path`
   * (its paths name sub-attributes, e.g. {attr:"type"}). Entra's `emails[type eq "work"].value eq "x"`
   * parses to valuePath(emails, and(type eq "work", value eq "x")) so that both conditions hold for one element.
   */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

/** A PATCH operation path: `attrPath`, or `valuePath [ "." subAttr ]` (RFC 7644 §3.5.2 PATH grammar). */
export interface PatchPath {
  path: AttrPath;
  /** Value filter selecting elements of a multi-valued attribute, e.g. members[value eq "x"]. */
  filter?: Filter;
  /** Sub-attribute after a value filter: emails[type eq "work"].value → filter + sub "value". */
  subAfterFilter?: string;
}

/** Limits that keep parsing linear and bounded (see ../shared reference: DoS inputs must get a 400 in milliseconds). */
export const FILTER_LIMITS = { maxLength: 4096, maxDepth: 32, maxNodes: 256 } as const;
