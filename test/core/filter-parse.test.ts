import { describe, expect, it } from 'vitest';
import { FILTER_LIMITS, parseAttrPath, parseFilter, parsePatchPath, stringifyFilter } from '../../src/core/filter/index.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../../src/core/filter/index.js';
import { ScimError } from '../../src/core/scim-error.js';
import { thrownBy } from '../helpers/thrown.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

// Small AST builders so each expected meaning reads like the filter it stands for.
const p = (dotted: string, uri?: string): AttrPath => {
  const [attr, sub] = dotted.split('.') as [string, string | undefined];
  return { ...(uri ? { uri } : {}), attr, ...(sub ? { sub } : {}) };
};
const cmp = (path: string | AttrPath, op: CompareOp, value: FilterValue): Filter => ({
  kind: 'compare',
  path: typeof path === 'string' ? p(path) : path,
  op,
  value,
});
const pr = (path: string): Filter => ({ kind: 'present', path: p(path) });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (path: string, filter: Filter): Filter => ({ kind: 'valuePath', path: p(path), filter });

const parseError = (text: string): ScimError => thrownBy(() => parseFilter(text), ScimError);

describe('parseFilter: the 26 valid reference cases mean what they say', () => {
  const cases: [id: string, text: string, meaning: Filter][] = [
    ['F01', 'userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    ['F02', `name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
    [
      'F03',
      'emails[type eq "work" and value co "@example.com"]',
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
    ],
    ['F04', 'emails[type eq "work"].value eq "a@b.c"', vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a@b.c')))],
    ['F05', 'not (active eq false)', not(cmp('active', 'eq', false))],
    ['F06', 'meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
    ['F07', 'title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['F08', 'userName eq "a\\"b"', cmp('userName', 'eq', 'a"b')],
    ['F09', `${ENT}:employeeNumber eq "7"`, cmp(p('employeeNumber', ENT), 'eq', '7')],
    ['F10', 'userName EQ "x"', cmp('userName', 'eq', 'x')],
    ['F11', 'members[value eq "123"]', vp('members', cmp('value', 'eq', '123'))],
    [
      'F12',
      'title pr or userType eq "a" and active eq true',
      or(pr('title'), and(cmp('userType', 'eq', 'a'), cmp('active', 'eq', true))),
    ],
    ['F13', 'title pr AND userType eq "a"', and(pr('title'), cmp('userType', 'eq', 'a'))],
    ['F14', 'NOT (active eq false)', not(cmp('active', 'eq', false))],
    ['F15', 'displayName eq "Group (A) and B or not"', cmp('displayName', 'eq', 'Group (A) and B or not')],
    ['F16', 'userName eq "a\\\\b"', cmp('userName', 'eq', 'a\\b')],
    ['F17', 'userName eq "\\u00e9t\\u00e9"', cmp('userName', 'eq', 'été')],
    ['F18', `${CORE}:userName sw "J"`, cmp(p('userName', CORE), 'sw', 'J')],
    ['F19', '(userName eq "a")', cmp('userName', 'eq', 'a')],
    [
      'F20',
      'emails[value co "a" or value co "b"] and active eq true',
      and(vp('emails', or(cmp('value', 'co', 'a'), cmp('value', 'co', 'b'))), cmp('active', 'eq', true)),
    ],
    ['F21', 'externalId eq null', cmp('externalId', 'eq', null)],
    ['F22', 'age ge 10.5', cmp('age', 'ge', 10.5)],
    ['F23', 'userName eq "日本語"', cmp('userName', 'eq', '日本語')],
    [
      'F24',
      'emails[type eq "work"] or phoneNumbers[type eq "mobile" and value sw "+1"]',
      or(vp('emails', cmp('type', 'eq', 'work')), vp('phoneNumbers', and(cmp('type', 'eq', 'mobile'), cmp('value', 'sw', '+1')))),
    ],
    ['F25', `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, cmp(p('manager.value', ENT), 'eq', '26118915-6090-4610-87e4-49d8ca9f808d')],
    ['F26', 'active eq "False"', cmp('active', 'eq', 'False')],
  ];
  it.each(cases)('%s %s', (_id, text, meaning) => {
    expect(parseFilter(text)).toEqual(meaning);
    // Canonical text means the same thing.
    expect(parseFilter(stringifyFilter(meaning))).toEqual(meaning);
  });
});

describe('parseFilter: further grammar', () => {
  it.each([
    ['a or b or c is left-associative', 'title pr or nickName pr or locale pr', or(or(pr('title'), pr('nickName')), pr('locale'))],
    ['and binds tighter than or on both sides', 'title pr and nickName pr or locale pr and timezone pr', or(and(pr('title'), pr('nickName')), and(pr('locale'), pr('timezone')))],
    ['parentheses override precedence', 'title pr and (nickName pr or locale pr)', and(pr('title'), or(pr('nickName'), pr('locale')))],
    ['double parentheses', '((userName eq "a"))', cmp('userName', 'eq', 'a')],
    ['nested groups', '(title eq 1 or (nickName eq 2 and locale eq 3))', or(cmp('title', 'eq', 1), and(cmp('nickName', 'eq', 2), cmp('locale', 'eq', 3)))],
    ['not(...) without a space', 'not(title pr)', not(pr('title'))],
    ['not inside a value filter', 'emails[not (type eq "work")]', vp('emails', not(cmp('type', 'eq', 'work')))],
    ['parenthesis inside a string', '(displayName eq ")")', cmp('displayName', 'eq', ')')],
    ['bracket inside a string', 'emails[value eq "]"]', vp('emails', cmp('value', 'eq', ']'))],
    ['$ref sub-attribute', 'members[$ref eq "x"]', vp('members', cmp('$ref', 'eq', 'x'))],
    ['$ref as a dotted sub-attribute', 'members.$ref pr', pr('members.$ref')],
    ['keywords and literals in any case', 'active Eq TRUE Or title PR', or(cmp('active', 'eq', true), pr('title'))],
    ['Entra form with pr', 'emails[type eq "work"].value pr', vp('emails', and(cmp('type', 'eq', 'work'), pr('value')))],
    ['negative and exponent numbers', 'x gt -1.5e3', cmp('x', 'gt', -1500)],
    ['-0 is normalized to 0', 'x eq -0', cmp('x', 'eq', 0)],
    ['tabs and newlines are whitespace', 'title\tpr\nand\r\nnickName pr', and(pr('title'), pr('nickName'))],
    ['names keep their written case', 'NAME.GivenName eq "x"', cmp('NAME.GivenName', 'eq', 'x')],
  ])('%s', (_what, text, meaning) => {
    expect(parseFilter(text)).toEqual(meaning);
  });

  it('splits URN-prefixed names on the last colon and keeps the sub-attribute', () => {
    expect(parseFilter(`${CORE}:name.givenName eq "B"`)).toEqual(cmp({ uri: CORE, attr: 'name', sub: 'givenName' }, 'eq', 'B'));
  });

  it('rejects __proto__ as a name (ATTRNAME starts with a letter); constructor parses, for the compiler to reject', () => {
    expect(parseError('__proto__ eq "x"').scimType).toBe('invalidFilter');
    expect(parseError('name.__proto__ eq "x"').scimType).toBe('invalidFilter');
    expect(parseFilter('constructor eq "x"')).toEqual(cmp('constructor', 'eq', 'x'));
  });
});

describe('parseFilter: the 16 malformed reference cases are rejected with invalidFilter', () => {
  const malformed: [id: string, text: string, detailMentions: string][] = [
    ['M01', 'userName eq', 'missing value'],
    ['M02', 'userName eq "bjensen', 'unterminated string'],
    ['M03', 'userName xx "a"', 'unknown operator'],
    ['M04', '(userName eq "a"', "missing ')'"],
    ['M05', 'userName eq "a")', 'unexpected ")"'],
    ['M06', 'emails[type eq "work"', "missing ']'"],
    ['M07', 'userName', 'expected an operator'],
    ['M08', 'and', "unexpected 'and'"],
    ['M09', '', 'empty'],
    ['M10', 'userName eq "a" and', 'unexpected end'],
    ['M11', "userName eq 'bjensen'", 'double-quoted'],
    ['M12', 'userName eq "a" garbage', 'unexpected "garbage"'],
    ['M13', 'userName pr "x"', 'takes no value'],
    ['M14', 'userName eq "a" title eq "b"', 'unexpected "title"'],
    ['M15', '"a" eq userName', 'attribute comes first'],
    ['M16', 'user Name eq "a"', 'unknown operator "Name"'],
  ];
  it.each(malformed)('%s %s', (_id, text, mention) => {
    const error = parseError(text);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(mention);
  });

  it.each([
    ['unquoted value', 'userName eq bjensen', 'double-quoted JSON string'],
    ['not without parentheses', 'not active eq true', "'not' must be followed by '('"],
    ['nested value filters', 'emails[value[x eq 1] pr]', 'cannot be nested'],
    ['value filter after a sub-attribute', 'name.givenName[x eq 1]', 'cannot follow the sub-attribute'],
    ['stray closing bracket', 'userName eq "a"]', 'unexpected "]"'],
    ['bad escape', 'userName eq "a\\qb"', 'malformed string'],
    ['raw control character in a string', 'userName eq "a\u0001"', 'malformed string'],
    ['control character outside a string', 'userName\u0000eq "a"', 'control character'],
    ['number out of range', 'x eq 1e400', 'out of range'],
    ['leading zero', 'x eq 01', 'must be a double-quoted'],
    ['too many dots', 'name.givenName.x eq "a"', 'not a valid attribute path'],
    ['empty URI', ':userName eq "a"', 'empty schema URI'],
    ['name starting with a digit', '1abc eq "a"', 'not a valid attribute path'],
    ['bad Entra sub-attribute', 'emails[type eq "w"].1 eq "x"', "not a valid '.subAttribute'"],
    ['unterminated string ending in a backslash', 'userName eq "abc\\', 'unterminated string'],
  ])('%s', (_what, text, mention) => {
    const error = parseError(text);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(mention);
  });

  it('says where the problem is', () => {
    expect(parseError('userName xx "a"').message).toContain('at character 10');
  });

  it('echoes at most a short excerpt of hostile input', () => {
    const error = parseError(`userName eq "a" ${'x'.repeat(3000)}`);
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('parseFilter: denial-of-service inputs are answered in milliseconds', () => {
  const probes: [what: string, text: string, rejected: boolean][] = [
    ['unterminated string of 30 newlines', `userName eq "${'\n'.repeat(30)}`, true],
    ['unterminated string of 4000 escaped newlines', `userName eq "${'\\n'.repeat(2000)}`, true],
    ['2000 nested parentheses', `${'('.repeat(2000)}userName eq "a"${')'.repeat(2000)}`, true],
    ['20000 nested parentheses', `${'('.repeat(20000)}userName eq "a"${')'.repeat(20000)}`, true],
    ['2000-term or chain', Array.from({ length: 2000 }, (_, i) => `userName eq "u${i}"`).join(' or '), true],
    ['16 ored pairs anded together', Array.from({ length: 16 }, (_, i) => `(title eq "${i}" or nickName eq "${i}")`).join(' and '), false],
  ];
  it.each(probes)('%s', (_what, text, rejected) => {
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = parseFilter(text);
    } catch (e) {
      outcome = e;
    }
    expect(performance.now() - started).toBeLessThan(200);
    if (rejected) {
      expect(outcome).toBeInstanceOf(ScimError);
      expect((outcome as ScimError).scimType).toBe('invalidFilter');
    } else {
      expect(outcome).toMatchObject({ kind: 'and' });
    }
  });

  it('enforces each limit with its own message', () => {
    expect(parseError('x'.repeat(FILTER_LIMITS.maxLength + 1)).message).toContain(`limit is ${FILTER_LIMITS.maxLength}`);
    const deep = `${'('.repeat(FILTER_LIMITS.maxDepth + 1)}title pr${')'.repeat(FILTER_LIMITS.maxDepth + 1)}`;
    expect(parseError(deep).message).toContain(`deeper than ${FILTER_LIMITS.maxDepth}`);
    const wide = Array.from({ length: 130 }, () => 'title pr').join(' or ');
    expect(parseError(wide).message).toContain(`more than ${FILTER_LIMITS.maxNodes} terms`);
    // At the limits themselves everything still parses.
    const atDepth = `${'('.repeat(FILTER_LIMITS.maxDepth)}title pr${')'.repeat(FILTER_LIMITS.maxDepth)}`;
    expect(parseFilter(atDepth)).toEqual(pr('title'));
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['active', { path: p('active') }],
    ['Active', { path: p('Active') }],
    ['name.familyName', { path: p('name.familyName') }],
    ['members', { path: p('members') }],
    ['members[value eq "2819c223"]', { path: p('members'), filter: cmp('value', 'eq', '2819c223') }],
    [
      'emails[type eq "work"].value',
      { path: p('emails'), filter: cmp('type', 'eq', 'work'), subAfterFilter: 'value' },
    ],
    [
      'addresses[type eq "work" and primary eq true].country',
      { path: p('addresses'), filter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), subAfterFilter: 'country' },
    ],
    [`${ENT}:manager`, { path: p('manager', ENT) }],
    [`${ENT}:manager.value`, { path: p('manager.value', ENT) }],
    [ENT, { path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attr: 'User' } }],
    [`${CORE}:emails[type eq "work"].value`, { path: p('emails', CORE), filter: cmp('type', 'eq', 'work'), subAfterFilter: 'value' }],
    ['members[$ref eq "x"]', { path: p('members'), filter: cmp('$ref', 'eq', 'x') }],
  ])('%s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['emails[type eq "work"', "missing ']'"],
    ['emails[type eq "work"].', "not a valid '.subAttribute'"],
    ['emails[type eq "work"].value eq "x"', 'unexpected "eq"'],
    ['emails.value[type eq "work"]', 'cannot follow the sub-attribute'],
    ['name.givenName.x', 'not a valid attribute path'],
    ['active eq true', 'unexpected "eq"'],
    ['[type eq "work"]', 'expected an attribute path'],
    ['"active"', 'expected an attribute path'],
    ['emails[type zz "work"]', 'unknown operator'],
    ['emails[type eq "work"] x', 'unexpected "x"'],
  ])('rejects %j with invalidPath', (text, mention) => {
    const failure = expect.objectContaining({ status: 400, scimType: 'invalidPath', message: expect.stringContaining(mention) });
    expect(() => parsePatchPath(text)).toThrow(failure as Error);
  });
});

describe('parseAttrPath', () => {
  it.each([
    ['userName', p('userName')],
    ['name.familyName', p('name.familyName')],
    [`${ENT}:manager.value`, p('manager.value', ENT)],
    ['meta.lastModified', p('meta.lastModified')],
  ])('%s', (text, expected) => {
    expect(parseAttrPath(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['userName eq "x"', 'unexpected "eq"'],
    ['emails[type eq "work"]', 'unexpected "["'],
    ['"userName"', 'expected an attribute path'],
    ['name..x', 'not a valid attribute path'],
  ])('rejects %j', (text, mention) => {
    const failure = expect.objectContaining({ status: 400, scimType: 'invalidPath', message: expect.stringContaining(mention) });
    expect(() => parseAttrPath(text)).toThrow(failure as Error);
  });

  it('uses the scimType the caller asks for', () => {
    expect(() => parseAttrPath('a b', 'invalidValue')).toThrow(expect.objectContaining({ scimType: 'invalidValue' }) as Error);
  });
});
