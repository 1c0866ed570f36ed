/**
 * Reads a resource body (POST, PUT, seed data) against its schema: canonical attribute names,
 * type checks, read-only attributes dropped (RFC 7643 §2.2 "SHALL be ignored"), write-only ones dropped (this server
 * does not keep passwords), nulls and empty lists treated as unassigned, required attributes enforced.
 */
import { ScimError } from '../core/scim-error.js';
import { commonAttributes } from '../core/schema/common.js';
import { findAttr, findSchema, type ResourceModel } from '../core/schema/resolve.js';
import type { AttributeDef, ScimResource } from '../core/schema/types.js';
import { attributeValue, compact, isPlainObject } from '../core/patch/values.js';
import { quoted } from './respond.js';

const invalidValue = (detail: string): ScimError => new ScimError(400, detail, 'invalidValue');
const invalidSyntax = (detail: string): ScimError => new ScimError(400, detail, 'invalidSyntax');

/**
 * Returns the writable attributes of `body` in canonical form (core attributes at the top level, extension
 * attributes under their schema URN), without `schemas`, `id`, `meta` or other read-only attributes.
 */
export function readResource(body: unknown, model: ResourceModel, maxValues = Infinity): ScimResource {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object.');
  checkSchemas(body['schemas'], model);
  const out: ScimResource = {};
  for (const key of Object.keys(body)) {
    if (key === 'schemas') continue;
    const value = body[key];
    if (value === null) continue;
    const extension = key.toLowerCase().startsWith('urn:') ? findSchema(model, key) : undefined;
    if (extension && extension !== model.core) {
      if (!isPlainObject(value)) throw invalidValue(`${quoted(key)} must be an object holding the extension's attributes.`);
      const attrs = readAttributes(value, extension.attributes, `${extension.id}:`, maxValues);
      if (Object.keys(attrs).length > 0) out[extension.id] = attrs;
      continue;
    }
    const def = findAttr(commonAttributes, key) ?? findAttr(model.core.attributes, key);
    if (!def) throw invalidSyntax(`Unknown attribute ${quoted(key)} for ${model.resourceType.name} resources (see /Schemas).`);
    const read = readAttribute(def, value, def.name, maxValues);
    if (read !== undefined) out[def.name] = read;
  }
  checkRequired(out, model);
  return out;
}

/**
 * The attributes of a resource the PATCH engine produced (already canonical and typed by it): without `schemas`,
 * `id` and `meta`, with required attributes checked.
 */
export function patchedAttributes(resource: ScimResource, model: ResourceModel): ScimResource {
  const { schemas: _schemas, id: _id, meta: _meta, ...attrs } = resource;
  checkRequired(attrs, model);
  return attrs;
}

function checkSchemas(schemas: unknown, model: ResourceModel): void {
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw invalidSyntax(`"schemas" is required and must be an array of schema URIs including "${model.core.id}".`);
  }
  if (!schemas.some((s) => (s as string).toLowerCase() === model.core.id.toLowerCase())) {
    throw invalidSyntax(`"schemas" must include "${model.core.id}".`);
  }
}

function readAttributes(source: Record<string, unknown>, defs: readonly AttributeDef[], prefix: string, maxValues: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === null) continue;
    const def = findAttr(defs, key);
    if (!def) throw invalidSyntax(`Unknown attribute ${quoted(prefix + key)}.`);
    const read = readAttribute(def, value, `${prefix}${def.name}`, maxValues);
    if (read !== undefined) out[def.name] = read;
  }
  return out;
}

/** One attribute value, checked against its definition; undefined when it is dropped or unassigned. */
function readAttribute(def: AttributeDef, raw: unknown, where: string, maxValues: number): unknown {
  if (def.mutability === 'readOnly') return undefined;
  if (def.multiValued && Array.isArray(raw) && raw.length > maxValues) {
    throw invalidValue(`${where}: at most ${maxValues} values (this server's limit), got ${raw.length}.`);
  }
  let value: unknown;
  try {
    // The same value rules as PATCH (types, canonical sub-attribute names, the identity providers' variants).
    value = attributeValue(def, raw);
  } catch (err) {
    if (err instanceof ScimError) throw new ScimError(err.status, `${where}: ${err.message}`, err.scimType);
    throw err;
  }
  if (value === null) return undefined;
  if (def.type === 'complex') {
    if (Array.isArray(value)) {
      checkSinglePrimary(value, where);
    } else {
      value = compact(value as Record<string, unknown>);
      if (Object.keys(value as object).length === 0) return undefined;
    }
  }
  // Write-only values (password) are checked but not kept: this server implements no password store.
  return def.mutability === 'writeOnly' ? undefined : value;
}

function checkSinglePrimary(items: unknown[], where: string): void {
  let primaries = 0;
  for (const item of items) if (isPlainObject(item) && item['primary'] === true) primaries++;
  if (primaries > 1) throw invalidValue(`"${where}": at most one value may have "primary": true (RFC 7643 §2.4).`);
}

function checkRequired(resource: ScimResource, model: ResourceModel): void {
  for (const def of model.core.attributes) {
    if (!def.required) continue;
    const value = resource[def.name];
    if (value === undefined || value === '') throw invalidValue(`"${def.name}" is required.`);
  }
}
