/**
 * Compiles a filter AST into a predicate over SCIM resources, once per filter, so that the server can test
 * many resources cheaply. Semantics (RFC 7644 §3.4.2.2, with the choices the RFC leaves open):
 *
 * - Names resolve against the resource model case-insensitively; unknown names → 400 invalidFilter, and so
 *   do attributes that are never returned (a filter on password would be an oracle for it).
 *   Resources are read by the schema's canonical attribute names (the server stores them that way), and only
 *   through own properties, so no name can reach an object prototype.
 * - Strings compare case-insensitively unless the attribute is caseExact; gt/ge/lt/le on strings are
 *   lexicographic by UTF-16 code unit (after lower-casing when not caseExact). dateTime compares as instants
 *   (co/sw/ew on a dateTime compare its text). Numbers compare numerically. Booleans allow only eq/ne, and
 *   Entra's quoted "True"/"False" counts as the boolean.
 * - A value of the wrong type for the attribute (userName eq 5) → 400 invalidFilter, not a silent mismatch.
 * - Multi-valued attributes match when ANY value matches. A complex attribute compared without a
 *   sub-attribute (emails co "x") compares its `value` sub-attribute.
 * - "Present" means a value that is not null, not "", not [] and not {}; `pr` tests it, `eq null` is its
 *   negation and `ne null` the same as `pr`.
 * - `ne` is exactly `not eq`: `title ne "x"` matches users without a title, and `emails.type ne "work"` matches
 *   users with no work email. `not (f)` is plain negation, so `not (title eq "x")` includes users without a
 *   title too. With these two rules `a ne v` and `not (a eq v)` always agree (and De Morgan's laws hold).
 */
import { ScimError } from '../scim-error.js';
import { findAttr, resolvePath, type ResolvedPath, type ResourceModel } from '../schema/resolve.js';
import type { AttributeDef, ScimResource } from '../schema/types.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from './ast.js';
import { quote } from './lexer.js';
import { stringifyAttrPath } from './stringify.js';

export type ResourcePredicate = (resource: ScimResource) => boolean;
type ValueTest = (value: unknown) => boolean;
/** Calls `test` on each value a path yields from `root` (array elements one by one); true as soon as one passes. */
type AnyValue = (root: unknown, test: ValueTest) => boolean;

/** What a path names: the keys leading to it from the resource (or element) and its definition. */
interface Target {
  /** For messages: the path as written. */
  label: string;
  keys: string[];
  /** The leaf attribute, or null when the path names a whole extension object. */
  def: AttributeDef | null;
}

/**
 * Compiles a filter against a resource model into a predicate. Throws ScimError(400, invalidFilter) for
 * attributes the model does not know and for values or operators that do not fit the attribute's type.
 */
export function compileFilter(filter: Filter, model: ResourceModel, options: FilterOptions = {}): ResourcePredicate {
  return compileNode(filter, topLevelResolver(model, options.unknownAsAbsent === true));
}

export interface FilterOptions {
  /**
   * Attributes the model does not know have no value instead of being an error: a search across several
   * resource types (RFC 7644 §3.4.2.2: such an attribute is treated "as if there is no attribute value").
   */
  unknownAsAbsent?: boolean;
}

/** The target of a path the model does not know, when that means "no value" (see FilterOptions). */
const ABSENT_KEY = '\u0000absent';

/** Resolves paths written at the top level of a filter (resource attributes, URN-qualified or not). */
function topLevelResolver(model: ResourceModel, unknownAsAbsent = false): (path: AttrPath) => Target {
  return (path) => {
    const label = stringifyAttrPath(path);
    const resolved = resolvePath(model, path);
    if (resolved === undefined && unknownAsAbsent) return { label, keys: [ABSENT_KEY], def: null };
    if (resolved === undefined) throw invalid(`unknown attribute ${quote(label)} for ${model.resourceType.name} resources`);
    if (resolved.kind === 'extension') return { label, keys: [resolved.schema.id], def: null };
    if (isHidden(resolved)) throw invalid(`"${label}" is never returned, so it cannot be used in a filter`);
    return { label, keys: attributeKeys(resolved), def: resolved.sub ?? resolved.def };
  };
}

/**
 * Attributes that are never returned (password) must not be filterable or sortable either: otherwise
 * `password sw "a"` would let a client guess a secret one character at a time.
 */
const isHidden = (resolved: Extract<ResolvedPath, { kind: 'attribute' }>): boolean =>
  resolved.def.returned === 'never' || resolved.sub?.returned === 'never';

/** The keys leading from a resource to a resolved attribute: [extension URN,] name [, sub-attribute]. */
function attributeKeys(resolved: Extract<ResolvedPath, { kind: 'attribute' }>): string[] {
  const keys = resolved.container === null ? [] : [resolved.container];
  keys.push(resolved.def.name);
  if (resolved.sub) keys.push(resolved.sub.name);
  return keys;
}

