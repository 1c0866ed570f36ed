/**
 * Test data generated from discovered schemas (RFC 7643 §7): a User or Group body that satisfies the server's
 * required attributes, types, canonical values and mutability, including every attribute of its extensions, so
 * the rfc suite works on a server with custom attributes. Pure: randomness comes from the caller.
 */
import type { AttributeDef, SchemaDef } from '../core/schema/types.js';
import { ENTERPRISE_USER_SCHEMA } from '../core/schema/urns.js';

/** A resource type as the generator needs it: its core schema and its extensions (with `required`). */
export interface GenerationModel {
  core: SchemaDef;
  extensions: { schema: SchemaDef; required: boolean }[];
}

/** Where random text comes from (so tests can make it deterministic). */
export type RandomText = (length: number) => string;

export interface GeneratedResource {
  /** The POST body. */
  body: Record<string, unknown>;
  /** The part of the body a conforming server returns unchanged (for a `contains` assertion). */
  expect: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Core User attributes the generator fills even when optional: the ones every IdP sends. */
const USUAL_USER_ATTRIBUTES = new Set(['userName', 'name', 'displayName', 'emails', 'active', 'title', 'password']);
const USUAL_GROUP_ATTRIBUTES = new Set(['displayName']);

const writable = (a: AttributeDef): boolean => a.mutability !== 'readOnly';
/** Returned unchanged in a default GET: not write-only, not returned only on request. */
const echoed = (a: AttributeDef): boolean => a.mutability !== 'writeOnly' && a.returned !== 'never' && a.returned !== 'request';
const lower = (name: string): string => name.toLowerCase();

export interface GenerationContext {
  prefix: string;
  domain: string;
  random: RandomText;
}

/** A value of the attribute's type; strings carry the run prefix so cleanup and humans can tell them apart. */
function simpleValue(attr: AttributeDef, ctx: GenerationContext, tag: string): unknown {
  if (attr.canonicalValues?.length) return attr.canonicalValues[0];
  switch (attr.type) {
    case 'boolean':
      return true;
    case 'integer':
      // A unique integer must differ per resource: derive it from the resource's random tag.
      return attr.uniqueness === 'none' ? 7 : Number.parseInt(tag, 36) % 1_000_000_007;
    case 'decimal':
      return 2.5;
    case 'dateTime':
      return '2021-06-01T12:00:00Z';
    case 'binary':
      return 'c2NpbS1jaGVjaw==';
    case 'reference':
      return `https://${ctx.domain}/${ctx.prefix}${tag}`;
    default:
      return `${ctx.prefix}${attr.name}-${tag}`;
  }
}

/** A complex value: its required sub-attributes plus the plain writable ones. */
function complexValue(attr: AttributeDef, ctx: GenerationContext, tag: string): Json {
  const out: Json = {};
  for (const sub of attr.subAttributes ?? []) {
    if (!writable(sub) || sub.type === 'complex' || sub.type === 'reference') continue;
    if (sub.name === 'primary') out[sub.name] = true;
    else out[sub.name] = sub.multiValued ? [simpleValue(sub, ctx, tag)] : simpleValue(sub, ctx, tag);
  }
  return out;
}

/** The value the generator sends for one attribute, with well-known User attributes given realistic shapes. */
function valueFor(attr: AttributeDef, ctx: GenerationContext, identity: UserIdentity): unknown {
  switch (lower(attr.name)) {
    case 'username':
      return identity.userName;
    case 'name':
      if (attr.type !== 'complex') break;
      // No "formatted": servers may compose their own, and the suite compares what it sent with what comes back.
      return { givenName: identity.givenName, familyName: identity.familyName };
    case 'displayname':
      return identity.displayName;
    case 'emails':
      if (attr.type !== 'complex' || !attr.multiValued) break;
      return [{ value: identity.email, type: 'work', primary: true }];
    case 'active':
      if (attr.type === 'boolean') return true;
      break;
    case 'password':
      return `${ctx.random(6)}A9!${ctx.random(6)}`;
  }
  if (attr.type === 'complex') return attr.multiValued ? [complexValue(attr, ctx, identity.tag)] : complexValue(attr, ctx, identity.tag);
  return attr.multiValued ? [simpleValue(attr, ctx, identity.tag)] : simpleValue(attr, ctx, identity.tag);
}

/** The names that tie one generated user together (userName, e-mail, display name share a tag). */
export interface UserIdentity {
  tag: string;
  userName: string;
  email: string;
  givenName: string;
  familyName: string;
  displayName: string;
}

export function newIdentity(ctx: GenerationContext): UserIdentity {
  const tag = ctx.random(10);
  const givenName = `Rfc${ctx.random(5)}`;
  const familyName = `Check${ctx.random(7)}`;
  return {
    tag,
    userName: `${ctx.prefix}rfc-${tag}@${ctx.domain}`,
    email: `${ctx.prefix}rfc-${tag}@${ctx.domain}`,
    givenName,
    familyName,
    displayName: `${ctx.prefix}${givenName} ${familyName}`,
  };
}

/** True for the part of a value a server returns unchanged: simple values, and complex ones made of them. */
function comparable(attr: AttributeDef): boolean {
  if (!echoed(attr) || attr.multiValued) return false;
  if (attr.type === 'dateTime' || attr.type === 'decimal' || attr.type === 'binary' || attr.type === 'reference') return false;
  return attr.type !== 'complex' || (attr.subAttributes ?? []).every((s) => s.type === 'string' || s.type === 'boolean' || s.type === 'integer');
}

/**
 * Fills one schema's attributes into `body` (and the comparable ones into `expect`): every required one, plus
 * the usual ones for core schemas, plus every writable one for extensions (that is the point of the extension).
 */
function fillSchema(schema: SchemaDef, usual: Set<string> | 'all', ctx: GenerationContext, identity: UserIdentity): { body: Json; expect: Json } {
  const body: Json = {};
  const expect: Json = {};
  for (const attr of schema.attributes) {
    if (!writable(attr)) continue;
    // A reference to another resource (e.g. the enterprise manager) needs an id that exists: leave it out unless required.
    if (!attr.required && attr.type === 'complex' && (attr.subAttributes ?? []).some((s) => s.type === 'reference' && s.name === '$ref') && !attr.multiValued) continue;
    const wanted = attr.required || (usual === 'all' ? true : usual.has(attr.name));
    if (!wanted) continue;
    body[attr.name] = valueFor(attr, ctx, identity);
    if (comparable(attr)) expect[attr.name] = body[attr.name];
  }
  return { body, expect };
}

/**
 * A fresh User (or any resource type whose core schema is given) for POST, with its extensions filled.
 * `minimal`: only what the schemas require (required attributes, required extensions).
 */
export function generateResource(
  model: GenerationModel,
  kind: 'User' | 'Group',
  ctx: GenerationContext,
  identity: UserIdentity = newIdentity(ctx),
  minimal = false,
): GeneratedResource {
  const none = new Set<string>();
  const usual = minimal ? none : kind === 'User' ? USUAL_USER_ATTRIBUTES : USUAL_GROUP_ATTRIBUTES;
  const core = fillSchema(model.core, usual, ctx, identity);
  const body: Json = { schemas: [model.core.id], ...core.body };
  const expect: Json = { ...core.expect };
  for (const { schema, required } of model.extensions) {
    if (minimal && !required) continue;
    const ext = fillSchema(schema, minimal ? none : 'all', ctx, identity);
    if (Object.keys(ext.body).length === 0) continue;
    (body['schemas'] as string[]).push(schema.id);
    body[schema.id] = ext.body;
    if (Object.keys(ext.expect).length) expect[schema.id] = ext.expect;
  }
  return { body, expect };
}

/** An extension attribute the suite can filter on and change: a writable, returned, single-valued string. */
export interface ExtensionTarget {
  schema: string;
  attribute: string;
  /** Full path, e.g. "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber". */
  path: string;
}

/**
 * The extension attribute the suite uses for URN-qualified filters and PATCH paths: a custom extension's
 * attribute first (that is what the server added), else the Enterprise extension's employeeNumber.
 */
export function extensionTarget(model: GenerationModel): ExtensionTarget | undefined {
  const usable = (a: AttributeDef): boolean => a.type === 'string' && !a.multiValued && writable(a) && echoed(a) && !a.canonicalValues?.length;
  const ordered = [...model.extensions].sort((a, b) => Number(a.schema.id === ENTERPRISE_USER_SCHEMA) - Number(b.schema.id === ENTERPRISE_USER_SCHEMA));
  for (const { schema } of ordered) {
    const preferred = schema.attributes.find((a) => a.name === 'employeeNumber' && usable(a)) ?? schema.attributes.find(usable);
    if (preferred) return { schema: schema.id, attribute: preferred.name, path: `${schema.id}:${preferred.name}` };
  }
  return undefined;
}

/** The body without the core schema's required attributes (for the "required attribute missing" check). */
export function withoutRequired(model: GenerationModel, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const attr of model.core.attributes) if (attr.required) delete out[attr.name];
  return out;
}

