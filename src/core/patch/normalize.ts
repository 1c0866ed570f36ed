/**
 * Validates a PatchOp request's `Operations` (RFC 7644 §3.5.2) and turns it into NormalizedOperations:
 * lowercase op names (Entra sends `Replace`), paths parsed and resolved against the schema, path-less values
 * expanded into one operation per attribute, values coerced to the schema's types.
 */
import { compileValueFilter, parsePatchPath } from '../filter/index.js';
import type { AttrPath, Filter, PatchPath } from '../filter/ast.js';
import { ScimError, badRequest } from '../scim-error.js';
import { type ResourceModel, findAttr, findSchema, resolvePath } from '../schema/resolve.js';
import type { AttributeDef, SchemaDef } from '../schema/types.js';
import type { ElementPredicate, NormalizedOperation, PatchOpName, PatchTarget } from './types.js';
import { attributeValue, complexValue, excerpt, isPlainObject, simpleValue } from './values.js';

type AttributeTarget = Extract<PatchTarget, { kind: 'attribute' }>;

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/**
 * Bounds the work one request can cause, so that no PATCH holds the server up for long (each is a 400 naming the
 * limit). Okta sends one remove per departing member in batches of at most 1000 (its configurable maximum), so
 * 2,000 operations leave room for real clients. `maxValuesReached`: the elements that value filters and
 * sub-attribute paths reach, summed over the operations (`emails[value eq "x"]` reaches one, `emails.display` all).
 * A caller may also bound the values a request carries (PatchOptions.maxValuesPerRequest).
 */
export const PATCH_LIMITS = { maxOperations: 2_000, maxValuesReached: 20_000 } as const;

/** Reads a member of a client object by case-insensitive name (structural names are not case-sensitive for Entra). */
function member(obj: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
}

/** Prefixes a ScimError's detail with the operation it came from. */
export function inOperation<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ScimError) throw new ScimError(err.status, `Operations[${index}]: ${err.message}`, err.scimType);
    throw err;
  }
}

/**
 * Validates and normalizes a request's `Operations`. `maxValues`: the most elements of multi-valued attributes
 * the operations' values may carry, summed over the request (PatchOptions.maxValuesPerRequest).
 */
export function normalizeOperations(operations: unknown, model: ResourceModel, maxValues = Infinity): NormalizedOperation[] {
  if (!Array.isArray(operations)) throw badRequest('"Operations" must be an array of PATCH operations', 'invalidSyntax');
  if (operations.length === 0) throw badRequest('"Operations" must contain at least one operation', 'invalidSyntax');
  if (operations.length > PATCH_LIMITS.maxOperations) {
    throw badRequest(`"Operations" may hold at most ${PATCH_LIMITS.maxOperations} operations (this server's limit), got ${operations.length}`, 'invalidSyntax');
  }
  const normalized = operations.flatMap((raw, index) => inOperation(index, () => normalizeOne(raw, index, model)));
  let values = 0;
  for (const op of normalized) {
    if (op.target.kind !== 'attribute' || !op.target.def.multiValued || !Array.isArray(op.value)) continue;
    values += op.value.length;
    if (values > maxValues) {
      throw badRequest(
        `Operations[${op.index}]: one PATCH may carry at most ${maxValues} values of multi-valued attributes (this server's limit); send it in parts`,
        'invalidValue',
      );
    }
  }
  return normalized;
}

