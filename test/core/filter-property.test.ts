/**
 * Property tests for the filter engine:
 *  1. stringify → parse gives back an equal AST, for hundreds of generated ASTs with arbitrary names and values;
 *  2. compileFilter agrees with the small reference evaluator below on a generated population of users.
 * The reference evaluator knows nothing about resolvePath or the schema module: every attribute it supports is
 * listed in a table with a hand-written accessor, its type and its case rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, parseFilter, stringifyFilter } from '../../src/core/filter/index.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../../src/core/filter/index.js';
import { userModel } from '../../src/core/schema/index.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ALL_OPS: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const KEYWORDS = new Set(['and', 'or', 'not']);

// ---------------------------------------------------------------- 1. round trip

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const nameChars = `${letters}0123456789-_`;
const attrNameArb = fc
  .tuple(fc.constantFrom(...letters), fc.array(fc.constantFrom(...nameChars), { maxLength: 8 }), fc.boolean())
  .map(([first, rest, ref]) => `${ref ? '$' : ''}${first}${rest.join('')}`)
  .filter((name) => !KEYWORDS.has(name.toLowerCase()));
const uriArb = fc.constantFrom(CORE, ENT, 'urn:example:params:custom:1.0:Thing', 'urn:x');
const pathArb: fc.Arbitrary<AttrPath> = fc
  .record({ uri: fc.option(uriArb, { nil: undefined }), attr: attrNameArb, sub: fc.option(attrNameArb, { nil: undefined }) })
  .map(({ uri, attr, sub }) => ({ ...(uri === undefined ? {} : { uri }), attr, ...(sub === undefined ? {} : { sub }) }));
const simplePathArb: fc.Arbitrary<AttrPath> = attrNameArb.map((attr) => ({ attr }));
const anyValueArb: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  fc.boolean(),
  fc.constant(null),
);

function astArb(path: fc.Arbitrary<AttrPath>, allowValuePath: boolean): fc.Arbitrary<Filter> {
  const leaf: fc.Arbitrary<Filter> = fc.oneof(
    fc.record({ kind: fc.constant('compare' as const), path, op: fc.constantFrom(...ALL_OPS), value: anyValueArb }),
    fc.record({ kind: fc.constant('present' as const), path }),
  );
  return fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      leaf,
      fc.record({ kind: fc.constant('and' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('node') }),
      ...(allowValuePath
        ? [fc.record({ kind: fc.constant('valuePath' as const), path: pathArb.map((p) => ({ ...p, sub: undefined })).map(dropUndefined), filter: astArb(simplePathArb, false) })]
        : []),
    ),
  })).node;
}

function dropUndefined(path: AttrPath): AttrPath {
  return Object.fromEntries(Object.entries(path).filter(([, v]) => v !== undefined)) as unknown as AttrPath;
}

describe('stringifyFilter → parseFilter round trip', () => {
  it('gives back an equal AST for generated filters', () => {
    fc.assert(
      fc.property(astArb(pathArb, true), (ast) => {
        expect(parseFilter(stringifyFilter(ast))).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- 2. differential evaluation

interface Email {
  value?: string;
  type?: string;
  primary?: boolean;
}
interface TestUser {
  id: string;
  externalId?: string;
  userName: string;
  title?: string | null;
  active?: boolean;
  name?: { givenName?: string };
  emails?: Email[];
  meta: { created: string };
  [ENT]?: { employeeNumber?: string };
}

type Kind = 'string' | 'boolean' | 'dateTime';
interface Spec {
  path: AttrPath;
  kind: Kind;
  caseExact: boolean;
  /** The raw values of this attribute on `u` (undefined/null included; the evaluator drops them). */
  read: (u: Record<string, unknown>) => unknown[];
}

const asUser = (u: Record<string, unknown>) => u as unknown as TestUser;
const asEmail = (e: Record<string, unknown>) => e as unknown as Email;
const emailsOf = (u: Record<string, unknown>): Email[] => asUser(u).emails ?? [];