/** Filter operators worth testing per attribute type: equality always, ordering where values are ordered. */
const FILTER_OPERATORS: Partial<Record<AttributeDef['type'], string[]>> = {
  string: ['eq'],
  boolean: ['eq'],
  integer: ['eq', 'ge', 'le'],
  decimal: ['eq', 'ge', 'le'],
  dateTime: ['eq', 'ge', 'le'],
};

/**
 * One filter that holds for the generated resource: every filterable extension attribute it carries, compared
 * with the operators of its type, joined by `and` (e.g. `urn:…:floor eq 7 and urn:…:floor ge 7 and …`).
 * Undefined when the resource carries no such attribute.
 */
export function extensionFilter(model: GenerationModel, body: Record<string, unknown>): string | undefined {
  const terms: string[] = [];
  for (const { schema } of model.extensions) {
    const values = body[schema.id];
    if (values === null || typeof values !== 'object') continue;
    for (const attr of schema.attributes) {
      const value = (values as Record<string, unknown>)[attr.name];
      const operators = FILTER_OPERATORS[attr.type];
      if (value === undefined || !operators || attr.multiValued || !echoed(attr)) continue;
      for (const op of operators) terms.push(`${schema.id}:${attr.name} ${op} ${JSON.stringify(value)}`);
    }
  }
  return terms.length ? terms.join(' and ') : undefined;
}

