import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpretBody, jsonNestingDepth, looksLikeJson, truncateForRecord } from '../../src/client/body.js';
import { createRedactor, REDACTED } from '../../src/client/redact.js';
import { nextHop } from '../../src/client/redirects.js';
import { parseRetryAfter } from '../../src/client/rate-limit.js';
import { classifyFailure } from '../../src/client/transport-errors.js';

describe('redactor', () => {
  const redactor = createRedactor(['s3cr3t/+tok en', 'pw"x'], ['X-Api-Key']);

  it('replaces a secret in its raw, URL-encoded, form-encoded and JSON-escaped spellings', () => {
    const raw = 's3cr3t/+tok en';
    const text = [raw, encodeURIComponent(raw), new URLSearchParams({ a: raw }).toString(), JSON.stringify({ p: 'pw"x' })].join(' | ');
    const out = redactor.redact(text);
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('pw\\"x');
    expect(out.split(REDACTED).length - 1).toBe(4);
  });

  it('masks credential headers by name, keeping the auth scheme, and scrubs secrets from other headers', () => {
    const out = redactor.redactHeaders({
      Authorization: 'Bearer abc',
      'x-api-key': 'anything',
      Cookie: 'sid=1',
      'X-Echo': 'token=s3cr3t/+tok en',
      Accept: 'application/scim+json',
    });
    expect(out).toEqual({
      Authorization: `Bearer ${REDACTED}`,
      'x-api-key': REDACTED,
      Cookie: REDACTED,
      'X-Echo': `token=${REDACTED}`,
      Accept: 'application/scim+json',
    });
  });

  it('learns secrets added later and prefers the longest match', () => {
    const r = createRedactor(['abc']);
    r.addSecret('abcdef');
    expect(r.redact('xx abcdef yy abc')).toBe(`xx ${REDACTED} yy ${REDACTED}`);
  });

  it('property: no spelling of any token-like secret survives, wherever it sits in the text', () => {
    const tokenChars = fc.constantFrom(...'ABCXYZabcxyz0189._~+/=-: "'.split(''));
    const secretArb = fc.string({ unit: tokenChars, minLength: 8, maxLength: 40 }).filter((s) => !REDACTED.includes(s));
    fc.assert(
      fc.property(secretArb, fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 6 }), fc.nat(2), (secret, parts, form) => {
        const spelled = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)][form] ?? secret;
        const out = createRedactor([secret]).redact(parts.join(spelled));
        expect(out).not.toContain(secret);
        expect(out).not.toContain(encodeURIComponent(secret));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text alone when there are no secrets', () => {
    expect(createRedactor([]).redact('plain')).toBe('plain');
  });
});