const USER_SPECS: Spec[] = [
  { path: { attr: 'userName' }, kind: 'string', caseExact: false, read: (u) => [asUser(u).userName] },
  { path: { uri: CORE, attr: 'userName' }, kind: 'string', caseExact: false, read: (u) => [asUser(u).userName] },
  { path: { attr: 'id' }, kind: 'string', caseExact: true, read: (u) => [asUser(u).id] },
  { path: { attr: 'externalId' }, kind: 'string', caseExact: true, read: (u) => [asUser(u).externalId] },
  { path: { attr: 'title' }, kind: 'string', caseExact: false, read: (u) => [asUser(u).title] },
  { path: { attr: 'name', sub: 'givenName' }, kind: 'string', caseExact: false, read: (u) => [asUser(u).name?.givenName] },
  { path: { attr: 'emails', sub: 'value' }, kind: 'string', caseExact: false, read: (u) => emailsOf(u).map((e) => e.value) },
  { path: { attr: 'emails' }, kind: 'string', caseExact: false, read: (u) => emailsOf(u).map((e) => e.value) },
  { path: { attr: 'emails', sub: 'type' }, kind: 'string', caseExact: false, read: (u) => emailsOf(u).map((e) => e.type) },
  { path: { attr: 'emails', sub: 'primary' }, kind: 'boolean', caseExact: false, read: (u) => emailsOf(u).map((e) => e.primary) },
  { path: { attr: 'active' }, kind: 'boolean', caseExact: false, read: (u) => [asUser(u).active] },
  { path: { attr: 'meta', sub: 'created' }, kind: 'dateTime', caseExact: false, read: (u) => [asUser(u).meta.created] },
  { path: { uri: ENT, attr: 'employeeNumber' }, kind: 'string', caseExact: false, read: (u) => [asUser(u)[ENT]?.employeeNumber] },
];
const EMAIL_SPECS: Spec[] = [
  { path: { attr: 'value' }, kind: 'string', caseExact: false, read: (e) => [asEmail(e).value] },
  { path: { attr: 'type' }, kind: 'string', caseExact: false, read: (e) => [asEmail(e).type] },
  { path: { attr: 'primary' }, kind: 'boolean', caseExact: false, read: (e) => [asEmail(e).primary] },
];
const specKey = (path: AttrPath): string => `${path.uri ?? ''}|${path.attr}|${path.sub ?? ''}`.toLowerCase();
const specIndex = (specs: Spec[]) => new Map(specs.map((s) => [specKey(s.path), s]));
const USER_INDEX = specIndex(USER_SPECS);
const EMAIL_INDEX = specIndex(EMAIL_SPECS);

// Small pools so that generated filters actually hit, with case variants to exercise caseExact.
const STRINGS = ['a', 'A', 'ab', 'Ab', 'abc', 'b', 'ba', 'work', 'Work', 'home', ''];
// Dates whose text order differs from their instant order (offsets), and one instant written two ways.
const DATES = [
  '2011-05-13T04:42:34Z',
  '2011-05-13T06:42:34+02:00',
  '2011-05-13T05:00:00+03:00',
  '2012-01-01T00:00:00.000Z',
  '2011-12-31T23:30:00-01:00',
];
const OPS_BY_KIND: Record<Kind, CompareOp[]> = {
  string: ALL_OPS,
  boolean: ['eq', 'ne'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};
const VALUES_BY_KIND: Record<Kind, fc.Arbitrary<FilterValue>> = {
  string: fc.constantFrom(...STRINGS),
  boolean: fc.constantFrom<FilterValue>(true, false, 'True', 'false'),
  dateTime: fc.constantFrom(...DATES),
};

/** Writes a name in a random case: names are case-insensitive. */
const recase = (name: string, how: number): string => (how === 0 ? name : how === 1 ? name.toUpperCase() : name.toLowerCase());
const recasePath = (path: AttrPath, how: number): AttrPath => ({
  ...(path.uri === undefined ? {} : { uri: path.uri }),
  attr: recase(path.attr, how),
  ...(path.sub === undefined ? {} : { sub: recase(path.sub, how) }),
});

function leafArb(specs: Spec[]): fc.Arbitrary<Filter> {
  return fc
    .tuple(fc.constantFrom(...specs), fc.integer({ min: 0, max: 2 }), fc.nat(), fc.boolean())
    .chain(([spec, how, opPick, isPresent]) => {
      const path = recasePath(spec.path, how);
      if (isPresent) return fc.constant<Filter>({ kind: 'present', path });
      const ops = OPS_BY_KIND[spec.kind];
      const op = ops[opPick % ops.length]!;
      const value = op === 'eq' || op === 'ne' ? fc.oneof({ weight: 6, arbitrary: VALUES_BY_KIND[spec.kind] }, { weight: 1, arbitrary: fc.constant(null) }) : VALUES_BY_KIND[spec.kind];
      return value.map<Filter>((v) => ({ kind: 'compare', path, op, value: v }));
    });
}

function filterArb(specs: Spec[], allowValuePath: boolean): fc.Arbitrary<Filter> {
  return fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      leafArb(specs),
      fc.record({ kind: fc.constant('and' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('node') }),
      ...(allowValuePath
        ? [fc.record({ kind: fc.constant('valuePath' as const), path: fc.constant({ attr: 'emails' }), filter: filterArb(EMAIL_SPECS, false) })]
        : []),
    ),
  })).node;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const emailArb = fc.record(
  { value: fc.constantFrom(...STRINGS), type: fc.constantFrom(...STRINGS), primary: fc.boolean() },
  { requiredKeys: [] },
);
const userArb = fc
  .record({
    id: fc.constantFrom(...STRINGS),
    externalId: optional(fc.constantFrom(...STRINGS)),
    userName: fc.constantFrom(...STRINGS),
    title: optional(fc.constantFrom<string | null>(...STRINGS, null)),
    active: optional(fc.boolean()),
    givenName: optional(fc.constantFrom(...STRINGS)),
    emails: optional(fc.array(emailArb, { maxLength: 3 })),
    created: fc.constantFrom(...DATES),
    employeeNumber: optional(fc.constantFrom(...STRINGS)),
  })
  .map(({ givenName, created, employeeNumber, ...rest }) => {
    const user: Record<string, unknown> = { meta: { created } };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) user[k] = v;
    if (givenName !== undefined) user.name = { givenName };
    if (employeeNumber !== undefined) user[ENT] = { employeeNumber };
    return user;
  });

