/**
 * What a server's discovery documents mean (RFC 7643 §5–7, RFC 7644 §4): the optional features it advertises,
 * the problems in its ServiceProviderConfig, ResourceTypes and Schemas, and the resource models the suite's data
 * is generated from. Pure: the documents come in as parsed JSON.
 */
import { enterpriseUserSchema, groupSchema, userSchema } from '../core/schema/index.js';
import type { AttributeDef, SchemaDef } from '../core/schema/types.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../core/schema/urns.js';
import { customExtension, immutableTarget, uniqueTarget, type GenerationModel } from './discovery-data.js';
import type { Feature } from './suite-format.js';

export type { Feature } from './suite-format.js';
/**
 * Optional features a check can require: the ServiceProviderConfig ones, plus what the User schemas declare (an
 * extension, a custom extension besides the Enterprise one, an immutable or a unique attribute).
 */
export const FEATURES: readonly Feature[] = ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag', 'extension', 'customExtension', 'immutable', 'uniqueAttribute'];
/** The ServiceProviderConfig members whose `supported` flag advertises a feature (RFC 7643 §5). */
const CONFIG_FEATURES = ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const TYPES = new Set(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary']);
const MUTABILITY = new Set(['readOnly', 'readWrite', 'immutable', 'writeOnly']);
const RETURNED = new Set(['always', 'never', 'default', 'request']);
const UNIQUENESS = new Set(['none', 'server', 'global']);

export interface Analysis {
  /** Per feature: advertised supported (true/false), or undefined when the config is unusable. */
  advertised: Partial<Record<Feature, boolean>>;
  configProblems: string[];
  resourceTypeProblems: string[];
  schemaProblems: string[];
  user: GenerationModel;
  group: GenerationModel;
  /** True when the User/Group models are the RFC's standard ones because discovery gave nothing usable. */
  fallback: boolean;
  /** Human notes (e.g. why the standard schemas were used). */
  notes: string[];
}

/** The Resources of a ListResponse, or the bare array some servers send; undefined when neither. */
export function resourcesOf(doc: unknown): unknown[] | undefined {
  if (Array.isArray(doc)) return doc;
  if (isObject(doc) && Array.isArray(doc['Resources'])) return doc['Resources'];
  return undefined;
}

export function analyzeConfig(config: unknown): { advertised: Partial<Record<Feature, boolean>>; problems: string[] } {
  const problems: string[] = [];
  const advertised: Partial<Record<Feature, boolean>> = {};
  if (!isObject(config)) return { advertised, problems: ['GET /ServiceProviderConfig did not return a JSON object'] };
  const schemas = config['schemas'];
  if (!Array.isArray(schemas) || !schemas.includes('urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig')) {
    problems.push('schemas does not list urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig');
  }
  for (const name of CONFIG_FEATURES) {
    const member = config[name];
    if (!isObject(member) || typeof member['supported'] !== 'boolean') {
      problems.push(`${name}.supported is missing or not a boolean (RFC 7643 §5 makes it REQUIRED)`);
      continue;
    }
    advertised[name] = member['supported'];
  }
  const bulk = config['bulk'];
  if (isObject(bulk) && bulk['supported'] === true) {
    for (const k of ['maxOperations', 'maxPayloadSize']) if (!Number.isInteger(bulk[k])) problems.push(`bulk.${k} is not an integer`);
  }
  const filter = config['filter'];
  if (isObject(filter) && filter['supported'] === true && !Number.isInteger(filter['maxResults'])) problems.push('filter.maxResults is not an integer');
  const schemes = config['authenticationSchemes'];
  if (!Array.isArray(schemes)) problems.push('authenticationSchemes is missing or not an array');
  else schemes.forEach((s, i) => {
    if (!isObject(s) || typeof s['type'] !== 'string' || typeof s['name'] !== 'string' || typeof s['description'] !== 'string') {
      problems.push(`authenticationSchemes[${i}] lacks type, name or description`);
    }
  });
  return { advertised, problems };
}

/** Problems with one attribute definition's characteristics (RFC 7643 §7), recursing into sub-attributes. */
function attributeProblems(attr: unknown, where: string, depth: number): string[] {
  if (!isObject(attr)) return [`${where} is not an object`];
  const name = typeof attr['name'] === 'string' ? attr['name'] : undefined;
  const at = `${where}${name ? ` (${name})` : ''}`;
  const problems: string[] = [];
  if (!name) problems.push(`${where} has no name`);
  if (!TYPES.has(attr['type'] as string)) problems.push(`${at}: type ${JSON.stringify(attr['type'])} is not a SCIM type`);
  for (const flag of ['multiValued', 'required', 'caseExact']) {
    if (flag in attr && typeof attr[flag] !== 'boolean') problems.push(`${at}: ${flag} is not a boolean`);
  }
  if (typeof attr['multiValued'] !== 'boolean') problems.push(`${at}: multiValued is missing`);
  if ('mutability' in attr && !MUTABILITY.has(attr['mutability'] as string)) problems.push(`${at}: mutability ${JSON.stringify(attr['mutability'])} is not valid`);
  if ('returned' in attr && !RETURNED.has(attr['returned'] as string)) problems.push(`${at}: returned ${JSON.stringify(attr['returned'])} is not valid`);
  if ('uniqueness' in attr && !UNIQUENESS.has(attr['uniqueness'] as string)) problems.push(`${at}: uniqueness ${JSON.stringify(attr['uniqueness'])} is not valid`);
  if ('canonicalValues' in attr && !Array.isArray(attr['canonicalValues'])) problems.push(`${at}: canonicalValues is not an array`);
  const subs = attr['subAttributes'];
  if (attr['type'] === 'complex') {
    if (!Array.isArray(subs) || subs.length === 0) problems.push(`${at}: a complex attribute needs subAttributes`);
    else if (depth > 0) problems.push(`${at}: complex attributes must not nest (RFC 7643 §2.3.8)`);
    else subs.forEach((s, i) => problems.push(...attributeProblems(s, `${at}.subAttributes[${i}]`, depth + 1)));
  } else if (Array.isArray(subs) && subs.length) {
    problems.push(`${at}: only complex attributes have subAttributes`);
  }
  // referenceTypes is described for reference attributes but not marked REQUIRED (RFC 7643 §7): only its shape is checked.
  if ('referenceTypes' in attr && !Array.isArray(attr['referenceTypes'])) problems.push(`${at}: referenceTypes is not an array`);
  return problems;
}

/** Problems with the served schemas; returns the usable ones by id. */
export function analyzeSchemas(doc: unknown): { problems: string[]; byId: Map<string, SchemaDef> } {
  const byId = new Map<string, SchemaDef>();
  const list = resourcesOf(doc);
  if (!list) return { problems: ['GET /Schemas did not return a ListResponse'], byId };
  const problems: string[] = [];
  list.forEach((s, i) => {
    if (!isObject(s) || typeof s['id'] !== 'string' || !Array.isArray(s['attributes'])) {
      problems.push(`Schemas[${i}] lacks an id or an attributes array`);
      return;
    }
    const id = s['id'];
    const attrProblems = (s['attributes'] as unknown[]).flatMap((a, j) => attributeProblems(a, `${id} attributes[${j}]`, 0));
    problems.push(...attrProblems);
    byId.set(id, { id, name: String(s['name'] ?? id), description: String(s['description'] ?? ''), attributes: (s['attributes'] as unknown[]).filter(isObject).map(normalizeAttribute) });
  });
  for (const core of [USER_SCHEMA, GROUP_SCHEMA]) if (!byId.has(core)) problems.push(`the core schema ${core} is not served`);
  // The one attribute RFC 7643 makes REQUIRED on every User (§4.1.1); clients rely on it to match accounts.
  const userName = byId.get(USER_SCHEMA)?.attributes.find((a) => a.name === 'userName');
  if (byId.has(USER_SCHEMA) && userName?.required !== true) problems.push(`${USER_SCHEMA}: userName is ${userName ? 'not marked required' : 'missing'} (RFC 7643 §4.1.1)`);
  return { problems, byId };
}

/** An attribute with RFC 7643 §7 defaults filled in, so the generator can rely on every characteristic. */
function normalizeAttribute(raw: Json): AttributeDef {
  const attr: AttributeDef = {
    name: String(raw['name'] ?? ''),
    type: (TYPES.has(raw['type'] as string) ? raw['type'] : 'string') as AttributeDef['type'],
    multiValued: raw['multiValued'] === true,
    description: String(raw['description'] ?? ''),
    required: raw['required'] === true,
    caseExact: raw['caseExact'] === true,
    mutability: (MUTABILITY.has(raw['mutability'] as string) ? raw['mutability'] : 'readWrite') as AttributeDef['mutability'],
    returned: (RETURNED.has(raw['returned'] as string) ? raw['returned'] : 'default') as AttributeDef['returned'],
    uniqueness: (UNIQUENESS.has(raw['uniqueness'] as string) ? raw['uniqueness'] : 'none') as AttributeDef['uniqueness'],
  };
  if (Array.isArray(raw['canonicalValues'])) attr.canonicalValues = raw['canonicalValues'].map(String);
  if (Array.isArray(raw['subAttributes'])) attr.subAttributes = raw['subAttributes'].filter(isObject).map(normalizeAttribute);
  return attr;
}

interface ResourceTypeInfo {
  name: string;
  endpoint: string;
  schema: string;
  extensions: { schema: string; required: boolean }[];
}

/** Problems with the served resource types (every referenced schema served); returns them by schema URN. */
export function analyzeResourceTypes(doc: unknown, schemas: Map<string, SchemaDef>, schemasUsable: boolean): { problems: string[]; bySchema: Map<string, ResourceTypeInfo> } {
  const bySchema = new Map<string, ResourceTypeInfo>();
  const list = resourcesOf(doc);
  if (!list) return { problems: ['GET /ResourceTypes did not return a ListResponse'], bySchema };
  const problems: string[] = [];
  list.forEach((rt, i) => {
    if (!isObject(rt)) return problems.push(`ResourceTypes[${i}] is not an object`);
    const name = String(rt['name'] ?? rt['id'] ?? `ResourceTypes[${i}]`);
    for (const k of ['name', 'endpoint', 'schema']) if (typeof rt[k] !== 'string') problems.push(`${name}: ${k} is missing`);
    const extensions = Array.isArray(rt['schemaExtensions']) ? rt['schemaExtensions'].filter(isObject) : [];
    const info: ResourceTypeInfo = {
      name,
      endpoint: String(rt['endpoint'] ?? ''),
      schema: String(rt['schema'] ?? ''),
      extensions: extensions.map((e) => ({ schema: String(e['schema'] ?? ''), required: e['required'] === true })),
    };
    if (schemasUsable) {
      for (const urn of [info.schema, ...info.extensions.map((e) => e.schema)]) {
        if (urn && !schemas.has(urn)) problems.push(`${name}: schema ${urn} is not served at /Schemas`);
      }
    }
    if (info.schema) bySchema.set(info.schema, info);
    return undefined;
  });
  if (!bySchema.has(USER_SCHEMA)) problems.push('no resource type has the core User schema');
  else if (bySchema.get(USER_SCHEMA)!.endpoint !== '/Users') problems.push(`the User resource type's endpoint is ${bySchema.get(USER_SCHEMA)!.endpoint}, not /Users`);
  if (bySchema.has(GROUP_SCHEMA) && bySchema.get(GROUP_SCHEMA)!.endpoint !== '/Groups') problems.push(`the Group resource type's endpoint is ${bySchema.get(GROUP_SCHEMA)!.endpoint}, not /Groups`);
  return { problems, bySchema };
}

const STANDARD_USER: GenerationModel = { core: userSchema, extensions: [{ schema: enterpriseUserSchema, required: false }] };
const STANDARD_GROUP: GenerationModel = { core: groupSchema, extensions: [] };

/** The generation model of a resource type from what the server serves, or undefined if it is not usable. */
function servedModel(coreUrn: string, types: Map<string, ResourceTypeInfo>, schemas: Map<string, SchemaDef>): GenerationModel | undefined {
  const core = schemas.get(coreUrn);
  if (!core || !core.attributes.some((a: AttributeDef) => a.name)) return undefined;
  const declared = types.get(coreUrn)?.extensions ?? [];
  const extensions = declared.flatMap((e) => {
    const schema = schemas.get(e.schema) ?? (e.schema === ENTERPRISE_USER_SCHEMA ? enterpriseUserSchema : undefined);
    return schema ? [{ schema, required: e.required }] : [];
  });
  return { core, extensions };
}

/** Everything the suite needs from the three documents (undefined = the request failed or gave no JSON). */
export function analyzeDiscovery(config: unknown, resourceTypes: unknown, schemas: unknown): Analysis {
  const cfg = analyzeConfig(config);
  const sch = analyzeSchemas(schemas);
  const schemasUsable = resourcesOf(schemas) !== undefined;
  const rts = analyzeResourceTypes(resourceTypes, sch.byId, schemasUsable);
  const notes: string[] = [];
  let user = servedModel(USER_SCHEMA, rts.bySchema, sch.byId);
  let group = servedModel(GROUP_SCHEMA, rts.bySchema, sch.byId);
  const fallback = !user || !group;
  if (!user) {
    user = STANDARD_USER;
    notes.push('discovery gave no usable User schema: test data follows the standard RFC 7643 User and Enterprise User schemas');
  }
  if (!group) {
    group = STANDARD_GROUP;
    notes.push('discovery gave no usable Group schema: test data follows the standard RFC 7643 Group schema');
  }
  const advertised: Partial<Record<Feature, boolean>> = { ...cfg.advertised };
  advertised.extension = user.extensions.length > 0;
  advertised.customExtension = customExtension(user) !== undefined;
  advertised.immutable = immutableTarget(user) !== undefined;
  advertised.uniqueAttribute = uniqueTarget(user) !== undefined;
  if (Object.keys(cfg.advertised).length === 0) notes.push('the ServiceProviderConfig is unusable: optional features are treated as not advertised');
  return { advertised, configProblems: cfg.problems, resourceTypeProblems: rts.problems, schemaProblems: sch.problems, user, group, fallback, notes };
}
