/**
 * AJV validators for the RFC 7643/7644 JSON payloads. Schemas are built from src/core/schema and compiled once,
 * lazily, on first use. See resources.ts / from-attributes.ts for the tolerance decisions (canonical-case names,
 * null as unassigned, unknown extensions allowed when declared in `schemas`).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { SchemaName } from './schema-name.js';
import {
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  LIST_RESPONSE_SCHEMA,
  PATCH_OP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from '../schema/index.js';
import { resourceTypeSchema, schemaResourceSchema, serviceProviderConfigSchema } from './discovery.js';
import { errorLines } from './error-text.js';
import { scimFormats } from './formats.js';
import type { JsonSchema, SchemaMode } from './from-attributes.js';
import { scimKeywords } from './keywords.js';
import { errorSchema, listResponseSchema, patchOpSchema } from './messages.js';
import { groupResourceSchema, userResourceSchema } from './resources.js';

export interface SchemaVerdict {
  valid: boolean;
  /** Readable errors with JSON paths, e.g. "/Resources/0/id: must be string". */
  errors: string[];
}

export interface ValidateOptions {
  /**
   * Validate User/Group as a client's request body (POST/PUT) rather than a server's response:
   * `id` is not required and `returned: "never"` attributes (password) are allowed.
   */
  request?: boolean;
  /**
   * The response answers a request with `attributes` or `excludedAttributes`: User/Group (also inside list
   * responses) need only their `returned: "always"` attributes (`id`), not every required one (`userName`).
   */
  partial?: boolean;
}

export const SCHEMA_NAMES: readonly SchemaName[] = [
  'User',
  'Group',
  'ListResponse',
  'UserListResponse',
  'GroupListResponse',
  'Error',
  'ServiceProviderConfig',
  'ResourceType',
  'Schema',
  'PatchOp',
];

/** How strictly resources are read: a full response (default), a projected response, or a request body. */
export type SchemaVariant = 'response' | 'partial' | 'request';
const MODES: Record<SchemaVariant, SchemaMode> = {
  response: { response: true },
  partial: { response: true, partial: true },
  request: { response: false },
};

const idOf = (variant: SchemaVariant, name: SchemaName): string => `urn:scim-check:json-schema:${variant}:${name}`;

/** Every JSON Schema of one variant, by name (only User and Group differ between variants). */
export function scimJsonSchemas(variant: SchemaVariant = 'response'): Record<SchemaName, JsonSchema> {
  const mode = MODES[variant];
  return {
    User: userResourceSchema(mode),
    Group: groupResourceSchema(mode),
    ListResponse: listResponseSchema({
      byUrn: {
        [USER_SCHEMA]: idOf(variant, 'User'),
        [GROUP_SCHEMA]: idOf(variant, 'Group'),
        [RESOURCE_TYPE_SCHEMA]: idOf(variant, 'ResourceType'),
        [SCHEMA_SCHEMA]: idOf(variant, 'Schema'),
      },
    }),
    UserListResponse: listResponseSchema({ ref: idOf(variant, 'User') }),
    GroupListResponse: listResponseSchema({ ref: idOf(variant, 'Group') }),
    Error: errorSchema(),
    ServiceProviderConfig: serviceProviderConfigSchema(),
    ResourceType: resourceTypeSchema(),
    Schema: schemaResourceSchema(),
    PatchOp: patchOpSchema(),
  };
}

let ajv: Ajv2020 | undefined;
const added = new Set<SchemaVariant>();
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv) return ajv;
  // validateSchema off: our schemas are fixed and tested, and checking them against the 2020-12 meta-schema
  // would compile that meta-schema first, the larger part of start-up time.
  const created = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, validateSchema: false });
  for (const [name, check] of Object.entries(scimFormats)) created.addFormat(name, check);
  for (const keyword of scimKeywords) created.addKeyword(keyword);
  created.addKeyword({ keyword: 'scimHint', schemaType: 'string' });
  ajv = created;
  return created;
}

/** The compiled validator (the variant's schemas added and this one compiled on first use, then cached). */
function validator(variant: SchemaVariant, name: SchemaName): ValidateFunction {
  const id = idOf(variant, name);
  let fn = compiled.get(id);
  if (!fn) {
    const ajvInstance = instance();
    if (!added.has(variant)) {
      for (const [key, schema] of Object.entries(scimJsonSchemas(variant))) ajvInstance.addSchema({ ...schema, $id: idOf(variant, key as SchemaName) });
      added.add(variant);
    }
    fn = ajvInstance.getSchema(id);
    if (!fn) throw new Error(`unknown SCIM schema ${name}`);
    compiled.set(id, fn);
  }
  return fn;
}

/** Validates a SCIM payload against the RFC 7643/7644 JSON Schema `name` (AJV validators compiled once). */
export function validateScim(name: SchemaName, value: unknown, options: ValidateOptions = {}): SchemaVerdict {
  const variant: SchemaVariant = options.request ? 'request' : options.partial ? 'partial' : 'response';
  const fn = validator(variant, name);
  try {
    if (fn(value)) return { valid: true, errors: [] };
  } catch (err) {
    // Only a hostile, absurdly nested payload gets here (recursion through Schema.subAttributes).
    if (err instanceof RangeError) return { valid: false, errors: ['/: nested too deeply to validate'] };
    throw err;
  }
  return { valid: false, errors: errorLines(fn.errors) };
}

const SINGLE_KINDS: [string, SchemaName][] = [
  [USER_SCHEMA, 'User'],
  [GROUP_SCHEMA, 'Group'],
  [ERROR_SCHEMA, 'Error'],
  [PATCH_OP_SCHEMA, 'PatchOp'],
  [SERVICE_PROVIDER_CONFIG_SCHEMA, 'ServiceProviderConfig'],
  [RESOURCE_TYPE_SCHEMA, 'ResourceType'],
  [SCHEMA_SCHEMA, 'Schema'],
];

function schemasOf(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  const schemas = (value as { schemas?: unknown }).schemas;
  return Array.isArray(schemas) ? schemas : [];
}

/**
 * The kind of a payload, from the URNs in its `schemas`; undefined if none is known. A ListResponse whose
 * entries are all Users (or all Groups) is a UserListResponse (GroupListResponse).
 */
export function detectSchemaName(value: unknown): SchemaName | undefined {
  const schemas = schemasOf(value);
  if (schemas.includes(LIST_RESPONSE_SCHEMA)) {
    const resources = (value as { Resources?: unknown }).Resources;
    if (Array.isArray(resources) && resources.length > 0) {
      if (resources.every((r) => schemasOf(r).includes(USER_SCHEMA))) return 'UserListResponse';
      if (resources.every((r) => schemasOf(r).includes(GROUP_SCHEMA))) return 'GroupListResponse';
    }
    return 'ListResponse';
  }
  return SINGLE_KINDS.find(([urn]) => schemas.includes(urn))?.[1];
}
