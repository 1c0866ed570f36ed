/**
 * The schemas the server serves at /Schemas, fetched over the wire and walked against RFC 7643 §8.7.1 (the
 * RFC's own representation of the User, Group and EnterpriseUser schemas). The table below is written from the
 * RFC text, independently of src/core/schema, so a change there that drifts from the RFC fails here.
 * Characteristics the RFC representation leaves out take their §2.2 defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, GROUP, startClient, USER, type Client } from './helpers.js';

interface Rfc {
  type: string;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: string;
  returned?: string;
  uniqueness?: string;
  referenceTypes?: string[];
  canonicalValues?: string[];
  subAttributes?: Record<string, Rfc>;
}

/** RFC 7643 §2.2: characteristics not given take these defaults. */
const DEFAULTS = { multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' };
const CHARACTERISTICS = ['type', 'multiValued', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness', 'referenceTypes', 'canonicalValues'] as const;

const str: Rfc = { type: 'string' };
const bool: Rfc = { type: 'boolean' };
/** The value/display/type/primary quartet of §8.7.1's multi-valued User attributes. */
const quartet = (value: Rfc, canonicalValues?: string[]): Rfc => ({
  type: 'complex',
  multiValued: true,
  subAttributes: { value, display: str, type: canonicalValues ? { type: 'string', canonicalValues } : str, primary: bool },
});

const RFC_SCHEMAS: Record<string, Record<string, Rfc>> = {
  [USER]: {
    userName: { type: 'string', required: true, uniqueness: 'server' },
    name: {
      type: 'complex',
      subAttributes: { formatted: str, familyName: str, givenName: str, middleName: str, honorificPrefix: str, honorificSuffix: str },
    },
    displayName: str,
    nickName: str,
    profileUrl: { type: 'reference', referenceTypes: ['external'] },
    title: str,
    userType: str,
    preferredLanguage: str,
    locale: str,
    timezone: str,
    active: bool,
    password: { type: 'string', mutability: 'writeOnly', returned: 'never' },
    emails: quartet(str, ['work', 'home', 'other']),
    phoneNumbers: quartet(str, ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    ims: quartet(str, ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    photos: quartet({ type: 'reference', referenceTypes: ['external'] }, ['photo', 'thumbnail']),
    addresses: {
      type: 'complex',
      multiValued: true,
      subAttributes: {
        formatted: str,
        streetAddress: str,
        locality: str,
        region: str,
        postalCode: str,
        country: str,
        type: { type: 'string', canonicalValues: ['work', 'home', 'other'] },
      },
    },
    groups: {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: {
        value: { type: 'string', mutability: 'readOnly' },
        $ref: { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'readOnly' },
        display: { type: 'string', mutability: 'readOnly' },
        type: { type: 'string', canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' },
      },
    },
    entitlements: quartet(str),
    roles: quartet(str, []),
    x509Certificates: quartet({ type: 'binary' }, []),
  },
  [GROUP]: {
    displayName: str,
    members: {
      type: 'complex',
      multiValued: true,
      subAttributes: {
        value: { type: 'string', mutability: 'immutable' },
        $ref: { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' },
        type: { type: 'string', canonicalValues: ['User', 'Group'], mutability: 'immutable' },
      },
    },
  },
  [ENTERPRISE]: {
    employeeNumber: str,
    costCenter: str,
    organization: str,
    division: str,
    department: str,
    manager: {
      type: 'complex',
      subAttributes: {
        value: str,
        $ref: { type: 'reference', referenceTypes: ['User'] },
        displayName: { type: 'string', mutability: 'readOnly' },
      },
    },
  },
};

/**
 * Where the server differs from §8.7.1 on purpose (each explained where the schema is defined): path → the
 * characteristic and value served, or `extra` for an attribute the RFC representation does not list.
 */
const DELIBERATE: Record<string, Record<string, unknown> | 'extra'> = {
  'Group:displayName': { required: true, uniqueness: 'server' },
  'Group:members.display': 'extra',
  'User:addresses.primary': 'extra',
};

interface Served {
  name: string;
  subAttributes?: Served[];
  [key: string]: unknown;
}

const SHORT: Record<string, string> = { [USER]: 'User', [GROUP]: 'Group', [ENTERPRISE]: 'EnterpriseUser' };
const shortName = (urn: string): string => SHORT[urn] ?? urn;

/** Differences between the served attributes and the RFC table, as "path: what" lines; deliberate ones are collected apart. */
function compare(prefix: string, served: Served[], rfc: Record<string, Rfc>, out: { diffs: string[]; deliberate: Set<string> }): void {
  const byName = new Map(served.map((a) => [a.name, a]));
  for (const [name, want] of Object.entries(rfc)) {
    const path = `${prefix}${name}`;
    const got = byName.get(name);
    if (!got) {
      out.diffs.push(`${path}: not served`);
      continue;
    }
    const expected: Record<string, unknown> = { ...DEFAULTS, ...want };
    const allowed = DELIBERATE[path];
    for (const key of CHARACTERISTICS) {
      const actual = got[key];
      if (JSON.stringify(actual) === JSON.stringify(expected[key])) continue;
      if (allowed !== undefined && allowed !== 'extra' && key in allowed && JSON.stringify(allowed[key]) === JSON.stringify(actual)) {
        out.deliberate.add(`${path}.${key}`);
        continue;
      }
      out.diffs.push(`${path}: ${key} is ${JSON.stringify(actual)}, RFC 7643 §8.7.1 says ${JSON.stringify(expected[key])}`);
    }
    if (want.subAttributes) compare(`${path}.`, got.subAttributes ?? [], want.subAttributes, out);
    else if (got.subAttributes !== undefined) out.diffs.push(`${path}: has subAttributes, RFC 7643 §8.7.1 has none`);
  }
  for (const name of byName.keys()) {
    const path = `${prefix}${name}`;
    if (name in rfc) continue;
    if (DELIBERATE[path] === 'extra') out.deliberate.add(path);
    else out.diffs.push(`${path}: served, but not in RFC 7643 §8.7.1`);
  }
}

let c: Client;
beforeAll(async () => {
  c = await startClient();
});
afterAll(() => c.server.close());

describe('/Schemas against RFC 7643 §8.7.1', () => {
  it('every served attribute has the RFC characteristics, except the listed deliberate differences', async () => {
    const res = await c.call('GET', '/Schemas');
    expect(res.status).toBe(200);
    const served = res.body.Resources as { id: string; attributes: Served[] }[];
    expect(served.map((s) => s.id).sort()).toEqual(Object.keys(RFC_SCHEMAS).sort());
    const out = { diffs: [] as string[], deliberate: new Set<string>() };
    for (const schema of served) compare(`${shortName(schema.id)}:`, schema.attributes, RFC_SCHEMAS[schema.id]!, out);
    expect(out.diffs).toEqual([]);
    // Every listed deliberate difference is still real (a stale entry would hide nothing, but mislead).
    const listed = Object.entries(DELIBERATE).flatMap(([path, what]) => (what === 'extra' ? [path] : Object.keys(what).map((k) => `${path}.${k}`)));
    expect([...out.deliberate].sort()).toEqual(listed.sort());
  });

  it('every reference attribute names its referenceTypes (a client building models from /Schemas needs them)', async () => {
    const served = (await c.call('GET', '/Schemas')).body.Resources as { id: string; attributes: Served[] }[];
    const missing: string[] = [];
    const walk = (path: string, attrs: Served[]): void => {
      for (const a of attrs) {
        if (a['type'] === 'reference' && !(Array.isArray(a['referenceTypes']) && a['referenceTypes'].length > 0)) missing.push(`${path}${a.name}`);
        if (a.subAttributes) walk(`${path}${a.name}.`, a.subAttributes);
      }
    };
    for (const s of served) walk(`${shortName(s.id)}:`, s.attributes);
    expect(missing).toEqual([]);
    const photos = served.find((s) => s.id === USER)!.attributes.find((a) => a.name === 'photos')!;
    expect(photos.subAttributes!.find((a) => a.name === 'value')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
  });
});
