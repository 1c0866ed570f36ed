/**
 * Seed data: `fixtures/seed.json` by default, or a user-supplied file of the same shape
 * `{ "users": [User…], "groups": [Group…] }`. Each resource is validated as a POST body would be; an `id` may be
 * given (so seeded members can reference users); group members may name users and earlier groups.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ScimError } from '../core/scim-error.js';
import type { ServerContext } from './context.js';
import { insertResource } from './resources.js';
import type { ResourceEndpoint } from './route.js';

export interface SeedData {
  users?: unknown[];
  groups?: unknown[];
}

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** The text of the default seed file, found from both src/server (tests) and dist/src/server (the built CLI). */
function readDefaultSeed(): string {
  for (const rel of ['../../fixtures/seed.json', '../../../fixtures/seed.json']) {
    try {
      return readFileSync(new URL(rel, import.meta.url), 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new SeedError('the default seed file fixtures/seed.json is missing from the installation');
}

/** Reads and parses a seed file ('default' = fixtures/seed.json). Errors name the file and the problem. */
export function readSeedFile(seed: string): SeedData {
  const label = seed === 'default' ? 'fixtures/seed.json' : seed;
  let text: string;
  if (seed === 'default') {
    text = readDefaultSeed();
  } else {
    try {
      text = readFileSync(seed, 'utf8');
    } catch (err) {
      throw new SeedError(`seed file ${label}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SeedError(`seed file ${label}: not valid JSON (${(err as Error).message})`);
  }
  checkShape(data, label);
  return data;
}

function checkShape(data: unknown, label: string): asserts data is SeedData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SeedError(`seed file ${label}: expected an object like {"users": [...], "groups": [...]}`);
  }
  for (const key of Object.keys(data)) {
    if (key !== 'users' && key !== 'groups') throw new SeedError(`seed file ${label}: unexpected key "${key}" (only "users" and "groups")`);
    if (!Array.isArray((data as Record<string, unknown>)[key])) throw new SeedError(`seed file ${label}: "${key}" must be an array`);
  }
}

/** Stores seed resources (users first, then groups, in file order). */
export function loadSeed(ctx: ServerContext, data: SeedData, label = 'seed'): void {
  const add = (endpoint: ResourceEndpoint, key: 'users' | 'groups'): void => {
    (data[key] ?? []).forEach((item, i) => {
      const fixedId = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
      if (fixedId !== undefined && (typeof fixedId !== 'string' || fixedId === '')) {
        throw new SeedError(`${label}: ${key}[${i}].id must be a non-empty string`);
      }
      try {
        insertResource(ctx, endpoint, item, fixedId ?? randomUUID());
      } catch (err) {
        if (err instanceof ScimError) throw new SeedError(`${label}: ${key}[${i}]: ${err.message}`);
        throw err;
      }
    });
  };
  add('Users', 'users');
  add('Groups', 'groups');
}
