/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) and the schema's `returned` characteristic
 * (RFC 7643 §2.2): which parts of a stored resource a response shows. Pure; works on resources whose keys are
 * the schema's canonical names (what the server stores).
 */
import { parseAttrPath } from './filter/index.js';
import { commonAttributes } from './schema/common.js';
import { findAttr, findSchema, resolvePath, type ResourceModel } from './schema/resolve.js';
import type { AttributeDef, ScimResource } from './schema/types.js';

/** Whole attribute, or only some of its sub-attributes (canonical names). */
type Selection = 'all' | Set<string>;
/** container (null = core/common, else the extension URN) → attribute name → selection. */
type Plan = Map<string | null, Map<string, Selection>>;

export interface Projection {
  /** Returns the resource as the client asked to see it (a new object when anything is left out). */
  apply(resource: ScimResource): ScimResource;
  /** Whether a core attribute (canonical name, e.g. "members") appears in the output at all. */
  includes(attributeName: string): boolean;
}

/** Splits a comma-separated `attributes` / `excludedAttributes` value (empty items ignored). */
export function splitAttributeList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',') : value.flatMap((v) => v.split(','));
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Compiles the two parameters against a resource model. Names that the model does not know are ignored
 * (RFC 7644 defines no error for them). When both are given, `attributes` selects and `excludedAttributes`
 * then removes from that selection.
 */
export function compileProjection(
  model: ResourceModel,
  attributes?: string | readonly string[],
  excludedAttributes?: string | readonly string[],
): Projection {
  if (attributes === undefined && excludedAttributes === undefined) {
    // The default view is the same for every request: build it once per model.
    let cached = defaultViews.get(model);
    if (!cached) defaultViews.set(model, (cached = buildProjection(model, undefined, undefined)));
    return cached;
  }
  return buildProjection(model, attributes, excludedAttributes);
}

const defaultViews = new WeakMap<ResourceModel, Projection>();

function buildProjection(
  model: ResourceModel,
  attributes: string | readonly string[] | undefined,
  excludedAttributes: string | readonly string[] | undefined,
): Projection {
  const include = buildPlan(model, splitAttributeList(attributes));
  const exclude = buildPlan(model, splitAttributeList(excludedAttributes));
  const includeMode = splitAttributeList(attributes).length > 0;

  const keep = (def: AttributeDef, container: string | null, value: unknown): unknown => {
    if (def.returned === 'never') return undefined;
    if (def.returned === 'always') return value;
    let result: unknown = value;
    if (includeMode) {
      const selected = include.get(container)?.get(def.name);
      if (selected === undefined) return undefined;
      if (selected !== 'all') result = pickSubs(def, result, (sub) => selected.has(sub.name) || sub.returned === 'always');
    } else if (def.returned === 'request') {
      return undefined;
    }
    const excluded = exclude.get(container)?.get(def.name);
    if (excluded === 'all') return undefined;
    if (excluded !== undefined) result = pickSubs(def, result, (sub) => !excluded.has(sub.name) || sub.returned === 'always');
    return dropUnreturnedSubs(def, result);
  };

  const projectObject = (source: Record<string, unknown>, defs: readonly AttributeDef[], container: string | null, extra?: readonly AttributeDef[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const def = findAttr(defs, key) ?? findAttr(extra, key);
      if (!def) continue;
      const value = keep(def, container, source[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };

  // Default view: only never/request attributes go, and the server stores none of them at the top level
  // (password is not kept), so most resources pass through untouched.
  const hiddenTopLevel = includeMode || exclude.size > 0 ? undefined : hiddenTopLevelNames(model);

  return {
    apply(resource) {
      if (hiddenTopLevel && !hiddenTopLevel.some((name) => name in resource)) return resource;
      const out: ScimResource = {};
      for (const key of Object.keys(resource)) {
        const value = resource[key];
        if (key === 'schemas') {
          out[key] = value;
          continue;
        }
        const extension = key.startsWith('urn:') ? findSchema(model, key) : undefined;
        if (extension && extension !== model.core) {
          if (!isObject(value)) continue;
          const projected = projectObject(value, extension.attributes, extension.id);
          if (Object.keys(projected).length > 0) out[key] = projected;
          continue;
        }
        const def = findAttr(commonAttributes, key) ?? findAttr(model.core.attributes, key);
        if (!def) continue;
        const kept = keep(def, null, value);
        if (kept !== undefined) out[key] = kept;
      }
      return out;
    },
    includes(attributeName) {
      const def = findAttr(model.core.attributes, attributeName) ?? findAttr(commonAttributes, attributeName);
      if (!def || def.returned === 'never') return false;
      if (def.returned === 'always') return true;
      if (includeMode && !include.get(null)?.has(def.name)) return false;
      if (!includeMode && def.returned === 'request') return false;
      return exclude.get(null)?.get(def.name) !== 'all';
    },
  };
}

function buildPlan(model: ResourceModel, names: readonly string[]): Plan {
  const plan: Plan = new Map();
  for (const name of names) {
    let resolved;
    try {
      resolved = resolvePath(model, parseAttrPath(name));
    } catch {
      continue; // not an attribute path: ignored like an unknown name
    }
    if (!resolved) continue;
    if (resolved.kind === 'extension') {
      for (const def of resolved.schema.attributes) select(plan, resolved.schema.id, def.name, undefined);
      continue;
    }
    select(plan, resolved.container, resolved.def.name, resolved.sub?.name);
  }
  return plan;
}

function select(plan: Plan, container: string | null, name: string, sub: string | undefined): void {
  let attrs = plan.get(container);
  if (!attrs) plan.set(container, (attrs = new Map()));
  const current = attrs.get(name);
  if (current === 'all') return;
  if (sub === undefined) {
    attrs.set(name, 'all');
    return;
  }
  if (current === undefined) attrs.set(name, new Set([sub]));
  else current.add(sub);
}

/** Keeps the sub-attributes `wanted` accepts, in a complex value or in each element of a multi-valued one. */
function pickSubs(def: AttributeDef, value: unknown, wanted: (sub: AttributeDef) => boolean): unknown {
  if (!def.subAttributes) return value;
  const pickOne = (item: unknown): unknown => {
    if (!isObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(item)) {
      const sub = findAttr(def.subAttributes, key);
      if (sub && wanted(sub)) out[key] = item[key];
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(pickOne).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return pickOne(value);
}

function dropUnreturnedSubs(def: AttributeDef, value: unknown): unknown {
  if (!def.subAttributes?.some((s) => s.returned === 'never' || s.returned === 'request')) return value;
  return pickSubs(def, value, (sub) => sub.returned !== 'never' && sub.returned !== 'request');
}

/**
 * Names of top-level attributes the default view hides, or undefined when hiding needs a full walk
 * (hidden sub-attributes or hidden extension attributes).
 */
function hiddenTopLevelNames(model: ResourceModel): string[] | undefined {
  const isHidden = (d: AttributeDef): boolean => d.returned === 'never' || d.returned === 'request';
  const hasHiddenInside = (d: AttributeDef): boolean => d.subAttributes?.some((s) => isHidden(s) || hasHiddenInside(s)) ?? false;
  const top = [...commonAttributes, ...model.core.attributes];
  if (top.some(hasHiddenInside)) return undefined;
  if (model.extensions.some((s) => s.attributes.some((d) => isHidden(d) || hasHiddenInside(d)))) return undefined;
  return top.filter(isHidden).map((d) => d.name);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
