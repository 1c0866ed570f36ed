/**
 * Custom attributes (--mapping FILE): the app's extra User attributes, as an admin maps them in Okta's attribute
 * mappings, with sample values. Suites use them through two general directives (see suite-format.ts):
 *   - a request's `"mapped": "value" | "updateValue"` merges every mapped attribute into the body (into a resource
 *     at its path, extension URNs added to `schemas`; into a PatchOp as one `replace` operation each);
 *   - the assertion `{"mapped": "value" | "updateValue"}` checks that every mapped attribute came back as sent.
 * Without a mapping both do nothing, so suites stay valid for apps without custom attributes.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigIssuesError, type ConfigIssue } from '../config/errors.js';
import { locateJsonError } from '../config/json-syntax.js';
import { closestKey, dottedPath } from '../config/schema.js';
import { parsePatchPath, type PatchPath } from '../core/filter/index.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, findAttr, findSchema, resolvePath, userModel, type AttributeDef, type AttributeType, type SchemaDef } from '../core/schema/index.js';
import type { Failure } from './assert.js';
import { hasFields } from './assert.js';
import { select, type SelectionSource } from './select.js';
import type { MappedPhase } from './suite-format.js';

/** A sample value: anything JSON but null (null would mean "unassigned", which cannot round-trip). */
export type MappedValue = string | number | boolean | Record<string, unknown> | unknown[];

/** One line of the mapping file. */
export interface MappedAttributeDef {
  /** SCIM attribute path, e.g. "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber". */
  path: string;
  /** The Okta profile attribute mapped to it (documentation; shown in failures). */
  oktaAttribute?: string;
  /** Sent on create. */
  value: MappedValue;
  /** Sent on profile updates (default: `value`); a different value proves the update is applied. */
  updateValue?: MappedValue;
  /** false: sent but not expected back (e.g. a write-only attribute). Default true. */
  roundTrip?: boolean;
}

/** The mapping file (JSON Schema: src/runner/mapping.schema.json). */
export interface MappingFile {
  $schema?: string;
  description?: string;
  attributes: MappedAttributeDef[];
}

/** Where an attribute lives in a resource: under an extension URN or at the top level, maybe inside an element. */
interface Location {
  /** Extension URN the attribute is stored under; undefined for core attributes. */
  container?: string;
  attr: string;
  sub?: string;
  /** For `attr[key eq "value"].sub`: the element of the multi-valued attribute that holds `sub`. */
  element?: { key: string; value: string | number | boolean };
}

export interface MappedAttribute {
  /** Canonical path text (canonical attribute names for the standard schemas), as sent in PATCH operations. */
  path: string;
  /** How failures name it: the path, plus the Okta attribute when given. */
  label: string;
  location: Location;
  value: MappedValue;
  updateValue: MappedValue;
  roundTrip: boolean;
}

/** A validated mapping, ready for the runner. */
export interface Mapping {
  attributes: MappedAttribute[];
}

/** Attributes the Okta suites own (identity and state they assert on): a mapping must not override them. */
const RESERVED = new Set(['username', 'password', 'active', 'externalid']);

