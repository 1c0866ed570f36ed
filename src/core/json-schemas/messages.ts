/** JSON Schemas of the RFC 7644 protocol messages: ListResponse, Error (§3.12) and PatchOp (§3.5.2). */
import { ERROR_SCHEMA, type ScimType } from '../scim-error.js';
import { LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA } from '../schema/index.js';
import type { JsonSchema } from './from-attributes.js';
import { schemasSchema } from './resources.js';

/** Every scimType of RFC 7644 Table 9 (the Record makes the compiler flag a missing one). */
const scimTypeNames: Record<ScimType, true> = {
  invalidFilter: true,
  tooMany: true,
  uniqueness: true,
  mutability: true,
  invalidSyntax: true,
  invalidPath: true,
  noTarget: true,
  invalidValue: true,
  invalidVers: true,
  sensitive: true,
};
export const SCIM_TYPES = Object.keys(scimTypeNames) as ScimType[];

/**
 * A ListResponse. `items` is what every entry of Resources must match: a $ref to one kind, or for the generic
 * list, entries are checked against the kind their own `schemas` names (`byUrn`: URN → $id), others only as objects.
 */
export function listResponseSchema(items: { ref: string } | { byUrn: Record<string, string> }): JsonSchema {
  const entry: JsonSchema =
    'ref' in items
      ? { $ref: items.ref }
      : {
          type: 'object',
          allOf: Object.entries(items.byUrn).map(([urn, ref]) => ({
            if: { type: 'object', properties: { schemas: { type: 'array', contains: { const: urn } } }, required: ['schemas'] },
            then: { $ref: ref },
          })),
        };
  return {
    type: 'object',
    properties: {
      schemas: schemasSchema(LIST_RESPONSE_SCHEMA),
      totalResults: { type: 'integer', minimum: 0 },
      startIndex: { type: 'integer', minimum: 1, scimHint: 'startIndex is 1-based' },
      itemsPerPage: { type: 'integer', minimum: 0 },
      Resources: { type: 'array', items: entry },
    },
    required: ['schemas', 'totalResults'],
    // RFC 7644 §3.4.2: Resources is REQUIRED when totalResults is non-zero.
    if: { type: 'object', properties: { totalResults: { type: 'integer', minimum: 1 } }, required: ['totalResults'] },
    then: { required: ['Resources'] },
    scimAttributes: { canonical: ['schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources'] },
  };
}

export function errorSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      schemas: schemasSchema(ERROR_SCHEMA),
      status: {
        type: 'string',
        pattern: '^[1-5][0-9]{2}$',
        scimHint: 'RFC 7644 §3.12: status is the HTTP status code as a JSON string, e.g. "404"',
      },
      scimType: { enum: SCIM_TYPES },
      detail: { type: 'string' },
    },
    required: ['schemas', 'status'],
    scimAttributes: { canonical: ['schemas', 'status', 'scimType', 'detail'] },
  };
}

// Operation names are case-insensitive: Entra sends "Replace", Okta "replace".
const OP_ANY = '^(?:[aA][dD][dD]|[rR][eE][mM][oO][vV][eE]|[rR][eE][pP][lL][aA][cC][eE])$';
const OP_REMOVE = '^[rR][eE][mM][oO][vV][eE]$';
const OP_WITH_VALUE = '^(?:[aA][dD][dD]|[rR][eE][pP][lL][aA][cC][eE])$';

function opIs(pattern: string): JsonSchema {
  return { type: 'object', properties: { op: { type: 'string', pattern } }, required: ['op'] };
}

export function patchOpSchema(): JsonSchema {
  const operation: JsonSchema = {
    type: 'object',
    properties: {
      op: { type: 'string', pattern: OP_ANY, scimHint: 'op must be "add", "remove" or "replace" (any case)' },
      path: { type: 'string', minLength: 1 },
      value: {},
    },
    required: ['op'],
    allOf: [
      // RFC 7644 §3.5.2.2: remove without a path is an error (noTarget).
      { if: opIs(OP_REMOVE), then: { required: ['path'] } },
      { if: opIs(OP_WITH_VALUE), then: { required: ['value'] } },
      // Without a path, the value of add/replace is an object of attributes (RFC 7644 §3.5.2.1, §3.5.2.3).
      {
        if: { ...opIs(OP_WITH_VALUE), not: { required: ['path'] } },
        then: { properties: { value: { type: 'object', scimHint: 'without a path, value must be an object of attributes' } } },
      },
    ],
    scimAttributes: { canonical: ['op', 'path', 'value'] },
  };
  return {
    type: 'object',
    properties: {
      schemas: schemasSchema(PATCH_OP_SCHEMA),
      Operations: { type: 'array', minItems: 1, items: operation },
    },
    required: ['schemas', 'Operations'],
    scimAttributes: { canonical: ['schemas', 'Operations'] },
  };
}
