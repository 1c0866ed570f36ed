/**
 * Custom attributes (--mapping FILE): the app's extra User attributes, as an admin maps them in Okta's attribute
 * mappings, with sample values. The file is `{"attributes": {…}, "update": {…}}`: each a fragment of a SCIM User,
 * core attributes at the top level and extension attributes under their schema URN (JSON Schema:
 * src/runner/mapping.schema.json). `attributes` are sent on create; `update` (default: the same) on profile
 * updates, so a value that changes proves the update is stored. String values may hold {{templates}}, expanded
 * once per suite so the value sent is the value expected back.
 * Suites use it through two general directives (see suite-format.ts): a request's `"mapped": "create" | "update"`
 * merges that set into the body, and the assertion `{"mapped": "create" | "update"}` checks every attribute of
 * the set came back as sent. Without a mapping both do nothing.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { locateJsonError } from '../common/json-syntax.js';
import { closestKey } from '../common/closest-key.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, findAttr, userModel, type AttributeDef, type AttributeType, type SchemaDef } from '../core/schema/index.js';
import { deepEqual, type Failure } from './assert.js';
import { ConfigError } from './errors.js';
import { select, type SelectionSource } from './select.js';
import mappingSchema from './mapping.schema.json' with { type: 'json' };

/** A fragment of a SCIM User: attribute name (or extension URN) → sample value (or the extension's attributes). */
export type MappedAttributes = Record<string, unknown>;

/** The mapping file. */
export interface MappingFile {
  $schema?: string;
  description?: string;
  /** Sent on create (and checked back). */
  attributes: MappedAttributes;
  /** Sent on profile updates (and checked back); default: `attributes`. */
  update?: MappedAttributes;
}

/** A validated mapping: the attribute set of each phase. */
export interface Mapping {
  create: MappedAttributes;
  update: MappedAttributes;
}

export type MappingPhase = keyof Mapping;

/** Attributes the suites set and assert on themselves, or that a client cannot set: a mapping must not touch them. */
const NOT_MAPPABLE: Record<string, string> = {
  schemas: 'is managed by the runner (extension URNs are added to it automatically)',
  id: 'is read-only (assigned by the server)',
  meta: 'is read-only (maintained by the server)',
  groups: 'is read-only (group membership is pushed with the Group endpoints)',
  username: 'is set by the suites themselves; map only extra attributes',
  password: 'is set by the suites themselves and never returned',
  active: 'is set by the suites themselves (deactivation checks)',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isUrn = (key: string): boolean => key.toLowerCase().startsWith('urn:');
const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

let validate: ReturnType<Ajv['compile']> | undefined;

function describeSchemaError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const hint = closestKey(String(params.additionalProperty), ['attributes', 'update', 'description']);
      return `unknown key "${String(params.additionalProperty)}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
    }
    case 'required':
      return 'needs "attributes": a mapping file is {"attributes": {…}, "update": {…}}';
    case 'type':
      return error.instancePath === '' ? 'must be a JSON object: {"attributes": {…}, "update": {…}}' : `must be ${String(params.type)}`;
    case 'minProperties':
      return 'is empty: list at least one attribute with a sample value';
    default:
      return error.message ?? 'is invalid';
  }
}

/** Problems with the attributes of one schema: unknown names (with a "did you mean"), ones a mapping must not set. */
function checkNames(values: Record<string, unknown>, defs: readonly AttributeDef[] | undefined, where: string, core: boolean): string[] {
  const issues: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === null) {
      issues.push(`${where}${name}: null means "unassigned" and cannot round-trip; give a sample value`);
      continue;
    }
    if (core && NOT_MAPPABLE[name.toLowerCase()]) {
      issues.push(`${where}${name} ${NOT_MAPPABLE[name.toLowerCase()]}`);
      continue;
    }
    if (!defs) continue;
    const def = findAttr(defs, name);
    if (!def) {
      const hint = closestKey(name, defs.map((d) => d.name));
      const custom = core ? '; put custom attributes under their extension schema URN' : '';
      issues.push(`${where}${name}: no such attribute in this schema${hint ? ` (did you mean "${hint}"?)` : ''}${custom}`);
    } else if (def.mutability === 'readOnly') {
      issues.push(`${where}${name} is read-only: a client cannot set it`);
    }
  }
  return issues;
}

/** Cross-checks one attribute set with the standard User schemas (the server's /Schemas decide about custom ones). */
function attributeIssues(attributes: MappedAttributes, set: string): string[] {
  const model = userModel();
  const issues: string[] = [];
  const core: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const where = `${set}["${key}"]`;
    if (!isUrn(key)) core[key] = value;
    else if (eqi(key, USER_SCHEMA)) issues.push(`${where}: write core User attributes at the top level of "${set}"`);
    else if (!isObject(value) || Object.keys(value).length === 0) issues.push(`${where}: an extension URN needs an object of its attributes, e.g. {"costCenter": "CC-100"}`);
    else issues.push(...checkNames(value, eqi(key, ENTERPRISE_USER_SCHEMA) ? model.extensions[0]!.attributes : undefined, `${where}.`, false));
  }
  issues.push(...checkNames(core, model.core.attributes, `${set}.`, true));
  return issues;
}

/** Validates parsed mapping-file JSON and prepares it; `file` names it in messages. Throws ConfigError. */
export function mappingFromData(data: unknown, file: string): Mapping {
  validate ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(mappingSchema);
  const problems: string[] = [];
  if (!validate(data)) {
    for (const e of validate.errors ?? []) problems.push(`${e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, '.')}: ` : ''}${describeSchemaError(e)}`);
  }
  // The attribute sets are checked even when the file has other problems, so one run lists everything.
  for (const set of ['attributes', 'update'] as const) {
    const values = isObject(data) ? data[set] : undefined;
    if (isObject(values)) problems.push(...attributeIssues(values, set));
  }
  if (problems.length) throw new ConfigError(`invalid mapping file ${file}:\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
  const { attributes, update } = data as MappingFile;
  return { create: attributes, update: update ?? attributes };
}

/** Parses and validates a mapping file's text. Throws ConfigError naming the file (and where JSON goes wrong). */
export function parseMapping(text: string, file: string): Mapping {
  const clean = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(clean);
  } catch (err) {
    const at = locateJsonError(clean);
    const where = at ? `unexpected ${at.found} at line ${at.line}, column ${at.column}` : err instanceof Error ? err.message : String(err);
    throw new ConfigError(`invalid mapping file ${file}: not valid JSON: ${where}`);
  }
  return mappingFromData(data, file);
}

/** Reads a mapping file (a path), or validates one given as an object (the programmatic API). Throws ConfigError. */
export function loadMapping(source: string | MappingFile): Mapping {
  if (typeof source !== 'string') return mappingFromData(source, '(RunOptions.mapping)');
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read the mapping file ${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable')}`);
  }
  return parseMapping(text, source);
}

