/** Resources and models shared by the PATCH engine tests. */
import { ScimError } from '../../src/core/scim-error.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, groupModel, userModel } from '../../src/core/schema/index.js';
import type { ScimResource } from '../../src/core/schema/index.js';

export const ENT = ENTERPRISE_USER_SCHEMA;
export const users = userModel();
export const groups = groupModel();

export function aUser(): ScimResource {
  return {
    schemas: [USER_SCHEMA, ENT],
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'bjensen',
    userName: 'bjensen@example.com',
    active: true,
    displayName: 'Babs Jensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
    addresses: [{ type: 'home', locality: 'Hollywood', country: 'US' }],
    [ENT]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915', displayName: 'John Smith' } },
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z', version: 'W/"1"' },
  };
}

export function aGroup(memberIds: string[] = ['m1', 'm2', 'm3']): ScimResource {
  return {
    schemas: [GROUP_SCHEMA],
    id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
    displayName: 'Tour Guides',
    members: memberIds.map((value) => ({ value, display: `${value}@example.com`, type: 'User' })),
    meta: { resourceType: 'Group', version: 'W/"1"' },
  };
}

/** Runs `fn` and returns the ScimError it throws (fails the test when it does not throw one). */
export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw new Error(`expected a ScimError, got ${String(err)}`);
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}

export const memberIds = (group: ScimResource): string[] =>
  ((group.members as { value: string }[] | undefined) ?? []).map((m) => m.value);
