/**
 * The PATCH engine keeps lookups of multi-valued attributes across the operations of one request (so N operations
 * on M values cost about N + M). Property: a request of N operations gives exactly what N requests of one
 * operation each give, one after the other — the second never shares lookups between operations. And the limits
 * that bound one request's work.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATCH_LIMITS, applyPatch } from '../../src/core/patch/index.js';
import { ScimError } from '../../src/core/scim-error.js';
import type { ScimResource } from '../../src/core/schema/index.js';
import { aGroup, aUser, groups, memberIds, scimErrorOf, users } from './patch-fixtures.js';

const emailValue = fc.constantFrom('a@x.io', 'A@X.IO', 'b@x.io', 'c@x.io', 'bjensen@example.com', 'babs@jensen.org');
const emailType = fc.constantFrom('work', 'home', 'other', 'WORK');
const email = fc.record({ value: emailValue, type: emailType, primary: fc.boolean(), display: fc.constantFrom('d1', 'd2') }, { requiredKeys: ['value'] });
const filter = fc.oneof(
  emailValue.map((v) => `value eq "${v}"`),
  emailType.map((t) => `type eq "${t}"`),
  fc.tuple(emailValue, emailValue).map(([a, b]) => `value eq "${a}" or value eq "${b}"`),
  fc.tuple(emailType, emailValue).map(([t, v]) => `type eq "${t}" and value eq "${v}"`),
  fc.constantFrom('primary eq true', 'value co "x"', 'not (type eq "work")', 'display pr', 'type eq "work" or value eq "a@x.io"'),
);
const operation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant('emails'), value: fc.array(email, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('remove'), path: fc.constant('emails'), value: fc.array(fc.record({ value: emailValue }), { maxLength: 2 }) }),
  fc.record({ op: fc.constantFrom('add', 'replace'), path: filter.map((f) => `emails[${f}]`), value: email }),
  fc.record({ op: fc.constant('remove'), path: filter.map((f) => `emails[${f}]`) }),
  fc.record({
    op: fc.constantFrom('add', 'replace', 'remove'),
    path: fc.tuple(filter, fc.constantFrom('value', 'type', 'display', 'primary')).map(([f, sub]) => `emails[${f}].${sub}`),
    value: fc.oneof(emailValue, emailType, fc.boolean()),
  }),
  fc.record({ op: fc.constantFrom('replace', 'remove'), path: fc.constantFrom('emails.display', 'emails.primary', 'emails.type'), value: fc.oneof(emailType, fc.boolean()) }),
  fc.record({ op: fc.constant('add'), path: fc.constant('addresses'), value: fc.array(fc.record({ locality: fc.constantFrom('Hollywood', 'Paris'), type: emailType }), { maxLength: 2 }) }),
);

/**
 * A resource, or "rejected". Which error is not compared: a request is validated whole before any operation
 * applies, so an invalid value in operation 3 is reported even when operation 1 would have found no target.
 */
type Outcome = { resource: ScimResource } | 'rejected';
const outcome = (fn: () => ScimResource): Outcome => {
  try {
    return { resource: fn() };
  } catch (err) {
    if (!(err instanceof ScimError) || err.status !== 400) throw err;
    return 'rejected';
  }
};

describe('one request of N operations = N requests of one operation', () => {
  it('on random operations over emails (lookups by value and type, scans, primaries, removals, dedupe)', () => {
    let applied = 0;
    fc.assert(
      fc.property(fc.array(operation, { minLength: 2, maxLength: 8 }), (ops) => {
        const together = outcome(() => applyPatch(aUser(), ops, users).resource);
        const oneByOne = outcome(() => ops.reduce((r, op) => applyPatch(r, [op], users).resource, aUser()));
        expect(together).toEqual(oneByOne);
        if (together !== 'rejected') applied++;
      }),
      { numRuns: 500 },
    );
    // About a fifth of the random requests apply (the rest are rightly refused): enough for the comparison to mean something.
    expect(applied).toBeGreaterThan(50);
  });

  it('on group members (lookups by value, dedupe, removal by value list)', () => {
    // Immutability is checked against the request's input as a whole (a member removed and added back in one
    // request keeps its immutable parts), so the comparison uses members without immutable sub-attributes.
    const members = groups.core.attributes.find((a) => a.name === 'members')!;
    const mutableMembers = { ...members, subAttributes: members.subAttributes!.map((a) => ({ ...a, mutability: 'readWrite' as const })) };
    const model = { ...groups, core: { ...groups.core, attributes: groups.core.attributes.map((a) => (a === members ? mutableMembers : a)) } };
    const member = fc.constantFrom('m1', 'm2', 'm3', 'm4', 'M1').map((value) => ({ value }));
    const memberOp = fc.oneof(
      fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant('members'), value: fc.array(member, { minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constant('remove'), path: fc.constant('members'), value: fc.array(member, { maxLength: 2 }) }),
      fc.record({ op: fc.constant('remove'), path: fc.constantFrom('members[value eq "m1"]', 'members[value eq "m2" or value eq "m4"]', 'members[type eq "User"]') }),
    );
    fc.assert(
      fc.property(fc.array(memberOp, { minLength: 2, maxLength: 10 }), (ops) => {
        const together = outcome(() => applyPatch(aGroup(), ops, model).resource);
        const oneByOne = outcome(() => ops.reduce((r, op) => applyPatch(r, [op], model).resource, aGroup()));
        expect(together).toEqual(oneByOne);
      }),
      { numRuns: 300 },
    );
  });
});

