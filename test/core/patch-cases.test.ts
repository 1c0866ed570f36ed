/**
 * The 29 PATCH acceptance cases (P01–P22 with lettered variants) of the shared filter-and-patch reference,
 * each with the behaviour its verdict asks for. Written as a table: operations in, expectation out.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch, type PatchOptions } from '../../src/core/patch/index.js';
import type { ResourceModel, ScimResource } from '../../src/core/schema/index.js';
import { ENT, aGroup, aUser, groups, memberIds, scimErrorOf, users } from './patch-fixtures.js';

type Check = (result: ScimResource, before: ScimResource) => void;

interface Case {
  id: string;
  what: string;
  start: () => ScimResource;
  model: ResourceModel;
  ops: unknown;
  options?: PatchOptions;
  /** Either a check of the patched resource, or the scimType of the expected 400. */
  expect: Check | { error: string };
}

const emails = (r: ScimResource) => r.emails as Record<string, unknown>[];
const enterprise = (r: ScimResource) => r[ENT] as Record<string, unknown>;

const cases: Case[] = [
  {
    id: 'P01',
    what: 'Okta path-less replace {active:false}',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', value: { active: false } }],
    expect: (r) => expect(r.active).toBe(false),
  },
  {
    id: 'P02',
    what: 'Okta replace with path "active"',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'active', value: false }],
    expect: (r) => expect(r.active).toBe(false),
  },
  {
    id: 'P03',
    what: 'Entra Replace emails[type eq "work"].value',
    start: aUser,
    model: users,
    ops: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }],
    expect: (r) => {
      expect(emails(r)).toEqual([
        { value: 'new@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ]);
    },
  },
  {
    id: 'P04',
    what: 'Entra Add members [{value}]',
    start: () => aGroup(['m1']),
    model: groups,
    ops: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'm2' }] }],
    expect: (r) => {
      expect(memberIds(r)).toEqual(['m1', 'm2']);
      expect((r.members as object[])[1]).toEqual({ value: 'm2' });
    },
  },
  {
    id: 'P05',
    what: 'Entra Remove members[value eq "m2"]',
    start: aGroup,
    model: groups,
    ops: [{ op: 'Remove', path: 'members[value eq "m2"]' }],
    expect: (r) => expect(memberIds(r)).toEqual(['m1', 'm3']),
  },
  {
    id: 'P06',
    what: 'replace the enterprise manager with {value}',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: `${ENT}:manager`, value: { value: 'boss-2' } }],
    // replace merges sub-attributes of a complex attribute (RFC 7644 §3.5.2.3); displayName is untouched.
    expect: (r) => expect(enterprise(r).manager).toEqual({ value: 'boss-2', displayName: 'John Smith' }),
  },
  {
    id: 'P06b',
    what: 'Entra Add manager as a bare string',
    start: aUser,
    model: users,
    ops: [{ op: 'Add', path: `${ENT}:manager`, value: 'boss-3' }],
    expect: (r) => expect((enterprise(r).manager as { value: string }).value).toBe('boss-3'),
  },
  {
    id: 'P06c',
    what: 'replace manager.value',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: `${ENT}:manager.value`, value: 'boss-4' }],
    expect: (r) => expect(enterprise(r).manager).toEqual({ value: 'boss-4', displayName: 'John Smith' }),
  },
  {
    id: 'P06d',
    what: 'path-less replace with a URN-qualified key',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', value: { [`${ENT}:department`]: 'Sales' } }],
    expect: (r) => {
      expect(enterprise(r).department).toBe('Sales');
      expect(enterprise(r).employeeNumber).toBe('701984');
    },
  },
  {
    id: 'P06e',
    what: 'path-less replace with a whole extension object',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', value: { [ENT]: { department: 'Marketing', costCenter: '4130' } } }],
    expect: (r) => {
      expect(enterprise(r)).toMatchObject({ department: 'Marketing', costCenter: '4130', employeeNumber: '701984' });
    },
  },
  {
    id: 'P07',
    what: 'remove emails[type eq "home"]',
    start: aUser,
    model: users,
    ops: [{ op: 'remove', path: 'emails[type eq "home"]' }],
    expect: (r) => expect(emails(r)).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]),
  },
  {
    id: 'P07b',
    what: 'remove with an "and" filter',
    start: aUser,
    model: users,
    ops: [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }],
    expect: (r) => expect(emails(r)).toEqual([{ value: 'babs@jensen.org', type: 'home' }]),
  },
  {
    id: 'P08',
    what: 'add phoneNumbers when the attribute is absent',
    start: () => ({ ...aUser(), phoneNumbers: undefined }),
    model: users,
    ops: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '555-0100', type: 'mobile' }] }],
    expect: (r) => expect(r.phoneNumbers).toEqual([{ value: '555-0100', type: 'mobile' }]),
  },
  {
    id: 'P08b',
    what: 'Entra Add phoneNumbers[type eq "mobile"].value when absent creates the element',
    start: aUser,
    model: users,
    ops: [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0199' }],
    expect: (r) =>
      expect(r.phoneNumbers).toEqual([
        { value: '555-555-8377', type: 'work' },
        { type: 'mobile', value: '555-0199' },
      ]),
  },
  {
    id: 'P08c',
    what: 'Entra Add addresses[type eq "work"].country with only a home address',
    start: aUser,
    model: users,
    ops: [{ op: 'Add', path: 'addresses[type eq "work"].country', value: 'DE' }],
    expect: (r) =>
      expect(r.addresses).toEqual([
        { type: 'home', locality: 'Hollywood', country: 'US' },
        { type: 'work', country: 'DE' },
      ]),
  },
  {
    id: 'P09',
    what: 'add an email with primary:true clears the other primary',
    start: aUser,
    model: users,
    ops: [{ op: 'add', path: 'emails', value: [{ value: 'b@new.example', type: 'other', primary: true }] }],
    expect: (r) => {
      expect(emails(r).filter((e) => e.primary === true).map((e) => e.value)).toEqual(['b@new.example']);
      expect(emails(r)[0]!.primary).toBe(false);
    },
  },
  {
    id: 'P09b',
    what: 'replace emails[type eq "home"].primary with true',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
    expect: (r) => {
      expect(emails(r).map((e) => [e.type, e.primary])).toEqual([
        ['work', false],
        ['home', true],
      ]);
    },
  },
  {
    id: 'P11',
    what: 'Entra active "False" (string) is stored as the boolean false',
    start: aUser,
    model: users,
    ops: [{ op: 'Replace', path: 'active', value: 'False' }],
    expect: (r) => expect(r.active).toBe(false),
  },
  {
    id: 'P12',
    what: 'Entra Remove members with a value array removes only those',
    start: aGroup,
    model: groups,
    ops: [{ op: 'Remove', path: 'members', value: [{ value: 'm1' }, { value: 'm3' }] }],
    expect: (r) => expect(memberIds(r)).toEqual(['m2']),
  },
  {
    id: 'P13',
    what: 'replace through a filter that matches nothing is 400 noTarget by default (RFC 7644 §3.5.2.3)',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' }],
    expect: { error: 'noTarget' },
  },
  {
    id: 'P13 (lenient)',
    what: 'replace through a filter that matches nothing adds the element with replaceNoMatch "add"',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' }],
    options: { replaceNoMatch: 'add' },
    expect: (r) => expect(emails(r)[2]).toEqual({ type: 'other', value: 'x@example.com' }),
  },
  {
    id: 'P14',
    what: 'replace name.familyName',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'name.familyName', value: 'Jensen-Smith' }],
    expect: (r) => expect(r.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen-Smith' }),
  },
  {
    id: 'P15',
    what: 'adding a member that already exists changes nothing',
    start: aGroup,
    model: groups,
    ops: [{ op: 'add', path: 'members', value: [{ value: 'm2' }] }],
    expect: (r, before) => expect(r).toEqual(before),
  },
  {
    id: 'P16',
    what: 'remove members',
    start: aGroup,
    model: groups,
    ops: [{ op: 'remove', path: 'members' }],
    expect: (r) => expect(r.members).toBeUndefined(),
  },
  {
    id: 'P17',
    what: 'an unknown op is rejected',
    start: aUser,
    model: users,
    ops: [{ op: 'merge', path: 'active', value: true }],
    expect: { error: 'invalidSyntax' },
  },
  {
    id: 'P18',
    what: 'remove without a path is 400 noTarget (RFC 7644 §3.5.2.2)',
    start: aUser,
    model: users,
    ops: [{ op: 'remove' }],
    expect: { error: 'noTarget' },
  },
  {
    id: 'P19',
    what: 'path "Active" updates the canonical "active" key',
    start: aUser,
    model: users,
    ops: [{ op: 'replace', path: 'Active', value: false }],
    expect: (r) => {
      expect(r.active).toBe(false);
      expect(Object.keys(r)).not.toContain('Active');
    },
  },
  {
    id: 'P20',
    what: 'replace the member list',
    start: aGroup,
    model: groups,
    ops: [{ op: 'replace', path: 'members', value: [{ value: 'x1' }, { value: 'x2' }] }],
    expect: (r) => expect(r.members).toEqual([{ value: 'x1' }, { value: 'x2' }]),
  },
  {
    id: 'P21',
    what: 'path-less replace carrying id (Okta group rename)',
    start: aGroup,
    model: groups,
    ops: [{ op: 'replace', value: { id: 'e9e30dba-f08f-4109-8486-d5c6a331660a', displayName: 'Tour Leads' } }],
    expect: (r, before) => {
      expect(r.displayName).toBe('Tour Leads');
      expect(r.id).toBe(before.id);
    },
  },
  {
    id: 'P22',
    what: 'remove with an "or" filter',
    start: aGroup,
    model: groups,
    ops: [{ op: 'remove', path: 'members[value eq "m1" or value eq "m3"]' }],
    expect: (r) => expect(memberIds(r)).toEqual(['m2']),
  },
];

describe('PATCH acceptance cases P01–P22', () => {
  it('covers all 29 reference cases', () => {
    const ids = new Set(cases.map((c) => c.id.split(' ')[0]));
    expect(ids.size).toBe(29);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.what}`, () => {
      const before = c.start();
      const snapshot = structuredClone(before);
      if ('error' in c.expect) {
        const err = scimErrorOf(() => applyPatch(before, c.ops, c.model, c.options));
        expect(err.status).toBe(400);
        expect(err.scimType).toBe(c.expect.error);
      } else {
        const { resource } = applyPatch(before, c.ops, c.model, c.options);
        c.expect(resource, snapshot);
      }
      expect(before).toEqual(snapshot); // the input is never mutated
    });
  }
});
