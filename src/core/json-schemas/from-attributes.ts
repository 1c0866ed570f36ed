/**
 * Turns RFC 7643 attribute definitions (src/core/schema) into JSON Schema, so the validators and the reference
 * server agree on one description of User, Group and the Enterprise extension.
 *
 * Decisions (tolerant where the RFC is):
 *  - an optional attribute may be null (RFC 7643 §2.5: null is the same as unassigned);
 *  - sub-attributes the definitions do not name are allowed (custom servers extend complex attributes);
 *  - canonical values (e.g. email type "work") are not enforced: the RFC lets providers use others;
 *  - attribute names must be in canonical case: SCIM matches names case-insensitively, but clients such as Okta
 *    read response JSON case-sensitively, so "UserName" is reported as an error rather than silently accepted.
 */
import type { AttributeDef } from '../schema/index.js';
import type { ScimAttributesRule } from './keywords.js';

export type JsonSchema = Record<string, unknown>;

export interface SchemaMode {
  /** A service provider's response (returned: never attributes must be absent) rather than a client's request body. */
  response: boolean;
  /**
   * A response to a request with `attributes`/`excludedAttributes`: attributes the schema marks required may
   * have been left out on purpose, so only `returned: "always"` ones (id) are required.
   */
  partial?: boolean;
}

function referenceFormat(def: AttributeDef): string {
  // "external" and "uri" references are absolute URIs; references to SCIM resources may be relative.
  return def.referenceTypes?.some((t) => t === 'external' || t === 'uri') ? 'uri' : 'uri-reference';
}

function singleValueSchema(def: AttributeDef, mode: SchemaMode): JsonSchema {
  switch (def.type) {
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'decimal':
      return { type: 'number' };
    case 'integer':
      return { type: 'integer' };
    case 'dateTime':
      return { type: 'string', format: 'date-time' };
    case 'reference':
      return { type: 'string', format: referenceFormat(def) };
    case 'binary':
      return { type: 'string', format: 'base64' };
    case 'complex':
      return complexSchema(def.subAttributes ?? [], mode);
  }
}

function allowNull(schema: JsonSchema): JsonSchema {
  return { ...schema, type: [schema.type, 'null'] };
}

export function attributeSchema(def: AttributeDef, mode: SchemaMode): JsonSchema {
  const single = singleValueSchema(def, mode);
  const schema: JsonSchema = def.multiValued
    ? { type: 'array', items: single, ...(def.type === 'complex' ? { scimSinglePrimary: true } : {}) }
    : single;
  return def.required ? schema : allowNull(schema);
}

/** The rule for the scimAttributes keyword over a set of attribute definitions. */
export function attributesRule(defs: readonly AttributeDef[], mode: SchemaMode, extraNames: string[] = []): ScimAttributesRule {
  const rule: ScimAttributesRule = { canonical: [...defs.map((d) => d.name), ...extraNames] };
  const never = defs.filter((d) => d.returned === 'never').map((d) => d.name);
  if (mode.response && never.length > 0) rule.neverReturned = never;
  return rule;
}

/** An object whose properties are the given attributes. */
export function complexSchema(defs: readonly AttributeDef[], mode: SchemaMode): JsonSchema {
  const required = requiredNames(defs, mode);
  return {
    type: 'object',
    properties: Object.fromEntries(defs.map((d) => [d.name, attributeSchema(d, mode)])),
    ...(required.length > 0 ? { required } : {}),
    scimAttributes: attributesRule(defs, mode),
  };
}

/** The attributes that must be present in a payload of this mode. */
export function requiredNames(defs: readonly AttributeDef[], mode: SchemaMode): string[] {
  return defs.filter((d) => (mode.partial ? d.returned === 'always' : d.required)).map((d) => d.name);
}
