/** Compiles src/report/result.schema.json (the json report's documented format) for the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isDateTime } from '../../src/core/json-schemas/formats.js';

export const RESULT_SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../src/report/result.schema.json'), 'utf8')) as Record<string, unknown>;

let compiled: ValidateFunction | undefined;
export function resultValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('date-time', isDateTime);
    compiled = ajv.compile(RESULT_SCHEMA);
  }
  return compiled;
}

export function resultSchemaErrors(value: unknown): string[] {
  const validate = resultValidator();
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