describe('body interpretation', () => {
  it('detects JSON by media type or by its look', () => {
    expect(looksLikeJson('application/scim+json; charset=utf-8', '"x"')).toBe(true);
    expect(looksLikeJson('application/json', 'null')).toBe(true);
    expect(looksLikeJson('text/plain', ' {"a":1}')).toBe(true);
    expect(looksLikeJson(undefined, '[1]')).toBe(true);
    expect(looksLikeJson('text/html', '<html>')).toBe(false);
    expect(looksLikeJson('application/json', '   ')).toBe(false);
    expect(looksLikeJson('application/jsonp', '1')).toBe(false);
  });

  it('measures nesting depth without counting brackets inside strings', () => {
    expect(jsonNestingDepth('{"a":[{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonNestingDepth('"\\"[["')).toBe(0);
    expect(jsonNestingDepth('[]')).toBe(1);
  });

  it('parses valid JSON, records invalid JSON and refuses deep nesting', () => {
    expect(interpretBody('application/json', '{"id":1}', 10)).toEqual({ json: { id: 1 } });
    expect(interpretBody('application/json', 'null', 10)).toEqual({ json: null });
    const invalid = interpretBody('application/json', '{"id":', 10);
    expect(invalid.json).toBeUndefined();
    expect(invalid.jsonError).toMatch(/^invalid JSON/);
    const deep = interpretBody(undefined, '['.repeat(50) + ']'.repeat(50), 10);
    expect(deep.json).toBeUndefined();
    expect(deep.jsonError).toBe('JSON nested 50 levels deep (limit 10); not parsed');
    expect(interpretBody('text/html', '<h1>502</h1>', 10)).toEqual({});
  });

  it('truncates record text and says how large the body was', () => {
    expect(truncateForRecord('abcdef', 10, 6)).toBe('abcdef');
    expect(truncateForRecord('abcdef', 3, 600)).toBe('abc\n… [truncated for the record: 600 bytes in total]');
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP-dates, and rejects anything else', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('redirect hops', () => {
  const from = new URL('https://a.example/scim/v2/Users');
  it('keeps the method on 307/308, turns POST into GET on 301/302/303', () => {
    const hop = (status: number, method: string) => {
      const d = nextHop(from, method, status, '/x');
      if (!d.ok) throw new Error(d.message);
      return [d.hop.method, d.hop.keepBody];
    };
    expect(hop(307, 'POST')).toEqual(['POST', true]);
    expect(hop(308, 'PATCH')).toEqual(['PATCH', true]);
    expect(hop(302, 'POST')).toEqual(['GET', false]);
    expect(hop(301, 'PUT')).toEqual(['PUT', true]);
    expect(hop(303, 'DELETE')).toEqual(['GET', false]);
  });

  it('flags other origins, including a downgrade to http on the same host', () => {
    const cross = (location: string) => {
      const d = nextHop(from, 'GET', 302, location);
      return d.ok ? d.hop.crossOrigin : d.code;
    };
    expect(cross('/scim/v2/Users/1')).toBe(false);
    expect(cross('https://b.example/x')).toBe(true);
    expect(cross('http://a.example/scim/v2/Users')).toBe(true);
    expect(cross('https://a.example:8443/x')).toBe(true);
    expect(cross('ftp://a.example/x')).toBe('REDIRECT_INVALID');
    expect(nextHop(from, 'GET', 302, null)).toMatchObject({ ok: false, code: 'REDIRECT_WITHOUT_LOCATION' });
  });
});

describe('transport failure classification', () => {
  const ctx = { phase: 'head' as const, target: 'h:1', bodyBytes: 0 };
  const wrapped = (code: string, message = 'x') =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });

  it('maps Node and undici codes to stable codes', () => {
    expect(classifyFailure(wrapped('ECONNREFUSED'), ctx).code).toBe('CONNECTION_REFUSED');
    expect(classifyFailure(wrapped('ENOTFOUND'), ctx).code).toBe('DNS_FAILURE');
    expect(classifyFailure(wrapped('DEPTH_ZERO_SELF_SIGNED_CERT'), ctx).code).toBe('TLS_SELF_SIGNED');
    expect(classifyFailure(wrapped('CERT_HAS_EXPIRED'), ctx).code).toBe('TLS_EXPIRED');
    expect(classifyFailure(wrapped('ERR_TLS_CERT_ALTNAME_INVALID'), ctx).code).toBe('TLS_HOSTNAME_MISMATCH');
    expect(classifyFailure(wrapped('HPE_INVALID_CONSTANT'), ctx).code).toBe('INVALID_HTTP');
    expect(classifyFailure(wrapped('ECONNRESET'), { ...ctx, phase: 'body', bodyBytes: 7 }).message).toContain('7 bytes');
    expect(classifyFailure(new Error('weird'), ctx)).toEqual({ code: 'NETWORK_ERROR', message: 'request to h:1 failed: weird' });
  });

  it('finds codes inside AggregateErrors (happy-eyeballs connects)', () => {
    const agg = new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'all failed');
    expect(classifyFailure(new TypeError('fetch failed', { cause: agg }), ctx).code).toBe('CONNECTION_REFUSED');
  });
});