/** The values `path` yields on `resource`, in stored order (multi-valued attributes flattened); for sortBy. */
export function selectValues(resource: ScimResource, path: AttrPath, model: ResourceModel): unknown[] {
  return compileSelector(path, model)(resource);
}

/**
 * Compiles `path` once into a function returning the values it yields (for sorting many resources).
 * A complex attribute with a `value` sub-attribute yields that sub-attribute, as in filters.
 * Unknown attributes → ScimError(400, invalidPath).
 */
export function compileSelector(path: AttrPath, model: ResourceModel): (resource: ScimResource) => unknown[] {
  const label = stringifyAttrPath(path);
  const resolved = resolvePath(model, path);
  if (resolved === undefined || resolved.kind === 'extension' || isHidden(resolved)) {
    throw new ScimError(400, `${quote(label)} does not name an attribute of ${model.resourceType.name} resources`, 'invalidPath');
  }
  const target = withValueSub({ label, keys: attributeKeys(resolved), def: resolved.sub ?? resolved.def });
  const anyValue = visitor(target.keys);
  return (resource) => {
    const values: unknown[] = [];
    anyValue(resource, (v) => {
      values.push(v);
      return false;
    });
    return values;
  };
}

const invalid = (detail: string): ScimError => new ScimError(400, `Invalid filter: ${detail}`, 'invalidFilter');

/** Compiles one node; `resolve` maps a path to a target in the current scope (resource, or value-filter element). */
function compileNode(filter: Filter, resolve: (path: AttrPath) => Target): (root: unknown) => boolean {
  switch (filter.kind) {
    case 'and': {
      const left = compileNode(filter.left, resolve);
      const right = compileNode(filter.right, resolve);
      return (root) => left(root) && right(root);
    }
    case 'or': {
      const left = compileNode(filter.left, resolve);
      const right = compileNode(filter.right, resolve);
      return (root) => left(root) || right(root);
    }
    case 'not': {
      const inner = compileNode(filter.filter, resolve);
      return (root) => !inner(root);
    }
    case 'present': {
      const anyValue = visitor(resolve(filter.path).keys);
      return (root) => anyValue(root, isPresent);
    }
    case 'compare': {
      const target = resolve(filter.path);
      if (isAbsent(target)) {
        // No value: only `eq null` and `ne <value>` hold (ne is not eq; eq null is not pr).
        const holds = filter.value === null ? filter.op === 'eq' : filter.op === 'ne';
        return () => holds;
      }
      return compileCompare(target, filter.op, filter.value);
    }
    case 'valuePath':
      if (isAbsent(resolve(filter.path))) return () => false;
      return compileValuePath(filter.path, filter.filter, resolve);
  }
}

const isAbsent = (target: Target): boolean => target.keys.length === 1 && target.keys[0] === ABSENT_KEY;

function compileValuePath(
  path: AttrPath,
  inner: Filter,
  resolve: (path: AttrPath) => Target,
): (root: unknown) => boolean {
  const target = resolve(path);
  const elementMatches = compileElementFilter(target, inner);
  const anyElement = visitor(target.keys);
  return (root) => anyElement(root, elementMatches);
}

/**
 * Compiles a value filter (the `[...]` of `emails[type eq "work"]`) into a predicate over ONE element of
 * `path`, for code that walks the elements itself (the PATCH engine). Errors: ScimError(400, invalidFilter).
 */
export function compileValueFilter(path: AttrPath, filter: Filter, model: ResourceModel): (element: unknown) => boolean {
  return compileElementFilter(topLevelResolver(model)(path), filter);
}

function compileElementFilter(target: Target, inner: Filter): (element: unknown) => boolean {
  const def = target.def;
  if (def === null || def.type !== 'complex' || !def.subAttributes) {
    throw invalid(`"${target.label}" is not a complex attribute, so it cannot take a value filter "[...]"`);
  }
  const subAttributes = def.subAttributes;
  const resolveSub = (subPath: AttrPath): Target => {
    const label = stringifyAttrPath(subPath);
    if (subPath.uri !== undefined || subPath.sub !== undefined) {
      throw invalid(`inside "${target.label}[...]" name a sub-attribute of ${def.name} directly, not ${quote(label)}`);
    }
    const sub = findAttr(subAttributes, subPath.attr);
    if (!sub) throw invalid(`"${def.name}" has no sub-attribute ${quote(subPath.attr)}`);
    if (sub.returned === 'never') throw invalid(`"${def.name}.${sub.name}" is never returned, so it cannot be used in a filter`);
    return { label: `${target.label}.${sub.name}`, keys: [sub.name], def: sub };
  };
  return compileNode(inner, resolveSub);
}

