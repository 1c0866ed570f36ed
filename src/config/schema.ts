import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import configSchema from './config.schema.json' with { type: 'json' };
import { closestKey } from '../common/closest-key.js';
import type { ConfigIssue } from './errors.js';

export { configSchema };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Compiled once, on first use: most runs have no config file.
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(configSchema);
  return compiled;
}

/** "/oauth/clientId" → "oauth.clientId", "/reporters/1" → "reporters[1]". */
export function dottedPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** The schema's property names at an instance path ("" = top level), for "did you mean" hints. */
function knownKeys(parentPath: string): string[] {
  const schema = configSchema as { properties: Record<string, { properties?: Record<string, unknown> }> };
  if (parentPath === '') return Object.keys(schema.properties).filter((k) => k !== '$schema');
  return Object.keys(schema.properties[parentPath.slice(1)]?.properties ?? {});
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const hint = closestKey(key, knownKeys(error.instancePath));
      return `unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${String(params.type).replace(',', ' or ')}`;
    case 'pattern':
      return error.instancePath.startsWith('/reporters')
        ? 'must be "NAME" or "NAME=FILE", e.g. "junit=reports/scim.xml"'
        : error.instancePath === '/timeout' || error.instancePath === '/deadline'
          ? 'must be milliseconds or a duration such as "500ms", "30s", "10m"'
          : `must match ${String(params.pattern)}`;
    case 'propertyNames':
      return `"${String(params.propertyName)}" is not a valid header name`;
    case 'required':
      return `needs "${String(params.missingProperty)}"`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Validates parsed config-file JSON; returns its problems with dotted paths (empty when valid). */
export function validateConfigData(data: unknown, fileLabel: string): ConfigIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const error of validate.errors ?? []) {
    // propertyNames reports the name twice (the name itself and the object); the anyOf of a comment repeats its branches.
    if (error.keyword === 'anyOf' || (error.keyword === 'pattern' && error.propertyName !== undefined)) continue;
    const path = dottedPath(error.instancePath);
    const issue = { where: path ? `${fileLabel}: ${path}` : fileLabel, message: describe(error) };
    const key = `${issue.where}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
