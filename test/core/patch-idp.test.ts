/**
 * The PATCH bodies Okta and Microsoft Entra ID really send (shared reference idp-clients.md §1.4 (g),(h),(m),
 * (n),(o) and §3.1/§3.2), applied to realistic resources.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/core/patch/index.js';
import type { ScimResource } from '../../src/core/schema/index.js';
import { ENT, aGroup, aUser, groups, memberIds, users } from './patch-fixtures.js';

describe('Okta PATCH shapes', () => {
  it('(g) deactivate: path-less replace {active:false}', () => {
    const { resource, changed } = applyPatch(aUser(), [{ op: 'replace', value: { active: false } }], users);
    expect(resource.active).toBe(false);
    expect(changed).toBe(true);
  });

  it('(h) reactivate keeps id and every other attribute', () => {
    const inactive = { ...aUser(), active: false };
    const { resource } = applyPatch(inactive, [{ op: 'replace', value: { active: true } }], users);
    expect(resource).toEqual({ ...aUser(), active: true });
  });

  it('(m) group rename carries id inside value; unchanged name reports no change', () => {
    const group = aGroup();
    const rename = (displayName: string) => [{ op: 'replace', value: { id: group.id, displayName } }];
    expect(applyPatch(group, rename('Test SCIMv2'), groups).resource.displayName).toBe('Test SCIMv2');
    // Okta re-sends the rename with every membership change: the same name must not bump the version.
    expect(applyPatch(group, rename('Tour Guides'), groups).changed).toBe(false);
  });

  it('(n) one request removing a member by filter and adding another', () => {
    const ops = [
      { op: 'remove', path: 'members[value eq "m2"]' },
      { op: 'add', path: 'members', value: [{ value: 'u9', display: 'test.user@okta.local' }] },
    ];
    const { resource } = applyPatch(aGroup(), ops, groups);
    expect(memberIds(resource)).toEqual(['m1', 'm3', 'u9']);
    expect((resource.members as object[])[2]).toEqual({ value: 'u9', display: 'test.user@okta.local' });
  });

  it('(o) Push Now replaces all members, and an empty array clears them', () => {
    const full = [{ op: 'replace', path: 'members', value: [{ value: 'a1', display: 'x' }, { value: 'a2', display: 'y' }] }];
    expect(memberIds(applyPatch(aGroup(), full, groups).resource)).toEqual(['a1', 'a2']);
    const empty = applyPatch(aGroup(), [{ op: 'replace', path: 'members', value: [] }], groups);
    expect(empty.resource.members).toBeUndefined();
    expect(empty.changed).toBe(true);
  });
});

describe('Entra PATCH shapes', () => {
  it('capitalized op names: Add, Replace, Remove', () => {
    const ops = [
      { op: 'Add', path: 'nickName', value: 'Babs' },
      { op: 'Replace', path: 'title', value: 'Tour Guide' },
      { op: 'Remove', path: 'displayName' },
    ];
    const { resource } = applyPatch(aUser(), ops, users);
    expect(resource).toMatchObject({ nickName: 'Babs', title: 'Tour Guide' });
    expect(resource.displayName).toBeUndefined();
  });

  it.each([
    ['False', false],
    ['false', false],
    ['True', true],
    ['true', true],
  ])('string boolean %j becomes %j', (text, bool) => {
    const start = { ...aUser(), active: !bool };
    expect(applyPatch(start, [{ op: 'Replace', path: 'active', value: text }], users).resource.active).toBe(bool);
  });

  it('string booleans inside values too: "primary": "True"', () => {
    const ops = [{ op: 'Add', path: 'emails', value: [{ value: 'babs@new.example', type: 'other', primary: 'True' }] }];
    const { resource } = applyPatch(aUser(), ops, users);
    expect((resource.emails as Record<string, unknown>[]).map((e) => e.primary)).toEqual([false, undefined, true]);
  });

  it('a filtered path without sub-attribute given a one-element array', () => {
    const ops = [{ op: 'Replace', path: 'emails[type eq "work"]', value: [{ value: 'w@example.com', type: 'work', primary: true }] }];
    const { resource } = applyPatch(aUser(), ops, users);
    expect((resource.emails as unknown[])[0]).toEqual({ value: 'w@example.com', type: 'work', primary: true });
  });

  it('a string that is not a boolean is still rejected for a boolean attribute', () => {
    expect(() => applyPatch(aUser(), [{ op: 'Replace', path: 'active', value: 'no' }], users)).toThrow(/boolean/);
  });

  it('default update: one Replace per attribute, filtered email and URN path', () => {
    const ops = [
      { op: 'Replace', path: 'displayName', value: 'Bjfe' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Kkom' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      { op: 'Replace', path: 'externalId', value: 'ext-2' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: 'Aklq' },
    ];
    const { resource } = applyPatch(aUser(), ops, users);
    expect(resource).toMatchObject({
      displayName: 'Bjfe',
      externalId: 'ext-2',
      name: { givenName: 'Kkom', familyName: 'updatedFamilyName' },
      [ENT]: { employeeNumber: 'Aklq', department: 'Tour Operations' },
    });
    expect((resource.emails as { value: string }[])[0]!.value).toBe('updatedEmail@microsoft.com');
  });

  it('with aadOptscim062020: a path-less replace with dotted and URN-qualified keys', () => {
    const value = { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENT}:employeeNumber`]: 'Aklq' };
    const { resource } = applyPatch(aUser(), [{ op: 'replace', value }], users);
    expect(resource).toMatchObject({
      displayName: 'Bjfe',
      name: { givenName: 'Kkom', familyName: 'Unua' },
      [ENT]: { employeeNumber: 'Aklq', department: 'Tour Operations' },
    });
  });

  it('Add members [{"$ref": null, "value": id}] and Remove members with a value array', () => {
    const added = applyPatch(aGroup(['m1']), [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u2' }] }], groups);
    expect(memberIds(added.resource)).toEqual(['m1', 'u2']);
    const removed = applyPatch(added.resource, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'm1' }] }], groups);
    expect(memberIds(removed.resource)).toEqual(['u2']);
  });

  it('Remove members with a value array naming someone who is not a member removes nothing else', () => {
    const { resource, changed } = applyPatch(aGroup(), [{ op: 'Remove', path: 'members', value: [{ value: 'nobody' }] }], groups);
    expect(memberIds(resource)).toEqual(['m1', 'm2', 'm3']);
    expect(changed).toBe(false);
  });

  it('with the flag: remove members[value eq "id"]', () => {
    const { resource } = applyPatch(aGroup(), [{ op: 'remove', path: 'members[value eq "m1"]' }], groups);
    expect(memberIds(resource)).toEqual(['m2', 'm3']);
  });

  it('Replace displayName of a group', () => {
    expect(applyPatch(aGroup(), [{ op: 'Replace', path: 'displayName', value: 'Renamed' }], groups).resource.displayName).toBe('Renamed');
  });

  describe('manager', () => {
    const manager = (r: Record<string, unknown>) => (r[ENT] as Record<string, unknown>).manager;
    it('set as a bare string on a user without the extension adds the extension and its schema URN', () => {
      const start: ScimResource = { ...aUser(), schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] };
      delete start[ENT];
      const { resource } = applyPatch(start, [{ op: 'add', path: `${ENT}:manager`, value: '2c2f6fb8' }], users);
      expect(manager(resource)).toEqual({ value: '2c2f6fb8' });
      expect(resource.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENT]);
    });
    it('Add path "manager" (unqualified) with a one-element array of {$ref, value}', () => {
      const value = [{ $ref: 'https://example.com/Users/00aa', value: '00aa' }];
      const { resource } = applyPatch(aUser(), [{ op: 'Add', path: 'manager', value }], users);
      expect(manager(resource)).toEqual({ value: '00aa', $ref: 'https://example.com/Users/00aa', displayName: 'John Smith' });
    });
    it('Replace with an empty string removes it, and the extension stays with its other attributes', () => {
      const { resource } = applyPatch(aUser(), [{ op: 'Replace', path: `${ENT}:manager`, value: '' }], users);
      expect(manager(resource)).toBeUndefined();
      expect(resource[ENT]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
    });
  });
});