// ------- the reference evaluator: straight from the documented semantics, one value at a time

function lookup(index: Map<string, Spec>, path: AttrPath): Spec {
  const spec = index.get(specKey(path));
  if (!spec) throw new Error(`test bug: no spec for ${JSON.stringify(path)}`);
  return spec;
}

function nonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'object') return Object.values(v).some(nonEmpty);
  return true;
}

function matchesOne(spec: Spec, op: CompareOp, stored: unknown, wanted: string | number | boolean): boolean {
  if (spec.kind === 'boolean') {
    const w = typeof wanted === 'string' ? wanted.toLowerCase() === 'true' : wanted;
    return stored === w;
  }
  if (typeof stored !== 'string' || typeof wanted !== 'string') return false;
  if (spec.kind === 'dateTime') {
    const a = new Date(stored).getTime();
    const b = new Date(wanted).getTime();
    return { eq: a === b, gt: a > b, ge: a >= b, lt: a < b, le: a <= b }[op as 'eq'];
  }
  const a = spec.caseExact ? stored : stored.toLowerCase();
  const b = spec.caseExact ? wanted : wanted.toLowerCase();
  switch (op) {
    case 'eq': return a === b;
    case 'co': return a.indexOf(b) !== -1;
    case 'sw': return a.slice(0, b.length) === b;
    case 'ew': return b.length === 0 || a.slice(-b.length) === b;
    case 'gt': return a > b;
    case 'ge': return a > b || a === b;
    case 'lt': return b > a;
    case 'le': return b > a || a === b;
    default: throw new Error(`test bug: ${op}`);
  }
}

function evaluate(filter: Filter, subject: Record<string, unknown>, index: Map<string, Spec>): boolean {
  if (filter.kind === 'and') return evaluate(filter.left, subject, index) ? evaluate(filter.right, subject, index) : false;
  if (filter.kind === 'or') return evaluate(filter.left, subject, index) ? true : evaluate(filter.right, subject, index);
  if (filter.kind === 'not') return !evaluate(filter.filter, subject, index);
  if (filter.kind === 'valuePath') {
    const elements = emailsOf(subject);
    return elements.some((e) => evaluate(filter.filter, e as Record<string, unknown>, EMAIL_INDEX));
  }
  const spec = lookup(index, filter.path);
  // Presence (pr, eq null, ne null) of `emails` looks at whole elements; everything else at the values.
  const wholeEmails = spec === USER_INDEX.get('|emails|') && (filter.kind === 'present' || filter.value === null);
  const whole = wholeEmails ? emailsOf(subject) : spec.read(subject);
  const present = whole.filter(nonEmpty);
  if (filter.kind === 'present') return present.length > 0;
  if (filter.value === null) return filter.op === 'eq' ? present.length === 0 : present.length > 0;
  const stored = spec.read(subject).filter((v) => v !== undefined && v !== null);
  if (filter.op === 'ne') return !stored.some((v) => matchesOne(spec, 'eq', v, filter.value as string));
  return stored.some((v) => matchesOne(spec, filter.op, v, filter.value as string));
}

describe('compileFilter agrees with an independent evaluator', () => {
  const population = fc.sample(userArb, { numRuns: 80, seed: 20261129 });
  const model = userModel();

  it('on generated filters over a generated population', () => {
    let informative = 0;
    let runs = 0;
    fc.assert(
      fc.property(filterArb(USER_SPECS, true), (filter) => {
        runs++;
        const predicate = compileFilter(filter, model);
        const actual = population.map((u) => predicate(u));
        const expected = population.map((u) => evaluate(filter, u, USER_INDEX));
        expect(actual).toEqual(expected);
        const hits = expected.filter(Boolean).length;
        if (hits > 0 && hits < population.length) informative++;
      }),
      { numRuns: 400 },
    );
    // Guard against a vacuous property: most filters must split the population.
    expect(informative).toBeGreaterThan(runs / 3);
  });

  it('the population is varied enough to matter', () => {
    expect(new Set(population.map((u) => JSON.stringify(u))).size).toBeGreaterThan(70);
    expect(population.some((u) => Array.isArray(u.emails) && (u.emails as unknown[]).length > 1)).toBe(true);
  });
});