/** `target` with `patch` merged in: objects merge key by key (recursively), anything else is replaced. */
function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(target) || !isObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) merged[key] = deepMerge(merged[key], value);
  return merged;
}

/**
 * The request body with the mapping merged in: a resource gets every attribute (extension URNs join `schemas`);
 * a PatchOp gets one path-less `replace` carrying them, the form Okta sends. Other bodies are returned as they are.
 */
export function mergeMapped(body: unknown, mapping: Mapping | undefined, phase: MappingPhase): unknown {
  if (!mapping || !isObject(body)) return body;
  return mergeInto(body, mapping[phase]);
}

function mergeInto(body: Record<string, unknown>, mapping: MappedAttributes): Record<string, unknown> {
  if (Array.isArray(body.Operations)) return { ...body, Operations: [...body.Operations, { op: 'replace', value: mapping }] };
  const merged = deepMerge(body, mapping) as Record<string, unknown>;
  const urns = Object.keys(mapping).filter(isUrn);
  if (urns.length && Array.isArray(body.schemas)) {
    const schemas = [...(body.schemas as unknown[])];
    for (const urn of urns) if (!schemas.some((s) => typeof s === 'string' && eqi(s, urn))) schemas.push(urn);
    merged.schemas = schemas;
  }
  return merged;
}

/** A selector-style name for a key: `.name`, or `["urn:…"]` for keys that are not plain names. */
const step = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** An array came back when every element sent is there (a server may add fields to elements, e.g. display). */
function sameArray(sent: unknown[], actual: unknown): boolean {
  if (!Array.isArray(actual)) return false;
  return sent.every((el) => actual.some((got) => (isObject(el) ? isObject(got) && Object.entries(el).every(([k, v]) => deepEqual(got[k], v)) : deepEqual(got, el))));
}

/**
 * The `{"mapped": phase, "at"?: selector}` assertion: every attribute of that set is in the selected resource
 * (default the response body) as sent; object values are compared leaf by leaf, so each missing or different
 * attribute is its own failure. No mapping: nothing to check.
 */
export function evaluateMapped(assertion: { mapped: MappingPhase; at?: string }, source: SelectionSource, mapping: Mapping | undefined): Failure[] {
  if (!mapping) return [];
  const at = assertion.at ?? 'body';
  const failures: Failure[] = [];
  const visit = (sent: Record<string, unknown>, actual: unknown, path: string): void => {
    for (const [key, value] of Object.entries(sent)) {
      const here = `${path}${step(key)}`;
      const got = isObject(actual) ? actual[key] : undefined;
      if (isObject(value)) {
        visit(value, got, here);
        continue;
      }
      const same = Array.isArray(value) ? sameArray(value, got) : deepEqual(got, value);
      if (!same) failures.push({ assertion: `mapped attribute ${here} round-trips`, expected: value, actual: got === undefined ? '(missing)' : got });
    }
  };
  visit(mapping[assertion.mapped], select(at, source), at);
  return failures;
}

function attributeTypeOf(value: unknown): AttributeType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (typeof value === 'boolean') return 'boolean';
  if (isObject(value)) return 'complex';
  return 'string';
}

/** An attribute definition inferred from a sample value (complex values get sub-attributes from their fields). */
function definitionFor(name: string, sample: unknown): AttributeDef {
  const multiValued = Array.isArray(sample);
  const one = multiValued ? (sample as unknown[])[0] : sample;
  const def: AttributeDef = {
    name,
    type: attributeTypeOf(one),
    multiValued,
    description: `${name} (from the --mapping file)`,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  };
  if (isObject(one)) def.subAttributes = Object.entries(one).map(([k, v]) => definitionFor(k, v));
  return def;
}

/**
 * Extension schemas for the custom URNs of a mapping, typed from the sample values, so that the embedded
 * reference server accepts them (`scim-check --mapping FILE` without --url).
 */
export function extensionSchemasFor(mapping: Mapping): SchemaDef[] {
  return Object.entries(deepMerge(mapping.update, mapping.create) as MappedAttributes)
    .filter(([key, value]) => isUrn(key) && !eqi(key, USER_SCHEMA) && !eqi(key, ENTERPRISE_USER_SCHEMA) && isObject(value))
    .map(([urn, value]) => ({
      id: urn,
      name: urn.split(':').at(-2) ?? 'Extension',
      description: 'Custom attributes from the --mapping file',
      attributes: Object.entries(value as Record<string, unknown>).map(([name, sample]) => definitionFor(name, sample)),
    }));
}
