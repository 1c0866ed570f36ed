/**
 * Property test: random PATCH requests (valid, malformed, hostile) against a realistic user. Whatever comes in,
 * the engine either returns a schema-conforming resource or throws a 400 ScimError, and never touches its input.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/core/patch/index.js';
import { ScimError } from '../../src/core/scim-error.js';
import { type AttributeDef, commonAttributes, findAttr } from '../../src/core/schema/index.js';
import { ENT, aUser, users } from './patch-fixtures.js';

const paths = [
  'active', 'ACTIVE', 'userName', 'nickName', 'title', 'name', 'name.givenName', 'Name.FamilyName', 'emails', 'emails.type',
  'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[type eq "home"].primary', 'emails[primary eq true].display',
  'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].country', 'roles', 'manager', `${ENT}:manager`,
  `${ENT}:manager.value`, `${ENT}:department`, ENT, 'id', 'meta.version', 'groups', 'password',
  '__proto__.polluted', 'constructor.prototype.polluted', 'toString.x', 'nope', 'emails[', 'emails[type eq "work"].nope',
];
const keys = ['active', 'displayName', 'name.givenName', `${ENT}:employeeNumber`, ENT, 'id', 'emails', 'name', '__proto__', 'constructor', 'schemas'];

const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.boolean(), fc.constantFrom('True', 'false', ''), fc.integer(), fc.constant(null));
const element = fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'display', 'givenName', '__proto__', 'Value'), scalar, { maxKeys: 3 });
const value = fc.oneof(scalar, element, fc.array(element, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...keys), fc.oneof(scalar, element), { maxKeys: 3 }));
const anyOperation = fc.record(
  {
    op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'copy'),
    path: fc.constantFrom(...paths),
    value,
  },
  { requiredKeys: ['op'] },
);

// Well-formed operations, so that a good share of requests get applied and the result properties are exercised.
const text = fc.string({ minLength: 1, maxLength: 8 });
const email = fc.record({ value: text, type: fc.constantFrom('work', 'home', 'other'), primary: fc.boolean() }, { requiredKeys: ['value'] });
const typedTarget = fc.oneof(
  fc.record({ path: fc.constantFrom('active', 'Active'), value: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true')) }),
  fc.record({ path: fc.constantFrom('nickName', 'title', 'name.givenName', `${ENT}:department`, 'emails[type eq "work"].value'), value: text }),
  fc.record({ path: fc.constantFrom('emails', 'Emails'), value: fc.array(email, { maxLength: 3 }) }),
  fc.record({ path: fc.constantFrom('emails[type eq "home"].primary', 'emails.primary'), value: fc.boolean() }),
  fc.record({ path: fc.constantFrom(`${ENT}:manager`, 'manager'), value: fc.oneof(text, fc.record({ value: text })) }),
  fc.record({ path: fc.constantFrom('phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].country'), value: text }),
);
const typedOperation = fc.oneof(
  fc.tuple(fc.constantFrom('add', 'replace', 'Replace'), typedTarget).map(([op, t]) => ({ op, ...t })),
  fc.tuple(fc.constantFrom('remove', 'Remove'), typedTarget).map(([op, t]) => ({ op, path: t.path })),
  fc.record({ op: fc.constantFrom('replace', 'add'), value: fc.record({ active: fc.boolean(), displayName: text, 'name.familyName': text }, { requiredKeys: [] }) }),
);
const operation = fc.oneof({ weight: 3, arbitrary: typedOperation }, { weight: 1, arbitrary: anyOperation });

/** Every key of a stored value must be a schema name in canonical case: nothing else may be written. */
function assertCanonical(resource: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(resource)) {
    if (key === 'schemas') continue;
    if (key === ENT) {
      const ext = users.extensions[0]!;
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) assertAttribute(findAttr(ext.attributes, k), k, inner);
      continue;
    }
    assertAttribute(findAttr(users.core.attributes, key) ?? findAttr(commonAttributes, key), key, v);
  }
}

function assertAttribute(def: AttributeDef | undefined, key: string, v: unknown): void {
  expect(def?.name, `unknown or non-canonical key ${key}`).toBe(key);
  if (!def) return;
  const values = def.multiValued ? (v as unknown[]) : [v];
  if (def.multiValued) expect(Array.isArray(v)).toBe(true);
  if (def.type === 'boolean') for (const b of values) expect(typeof b).toBe('boolean');
  if (def.type !== 'complex') return;
  for (const item of values) {
    for (const [k, inner] of Object.entries(item as Record<string, unknown>)) {
      const sub = findAttr(def.subAttributes, k);
      expect(sub?.name, `unknown or non-canonical sub-attribute ${key}.${k}`).toBe(k);
      if (sub?.type === 'boolean') expect(typeof inner).toBe('boolean');
    }
  }
  if (def.multiValued && findAttr(def.subAttributes, 'primary')) {
    expect(values.filter((e) => (e as Record<string, unknown>).primary === true).length).toBeLessThanOrEqual(1);
  }
}

describe('PATCH engine under random requests', () => {
  it('returns a conforming resource or a 400 ScimError, never mutating the input', () => {
    const outcomes = { applied: 0, changed: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 3 }), (ops) => {
        const input = aUser();
        let result;
        try {
          result = applyPatch(input, ops, users);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          expect((err as ScimError).scimType).toMatch(/^(invalidSyntax|invalidPath|noTarget|invalidValue|mutability)$/);
          expect(input).toEqual(aUser());
          outcomes.rejected++;
          return;
        }
        expect(input).toEqual(aUser());
        assertCanonical(result.resource);
        expect(result.changed).toBe(!isDeepStrictEqual(result.resource, input));
        expect(result.resource.id).toBe(input.id);
        expect(result.resource.meta).toEqual(input.meta);
        outcomes.applied++;
        if (result.changed) outcomes.changed++;
      }),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The generator must exercise both branches, and real changes, for the properties to mean anything.
    expect(outcomes.applied).toBeGreaterThan(80);
    expect(outcomes.changed).toBeGreaterThan(50);
    expect(outcomes.rejected).toBeGreaterThan(80);
  });
});
