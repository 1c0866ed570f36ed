/**
 * SCIM rules plain JSON Schema cannot say with a readable error, as custom ajv keywords:
 *  - scimSchemasContain: the `schemas` array must list a given URN;
 *  - scimAttributes: attribute names in canonical case, `returned: never` attributes absent, extension
 *    objects declared in `schemas`;
 *  - scimSinglePrimary: at most one entry of a multi-valued attribute has `primary: true` (RFC 7643 §2.4).
 */
import type { ErrorObject, FuncKeywordDefinition } from 'ajv/dist/2020.js';
import type { DataValidateFunction, DataValidationCxt } from 'ajv/dist/types/index.js';

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

/** A checker prepared once per schema location; it returns the errors of one value (none if valid). */
type Checker<D> = (data: D, path: string) => KeywordError[];

/** Wraps `prepare` (schema → checker, run once when ajv compiles) into ajv's compiled-keyword protocol. */
function keyword<S, D>(name: string, type: 'object' | 'array', schemaType: 'string' | 'object' | 'boolean', prepare: (schema: S) => Checker<D>): FuncKeywordDefinition {
  return {
    keyword: name,
    type,
    schemaType,
    errors: true,
    compile(schema: S) {
      const check = prepare(schema);
      const validate: DataValidateFunction = (data: unknown, cxt?: DataValidationCxt) => {
        const errors = check(data as D, cxt?.instancePath ?? '');
        validate.errors = errors;
        return errors.length === 0;
      };
      return validate;
    },
  };
}

const schemasContain = (urn: string): Checker<unknown[]> => (data, path) =>
  data.includes(urn) ? [] : [keywordError('scimSchemasContain', path, `must contain "${urn}"`, { urn })];

function attributesChecker(rule: ScimAttributesRule): Checker<Record<string, unknown>> {
  const canonicalByLower = new Map(rule.canonical.map((name) => [name.toLowerCase(), name]));
  const never = new Set(rule.neverReturned ?? []);
  return (data, path) => {
    const errors: KeywordError[] = [];
    const declared = Array.isArray(data.schemas) ? (data.schemas as unknown[]) : [];
    for (const key of Object.keys(data)) {
      const at = `${path}/${pointerSegment(key)}`;
      const canonical = canonicalByLower.get(key.toLowerCase());
      if (canonical !== undefined && canonical !== key) {
        errors.push(keywordError('scimAttributes', at, `attribute name must be spelled "${canonical}" (canonical case)`, { canonical }));
      }
      if (never.has(canonical ?? key) && data[key] !== null) {
        errors.push(keywordError('scimAttributes', at, 'must not be returned (the schema says returned: "never")', { attribute: canonical }));
      }
      if (rule.extensionsDeclared && key.toLowerCase().startsWith('urn:') && !declared.includes(key)) {
        errors.push(keywordError('scimAttributes', at, 'extension object present but its URN is not listed in schemas', { extension: key }));
      }
    }
    return errors;
  };
}

const singlePrimary = (enabled: boolean): Checker<unknown[]> => (data, path) => {
  if (!enabled) return [];
  const primaries = data.flatMap((entry, i) =>
    entry !== null && typeof entry === 'object' && (entry as Record<string, unknown>).primary === true ? [i] : [],
  );
  if (primaries.length <= 1) return [];
  return [keywordError('scimSinglePrimary', path, `at most one entry may have primary: true (entries ${primaries.join(', ')} do)`, { primaries })];
};

export const scimKeywords: FuncKeywordDefinition[] = [
  keyword('scimSchemasContain', 'array', 'string', schemasContain),
  keyword('scimAttributes', 'object', 'object', attributesChecker),
  keyword('scimSinglePrimary', 'array', 'boolean', singlePrimary),
];
