/** JSON Schemas of SCIM resources (User with the Enterprise extension, Group), derived from src/core/schema. */
import { commonAttributes, findAttr, groupModel, userModel, type AttributeDef, type ResourceModel } from '../schema/index.js';
import { attributeSchema, attributesRule, complexSchema, requiredNames, type JsonSchema, type SchemaMode } from './from-attributes.js';

/** `schemas`: a non-empty array of URIs that lists `urn` (RFC 7643 §3). */
export function schemasSchema(urn: string): JsonSchema {
  return {
    type: 'array',
    minItems: 1,
    items: { type: 'string', format: 'uri' },
    uniqueItems: true,
    scimSchemasContain: urn,
  };
}

function commonAttr(name: string): AttributeDef {
  const def = findAttr(commonAttributes, name);
  if (!def) throw new Error(`common attribute ${name} is not defined`);
  return def;
}

function metaSchema(resourceType: string, mode: SchemaMode): JsonSchema {
  const meta = complexSchema(commonAttr('meta').subAttributes ?? [], mode);
  if (!mode.response) return meta;
  // meta.resourceType is caseExact (RFC 7643 §3.1): "user" for a User is a real-world defect clients trip on.
  const properties = { ...(meta.properties as Record<string, JsonSchema>), resourceType: { const: resourceType } };
  return { ...meta, properties };
}

/**
 * A resource of `model`: `schemas` listing the core URN, core attributes at the top level, each extension's
 * attributes under its URN key. Unknown top-level keys are allowed (custom attributes, unknown extensions),
 * but any "urn:" key must be declared in `schemas`. In a response, `id` is required and non-empty.
 */
export function resourceSchema(model: ResourceModel, mode: SchemaMode): JsonSchema {
  const coreDefs = model.core.attributes;
  const properties: Record<string, JsonSchema> = {
    schemas: schemasSchema(model.core.id),
    id: { type: 'string', minLength: 1 },
    externalId: attributeSchema(commonAttr('externalId'), mode),
    meta: metaSchema(model.resourceType.name, mode),
  };
  for (const def of coreDefs) properties[def.name] = attributeSchema(def, mode);
  for (const ext of model.extensions) properties[ext.id] = complexSchema(ext.attributes, mode);

  const required = ['schemas', ...(mode.response ? ['id'] : []), ...requiredNames(coreDefs, mode)];
  const rule = attributesRule([...commonAttributes, ...coreDefs], mode, ['schemas', ...model.extensions.map((e) => e.id)]);
  return {
    type: 'object',
    properties,
    required,
    scimAttributes: { ...rule, extensionsDeclared: true },
  };
}

export const userResourceSchema = (mode: SchemaMode): JsonSchema => resourceSchema(userModel(), mode);
export const groupResourceSchema = (mode: SchemaMode): JsonSchema => resourceSchema(groupModel(), mode);
