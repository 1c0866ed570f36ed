import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import configSchema from './config.schema.json' with { type: 'json' };
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

/** Optimal-string-alignment distance, case-insensitive: a swapped pair of letters ("tokne") counts as one edit. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i += 1) {
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}

/** The known key closest to a misspelt one, if it is close enough to be what was meant. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
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