describe('limits on one request', () => {
  const manyEmails = (n: number): ScimResource => ({ ...aUser(), emails: Array.from({ length: n }, (_, i) => ({ value: `e${i}@x.io`, type: i % 2 ? 'home' : 'work' })) });

  it('value filters and sub-attribute paths may reach at most maxValuesReached values (400 tooMany naming the limit)', () => {
    const perOp = 1000;
    const fits = Math.floor(PATCH_LIMITS.maxValuesReached / perOp);
    const scan = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'emails[value co "@"].display', value: `d${i}` }));
    expect(() => applyPatch(manyEmails(perOp), scan(fits), users)).not.toThrow();
    const err = scimErrorOf(() => applyPatch(manyEmails(perOp), scan(fits + 1), users));
    expect([err.status, err.scimType]).toEqual([400, 'tooMany']);
    expect(err.message).toContain(String(PATCH_LIMITS.maxValuesReached));
    const each = Array.from({ length: fits + 1 }, (_, i) => ({ op: 'replace', path: 'emails.display', value: `d${i}` }));
    expect(scimErrorOf(() => applyPatch(manyEmails(perOp), each, users)).scimType).toBe('tooMany');
    // Equality lookups reach only what they select: one each, so thousands fit.
    const lookups = Array.from({ length: PATCH_LIMITS.maxOperations }, (_, i) => ({ op: 'replace', path: `emails[value eq "e${i % perOp}@x.io"].type`, value: 'other' }));
    const out = applyPatch(manyEmails(perOp), lookups, users).resource;
    expect((out['emails'] as { type: string }[]).every((e) => e.type === 'other')).toBe(true);
  });

  it('maxValues (per attribute) refuses growth past it, but lets an oversized list shrink; maxValuesPerRequest bounds the values carried', () => {
    const grow = [{ op: 'add', path: 'emails', value: [{ value: 'new@x.io' }] }];
    expect(applyPatch(manyEmails(9), grow, users, { maxValues: 10 }).resource['emails']).toHaveLength(10);
    const err = scimErrorOf(() => applyPatch(manyEmails(10), grow, users, { maxValues: 10 }));
    expect([err.status, err.scimType]).toEqual([400, 'invalidValue']);
    expect(err.message).toMatch(/"emails" may hold at most 10 values/);
    const shrink = [{ op: 'remove', path: 'emails[value eq "e0@x.io"]' }];
    expect(applyPatch(manyEmails(20), shrink, users, { maxValues: 10 }).resource['emails']).toHaveLength(19);
    const carried = [grow[0], { op: 'add', path: 'phoneNumbers', value: [{ value: '1' }, { value: '2' }] }];
    expect(scimErrorOf(() => applyPatch(aUser(), carried, users, { maxValuesPerRequest: 2 })).message).toMatch(/at most 2 values of multi-valued attributes/);
    expect(applyPatch(aUser(), carried, users, { maxValuesPerRequest: 3 }).changed).toBe(true);
  });

  it('many operations on a large list finish (lookups are kept across operations)', () => {
    const group = aGroup(Array.from({ length: 1000 }, (_, i) => `u${i}`));
    const ops = Array.from({ length: PATCH_LIMITS.maxOperations }, (_, i) =>
      i < 1000 ? { op: 'remove', path: `members[value eq "u${i}"]` } : { op: 'add', path: 'members', value: [{ value: `n${i}` }] },
    );
    const out = applyPatch(group, ops, groups).resource;
    expect(memberIds(out)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${1000 + i}`));
  });
});
