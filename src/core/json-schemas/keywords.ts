/**
 * SCIM rules plain JSON Schema cannot say with a readable error, as custom ajv keywords:
 *  - scimSchemasContain: the `schemas` array must list a given URN;
 *  - scimAttributes: attribute names in canonical case, `returned: never` attributes absent, extension
 *    objects declared in `schemas`;
 *  - scimSinglePrimary: at most one entry of a multi-valued attribute has `primary: true` (RFC 7643 §2.4).
 */
import type { ErrorObject, FuncKeywordDefinition } from 'ajv/dist/2020.js';
import type { DataValidationCxt, SchemaValidateFunction } from 'ajv/dist/types/index.js';

export interface ScimAttributesRule {
  /** Canonical attribute names of this object: a key equal to one of them ignoring case, but spelled otherwise, is an error. */
  canonical: string[];
  /** Attributes a service provider must never return (RFC 7643 `returned: "never"`, e.g. password). */
  neverReturned?: string[];
  /** Top-level "urn:…" keys (extension objects) must be listed in the resource's `schemas` (RFC 7643 §3). */
  extensionsDeclared?: boolean;
}

export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

type KeywordError = Partial<ErrorObject>;

function keywordError(keyword: string, instancePath: string, message: string, params: Record<string, unknown> = {}): KeywordError {
  return { keyword, instancePath, message, params, schemaPath: `#/${keyword}` };
}

/** Wraps a checker that returns its errors into ajv's "validate function with .errors" protocol. */
function keyword(
  name: string,
  type: 'object' | 'array',
  schemaType: 'string' | 'object' | 'boolean',
  check: (schema: never, data: never, path: string) => KeywordError[],
): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = (schema: unknown, data: unknown, _parent: unknown, cxt?: DataValidationCxt) => {
    const errors = check(schema as never, data as never, cxt?.instancePath ?? '');
    validate.errors = errors;
    return errors.length === 0;
  };
  return { keyword: name, type, schemaType, errors: true, validate };
}

function checkSchemasContain(urn: string, data: unknown[], path: string): KeywordError[] {
  if (data.includes(urn)) return [];
  return [keywordError('scimSchemasContain', path, `must contain "${urn}"`, { urn })];
}

function checkAttributes(rule: ScimAttributesRule, data: Record<string, unknown>, path: string): KeywordError[] {
  const errors: KeywordError[] = [];
  const canonicalByLower = new Map(rule.canonical.map((name) => [name.toLowerCase(), name]));
  const declared = Array.isArray(data.schemas) ? (data.schemas as unknown[]) : [];
  for (const key of Object.keys(data)) {
    const at = `${path}/${pointerSegment(key)}`;
    const canonical = canonicalByLower.get(key.toLowerCase());
    if (canonical !== undefined && canonical !== key) {
      errors.push(keywordError('scimAttributes', at, `attribute name must be spelled "${canonical}" (canonical case)`, { canonical }));
    }
    if (rule.neverReturned?.includes(canonical ?? key) && data[key] !== null) {
      errors.push(keywordError('scimAttributes', at, 'must not be returned (the schema says returned: "never")', { attribute: canonical }));
    }
    if (rule.extensionsDeclared && key.toLowerCase().startsWith('urn:') && !declared.includes(key)) {
      errors.push(keywordError('scimAttributes', at, "extension object present but its URN is not listed in schemas", { extension: key }));
    }
  }
  return errors;
}

function checkSinglePrimary(enabled: boolean, data: unknown[], path: string): KeywordError[] {
  if (!enabled) return [];
  const primaries = data.flatMap((entry, i) =>
    entry !== null && typeof entry === 'object' && (entry as Record<string, unknown>).primary === true ? [i] : [],
  );
  if (primaries.length <= 1) return [];
  return [keywordError('scimSinglePrimary', path, `at most one entry may have primary: true (entries ${primaries.join(', ')} do)`, { primaries })];
}

export const scimKeywords: FuncKeywordDefinition[] = [
  keyword('scimSchemasContain', 'array', 'string', checkSchemasContain),
  keyword('scimAttributes', 'object', 'object', checkAttributes),
  keyword('scimSinglePrimary', 'array', 'boolean', checkSinglePrimary),
];
