/** JSON Schemas of the discovery resources: ServiceProviderConfig (RFC 7643 §5), ResourceType (§6), Schema (§7). */
import type { AttributeType, Mutability, Returned, Uniqueness } from '../schema/index.js';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from '../schema/index.js';
import type { JsonSchema } from './from-attributes.js';
import { schemasSchema } from './resources.js';

const meta: JsonSchema = { type: 'object' };

/** `{ supported: boolean, …extra required integers }`, the shape of each ServiceProviderConfig feature. */
function feature(integers: string[] = []): JsonSchema {
  return {
    type: 'object',
    properties: {
      supported: { type: 'boolean' },
      ...Object.fromEntries(integers.map((name) => [name, { type: 'integer', minimum: 0 }])),
    },
    required: ['supported', ...integers],
  };
}

export function serviceProviderConfigSchema(): JsonSchema {
  const names = ['schemas', 'documentationUri', 'patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag', 'authenticationSchemes', 'meta'];
  return {
    type: 'object',
    properties: {
      schemas: schemasSchema(SERVICE_PROVIDER_CONFIG_SCHEMA),
      documentationUri: { type: ['string', 'null'], format: 'uri' },
      patch: feature(),
      bulk: feature(['maxOperations', 'maxPayloadSize']),
      filter: feature(['maxResults']),
      changePassword: feature(),
      sort: feature(),
      etag: feature(),
      authenticationSchemes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', minLength: 1 },
            name: { type: 'string' },
            description: { type: 'string' },
            specUri: { type: ['string', 'null'], format: 'uri' },
            documentationUri: { type: ['string', 'null'], format: 'uri' },
            primary: { type: 'boolean' },
          },
          required: ['type', 'name', 'description'],
        },
      },
      meta,
    },
    required: ['schemas', 'patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag', 'authenticationSchemes'],
    scimAttributes: { canonical: names },
  };
}

export function resourceTypeSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      schemas: schemasSchema(RESOURCE_TYPE_SCHEMA),
      id: { type: 'string', minLength: 1 },
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      endpoint: { type: 'string', minLength: 1, scimHint: 'endpoint is relative to the base URL, e.g. "/Users"' },
      schema: { type: 'string', format: 'uri' },
      schemaExtensions: {
        type: 'array',
        items: {
          type: 'object',
          properties: { schema: { type: 'string', format: 'uri' }, required: { type: 'boolean' } },
          required: ['schema', 'required'],
        },
      },
      meta,
    },
    required: ['schemas', 'name', 'endpoint', 'schema'],
    scimAttributes: { canonical: ['schemas', 'id', 'name', 'description', 'endpoint', 'schema', 'schemaExtensions', 'meta'] },
  };
}

// The Records make the compiler flag a value added to the TypeScript unions but missing here.
const attributeTypes: Record<AttributeType, true> = {
  string: true, boolean: true, decimal: true, integer: true, dateTime: true, reference: true, complex: true, binary: true,
};
const mutabilities: Record<Mutability, true> = { readOnly: true, readWrite: true, immutable: true, writeOnly: true };
const returnedValues: Record<Returned, true> = { always: true, never: true, default: true, request: true };
const uniquenessValues: Record<Uniqueness, true> = { none: true, server: true, global: true };

const attributeNames = [
  'name', 'type', 'subAttributes', 'multiValued', 'description', 'required', 'canonicalValues',
  'caseExact', 'mutability', 'returned', 'uniqueness', 'referenceTypes',
];

/**
 * A Schema resource. RFC 7643 §7 marks most attribute characteristics as having defaults, and real servers
 * omit them, so only name, type and multiValued are required; present characteristics must be valid.
 * The RFC's own examples (§8.7) carry no `schemas`, so it is optional here but must list the Schema URN if present.
 */
export function schemaResourceSchema(): JsonSchema {
  return {
    type: 'object',
    $defs: {
      attribute: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1 },
          type: { enum: Object.keys(attributeTypes) },
          subAttributes: { type: 'array', items: { $ref: '#/$defs/attribute' } },
          multiValued: { type: 'boolean' },
          description: { type: 'string' },
          required: { type: 'boolean' },
          canonicalValues: { type: 'array' },
          caseExact: { type: 'boolean' },
          mutability: { enum: Object.keys(mutabilities) },
          returned: { enum: Object.keys(returnedValues) },
          uniqueness: { enum: Object.keys(uniquenessValues) },
          referenceTypes: { type: 'array', items: { type: 'string' } },
        },
        required: ['name', 'type', 'multiValued'],
        scimAttributes: { canonical: attributeNames },
      },
    },
    properties: {
      schemas: schemasSchema(SCHEMA_SCHEMA),
      id: { type: 'string', format: 'uri', scimHint: 'a schema id is its URN' },
      name: { type: ['string', 'null'] },
      description: { type: ['string', 'null'] },
      attributes: { type: 'array', items: { $ref: '#/$defs/attribute' } },
      meta,
    },
    required: ['id', 'attributes'],
    scimAttributes: { canonical: ['schemas', 'id', 'name', 'description', 'attributes', 'meta'] },
  };
}