/** A single-valued attribute of the generated User the suite can probe a rule on (immutability, uniqueness). */
export interface AttributeTarget {
  /** The extension URN, or undefined for a core attribute. */
  schema?: string;
  attribute: string;
  /** PATCH path: "<URN>:<name>" or the core name. */
  path: string;
  type: 'string' | 'integer';
}

/**
 * The first attribute matching `rule` that the generator always fills (a core attribute it fills, any writable
 * extension attribute), returned unchanged (so a GET shows it) and of a type whose value the suite can change.
 */
function filledAttribute(model: GenerationModel, rule: (a: AttributeDef) => boolean): AttributeTarget | undefined {
  const usable = (a: AttributeDef): boolean =>
    (a.type === 'string' || a.type === 'integer') && !a.multiValued && writable(a) && echoed(a) && !a.canonicalValues?.length && rule(a);
  const core = model.core.attributes.find((a) => usable(a) && (a.required || USUAL_USER_ATTRIBUTES.has(a.name)));
  if (core) return { attribute: core.name, path: core.name, type: core.type as AttributeTarget['type'] };
  for (const { schema } of model.extensions) {
    const hit = schema.attributes.find(usable);
    if (hit) return { schema: schema.id, attribute: hit.name, path: `${schema.id}:${hit.name}`, type: hit.type as AttributeTarget['type'] };
  }
  return undefined;
}

/** An immutable attribute (RFC 7643 §2.2) the generated user carries, for the immutability checks. */
export const immutableTarget = (model: GenerationModel): AttributeTarget | undefined => filledAttribute(model, (a) => a.mutability === 'immutable');

/** A unique attribute other than userName (e.g. a custom badge number), for the uniqueness check. */
export const uniqueTarget = (model: GenerationModel): AttributeTarget | undefined =>
  filledAttribute(model, (a) => a.uniqueness !== 'none' && a.name !== 'userName' && a.name !== 'id');

/** The target's value in a generated body (undefined when absent). */
export function targetValue(target: AttributeTarget, body: Record<string, unknown>): unknown {
  const holder = target.schema === undefined ? body : (body[target.schema] as Record<string, unknown> | undefined);
  return holder?.[target.attribute];
}

/** A copy of a generated body with the target set to `value` (extension objects copied, never shared). */
export function withTargetValue(target: AttributeTarget, body: Record<string, unknown>, value: unknown): Record<string, unknown> {
  if (target.schema === undefined) return { ...body, [target.attribute]: value };
  return { ...body, [target.schema]: { ...(body[target.schema] as Record<string, unknown> | undefined), [target.attribute]: value } };
}

/** `{attribute: value}` or `{URN: {attribute: value}}`, for a `contains` assertion on a GET. */
export function targetObject(target: AttributeTarget, value: unknown): Record<string, unknown> {
  return target.schema === undefined ? { [target.attribute]: value } : { [target.schema]: { [target.attribute]: value } };
}

/**
 * `to` with the immutable attributes of `from` (body and expected values): the body that replaces a user created
 * from `from` by PUT, since a conforming server refuses to change those (RFC 7644 §3.5.1).
 */