let compiled: ValidateFunction | undefined;
async function validator(): Promise<ValidateFunction> {
  if (!compiled) {
    const [{ Ajv }, { default: schema }] = await Promise.all([import('ajv'), import('./mapping.schema.json', { with: { type: 'json' } })]);
    compiled = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return compiled;
}

const ATTRIBUTE_KEYS = ['path', 'oktaAttribute', 'value', 'updateValue', 'roundTrip'];

function describeSchemaError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    const known = error.instancePath === '' ? ['attributes', 'description'] : ATTRIBUTE_KEYS;
    const hint = closestKey(key, known);
    return `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  if (error.keyword === 'required') return `needs "${String(params.missingProperty)}"`;
  if (error.keyword === 'type' && /\/(value|updateValue)$/.test(error.instancePath)) return 'must be a string, number, boolean, object or array (not null)';
  if (error.keyword === 'type') return `must be ${String(params.type)}`;
  return error.message ?? 'is invalid';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The element filter of `attr[key eq value]`, if it is one this feature supports. */
function elementOf(parsed: PatchPath): Location['element'] | 'unsupported' | undefined {
  if (!parsed.filter) return undefined;
  const f = parsed.filter;
  if (f.kind !== 'compare' || f.op !== 'eq' || f.path.uri !== undefined || f.path.sub !== undefined || f.value === null) return 'unsupported';
  return { key: f.path.attr, value: f.value };
}

/** Checks a path against the standard User schemas and returns where it lives, or the problem with it. */
function locate(text: string): { location: Location; path: string } | string {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(text);
  } catch (err) {
    return `is not a SCIM attribute path: ${err instanceof Error ? err.message : String(err)}`;
  }
  const element = elementOf(parsed);
  if (element === 'unsupported') return 'only value filters of the form attr[key eq "value"].subAttribute are supported';
  if (element && parsed.subAfterFilter === undefined) return `name the sub-attribute to set after the filter, e.g. ${text}.value`;
  const { uri, attr } = parsed.path;
  const model = userModel();
  const known = uri === undefined || findSchema(model, uri) !== undefined;
  if (!known) {
    // A custom extension: the server's /Schemas decides; only the shape can be checked here.
    const location: Location = { container: uri!, attr, ...(parsed.path.sub !== undefined ? { sub: parsed.path.sub } : {}) };
    if (element) Object.assign(location, { element, sub: parsed.subAfterFilter });
    return { location, path: text };
  }
  const resolved = resolvePath(model, parsed.path);
  if (!resolved || resolved.kind !== 'attribute') {
    const schema = uri === undefined ? model.core : findSchema(model, uri)!;
    const hint = closestKey(attr, schema.attributes.map((a) => a.name));
    const where = uri === undefined ? 'the core User schema' : `the schema ${schema.id}`;
    const custom = uri === undefined ? '; write a custom extension attribute with its schema URN, e.g. urn:example:scim:schemas:extension:acme:2.0:User:costCenter' : '';
    return `no attribute "${parsed.path.sub ? `${attr}.${parsed.path.sub}` : attr}" in ${where}${hint ? ` (did you mean "${hint}"?)` : ''}${custom}`;
  }
  const def = resolved.def;
  if (def.mutability === 'readOnly' || resolved.sub?.mutability === 'readOnly') return 'is read-only: a client cannot set it';
  if (resolved.container === null && RESERVED.has(def.name.toLowerCase())) return `is set by the suites themselves (${def.name}); map only extra attributes`;
  let sub = resolved.sub?.name;
  let elementDef: Location['element'];
  if (element) {
    if (!def.multiValued || !def.subAttributes) return `${def.name} is not a multi-valued complex attribute, so it takes no filter`;
    const key = findAttr(def.subAttributes, element.key);
    const target = findAttr(def.subAttributes, parsed.subAfterFilter!);
    if (!key || !target) return `${def.name} has no sub-attribute "${!key ? element.key : parsed.subAfterFilter}"`;
    elementDef = { key: key.name, value: element.value };
    sub = target.name;
  }
  const location: Location = { attr: def.name, ...(resolved.container !== null ? { container: resolved.container } : {}), ...(sub !== undefined ? { sub } : {}), ...(elementDef ? { element: elementDef } : {}) };
  return { location, path: pathText(location) };
}

/** The canonical path text of a location (what PATCH operations carry). */
function pathText(loc: Location): string {
  const prefix = loc.container ? `${loc.container}:` : '';
  if (loc.element) return `${prefix}${loc.attr}[${loc.element.key} eq ${JSON.stringify(loc.element.value)}].${loc.sub}`;
  return `${prefix}${loc.attr}${loc.sub !== undefined ? `.${loc.sub}` : ''}`;
}

/** Same place twice, e.g. "title" and "urn:…:core:2.0:User:title" (names compare case-insensitively). */
function locationKey(loc: Location): string {
  return pathText(loc).toLowerCase();
}

/**
 * Validates parsed mapping JSON and prepares it. `label` names the file in messages. Throws ConfigIssuesError
 * listing every problem at once.
 */
export async function parseMapping(data: unknown, label: string): Promise<Mapping> {
  const heading = 'Invalid mapping file:';
  const validate = await validator();
  if (!validate(data)) {
    const issues = (validate.errors ?? []).map((e): ConfigIssue => {
      const path = dottedPath(e.instancePath);
      return { where: path ? `${label}: ${path}` : label, message: describeSchemaError(e) };
    });
    throw new ConfigIssuesError(heading, uniqueIssues(issues));
  }
  const file = data as MappingFile;
  const issues: ConfigIssue[] = [];
  const attributes: MappedAttribute[] = [];
  const seen = new Map<string, number>();
  file.attributes.forEach((def, i) => {
    const where = `${label}: attributes[${i}].path`;
    const found = locate(def.path);
    if (typeof found === 'string') {
      issues.push({ where, message: `"${def.path}" ${found}` });
      return;
    }
    const key = locationKey(found.location);
    if (seen.has(key)) {
      issues.push({ where, message: `"${def.path}" is mapped twice (also attributes[${seen.get(key)}])` });
      return;
    }
    seen.set(key, i);
    attributes.push({
      path: found.path,
      label: def.oktaAttribute ? `${found.path} (Okta: ${def.oktaAttribute})` : found.path,
      location: found.location,
      value: def.value,
      updateValue: def.updateValue ?? def.value,
      roundTrip: def.roundTrip !== false,
    });
  });
  if (issues.length) throw new ConfigIssuesError(heading, issues);
  return { attributes };
}

function uniqueIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.where}\u0000${issue.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Reads and validates a mapping file (or takes an already parsed one, e.g. from the programmatic API). */
export async function loadMapping(source: string | MappingFile): Promise<Mapping> {
  if (typeof source !== 'string') return parseMapping(source, 'mapping');
  let text: string;
  try {
    text = readFileSync(source, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    throw new ConfigIssuesError('Cannot read the mapping file:', [{ where: source, message: reason }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    const message = at ? `unexpected ${at.found} at line ${at.line}, column ${at.column}` : err instanceof Error ? err.message : String(err);
    throw new ConfigIssuesError('Invalid mapping file:', [{ where: source, message: `is not valid JSON: ${message}` }]);
  }
  return parseMapping(data, source);
}

const phaseValue = (a: MappedAttribute, phase: MappedPhase): MappedValue => (phase === 'updateValue' ? a.updateValue : a.value);

/** A copy of `holder[key]` as an object (a fresh one when absent or not an object), stored back in `holder`. */
function objectIn(holder: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = holder[key];
  const copy = isObject(current) ? { ...current } : {};
  holder[key] = copy;
  return copy;
}

/** Sets one mapped value in a resource body (mutates `resource`; containers on the way are copied first). */
function setIn(resource: Record<string, unknown>, loc: Location, value: MappedValue): void {
  let holder = resource;
  if (loc.container) {
    holder = objectIn(resource, loc.container);
    const schemas = Array.isArray(resource.schemas) ? [...(resource.schemas as unknown[])] : [USER_SCHEMA];
    if (!schemas.some((s) => typeof s === 'string' && eqi(s, loc.container!))) schemas.push(loc.container);
    resource.schemas = schemas;
  }
  if (loc.element) {
    const list = Array.isArray(holder[loc.attr]) ? [...(holder[loc.attr] as unknown[])] : [];
    const i = list.findIndex((el) => isObject(el) && sameFilterValue(el[loc.element!.key], loc.element!.value));
    const element = i >= 0 ? { ...(list[i] as Record<string, unknown>) } : { [loc.element.key]: loc.element.value };
    element[loc.sub!] = value;
    if (i >= 0) list[i] = element;
    else list.push(element);
    holder[loc.attr] = list;
  } else if (loc.sub !== undefined) {
    objectIn(holder, loc.attr)[loc.sub] = value;
  } else {
    holder[loc.attr] = value;
  }
}

/** The value at a location in a response body (undefined when absent). */
function getIn(resource: unknown, loc: Location): unknown {
  if (!isObject(resource)) return undefined;
  const holder = loc.container ? resource[loc.container] : resource;
  if (!isObject(holder)) return undefined;
  const value = holder[loc.attr];
  if (loc.element) {
    if (!Array.isArray(value)) return undefined;
    const element = value.find((el) => isObject(el) && sameFilterValue(el[loc.element!.key], loc.element!.value));
    return isObject(element) ? element[loc.sub!] : undefined;
  }
  if (loc.sub !== undefined) return isObject(value) ? value[loc.sub] : undefined;
  return value;
}

/** `eq` on a string compares case-insensitively (the filter's sub-attributes, e.g. type, are caseExact false). */
function sameFilterValue(actual: unknown, wanted: string | number | boolean): boolean {
  return typeof actual === 'string' && typeof wanted === 'string' ? eqi(actual, wanted) : actual === wanted;
}

/**
 * The request body with the mapped attributes merged in: a PatchOp gets one `replace` operation per attribute;
 * any other JSON object gets each value at its path. Other bodies (and no mapping) are returned unchanged.
 */
export function mergeMapped(body: unknown, mapping: Mapping | undefined, phase: MappedPhase): unknown {
  if (!mapping || !isObject(body)) return body;
  const merged: Record<string, unknown> = { ...body };
  if (Array.isArray(body.Operations)) {
    merged.Operations = [...body.Operations, ...mapping.attributes.map((a) => ({ op: 'replace', path: a.path, value: phaseValue(a, phase) }))];
    return merged;
  }
  for (const a of mapping.attributes) setIn(merged, a.location, phaseValue(a, phase));
  return merged;
}

/** Round-trip: the value came back equal (objects may carry extra fields the server adds, e.g. manager.displayName). */
function cameBack(actual: unknown, sent: MappedValue): boolean {
  if (Array.isArray(sent)) return Array.isArray(actual) && sent.every((el) => actual.some((got) => hasFields(got, el)));
  return hasFields(actual, sent);
}

/** The `mapped` assertion: every mapped attribute (except roundTrip: false) is in the selected resource as sent. */
export function evaluateMapped(assertion: { mapped: MappedPhase; at?: string }, source: SelectionSource, mapping: Mapping | undefined): Failure[] {
  if (!mapping) return [];
  const at = assertion.at ?? 'body';
  const resource = select(at, source);
  const failures: Failure[] = [];
  for (const a of mapping.attributes) {
    if (!a.roundTrip) continue;
    const actual = getIn(resource, a.location);
    const sent = phaseValue(a, assertion.mapped);
    if (!cameBack(actual, sent)) {
      failures.push({ assertion: `mapped attribute ${a.label} comes back as sent (${at})`, expected: sent, actual: actual === undefined ? '(missing)' : actual });
    }
  }
  return failures;
}

const SCHEMA_TYPES: Record<string, AttributeType> = { string: 'string', boolean: 'boolean', number: 'decimal', integer: 'integer', object: 'complex' };

function attributeTypeOf(value: unknown): AttributeType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  return SCHEMA_TYPES[typeof value] ?? 'string';
}

function attributeDef(name: string, type: AttributeType, multiValued: boolean, subAttributes?: AttributeDef[]): AttributeDef {
  return {
    name,
    type,
    multiValued,
    description: `Mapped attribute ${name} (from the --mapping file).`,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...(subAttributes ? { subAttributes } : {}),
  };
}

/** A definition of a sample value's attribute; complex values get their sub-attributes from their fields. */
function defFromSample(name: string, sample: unknown): AttributeDef {
  const multiValued = Array.isArray(sample);
  const one = multiValued ? (sample as unknown[])[0] : sample;
  if (isObject(one)) return attributeDef(name, 'complex', multiValued, Object.entries(one).map(([k, v]) => attributeDef(k, attributeTypeOf(v), false)));
  return attributeDef(name, attributeTypeOf(one), multiValued);
}

/**
 * Extension schemas for the custom (non-standard) URNs of a mapping, with attribute types taken from the sample
 * values, so the embedded reference server accepts them (e.g. `scim-check --mapping FILE` without --url).
 */
export function extensionSchemasFor(mapping: Mapping): SchemaDef[] {
  const schemas = new Map<string, SchemaDef>();
  for (const a of mapping.attributes) {
    const urn = a.location.container;
    if (!urn || eqi(urn, ENTERPRISE_USER_SCHEMA)) continue;
    const schema = schemas.get(urn) ?? { id: urn, name: urn.split(':').at(-2) ?? 'Extension', description: 'Custom attributes from the --mapping file.', attributes: [] };
    schemas.set(urn, schema);
    const { attr, sub, element } = a.location;
    let def = findAttr(schema.attributes, attr);
    if (!def) {
      def = sub === undefined ? defFromSample(attr, a.value) : attributeDef(attr, 'complex', element !== undefined, []);
      schema.attributes.push(def);
    }
    if (sub !== undefined && def.subAttributes && !findAttr(def.subAttributes, sub)) {
      def.subAttributes.push(attributeDef(sub, attributeTypeOf(a.value), false));
      if (element && !findAttr(def.subAttributes, element.key)) def.subAttributes.push(attributeDef(element.key, attributeTypeOf(element.value), false));
    }
  }
  return [...schemas.values()];
}
