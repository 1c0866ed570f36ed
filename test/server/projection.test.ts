/** compileProjection (src/core/projection.ts): the `returned` characteristic and attributes/excludedAttributes, pure. */
import { describe, expect, it } from 'vitest';
import { compileProjection, splitAttributeList } from '../../src/core/projection.js';
import { groupModel, userModel, type SchemaDef } from '../../src/core/schema/index.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'u1',
  externalId: 'x1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'b@work', type: 'work', primary: true }, { value: 'b@home', type: 'home' }],
  password: 'never-shown',
  [ENT]: { department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
  meta: { resourceType: 'User', version: 'W/"1"' },
};
const model = userModel();

describe('compileProjection', () => {
  it('default view: everything except returned:never (password)', () => {
    const out = compileProjection(model).apply(user);
    const { password: _dropped, ...rest } = user;
    expect(out).toEqual(rest);
  });

  it('default view passes a resource without hidden attributes through untouched (no copy)', () => {
    const { password: _p, ...clean } = user;
    expect(compileProjection(model).apply(clean)).toBe(clean);
  });

  it.each([
    ['userName', { userName: 'bjensen' }],
    ['USERNAME', { userName: 'bjensen' }],
    ['name.familyName', { name: { familyName: 'Jensen' } }],
    ['emails.type', { emails: [{ type: 'work' }, { type: 'home' }] }],
    ['emails', { emails: user.emails }],
    [`${ENT}:department`, { [ENT]: { department: 'Sales' } }],
    [`${ENT}:manager.value`, { [ENT]: { manager: { value: 'm1' } } }],
    [ENT, { [ENT]: user[ENT] }],
    ['password', {}],
    ['meta.version', { meta: { version: 'W/"1"' } }],
    ['shoeSize', {}],
    ['emails[type eq "work"]', {}],
  ])('attributes=%s', (attributes, expected) => {
    const out = compileProjection(model, attributes).apply(user);
    expect(out).toEqual({ schemas: user.schemas, id: 'u1', ...expected });
  });

  it.each([
    ['emails', ['emails']],
    ['name.givenName,meta', ['meta']],
    [ENT, [ENT]],
    ['id,schemas', []],
  ])('excludedAttributes=%s', (excluded, gone) => {
    const out = compileProjection(model, undefined, excluded).apply(user);
    for (const key of gone) expect(out).not.toHaveProperty(key);
    expect(out['id']).toBe('u1');
    expect(out).not.toHaveProperty('password');
    if (excluded.startsWith('name.givenName')) expect(out['name']).toEqual({ familyName: 'Jensen' });
  });

  it('both parameters: attributes selects, excludedAttributes then removes', () => {
    const out = compileProjection(model, 'userName,name', 'name.givenName').apply(user);
    expect(out).toEqual({ schemas: user.schemas, id: 'u1', userName: 'bjensen', name: { familyName: 'Jensen' } });
  });

  it('includes() tells whether a derived attribute is wanted', () => {
    const groups = groupModel();
    expect(compileProjection(groups).includes('members')).toBe(true);
    expect(compileProjection(groups, undefined, 'members').includes('members')).toBe(false);
    expect(compileProjection(groups, 'displayName').includes('members')).toBe(false);
    expect(compileProjection(groups, 'members.value').includes('members')).toBe(true);
    expect(compileProjection(groups, 'displayName').includes('id')).toBe(true);
    expect(compileProjection(model).includes('password')).toBe(false);
  });

  it('returned:request attributes appear only when asked for', () => {
    const ext: SchemaDef = {
      id: 'urn:example:ext:2.0:User',
      name: 'Ext',
      description: 'x',
      attributes: [{ name: 'secretish', type: 'string', multiValued: false, description: 'x', required: false, caseExact: false, mutability: 'readWrite', returned: 'request', uniqueness: 'none' }],
    };
    const m = userModel([ext]);
    const r = { schemas: [], id: 'u', userName: 'a', [ext.id]: { secretish: 's' } };
    expect(compileProjection(m).apply(r)).not.toHaveProperty(ext.id);
    expect(compileProjection(m, `${ext.id}:secretish`).apply(r)[ext.id]).toEqual({ secretish: 's' });
  });

  it('splitAttributeList trims and drops empty items', () => {
    expect(splitAttributeList(' userName, ,name.givenName,')).toEqual(['userName', 'name.givenName']);
    expect(splitAttributeList(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(splitAttributeList(undefined)).toEqual([]);
  });
});