export function keepingImmutable(model: GenerationModel, from: GeneratedResource, to: GeneratedResource): GeneratedResource {
  const body: Json = { ...to.body };
  const expect: Json = { ...to.expect };
  const carry = (target: Json, source: Json, container: string | undefined, name: string): void => {
    const src = container === undefined ? source : (source[container] as Json | undefined);
    const value = src?.[name];
    if (container === undefined) {
      if (value === undefined) delete target[name];
      else target[name] = value;
      return;
    }
    const holder: Json = { ...((target[container] as Json | undefined) ?? {}) };
    if (value === undefined) delete holder[name];
    else holder[name] = value;
    if (Object.keys(holder).length) target[container] = holder;
    else delete target[container];
  };
  const schemas: [string | undefined, SchemaDef][] = [[undefined, model.core], ...model.extensions.map((e): [string, SchemaDef] => [e.schema.id, e.schema])];
  for (const [container, schema] of schemas) {
    for (const attr of schema.attributes) {
      if (attr.mutability !== 'immutable') continue;
      carry(body, from.body, container, attr.name);
      carry(expect, from.expect, container, attr.name);
    }
  }
  return { body, expect };
}

/** The first User extension besides the Enterprise one (the app's own attributes), if the server serves one. */
export function customExtension(model: GenerationModel): SchemaDef | undefined {
  return model.extensions.find((e) => e.schema.id !== ENTERPRISE_USER_SCHEMA && e.schema.attributes.some(writable))?.schema;
}

/** Values a server may reasonably check the form of: realistic ones (none of them is in a freshly created user). */
const REALISTIC: Record<string, string> = { preferredlanguage: 'en-US', locale: 'en-US', timezone: 'America/Los_Angeles' };

/** A new value for one simple attribute (differs from what generateResource sends). */
function replacementValue(attr: AttributeDef, ctx: GenerationContext, tag: string, holder: string): unknown {
  if (attr.canonicalValues?.length) return attr.canonicalValues[attr.canonicalValues.length - 1];
  const realistic = REALISTIC[lower(attr.name)];
  if (realistic && attr.type === 'string') return realistic;
  switch (attr.type) {
    case 'boolean':
      return false;
    case 'integer':
      return (Number.parseInt(tag, 36) % 1_000_003) + 11;
    case 'reference':
      return `https://${ctx.domain}/${ctx.prefix}${holder}-${tag}`;
    default:
      return `${ctx.prefix}${holder}-${tag}`;
  }
}

/** Attributes a "replace every attribute" update leaves out: each has its own check, or is never read back. */
const NOT_REPLACED = new Set(['username', 'active', 'password']);

/**
 * Microsoft's "update every attribute" test (SCIM_User_Update_Test): one `replace` per single-valued attribute a
 * client may write — core ones, sub-attributes of single-valued complex ones as dotted paths (`name.givenName`),
 * extension ones URN-qualified — each with a new value, and what a GET must then show. Left out: userName and
 * active (their own checks), password (never returned), read-only, immutable and multi-valued attributes, references
 * to other resources (manager) and types a server may reformat (dateTime, decimal, binary).
 */
export function everyAttributeReplace(model: GenerationModel, ctx: GenerationContext, tag: string): { operations: Json[]; expect: Json } {
  const operations: Json[] = [];
  const expect: Json = {};
  const replaceable = (a: AttributeDef): boolean =>
    a.mutability === 'readWrite' && !a.multiValued && echoed(a) && !NOT_REPLACED.has(lower(a.name)) && !['dateTime', 'decimal', 'binary'].includes(a.type);
  const visit = (schema: SchemaDef, urn: string | undefined): void => {
    const holder: Json = {};
    for (const attr of schema.attributes) {
      if (!replaceable(attr)) continue;
      const path = urn ? `${urn}:${attr.name}` : attr.name;
      if (attr.type !== 'complex') {
        const value = replacementValue(attr, ctx, tag, attr.name);
        operations.push({ op: 'replace', path, value });
        holder[attr.name] = value;
        continue;
      }
      const subs = (attr.subAttributes ?? []).filter((s) => replaceable(s) && s.type !== 'complex');
      // A complex attribute with a reference (the enterprise manager) points at another resource: left out.
      if (subs.length === 0 || (attr.subAttributes ?? []).some((s) => s.type === 'reference')) continue;
      const inner: Json = {};
      for (const sub of subs) {
        const value = replacementValue(sub, ctx, tag, `${attr.name}.${sub.name}`);
        operations.push({ op: 'replace', path: `${path}.${sub.name}`, value });
        inner[sub.name] = value;
      }
      holder[attr.name] = inner;
    }
    if (Object.keys(holder).length === 0) return;
    if (urn) expect[urn] = holder;
    else Object.assign(expect, holder);
  };
  visit(model.core, undefined);
  for (const { schema } of model.extensions) visit(schema, schema.id);
  return { operations, expect };
}
