import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/client/exchange.js';
import { ConfigError } from '../../src/runner/errors.js';
import { parsePath, select, type SelectionSource } from '../../src/runner/select.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const body = {
  id: 'u1',
  emails: [
    { type: 'home', value: 'h@x' },
    { type: 'work', value: 'w@x', primary: true },
  ],
  [ENT]: { department: 'R&D' },
  Resources: [{ id: 'a' }, { id: 'b' }],
};
const exchange: Exchange = {
  request: { method: 'GET', url: 'http://x/Users/u1', headers: {} },
  response: { status: 200, headers: { 'Content-Type': 'application/scim+json', ETag: 'W/"1"' }, body: JSON.stringify(body), json: body },
  ms: 12.5,
  startedAt: '2026-01-01T00:00:00Z',
};
const src: SelectionSource = { exchange, vars: new Map([['userId', 'u1']]), walk: { ids: ['a', 'b'], totals: [2, 2], pages: 2 } };

describe('selectors', () => {
  it('reads status, time, headers (any case), variables and walk data', () => {
    expect(select('status', src)).toBe(200);
    expect(select('timeMs', src)).toBe(12.5);
    expect(select('header.etag', src)).toBe('W/"1"');
    expect(select('header.content-type', src)).toBe('application/scim+json');
    expect(select('var.userId', src)).toBe('u1');
    expect(select('walk.ids', src)).toEqual(['a', 'b']);
    expect(select('walk.totalResults', src)).toBe(2);
    expect(select('walk.pages', src)).toBe(2);
  });

  it('follows dotted paths, indexes, [key=value] picks and bracketed URN keys', () => {
    expect(select('body', src)).toBe(body);
    expect(select('body.id', src)).toBe('u1');
    expect(select('body.Resources[1].id', src)).toBe('b');
    expect(select('body.emails[type=work].value', src)).toBe('w@x');
    expect(select('body.emails[primary=true].value', src)).toBe('w@x');
    expect(select('body.emails[type="home"].value', src)).toBe('h@x');
    expect(select(`body["${ENT}"].department`, src)).toBe('R&D');
  });

  it('gives undefined for anything missing, and never reaches prototypes', () => {
    expect(select('body.nope.deeper', src)).toBeUndefined();
    expect(select('body.Resources[9].id', src)).toBeUndefined();
    expect(select('body.emails[type=other].value', src)).toBeUndefined();
    expect(select('body.id[0]', src)).toBeUndefined();
    expect(select('body.constructor', src)).toBeUndefined();
    expect(select('body.__proto__', src)).toBeUndefined();
    expect(select('body.emails.length', src)).toBeUndefined();
    expect(select('body.id', { vars: new Map() })).toBeUndefined();
  });

  it('rejects malformed paths and unknown selectors with a configuration error', () => {
    expect(() => parsePath('.a[')).toThrow(ConfigError);
    expect(() => parsePath('x')).toThrow(/expected "\." or "\["/);
    expect(() => parsePath('..a')).toThrow(/empty name/);
    expect(() => select('bogus', src)).toThrow(/unknown selector/);
  });
});
