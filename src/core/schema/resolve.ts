import type { AttrPath } from '../filter/ast.js';
import { commonAttributes } from './common.js';
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './types.js';

/** A resource type with its core and extension schemas: everything needed to interpret its attributes. */
export interface ResourceModel {
  resourceType: ResourceTypeDef;
  core: SchemaDef;
  extensions: SchemaDef[];
}

export type ResolvedPath =
  /** The path names a whole extension object, e.g. "urn:…:enterprise:2.0:User". */
  | { kind: 'extension'; schema: SchemaDef }
  /**
   * An attribute. `container` is null for core/common attributes (stored at the top level of the resource)
   * or the extension URN the attribute is stored under. `sub` is set when the path names a sub-attribute.
   */
  | { kind: 'attribute'; container: string | null; schema: SchemaDef | null; def: AttributeDef; sub?: AttributeDef };

const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findAttr(defs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (!defs) return undefined;
  let byName = byLowerName.get(defs);
  if (!byName) {
    byName = new Map();
    // The first definition of a name wins, as a linear search would find it.
    for (const d of defs) if (!byName.has(d.name.toLowerCase())) byName.set(d.name.toLowerCase(), d);
    byLowerName.set(defs, byName);
  }
  return byName.get(name.toLowerCase());
}

/**
 * Attribute lists by lower-cased name, built once per list: names are looked up for every value of every request.
 * Lists are never changed once built (a changed model is a new list), so the map cannot go stale.
 */
const byLowerName = new WeakMap<readonly AttributeDef[], Map<string, AttributeDef>>();

export function findSchema(model: ResourceModel, urn: string): SchemaDef | undefined {
  if (eqi(model.core.id, urn)) return model.core;
  return model.extensions.find((s) => eqi(s.id, urn));
}

/**
 * Resolves an attribute path against a resource model, case-insensitively (RFC 7643 §2.1).
 * Returns undefined for unknown names: callers turn that into invalidPath / invalidFilter errors,
 * which is also what keeps "__proto__" and friends away from object prototypes.
 */
export function resolvePath(model: ResourceModel, path: AttrPath): ResolvedPath | undefined {
  if (path.uri !== undefined) {
    const whole = findSchema(model, `${path.uri}:${path.attr}`);
    if (whole && whole !== model.core && path.sub === undefined) return { kind: 'extension', schema: whole };
    const schema = findSchema(model, path.uri);
    if (!schema) return undefined;
    const isCore = schema === model.core;
    const def = findAttr(schema.attributes, path.attr) ?? (isCore ? findAttr(commonAttributes, path.attr) : undefined);
    if (!def) return undefined;
    return withSub({ kind: 'attribute', container: isCore ? null : schema.id, schema, def }, path.sub);
  }
  const common = findAttr(commonAttributes, path.attr);
  if (common) return withSub({ kind: 'attribute', container: null, schema: null, def: common }, path.sub);
  const core = findAttr(model.core.attributes, path.attr);
  if (core) return withSub({ kind: 'attribute', container: null, schema: model.core, def: core }, path.sub);
  // Lenient: an unqualified name that exists in exactly one extension resolves there.
  const hits = model.extensions.flatMap((s) => {
    const d = findAttr(s.attributes, path.attr);
    return d ? [{ s, d }] : [];
  });
  if (hits.length === 1) {
    const hit = hits[0]!;
    return withSub({ kind: 'attribute', container: hit.s.id, schema: hit.s, def: hit.d }, path.sub);
  }
  return undefined;
}

function withSub(
  resolved: Extract<ResolvedPath, { kind: 'attribute' }>,
  subName: string | undefined,
): ResolvedPath | undefined {
  if (subName === undefined) return resolved;
  const sub = findAttr(resolved.def.subAttributes, subName);
  return sub ? { ...resolved, sub } : undefined;
}
