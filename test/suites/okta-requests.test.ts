import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CheckResult, type RunResult } from '../../src/index.js';

/**
 * What the Okta suites put on the wire, read from the run's own transcripts: Okta's headers, Okta's query shapes,
 * and resource names that carry the run's prefix in Okta's mixed case (so cleanup and humans can find them).
 */

const PREFIX = 'pfx-okta-';
const DOMAIN = 'okta-suite.test';
const OWN_SUITES = ['okta-users', 'okta-groups'];

type Json = Record<string, unknown>;

const checksOf = (result: RunResult): CheckResult[] => result.suites.filter((s) => OWN_SUITES.includes(s.id)).flatMap((s) => s.checks);
const exchangesOf = (result: RunResult) => checksOf(result).flatMap((c) => c.exchanges);
const header = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
const parse = (body: string | undefined): Json | undefined => (body ? (JSON.parse(body) as Json) : undefined);

describe.each(['oin', 'aiw'] as const)('requests of the okta-users and okta-groups suites (%s)', (variant) => {
  let result: RunResult;

  beforeAll(async () => {
    result = await run({ suites: OWN_SUITES, oktaApp: variant, prefix: PREFIX, userDomain: DOMAIN, server: { quiet: true } });
  });

  it('all pass and everything created is cleaned up', () => {
    expect(checksOf(result).filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual([]);
    expect(result.cleanup.left).toEqual([]);
    expect(result.cleanup.removed.length).toBeGreaterThan(0);
  });

  it("every request carries Okta's user agent and SCIM media types", () => {
    const exchanges = exchangesOf(result);
    expect(exchanges.length).toBeGreaterThan(30);
    for (const { request } of exchanges) {
      expect(header(request.headers, 'user-agent')).toBe('Okta SCIM Client 1.0.0');
      expect(header(request.headers, 'accept')).toBe('application/scim+json');
      if (request.body) expect(header(request.headers, 'content-type')).toBe('application/scim+json; charset=utf-8');
    }
  });

  it('every created user and group is named with the prefix, in mixed case, with userNames in the run domain', () => {
    const creates = exchangesOf(result).filter((e) => e.request.method === 'POST');
    expect(creates.length).toBeGreaterThanOrEqual(8);
    for (const { request } of creates) {
      const body = parse(request.body)!;
      const name = String(body['userName'] ?? body['displayName']);
      expect(name.startsWith(PREFIX), name).toBe(true);
      expect(/[A-Z]/.test(name) && /[a-z]/.test(name.slice(PREFIX.length)), `${name} is mixed case`).toBe(true);
      if (request.url.includes('/Users')) expect(name.endsWith(`@${DOMAIN}`), name).toBe(true);
    }
  });

  it("lookups use Okta's eq filter with startIndex=1&count=100", () => {
    const lookups = exchangesOf(result).filter((e) => e.request.method === 'GET' && e.request.url.includes('filter='));
    expect(lookups.length).toBeGreaterThanOrEqual(6);
    for (const { request } of lookups) {
      const query = new URL(request.url).searchParams;
      expect(query.get('filter')).toMatch(/^(userName|displayName) eq "[^"]+"$/);
      expect(query.get('startIndex')).toBe('1');
      expect(query.get('count')).toBe('100');
    }
  });

  it('updates use the method of the variant: PATCH (deactivation, groups) for oin, PUT only for aiw', () => {
    const methods = new Set(exchangesOf(result).map((e) => e.request.method));
    if (variant === 'aiw') expect(methods.has('PATCH')).toBe(false);
    else expect(methods.has('PATCH')).toBe(true);
    expect(methods.has('PUT')).toBe(true);
  });

  it("Okta's deactivation and rename PATCHes are path-less with an object value", () => {
    const pathless = exchangesOf(result)
      .filter((e) => e.request.method === 'PATCH')
      .flatMap((e) => (parse(e.request.body)!['Operations'] as Json[]).filter((op) => op['path'] === undefined));
    if (variant === 'aiw') return expect(pathless).toEqual([]);
    expect(pathless.map((op) => Object.keys(op['value'] as Json).sort())).toEqual(
      expect.arrayContaining([['active'], ['displayName', 'id']]),
    );
    for (const op of pathless) expect(op['op']).toBe('replace');
  });
});