function compileCompare(rawTarget: Target, op: CompareOp, value: FilterValue): (root: unknown) => boolean {
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw invalid(`"${op}" cannot compare with null; use eq null, ne null or pr`);
    const anyValue = visitor(rawTarget.keys);
    return op === 'eq' ? (root) => !anyValue(root, isPresent) : (root) => anyValue(root, isPresent);
  }
  const target = withValueSub(rawTarget);
  const def = target.def;
  if (def === null || def.type === 'complex') {
    throw invalid(`"${target.label}" is complex; compare one of its sub-attributes (e.g. ${target.label}.value) or use pr`);
  }
  const anyValue = visitor(target.keys);
  // ne is the negation of eq (see the module comment).
  const test = valueTest(def, target.label, op === 'ne' ? 'eq' : op, value);
  return op === 'ne' ? (root) => !anyValue(root, test) : (root) => anyValue(root, test);
}

/** A complex attribute compared as a whole stands for its `value` sub-attribute (RFC 7644 §3.4.2.2). */
function withValueSub(target: Target): Target {
  const value = target.def?.type === 'complex' ? findAttr(target.def.subAttributes, 'value') : undefined;
  return value ? { label: `${target.label}.value`, keys: [...target.keys, value.name], def: value } : target;
}

type Comparison = (a: never, b: never) => boolean;
const ORDER: Record<Exclude<CompareOp, 'ne'>, Comparison> = {
  eq: (a: string | number, b: string | number) => a === b,
  gt: (a: string | number, b: string | number) => a > b,
  ge: (a: string | number, b: string | number) => a >= b,
  lt: (a: string | number, b: string | number) => a < b,
  le: (a: string | number, b: string | number) => a <= b,
  co: (a: string, b: string) => a.includes(b),
  sw: (a: string, b: string) => a.startsWith(b),
  ew: (a: string, b: string) => a.endsWith(b),
};

/** The test one stored value must pass for `label op value`, by the attribute's type. */
function valueTest(def: AttributeDef, label: string, op: Exclude<CompareOp, 'ne'>, value: string | number | boolean): ValueTest {
  const textual = op === 'co' || op === 'sw' || op === 'ew';
  switch (def.type) {
    case 'boolean': {
      const wanted = typeof value === 'string' ? parseBooleanText(value) : value;
      if (typeof wanted !== 'boolean') throw invalid(`"${label}" is a boolean; compare it with true or false`);
      if (op !== 'eq') throw invalid(`"${label}" is a boolean, which supports only eq and ne (not ${op})`);
      return (v) => v === wanted;
    }
    case 'integer':
    case 'decimal': {
      if (typeof value !== 'number') throw invalid(`"${label}" is a number; compare it with an unquoted number`);
      if (textual) throw invalid(`"${label}" is a number, so ${op} does not apply`);
      const compare = ORDER[op] as (a: number, b: number) => boolean;
      return (v) => typeof v === 'number' && compare(v, value);
    }
    case 'dateTime': {
      if (typeof value !== 'string') throw invalid(`"${label}" is a dateTime; compare it with a quoted date-time`);
      if (textual) return stringTest(false, op, value);
      const instant = Date.parse(value);
      if (Number.isNaN(instant)) throw invalid(`${quote(value)} is not a valid dateTime for "${label}"`);
      const compare = ORDER[op] as (a: number, b: number) => boolean;
      return (v) => {
        if (typeof v !== 'string') return false;
        const stored = Date.parse(v);
        return !Number.isNaN(stored) && compare(stored, instant);
      };
    }
    default: {
      // string, reference, binary
      if (typeof value !== 'string') throw invalid(`"${label}" is a string; compare it with a double-quoted string`);
      return stringTest(def.caseExact, op, value);
    }
  }
}

function stringTest(caseExact: boolean, op: Exclude<CompareOp, 'ne'>, value: string): ValueTest {
  const compare = ORDER[op] as (a: string, b: string) => boolean;
  if (caseExact) return (v) => typeof v === 'string' && compare(v, value);
  const lower = value.toLowerCase();
  return (v) => typeof v === 'string' && compare(v.toLowerCase(), lower);
}

function parseBooleanText(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property only: a key can never resolve through the prototype chain. */
const own = (obj: Record<string, unknown>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

function isPresent(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.some(isPresent);
  if (isObject(v)) return Object.keys(v).some((k) => isPresent(v[k]));
  return true;
}

/** Walks `keys` from a root object, descending into arrays at any level, and tests each value reached. */
function visitor(keys: readonly string[]): AnyValue {
  const walk = (node: unknown, depth: number, test: ValueTest): boolean => {
    if (depth === keys.length) return test(node);
    if (!isObject(node)) return false;
    const next = own(node, keys[depth]!);
    if (next === undefined || next === null) return false;
    if (!Array.isArray(next)) return walk(next, depth + 1, test);
    for (const element of next) {
      if (element !== undefined && element !== null && walk(element, depth + 1, test)) return true;
    }
    return false;
  };
  return (root, test) => walk(root, 0, test);
}