function normalizeOne(raw: unknown, index: number, model: ResourceModel): NormalizedOperation[] {
  if (!isPlainObject(raw)) throw badRequest('each operation must be an object with "op", "path" and "value"', 'invalidSyntax');
  const opRaw = member(raw, 'op');
  const op = typeof opRaw === 'string' ? OP_NAMES.find((n) => n === opRaw.toLowerCase()) : undefined;
  if (!op) {
    const got = typeof opRaw === 'string' ? excerpt(opRaw) : opRaw === undefined ? 'nothing' : `a ${typeof opRaw}`;
    throw badRequest(`"op" must be "add", "replace" or "remove", got ${got}`, 'invalidSyntax');
  }
  const path = member(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') throw badRequest('"path" must be a string', 'invalidSyntax');
  const value = member(raw, 'value');
  if (op !== 'remove' && value === undefined) throw badRequest(`"${op}" requires a "value"`, 'invalidValue');

  if (typeof path !== 'string') {
    if (op === 'remove') throw badRequest('"remove" requires a "path"', 'noTarget');
    if (!isPlainObject(value)) throw badRequest(`"${op}" without "path" needs an object of attributes as "value"`, 'invalidValue');
    return expandAttributes(op, index, value, model, null);
  }
  const target = resolveTarget(path, model);
  if (target.kind === 'extension') {
    if (op === 'remove') return [{ op, index, target }];
    if (value === null) return [{ op: 'remove', index, target }];
    if (!isPlainObject(value)) throw badRequest(`"${op}" of extension ${target.schema.id} needs an object as "value"`, 'invalidValue');
    return expandAttributes(op, index, value, model, target.schema);
  }
  const normalized: NormalizedOperation = { op, index, target };
  const v = targetValue(target, op, value);
  if (v !== undefined) normalized.value = v;
  return [normalized];
}

/** Resolves a `path` written by the client: unknown names → invalidPath, read-only targets → mutability. */
function resolveTarget(text: string, model: ResourceModel): PatchTarget {
  return cachedTarget(model, `\u0001${text}`, () => resolvePathTarget(text, model));
}

function resolvePathTarget(text: string, model: ResourceModel): PatchTarget {
  const extension = findSchema(model, text);
  if (extension && extension !== model.core) return { kind: 'extension', text, schema: extension };
  const parsed = parsePatchPath(text);
  const target = attributeTarget(text, parsed, parsed.path, model);
  if (target.kind === 'attribute') {
    for (const def of [target.def, target.sub]) {
      if (def?.mutability === 'readOnly') throw badRequest(`"${def.name}" is read-only and cannot be modified`, 'mutability');
    }
  }
  return target;
}

function unknownPath(text: string): ScimError {
  return badRequest(`${excerpt(text)} does not name an attribute of this resource type`, 'invalidPath');
}

function attributeTarget(text: string, parsed: PatchPath, path: AttrPath, model: ResourceModel): PatchTarget {
  const resolved = resolvePath(model, path);
  if (!resolved) throw unknownPath(text);
  if (resolved.kind === 'extension') {
    if (parsed.filter || parsed.subAfterFilter !== undefined) throw unknownPath(text);
    return { kind: 'extension', text, schema: resolved.schema };
  }
  const target: AttributeTarget = { kind: 'attribute', text, container: resolved.container, def: resolved.def };
  if (resolved.sub) target.sub = resolved.sub;
  if (!parsed.filter) return target;

  const def = resolved.def;
  if (!def.multiValued || def.type !== 'complex') throw badRequest(`${excerpt(text)}: a value filter needs a multi-valued complex attribute`, 'invalidPath');
  if (parsed.subAfterFilter !== undefined) {
    const sub = findAttr(def.subAttributes, parsed.subAfterFilter);
    if (!sub) throw unknownPath(text);
    target.sub = sub;
  }
  target.filter = parsed.filter;
  target.matches = elementPredicate(text, { uri: path.uri, attr: path.attr }, parsed.filter, model);
  return target;
}

/** Compiles the value filter once against the real model (so caseExact and types follow the schema), per element. */
function elementPredicate(text: string, attrPath: AttrPath, filter: Filter, model: ResourceModel): ElementPredicate {
  try {
    return compileValueFilter(attrPath, filter, model);
  } catch (err) {
    if (err instanceof ScimError) throw badRequest(`${excerpt(text)}: ${err.message}`, 'invalidPath');
    throw err;
  }
}

/**
 * The value of an operation, checked against its target. For a remove it is only kept where it selects
 * elements to remove (Entra's `remove members` with a value array); otherwise a remove ignores it.
 */
function targetValue(target: AttributeTarget, op: PatchOpName, raw: unknown): unknown {
  const { def, sub, filter } = target;
  if (op === 'remove') return !sub && !filter && def.multiValued && raw !== undefined && raw !== null ? attributeValue(def, raw) : undefined;
  if (raw === null) return null;
  if (sub) return simpleValue(sub, raw);
  if (filter) {
    const element = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    return complexValue(def, element);
  }
  return attributeValue(def, raw);
}

/**
 * Expands a path-less value (or an extension object) into one operation per attribute. Keys may be names,
 * dotted (`name.givenName`), URN-qualified, or whole extension objects; read-only attributes are ignored
 * (Okta's group rename sends `id`), and `schemas` (top level or inside an extension object) is ignored because
 * the engine keeps it in sync itself.
 */
function expandAttributes(
  op: PatchOpName,
  index: number,
  value: Record<string, unknown>,
  model: ResourceModel,
  scope: SchemaDef | null,
): NormalizedOperation[] {
  const out: NormalizedOperation[] = [];
  for (const key of Object.keys(value)) {
    const raw = value[key];
    // Client libraries serialise an extension object with its own "schemas" key (`{"schemas": [urn], …}`) too.
    if (key.toLowerCase() === 'schemas' && (scope === null || !findAttr(scope.attributes, key))) continue;
    const schema = scope === null ? findSchema(model, key) : undefined;
    if (schema) {
      if (schema !== model.core && raw === null) {
        out.push({ op: 'remove', index, target: { kind: 'extension', text: key, schema } });
        continue;
      }
      if (!isPlainObject(raw)) throw badRequest(`${excerpt(key)} must be an object of attributes`, 'invalidValue');
      out.push(...expandAttributes(op, index, raw, model, schema));
      continue;
    }
    const target = keyTarget(key, model, scope);
    if (target.kind === 'extension') {
      if (!isPlainObject(raw)) throw badRequest(`${excerpt(key)} must be an object of attributes`, 'invalidValue');
      out.push(...expandAttributes(op, index, raw, model, target.schema));
      continue;
    }
    if (target.def.mutability === 'readOnly' || target.sub?.mutability === 'readOnly') continue;
    out.push({ op, index, target, value: targetValue(target, op, raw) });
  }
  return out;
}

/**
 * Resolved filter-free targets per model, so the same few names (Okta's `active` on every deactivation) are not
 * parsed and resolved on every request. Bounded: names come from clients, and past the bound nothing is added.
 */
const targetCache = new WeakMap<ResourceModel, Map<string, PatchTarget>>();
const TARGET_CACHE_SIZE = 1000;
const TARGET_CACHE_KEY_LENGTH = 200;

function cachedTarget(model: ResourceModel, cacheKey: string, resolve: () => PatchTarget): PatchTarget {
  let cache = targetCache.get(model);
  if (!cache) targetCache.set(model, (cache = new Map()));
  const hit = cacheKey.length <= TARGET_CACHE_KEY_LENGTH ? cache.get(cacheKey) : undefined;
  if (hit) return hit;
  const target = resolve();
  // Filtered targets carry a compiled predicate for one request's filter: never worth keeping.
  const keep = cache.size < TARGET_CACHE_SIZE && cacheKey.length <= TARGET_CACHE_KEY_LENGTH && !(target.kind === 'attribute' && target.filter);
  if (keep) cache.set(cacheKey, target);
  return target;
}

/** Resolves a key of a path-less value; inside an extension object, names are relative to that extension. */
function keyTarget(key: string, model: ResourceModel, scope: SchemaDef | null): PatchTarget {
  return cachedTarget(model, `${scope?.id ?? ''}\u0000${key}`, () => resolveKey(key, model, scope));
}

function resolveKey(key: string, model: ResourceModel, scope: SchemaDef | null): PatchTarget {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(key);
  } catch {
    throw unknownPath(key);
  }
  if (parsed.filter) throw badRequest(`${excerpt(key)}: keys of a path-less value cannot contain filters`, 'invalidPath');
  if (scope === null) return attributeTarget(key, parsed, parsed.path, model);
  if (parsed.path.uri !== undefined) throw unknownPath(key);
  return attributeTarget(key, parsed, { uri: scope.id, attr: parsed.path.attr, sub: parsed.path.sub }, model);
}
