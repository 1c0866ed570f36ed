/**
 * PATCH engine rules beyond the reference cases: atomicity, prototype-pollution attempts, request-shape
 * errors, mutability, value types, multi-valued semantics, the change flag, and the normalized form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePatchPath } from '../../src/core/filter/index.js';
import { PATCH_LIMITS, applyPatch, filterEqualityValues, normalizeOperations } from '../../src/core/patch/index.js';
import { attr } from '../../src/core/schema/define.js';
import { USER_SCHEMA, userModel, type SchemaDef } from '../../src/core/schema/index.js';
import { ENT, aGroup, aUser, groups, memberIds, scimErrorOf, users } from './patch-fixtures.js';

const errorOf = (ops: unknown, model = users, start = aUser()) => scimErrorOf(() => applyPatch(start, ops, model));

describe('atomicity', () => {
  it.each([
    ['fails validation', { op: 'replace', path: 'noSuchAttribute', value: 1 }, 'invalidPath'],
    ['fails while applying', { op: 'replace', path: 'emails[type eq "pager"].value', value: 'x' }, 'noTarget'],
    ['removes a required attribute', { op: 'remove', path: 'userName' }, 'mutability'],
  ])('a third operation that %s leaves the resource untouched', (_what, third, scimType) => {
    const user = aUser();
    const snapshot = structuredClone(user);
    const ops = [
      { op: 'replace', path: 'active', value: false },
      { op: 'add', path: 'emails', value: [{ value: 'third@example.com', type: 'other' }] },
      third,
    ];
    const err = scimErrorOf(() => applyPatch(user, ops, users));
    expect(err.scimType).toBe(scimType);
    expect(err.message).toMatch(/^Operations\[2\]/);
    expect(user).toEqual(snapshot);
  });

  it('copies on write: what an operation touched belongs to the result, what none touched is shared (never modified)', () => {
    const user = aUser();
    const ops = [
      { op: 'replace', path: 'name.givenName', value: 'B' },
      { op: 'add', path: 'emails', value: [{ value: 'new@example.com' }] },
      { op: 'replace', path: `${ENT}:department`, value: 'D' },
      { op: 'replace', path: 'addresses[type eq "home"].locality', value: 'L' },
    ];
    const { resource } = applyPatch(user, ops, users);
    (resource.name as Record<string, unknown>).familyName = 'changed later';
    (resource.emails as Record<string, unknown>[])[0]!.value = 'changed later';
    (resource[ENT] as Record<string, unknown>).employeeNumber = 'changed later';
    (resource.addresses as Record<string, unknown>[])[0]!.country = 'changed later';
    expect(user).toEqual(aUser());
    expect(resource.phoneNumbers).toBe(user.phoneNumbers);
    expect(resource.meta).toBe(user.meta);
  });
});

describe('prototype pollution attempts are rejected', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype.toString as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    '__proto__.polluted',
    '__proto__',
    'constructor.prototype.polluted',
    'constructor',
    'toString.polluted',
    'name.__proto__',
    'name.constructor',
    `${ENT}:__proto__`,
    'emails[type eq "work"].__proto__',
    'emails[__proto__ eq "x"].value',
  ])('path %s → 400 invalidPath', (path) => {
    for (const op of ['add', 'replace', 'remove']) {
      const err = errorOf([{ op, path, value: { polluted: 'yes' } }]);
      expect(err.status).toBe(400);
      expect(err.scimType).toBe('invalidPath');
    }
  });

  // JSON.parse makes "__proto__" an own key, exactly as a request body would.
  it.each([
    '{"__proto__.polluted": "yes"}',
    '{"__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    '{"toString.polluted": "yes"}',
    '{"name": {"__proto__": {"polluted": "yes"}}}',
    '{"emails": [{"value": "a@b.c", "__proto__": {"polluted": "yes"}}]}',
    `{"${ENT}": {"__proto__": {"polluted": "yes"}}}`,
    `{"${ENT}": {"manager": {"constructor": {"prototype": {"x": 1}}}}}`,
  ])('path-less value %s → 400 invalidPath', (json) => {
    const err = errorOf([{ op: 'add', value: JSON.parse(json) }]);
    expect(err.status).toBe(400);
    expect(err.scimType).toBe('invalidPath');
  });

  it('a value with a __proto__ key under a valid path is rejected too', () => {
    const err = errorOf([{ op: 'add', path: 'name', value: JSON.parse('{"__proto__": {"polluted": "yes"}}') }]);
    expect(err.scimType).toBe('invalidPath');
  });
});

describe('request shape', () => {
  it.each([
    ['not an array', { op: 'add' }, 'invalidSyntax'],
    ['null', null, 'invalidSyntax'],
    ['empty', [], 'invalidSyntax'],
    ['an operation that is not an object', ['add'], 'invalidSyntax'],
    ['op missing', [{ path: 'active', value: true }], 'invalidSyntax'],
    ['op not a string', [{ op: 1, path: 'active', value: true }], 'invalidSyntax'],
    ['path not a string', [{ op: 'add', path: ['active'], value: true }], 'invalidSyntax'],
    ['add without value', [{ op: 'add', path: 'active' }], 'invalidValue'],
    ['replace without value', [{ op: 'replace', path: 'active' }], 'invalidValue'],
    ['path-less add with a non-object value', [{ op: 'add', value: [{ active: true }] }], 'invalidValue'],
    ['malformed path', [{ op: 'add', path: 'emails[type eq', value: 'x' }], 'invalidPath'],
    ['empty path', [{ op: 'add', path: '', value: 'x' }], 'invalidPath'],
    ['unknown attribute', [{ op: 'replace', path: 'shoeSize', value: 44 }], 'invalidPath'],
    ['unknown sub-attribute', [{ op: 'replace', path: 'name.nickname', value: 'x' }], 'invalidPath'],
    ['unknown path-less key', [{ op: 'replace', value: { active: false, shoeSize: 44 } }], 'invalidPath'],
    ['a filter on a single-valued attribute', [{ op: 'replace', path: 'name[givenName eq "x"].familyName', value: 'y' }], 'invalidPath'],
    ['a filter naming an unknown sub-attribute', [{ op: 'remove', path: 'emails[kind eq "x"]' }], 'invalidPath'],
    ['a filter inside a path-less key', [{ op: 'replace', value: { 'emails[type eq "work"].value': 'x' } }], 'invalidPath'],
  ])('%s → 400 %s', (_what, ops, scimType) => {
    const err = errorOf(ops);
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message.length).toBeGreaterThan(10);
  });

  it('never echoes a password into an error detail, and cuts long client text short', () => {
    const err = errorOf([{ op: 'replace', path: 'password', value: 123456789 }]);
    expect(err.scimType).toBe('invalidValue');
    expect(err.message).not.toContain('123456789');
    const long = `x${'y'.repeat(5000)}`;
    expect(errorOf([{ op: 'replace', path: long, value: 1 }]).message.length).toBeLessThan(300);
  });

  it('accepts a path qualified with the core schema URN', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'replace', path: `${USER_SCHEMA}:name.givenName`, value: 'Barb' }], users);
    expect((resource.name as Record<string, unknown>).givenName).toBe('Barb');
  });

  it('bounds the number of operations in one request', () => {
    const op = { op: 'remove', path: 'members[value eq "m1"]' };
    const err = errorOf(Array.from({ length: PATCH_LIMITS.maxOperations + 1 }, () => op), groups, aGroup());
    expect(err.scimType).toBe('invalidSyntax');
    expect(err.message).toMatch(/at most 2000 operations/);
  });

  it('says which operation failed', () => {
    const err = errorOf([{ op: 'add', path: 'nickName', value: 'ok' }, { op: 'add', path: 'nickName', value: 5 }]);
    expect(err.message).toMatch(/^Operations\[1\]: "nickName" must be a string/);
  });

  it('accepts structural member names in any case', () => {
    const { resource } = applyPatch(aUser(), [{ OP: 'Replace', Path: 'active', Value: false }], users);
    expect(resource.active).toBe(false);
  });
});

describe('mutability', () => {
  it.each([
    ['id', 'x'],
    ['meta.version', 'W/"9"'],
    ['meta', { version: 'W/"9"' }],
    ['groups', [{ value: 'g1' }]],
    [`${ENT}:manager.displayName`, 'Boss'],
  ])('an explicit path to read-only %s → 400 mutability', (path, value) => {
    for (const op of ['add', 'replace', 'remove']) expect(errorOf([{ op, path, value }]).scimType).toBe('mutability');
  });

  it('read-only attributes inside a path-less value are ignored', () => {
    const value = { id: 'other', meta: { version: 'W/"9"' }, groups: [{ value: 'g' }], nickName: 'B', [`${ENT}:manager`]: { value: 'x', displayName: 'Ignored' } };
    const user = aUser();
    const { resource } = applyPatch(user, [{ op: 'replace', value }], users);
    expect(resource).toMatchObject({ id: user.id, meta: user.meta, nickName: 'B' });
    expect(resource.groups).toBeUndefined();
    expect((resource[ENT] as Record<string, unknown>).manager).toEqual({ value: 'x', displayName: 'John Smith' });
  });

  it.each([
    ['remove userName', [{ op: 'remove', path: 'userName' }], users, aUser],
    ['replace userName with null', [{ op: 'replace', path: 'userName', value: null }], users, aUser],
    ['path-less userName null', [{ op: 'replace', value: { userName: null } }], users, aUser],
    ['remove a group displayName', [{ op: 'remove', path: 'displayName' }], groups, () => aGroup()],
  ])('%s: a required attribute → 400 mutability (RFC 7644 §3.5.2.2)', (_what, ops, model, start) => {
    expect(errorOf(ops, model, start()).scimType).toBe('mutability');
  });

  it('immutable member sub-attributes cannot be changed, but members can be added and removed', () => {
    const change = [{ op: 'replace', path: 'members[value eq "m1"].display', value: 'new' }];
    expect(errorOf(change, groups, aGroup()).scimType).toBe('mutability');
    // Re-adding an existing member with another display keeps the stored (immutable) display.
    const readd = applyPatch(aGroup(), [{ op: 'add', path: 'members', value: [{ value: 'm1', display: 'other' }] }], groups);
    expect(readd.changed).toBe(false);
  });
});

describe('value types', () => {
  const custom: SchemaDef = {
    id: 'urn:example:params:scim:schemas:extension:test:2.0:User',
    name: 'Test',
    description: 'typed attributes',
    attributes: [
      attr('shoeSize', 'integer', 'integer'),
      attr('height', 'decimal', 'decimal'),
      attr('hiredAt', 'dateTime', 'dateTime'),
      attr('badge', 'binary', 'binary'),
      attr('code', 'string', 'immutable', { mutability: 'immutable' }),
    ],
  };
  const model = userModel([custom]);
  const at = (name: string) => `${custom.id}:${name}`;

  it.each([
    ['userName', 42],
    ['active', 1],
    ['name', 'Barbara Jensen'],
    ['name.givenName', ['Barbara']],
    ['title', ['a', 'b']],
    ['emails', [{ value: 7 }]],
    ['emails[type eq "work"].primary', 'yes'],
    [at('shoeSize'), 44.5],
    [at('shoeSize'), '44'],
    [at('height'), '1.8'],
    [at('hiredAt'), 'yesterday'],
    [at('hiredAt'), '2026-13-45T99:00:00Z'],
    [at('badge'), 'not base64!'],
  ])('%s = %j → 400 invalidValue', (path, value) => {
    expect(errorOf([{ op: 'replace', path, value }], model).scimType).toBe('invalidValue');
  });

  it('accepts well-typed values and lists the extension in schemas', () => {
    const ops = [
      { op: 'add', path: at('shoeSize'), value: 44 },
      { op: 'add', path: at('height'), value: 1.82 },
      { op: 'add', path: at('hiredAt'), value: '2026-01-02T03:04:05.5+01:00' },
      { op: 'add', path: at('badge'), value: 'aGVsbG8=' },
      { op: 'add', path: at('code'), value: 'A1' },
    ];
    const { resource } = applyPatch(aUser(), ops, model);
    expect(resource[custom.id]).toEqual({ shoeSize: 44, height: 1.82, hiredAt: '2026-01-02T03:04:05.5+01:00', badge: 'aGVsbG8=', code: 'A1' });
    expect(resource.schemas).toContain(custom.id);
    // immutable: set once, then only the same value
    expect(applyPatch(resource, [{ op: 'replace', path: at('code'), value: 'A1' }], model).changed).toBe(false);
    expect(scimErrorOf(() => applyPatch(resource, [{ op: 'replace', path: at('code'), value: 'B2' }], model)).scimType).toBe('mutability');
  });

  it('a bare string for a multi-valued complex attribute becomes {value}', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'add', path: 'emails', value: 'solo@example.com' }], users);
    expect((resource.emails as unknown[])[2]).toEqual({ value: 'solo@example.com' });
  });
});

describe('multi-valued attributes', () => {
  const emailsOf = (r: Record<string, unknown>) => r.emails as Record<string, unknown>[];

  it('adding an email already present (any case, same type) does not duplicate it', () => {
    const { resource, changed } = applyPatch(aUser(), [{ op: 'add', path: 'emails', value: [{ value: 'BJensen@Example.com', type: 'work' }] }], users);
    expect(emailsOf(resource)).toHaveLength(2);
    expect(changed).toBe(false);
  });

  it('adding the same address with another type is a new value', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'add', path: 'emails', value: [{ value: 'bjensen@example.com', type: 'other' }] }], users);
    expect(emailsOf(resource)).toHaveLength(3);
  });

  it('re-adding an existing email with primary:true makes it the only primary', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home', primary: true }] }], users);
    expect(emailsOf(resource).map((e) => e.primary)).toEqual([false, true]);
  });

  it.each([
    ['add', 'emails', [{ value: 'a@x.y', primary: true }, { value: 'b@x.y', primary: true }]],
    ['replace', 'emails', [{ value: 'a@x.y', primary: true }, { value: 'b@x.y', primary: true }]],
    ['replace', 'emails.primary', true],
  ])('%s %s making two values primary → 400 invalidValue', (op, path, value) => {
    expect(errorOf([{ op, path, value }]).scimType).toBe('invalidValue');
  });

  it('a value filter may select by primary and set a sub-attribute on every match', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'replace', path: 'emails[primary eq true].display', value: 'Work' }], users);
    expect(emailsOf(resource)[0]).toEqual({ value: 'bjensen@example.com', type: 'work', primary: true, display: 'Work' });
    expect(emailsOf(resource)[1]).not.toHaveProperty('display');
  });

  it('a path with a sub-attribute and no filter applies to every element', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'replace', path: 'emails.type', value: 'other' }], users);
    expect(emailsOf(resource).map((e) => e.type)).toEqual(['other', 'other']);
  });

  it('replace through a filter replaces the matched element as a whole', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'new@home.example', type: 'home' } }], users);
    expect(emailsOf(resource)[1]).toEqual({ value: 'new@home.example', type: 'home' });
  });

  it('remove through a filter with a sub-attribute removes only that sub-attribute', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'remove', path: 'emails[type eq "work"].primary' }], users);
    expect(emailsOf(resource)[0]).toEqual({ value: 'bjensen@example.com', type: 'work' });
  });

  it('removing the last matching element unassigns the attribute', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'remove', path: 'phoneNumbers[type eq "work"]' }], users);
    expect(resource).not.toHaveProperty('phoneNumbers');
  });

  it('remove with a filter matching nothing: 400 noTarget by default, a no-op with removeNoMatch "ignore"', () => {
    const ops = [{ op: 'remove', path: 'members[value eq "nobody"]' }];
    expect(errorOf(ops, groups, aGroup()).scimType).toBe('noTarget');
    const lenient = applyPatch(aGroup(), ops, groups, { removeNoMatch: 'ignore' });
    expect(lenient.changed).toBe(false);
    expect(memberIds(lenient.resource)).toEqual(['m1', 'm2', 'm3']);
  });

  it('an add through a filter that does not describe one element (no eq terms) → 400 noTarget', () => {
    expect(errorOf([{ op: 'add', path: 'emails[value co "zzz"].type', value: 'work' }]).scimType).toBe('noTarget');
  });

  it('adding and removing many members of a large group stays linear (generous bound)', () => {
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `u${from + i}`);
    const group = aGroup(ids(0, 20_000));
    const started = Date.now();
    const added = applyPatch(group, [{ op: 'add', path: 'members', value: ids(10_000, 30_000).map((value) => ({ value })) }], groups);
    const removed = applyPatch(added.resource, [{ op: 'Remove', path: 'members', value: ids(0, 20_000).map((value) => ({ value })) }], groups);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(memberIds(added.resource)).toHaveLength(30_000);
    expect(memberIds(removed.resource)).toEqual(ids(20_000, 30_000));
  });

  it('filters compare case-insensitively where the schema says caseExact false', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'remove', path: 'emails[TYPE eq "HOME"]' }], users);
    expect(emailsOf(resource)).toHaveLength(1);
  });
});

describe('extensions and the change flag', () => {
  it('remove of the whole extension by its URN drops it and its schemas entry', () => {
    const { resource } = applyPatch(aUser(), [{ op: 'remove', path: ENT }], users);
    expect(resource).not.toHaveProperty(ENT);
    expect(resource.schemas).toEqual([USER_SCHEMA]);
  });

  it('removing the last extension attribute drops the empty extension object', () => {
    const start = { ...aUser(), [ENT]: { department: 'x' } };
    const { resource } = applyPatch(start, [{ op: 'remove', path: `${ENT}:department` }], users);
    expect(resource).not.toHaveProperty(ENT);
    expect(resource.schemas).toEqual([USER_SCHEMA]);
  });

  it.each([
    ['the same boolean', [{ op: 'replace', path: 'active', value: true }]],
    ['the same boolean as a string', [{ op: 'replace', path: 'active', value: 'True' }]],
    ['only read-only attributes', [{ op: 'replace', value: { id: 'x', meta: {} } }]],
    ['an absent attribute removed', [{ op: 'remove', path: 'nickName' }]],
    ['the same name parts', [{ op: 'add', path: 'name', value: { givenName: 'Barbara' } }]],
  ])('%s reports changed:false', (_what, ops) => {
    expect(applyPatch(aUser(), ops, users).changed).toBe(false);
  });
});

describe('normalizeOperations (for a server that keeps members in an index)', () => {
  it('lowercases ops, resolves canonical names, expands path-less values and drops read-only keys', () => {
    const ops = normalizeOperations(
      [
        { op: 'Replace', value: { id: 'g', DisplayName: 'New', members: [{ value: 'u1' }] } },
        { op: 'Remove', path: 'MEMBERS[value eq "u2" or value eq "u3"]' },
      ],
      groups,
    );
    expect(ops.map((o) => [o.op, o.index, o.target.kind === 'attribute' ? o.target.def.name : '', o.value])).toEqual([
      ['replace', 0, 'displayName', 'New'],
      ['replace', 0, 'members', [{ value: 'u1' }]],
      ['remove', 1, 'members', undefined],
    ]);
    const removal = ops[2]!.target;
    expect(removal.kind === 'attribute' && removal.filter && filterEqualityValues(removal.filter)).toEqual(['u2', 'u3']);
  });

  it('filterEqualityValues gives up on filters that are not value-equality terms', () => {
    for (const text of ['members[value co "u"]', 'members[value eq "a" and type eq "User"]', 'members[display eq "a"]']) {
      const { filter } = parsePatchPath(text);
      expect(filterEqualityValues(filter!)).toBeUndefined();
    }
  });

  it('the element predicate of a filtered target tests elements directly', () => {
    const [op] = normalizeOperations([{ op: 'remove', path: 'members[value eq "M1"]' }], groups);
    const target = op!.target;
    if (target.kind !== 'attribute' || !target.matches) throw new Error('expected a filtered attribute target');
    expect(target.matches({ value: 'm1' })).toBe(true);
    expect(target.matches({ value: 'm2' })).toBe(false);
  });

  it('applyPatch and normalizeOperations reject the same bad input identically', () => {
    const bad = [{ op: 'add', path: 'members[value eq', value: [] }];
    expect(scimErrorOf(() => normalizeOperations(bad, groups)).message).toBe(errorOf(bad, groups, aGroup()).message);
  });
});
