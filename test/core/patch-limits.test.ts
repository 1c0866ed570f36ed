/**
 * The PATCH engine on its own (no server body-depth limit in front): hostile nesting gets a 400 ScimError, never a
 * stack overflow; and immutable attributes of an extension hold whatever operation shape is used.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/core/patch/index.js';
import { attr } from '../../src/core/schema/define.js';
import { userModel } from '../../src/core/schema/index.js';
import { aGroup, aUser, ENT, groups, scimErrorOf, users } from './patch-fixtures.js';

const DEPTH = 50_000;
const nestedArrays = (leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < DEPTH; i++) v = [v];
  return v;
};
const nestedObjects = (key: string): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < DEPTH; i++) v = { [key]: v };
  return v;
};

describe('values nested 50,000 deep → 400, not a stack overflow', () => {
  const cases: [string, unknown[]][] = [
    ['a single-valued boolean', [{ op: 'replace', path: 'active', value: nestedArrays(true) }]],
    ['a single-valued complex attribute', [{ op: 'replace', path: 'name', value: nestedArrays({ givenName: 'x' }) }]],
    ['a sub-attribute', [{ op: 'replace', path: 'name', value: nestedObjects('givenName') }]],
    ['a path-less value', [{ op: 'replace', value: { displayName: nestedArrays('x') } }]],
    ['an extension object', [{ op: 'replace', path: ENT, value: { manager: nestedArrays({ value: 'm' }) } }]],
    ['a multi-valued attribute', [{ op: 'add', path: 'emails', value: nestedArrays('x') }]],
    ['a filtered element', [{ op: 'add', path: 'emails[type eq "work"]', value: nestedArrays({ value: 'x' }) }]],
    ['a remove with a value list', [{ op: 'remove', path: 'emails', value: nestedArrays({ value: 'x' }) }]],
  ];
  for (const [where, operations] of cases) {
    it(where, () => {
      const before = aUser();
      const err = scimErrorOf(() => applyPatch(before, operations, users));
      expect(err.status).toBe(400);
      expect(err.scimType).toMatch(/invalidValue|invalidPath|invalidSyntax/);
      expect(err.message.length).toBeLessThan(300);
    });
  }

  it('group members nested deep', () => {
    const err = scimErrorOf(() => applyPatch(aGroup(), [{ op: 'add', path: 'members', value: nestedArrays({ value: 'm9' }) }], groups));
    expect(err.status).toBe(400);
  });

  it('a one-element array around a single value is still accepted (Entra sends manager as [{value}])', () => {
    const out = applyPatch(aUser(), [{ op: 'replace', path: `${ENT}:manager`, value: [{ value: 'boss' }] }], users);
    expect((out.resource[ENT] as Record<string, any>)['manager'].value).toBe('boss');
    expect(scimErrorOf(() => applyPatch(aUser(), [{ op: 'replace', path: 'active', value: [[true]] }], users)).scimType).toBe('invalidValue');
  });
});

describe('immutable extension attributes in the engine', () => {
  const ACME = 'urn:example:acme:2.0:User';
  const model = userModel([
    {
      id: ACME,
      name: 'Acme',
      description: '',
      attributes: [
        attr('badge', 'string', 'issued once', { mutability: 'immutable' }),
        attr('tags', 'string', 'issued once, several', { mutability: 'immutable', multiValued: true }),
        attr('cards', 'complex', 'cards', {
          multiValued: true,
          subAttributes: [attr('value', 'string', 'id'), attr('serial', 'string', 'serial', { mutability: 'immutable' }), attr('label', 'string', 'label')],
        }),
      ],
    },
  ]);
  const withAcme = () => ({ ...aUser(), [ACME]: { badge: 'B1', tags: ['t1'], cards: [{ value: 'c1', serial: 'S1', label: 'L' }] } });

  it('every shape that would change a set value is refused with mutability, and the input is untouched', () => {
    const shapes: unknown[][] = [
      [{ op: 'replace', path: `${ACME}:badge`, value: 'B2' }],
      [{ op: 'add', path: `${ACME}:tags`, value: ['t2'] }],
      [{ op: 'replace', path: `${ACME}:tags`, value: ['t2'] }],
      [{ op: 'replace', path: `${ACME}:cards[value eq "c1"]`, value: { value: 'c1', serial: 'S2' } }],
      [{ op: 'replace', path: `${ACME}:cards`, value: [{ value: 'c1', serial: 'S2' }] }],
      [{ op: 'replace', path: `${ACME}:cards.serial`, value: 'S2' }],
    ];
    for (const operations of shapes) {
      const before = withAcme();
      const snapshot = structuredClone(before);
      expect(scimErrorOf(() => applyPatch(before, operations, model)).scimType, JSON.stringify(operations)).toBe('mutability');
      expect(before).toEqual(snapshot);
    }
  });

  it('elements can still be added and removed; a replaced element keeps its immutable part', () => {
    const added = applyPatch(withAcme(), [{ op: 'add', path: `${ACME}:cards`, value: [{ value: 'c2', serial: 'S9' }] }], model);
    expect((added.resource[ACME] as any).cards).toHaveLength(2);
    const removed = applyPatch(withAcme(), [{ op: 'remove', path: `${ACME}:cards[value eq "c1"]` }], model);
    expect((removed.resource[ACME] as any).cards).toBeUndefined();
    const relabelled = applyPatch(withAcme(), [{ op: 'replace', path: `${ACME}:cards[value eq "c1"]`, value: { value: 'c1', label: 'new' } }], model);
    expect((relabelled.resource[ACME] as any).cards).toEqual([{ value: 'c1', serial: 'S1', label: 'new' }]);
  });
});

describe('resolved paths are cached per model, never across models', () => {
  const ACME = 'urn:example:acme:2.0:User';
  const withAcme = userModel([{ id: ACME, name: 'Acme', description: '', attributes: [attr('badge', 'string', 'b')] }]);

  it('the same path resolves against each model it is used with, however often', () => {
    for (let i = 0; i < 3; i++) {
      const set = applyPatch(aUser(), [{ op: 'replace', path: `${ACME}:badge`, value: 'B' }], withAcme);
      expect((set.resource[ACME] as Record<string, unknown>)['badge']).toBe('B');
      expect(scimErrorOf(() => applyPatch(aUser(), [{ op: 'replace', path: `${ACME}:badge`, value: 'B' }], users)).scimType).toBe('invalidPath');
      const pathless = applyPatch(aUser(), [{ op: 'replace', value: { [`${ACME}:badge`]: 'C' } }], withAcme);
      expect((pathless.resource[ACME] as Record<string, unknown>)['badge']).toBe('C');
      expect(scimErrorOf(() => applyPatch(aUser(), [{ op: 'replace', value: { [`${ACME}:badge`]: 'C' } }], users)).scimType).toBe('invalidPath');
    }
  });

  it('many distinct and long names keep resolving correctly past the cache bound', () => {
    const variants = Array.from({ length: 64 }, (_, i) => [...'active'].map((ch, j) => ((i >> j) & 1 ? ch.toUpperCase() : ch)).join(''));
    for (const name of [...variants, ...variants.map((v) => `urn:ietf:params:scim:schemas:core:2.0:User:${v}`)]) {
      expect(applyPatch(aUser(), [{ op: 'replace', path: name, value: false }], users).resource['active']).toBe(false);
    }
    const long = `urn:ietf:params:scim:schemas:core:2.0:User:${'x'.repeat(300)}`;
    expect(scimErrorOf(() => applyPatch(aUser(), [{ op: 'replace', path: long, value: 1 }], users)).scimType).toBe('invalidPath');
  });
});
