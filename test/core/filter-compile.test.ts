import { describe, expect, it } from 'vitest';
import { compileFilter, compileSelector, compileValueFilter, findEqualityTerm, parseFilter, parsePatchPath, selectValues } from '../../src/core/filter/index.js';
import { ENTERPRISE_USER_SCHEMA, groupModel, userModel, type ScimResource } from '../../src/core/schema/index.js';

const users: ScimResource[] = [
  {
    id: 'u1',
    externalId: 'EXT-1',
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: "O'Malley" },
    title: 'Tour Guide',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    meta: { created: '2011-05-13T04:42:34Z', lastModified: '2011-05-13T04:42:34Z' },
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', manager: { value: 'u2' } },
  },
  {
    id: 'u2',
    userName: 'JSmith',
    title: '',
    active: false,
    emails: [{ value: 'js@corp.example', type: 'home' }],
    meta: { created: '2012-01-01T00:00:00+02:00', lastModified: '2013-01-01T00:00:00.000Z' },
  },
  {
    id: 'u3',
    userName: 'zed',
    nickName: 'Zed',
    emails: [],
    phoneNumbers: [{ value: '+1 555', type: 'mobile' }],
    meta: { created: '2015-06-01T12:00:00Z', lastModified: '2015-06-01T12:00:00Z' },
  },
];

const model = userModel();
const matching = (filter: string): string[] => {
  const predicate = compileFilter(parseFilter(filter), model);
  return users.filter(predicate).map((u) => u.id as string);
};
/** Asserts that compiling `filter` fails with 400 invalidFilter mentioning `mention`. */
const rejects = (filter: string, mention: string, resources = model): void => {
  const failure = expect.objectContaining({ status: 400, scimType: 'invalidFilter', message: expect.stringContaining(mention) });
  expect(() => compileFilter(parseFilter(filter), resources)).toThrow(failure as Error);
};

describe('compileFilter semantics', () => {
  it.each([
    ['userName is not caseExact', 'userName eq "BJENSEN@example.com"', ['u1']],
    ['attribute names and operators in any case', 'USERNAME EQ "jsmith"', ['u2']],
    ['id is caseExact', 'id eq "U1"', []],
    ['id exact match', 'id eq "u1"', ['u1']],
    ['externalId is caseExact', 'externalId eq "ext-1"', []],
    ['co', 'userName co "SMI"', ['u2']],
    ['sw', 'userName sw "bj"', ['u1']],
    ['ew', 'userName ew "ED"', ['u3']],
    ['gt on strings is lexicographic, case-folded', 'userName gt "k"', ['u3']],
    ['le on strings', 'userName le "jsmith"', ['u1', 'u2']],
    ['sub-attribute', `name.familyName co "o'mal"`, ['u1']],
    ['multi-valued: any element', 'emails.value ew "example"', ['u2']],
    ['complex without sub-attribute compares value', 'emails co "jensen.org"', ['u1']],
    ['dateTime gt compares instants', 'meta.created gt "2011-12-31T21:59:59Z"', ['u2', 'u3']],
    ['dateTime with an offset is earlier than its text suggests', 'meta.created gt "2011-12-31T23:00:00Z"', ['u3']],
    ['dateTime with an offset compares as an instant', 'meta.created lt "2011-12-31T22:00:01Z"', ['u1', 'u2']],
    ['dateTime eq across notations', 'meta.lastModified eq "2013-01-01T00:00:00Z"', ['u2']],
    ['dateTime sw compares text', 'meta.created sw "2015"', ['u3']],
    ['boolean eq', 'active eq true', ['u1']],
    ['Entra quoted boolean', 'active eq "False"', ['u2']],
    ['boolean ne includes absent', 'active ne true', ['u2', 'u3']],
    ['pr ignores empty strings', 'title pr', ['u1']],
    ['pr ignores empty arrays', 'emails pr', ['u1', 'u2']],
    ['eq null matches absent and empty', 'title eq null', ['u2', 'u3']],
    ['ne null is pr', 'title ne null', ['u1']],
    ['ne includes absent', 'title ne "tour guide"', ['u2', 'u3']],
    ['not includes absent', 'not (title eq "Tour Guide")', ['u2', 'u3']],
    ['multi-valued ne means no element equals', 'emails.type ne "work"', ['u2', 'u3']],
    ['value filter correlates one element', 'emails[type eq "work" and value co "jensen.org"]', []],
    ['value filter with one element matching both', 'emails[type eq "home" and value co "jensen.org"]', ['u1']],
    ['uncorrelated sub-attribute conditions', 'emails.type eq "work" and emails.value co "jensen.org"', ['u1']],
    ['Entra form', 'emails[type eq "home"].value eq "JS@corp.example"', ['u2']],
    ['value filter with not', 'emails[not (type eq "home")]', ['u1']],
    ['value filter on a single complex attribute', 'name[givenName sw "bar"]', ['u1']],
    ['enterprise extension by URN', `${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "7"`, ['u1']],
    ['enterprise attribute without URN', 'employeeNumber eq "7"', ['u1']],
    ['enterprise manager.value', `${ENTERPRISE_USER_SCHEMA}:manager.value eq "u2"`, ['u1']],
    ['manager compared as a whole uses value', 'manager eq "u2"', ['u1']],
    ['whole extension pr', `${ENTERPRISE_USER_SCHEMA} pr`, ['u1']],
    ['core URN prefix', 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "z"', ['u3']],
    ['or / and / not together', 'userName sw "z" or (active eq false and not (emails pr))', ['u3']],
    ['De Morgan: not (a or b)', 'userName sw "b" and not (userName ew "z" or title co "guide")', []],
    ['phone numbers', 'phoneNumbers[type eq "mobile" and value sw "+1"]', ['u3']],
    ['common attribute meta.resourceType absent', 'meta.resourceType pr', []],
  ])('%s: %s', (_what, filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it('matches groups by members', () => {
    const group = { id: 'g1', displayName: 'Admins', members: [{ value: 'u1' }, { value: 'u2', $ref: 'x' }] };
    const predicate = (f: string) => compileFilter(parseFilter(f), groupModel())(group);
    expect(predicate('members[value eq "u2"]')).toBe(true);
    expect(predicate('members.value eq "u3"')).toBe(false);
    expect(predicate('members[$ref eq "x"]')).toBe(true);
    expect(predicate('displayName eq "admins"')).toBe(true);
  });

  it('compares numbers numerically on integer attributes of custom extensions', () => {
    const ext = {
      id: 'urn:example:ext:Stats',
      name: 'Stats',
      description: 'test',
      attributes: [
        { name: 'age', type: 'integer' as const, multiValued: false, description: '', required: false, caseExact: false, mutability: 'readWrite' as const, returned: 'default' as const, uniqueness: 'none' as const },
      ],
    };
    const custom = userModel([ext]);
    const people = [{ id: 'a', 'urn:example:ext:Stats': { age: 9 } }, { id: 'b', 'urn:example:ext:Stats': { age: 10.5 } }, { id: 'c' }];
    const ids = (f: string) => people.filter(compileFilter(parseFilter(f), custom)).map((p) => p.id);
    expect(ids('age ge 10.5')).toEqual(['b']);
    expect(ids('age lt 10')).toEqual(['a']);
    expect(ids('urn:example:ext:Stats:age ne 9')).toEqual(['b', 'c']);
    rejects('age co 1', 'is a number', custom);
    rejects('age eq "9"', 'unquoted number', custom);
  });
});

describe('compileFilter errors', () => {
  it.each([
    ['unknown attribute', 'nope eq "x"', 'unknown attribute "nope"'],
    ['unknown sub-attribute', 'name.nope eq "x"', 'unknown attribute "name.nope"'],
    ['unknown URN', 'urn:example:nope:userName eq "x"', 'unknown attribute'],
    ['prototype name constructor', 'constructor eq "x"', 'unknown attribute "constructor"'],
    ['prototype name toString', 'toString pr', 'unknown attribute'],
    ['prototype name inside a value filter', 'emails[constructor eq "x"]', 'no sub-attribute "constructor"'],
    ['hasOwnProperty sub-attribute', 'name.hasOwnProperty pr', 'unknown attribute'],
    ['unknown sub inside a value filter', 'emails[nope eq "x"]', 'no sub-attribute "nope"'],
    ['dotted name inside a value filter', 'emails[value.x eq "x"]', 'sub-attribute of emails directly'],
    ['value filter on a simple attribute', 'userName[value eq "x"]', 'not a complex attribute'],
    ['complex attribute compared without value', 'name eq "x"', 'is complex'],
    ['string compared with a number', 'userName eq 5', 'double-quoted string'],
    ['boolean with gt', 'active gt true', 'only eq and ne'],
    ['boolean with a non-boolean string', 'active eq "yes"', 'compare it with true or false'],
    ['bad dateTime', 'meta.created gt "yesterday"', 'not a valid dateTime'],
    ['gt null', 'title gt null', 'cannot compare with null'],
    ['whole extension compared', `${ENTERPRISE_USER_SCHEMA} eq "x"`, 'is complex'],
    ['never-returned password (no guessing oracle)', 'password sw "a"', 'never returned'],
    ['never-returned password, any case', 'PASSWORD pr', 'never returned'],
  ])('%s', (_what, filter, mention) => {
    rejects(filter, mention);
  });

  it('keeps error details short even for a huge unknown name', () => {
    const name = `a${'b'.repeat(3000)}`;
    const failure = expect.objectContaining({ message: expect.stringMatching(/^.{1,160}$/s) });
    expect(() => compileFilter(parseFilter(`${name} eq "x"`), model)).toThrow(failure as Error);
  });

  it('never reads through the prototype chain', () => {
    const predicate = compileFilter(parseFilter('title pr or nickName pr'), model);
    const sneaky = Object.create({ title: 'inherited', nickName: 'inherited' }) as ScimResource;
    expect(predicate(sneaky)).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('tolerates stored values of the wrong shape', () => {
    const predicate = compileFilter(parseFilter('emails.value eq "x" or name.givenName eq "x" or active eq true'), model);
    expect(predicate({ emails: 'x', name: ['x'], active: 'true' })).toBe(false);
    expect(predicate({ emails: [null, 5, { value: 'X' }] })).toBe(true);
  });
});

describe('selectValues and compileSelector', () => {
  it('yields values in stored order, flattening multi-valued attributes', () => {
    const u1 = users[0]!;
    expect(selectValues(u1, { attr: 'userName' }, model)).toEqual(['bjensen@example.com']);
    expect(selectValues(u1, { attr: 'emails', sub: 'type' }, model)).toEqual(['work', 'home']);
    expect(selectValues(u1, { attr: 'emails' }, model)).toEqual(['bjensen@example.com', 'babs@jensen.org']);
    expect(selectValues(u1, { attr: 'meta', sub: 'created' }, model)).toEqual(['2011-05-13T04:42:34Z']);
    expect(selectValues(users[2]!, { attr: 'title' }, model)).toEqual([]);
    expect(compileSelector({ uri: ENTERPRISE_USER_SCHEMA, attr: 'employeeNumber' }, model)(u1)).toEqual(['7']);
  });

  it('rejects unknown and never-returned attributes with invalidPath', () => {
    expect(() => selectValues(users[0]!, { attr: '__proto__' }, model)).toThrow(expect.objectContaining({ scimType: 'invalidPath' }) as Error);
    expect(() => compileSelector({ attr: 'password' }, model)).toThrow(expect.objectContaining({ scimType: 'invalidPath' }) as Error);
  });
});

describe('compileValueFilter', () => {
  it('tests one element of a multi-valued attribute with the attribute\'s rules', () => {
    const { path, filter } = parsePatchPath('emails[type eq "WORK" and value ew "@example.com"]');
    const matches = compileValueFilter(path, filter!, model);
    expect(matches({ type: 'work', value: 'a@EXAMPLE.com' })).toBe(true);
    expect(matches({ type: 'home', value: 'a@example.com' })).toBe(false);
    expect(matches('not an object')).toBe(false);
  });

  it('works on group members and rejects what compileFilter rejects', () => {
    const members = parsePatchPath('members[value eq "u1"]');
    expect(compileValueFilter(members.path, members.filter!, groupModel())({ value: 'u1' })).toBe(true);
    const failure = expect.objectContaining({ scimType: 'invalidFilter' });
    expect(() => compileValueFilter({ attr: 'userName' }, members.filter!, model)).toThrow(failure as Error);
    expect(() => compileValueFilter({ attr: 'emails' }, parseFilter('nope eq "x"'), model)).toThrow(failure as Error);
  });
});

describe('findEqualityTerm', () => {
  it.each([
    ['userName eq "Bob"', { attr: 'userName', value: 'Bob' }],
    ['USERNAME eq "Bob"', { attr: 'userName', value: 'Bob' }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Bob"', { attr: 'userName', value: 'Bob' }],
    ['active eq true and externalId eq "E"', { attr: 'externalId', value: 'E' }],
    ['(title pr and (id eq "i1"))', { attr: 'id', value: 'i1' }],
    ['displayName eq "Admins"', { attr: 'displayName', value: 'Admins' }],
    ['userName eq "a" or userName eq "b"', undefined],
    ['not (userName eq "a")', undefined],
    ['userName ne "a"', undefined],
    ['userName sw "a"', undefined],
    ['userName eq null', undefined],
    ['urn:example:ext:User:userName eq "a"', undefined],
    ['emails[value eq "a"]', undefined],
  ])('%s', (filter, term) => {
    expect(findEqualityTerm(parseFilter(filter))).toEqual(term);
  });

  it('finds value-filter terms when asked for them', () => {
    const indexed = ['members.value'];
    expect(findEqualityTerm(parseFilter('members[value eq "u1"]'), indexed)).toEqual({ attr: 'members.value', value: 'u1' });
    expect(findEqualityTerm(parseFilter('members.value eq "u1" and displayName pr'), indexed)).toEqual({ attr: 'members.value', value: 'u1' });
    expect(findEqualityTerm(parseFilter('members[value eq "u1" or value eq "u2"]'), indexed)).toBeUndefined();
  });
});
