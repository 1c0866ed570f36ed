/** Every failure is a SCIM Error with the right status, and the server keeps serving after bad requests. */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, newUser, SEED, startClient, USER, type Client } from './helpers.js';

let c: Client;
beforeAll(async () => {
  c = await startClient();
});
afterAll(() => c.server.close());

const stillServing = async (): Promise<void> => {
  const res = await c.call('GET', `/Users/${SEED.ada}`);
  expect(res.status).toBe(200);
};

describe('authentication', () => {
  const endpoints = ['/Users', `/Users/${SEED.ada}`, '/Groups', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/no-such-endpoint'];

  it.each(endpoints)('%s: no credentials or wrong ones → 401 SCIM error with WWW-Authenticate', async (path) => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: 'Bearer' }, { authorization: 'test-token' }, { authorization: 'Basic dGVzdDp0ZXN0' }]) {
      const res = await c.raw('GET', path, undefined, headers);
      expectScimError(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    }
  });

  it('writes are refused without credentials and change nothing', async () => {
    const res = await c.raw('POST', '/Users', JSON.stringify(newUser('sneaky@example.com')), { 'content-type': 'application/scim+json' });
    expectScimError(res, 401);
    const check = await c.call('GET', `/Users?filter=${encodeURIComponent('userName eq "sneaky@example.com"')}`);
    expect(check.body.totalResults).toBe(0);
  });

  it('the bearer scheme name is case-insensitive', async () => {
    expect((await c.raw('GET', '/Users?count=1', undefined, { authorization: 'bearer test-token' })).status).toBe(200);
  });

  it('Basic credentials when configured (and a token alongside)', async () => {
    const basic = await startClient({ token: 'tok', basic: { user: 'okta', pass: 's3cret:with:colons' } });
    try {
      const good = `Basic ${Buffer.from('okta:s3cret:with:colons').toString('base64')}`;
      expect((await basic.raw('GET', '/Users', undefined, { authorization: good })).status).toBe(200);
      expect((await basic.raw('GET', '/Users', undefined, { authorization: 'Bearer tok' })).status).toBe(200);
      const bad = await basic.raw('GET', '/Users', undefined, { authorization: `Basic ${Buffer.from('okta:nope').toString('base64')}` });
      expectScimError(bad, 401);
      expect(bad.headers.get('www-authenticate')).toContain('Basic realm=');
      const config = (await basic.raw('GET', '/ServiceProviderConfig', undefined, { authorization: good })).body;
      expect(config.authenticationSchemes.map((s: { type: string }) => s.type)).toEqual(['oauthbearertoken', 'httpbasic']);
    } finally {
      await basic.server.close();
    }
  });

  it('with only Basic configured no token is generated and bearer is refused', async () => {
    const basic = await startClient({ token: undefined, basic: { user: 'u', pass: 'p' } });
    try {
      expect(basic.server.token).toBeUndefined();
      expectScimError(await basic.raw('GET', '/Users', undefined, { authorization: 'Bearer undefined' }), 401);
    } finally {
      await basic.server.close();
    }
  });

  it('without token or basic a random token is generated and required', async () => {
    const generated = await startClient({ token: undefined });
    try {
      const token = generated.server.token!;
      expect(token.length).toBeGreaterThanOrEqual(24);
      expect((await generated.raw('GET', '/Users', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
      expectScimError(await generated.raw('GET', '/Users', undefined, { authorization: 'Bearer test-token' }), 401);
    } finally {
      await generated.server.close();
    }
  });
});

describe('unknown things', () => {
  it('unknown ids → 404 for Users, Groups, Schemas and ResourceTypes', async () => {
    for (const path of ['/Users/nope', '/Groups/nope', '/Schemas/urn:nope', '/ResourceTypes/Nope']) expectScimError(await c.call('GET', path), 404);
  });

  it('unknown paths inside and outside the base path → 404 SCIM error', async () => {
    expectScimError(await c.call('GET', '/Widgets'), 404);
    expectScimError(await c.call('GET', '/Users/a/b'), 404);
    const outside = await fetch(c.server.url.replace('/scim/v2', '/elsewhere'), { headers: { authorization: 'Bearer test-token' } });
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('/Bulk and /Me are not implemented → 501 SCIM error', async () => {
    expectScimError(await c.call('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
    expectScimError(await c.call('GET', '/Me'), 501);
  });
});

describe('methods', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s on discovery endpoints → 405 with Allow: GET, HEAD', async (method) => {
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User']) {
      const res = await c.call(method, path, method === 'DELETE' ? undefined : {});
      expectScimError(res, 405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('405 on methods a resource path does not take', async () => {
    expectScimError(await c.call('DELETE', '/Users'), 405);
    expectScimError(await c.call('PUT', '/Groups', {}), 405);
    expectScimError(await c.call('POST', `/Users/${SEED.ada}`, newUser('x@example.com')), 405);
  });
});

describe('bodies', () => {
  it('invalid JSON → 400 invalidSyntax', async () => {
    for (const body of ['{"schemas": [', 'not json', '{"a":1}}']) {
      expectScimError(await c.raw('POST', '/Users', body, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    }
    await stillServing();
  });

  it('JSON of the wrong shape or wrong value types → 400', async () => {
    for (const body of [[], 'a string', 42, null, { schemas: USER, userName: 'x@example.com' }]) {
      const res = await c.call('POST', '/Users', body);
      expectScimError(res, 400);
    }
    expectScimError(await c.call('POST', '/Users', newUser('types@example.com', { emails: [{ value: 5 }] })), 400, 'invalidValue');
    expectScimError(await c.call('POST', '/Users', newUser('types@example.com', { meta: 5, active: 1 })), 400, 'invalidValue');
  });

  it('deeply nested JSON (in the body and inside an attribute) → 400, and the server keeps serving', async () => {
    const depth = 200_000;
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    expectScimError(await c.raw('POST', '/Users', nested, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' }), 400);
    const inAttribute = `{"schemas":["${USER}"],"userName":"deep@example.com","name":{"givenName":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`;
    expectScimError(await c.raw('POST', '/Users', inAttribute, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    const inPatch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"title":${'['.repeat(50_000)}${']'.repeat(50_000)}}}]}`;
    expectScimError(await c.raw('PATCH', `/Users/${SEED.grace}`, inPatch, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    // An ordinary body right after is accepted.
    const okDepth = `{"schemas":["${USER}"],"userName":"depth@example.com","name":{"givenName":"x"}}`;
    expect((await c.raw('POST', '/Users', okDepth, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' })).status).toBe(201);
    expect(c.server.requests().length).toBeGreaterThan(0); // the request log copes with the nesting too
    await stillServing();
  });

  it('a POST without a body → 400', async () => {
    expectScimError(await c.raw('POST', '/Users', undefined, { authorization: 'Bearer test-token' }), 400, 'invalidSyntax');
  });

  it('accepts application/scim+json and application/json, with or without charset, and answers application/scim+json; charset=utf-8', async () => {
    let i = 0;
    for (const type of ['application/scim+json', 'application/scim+json; charset=utf-8', 'application/json', 'application/json;charset=UTF-8', 'Application/SCIM+JSON']) {
      const res = await c.raw('POST', '/Users', JSON.stringify(newUser(`ctype${++i}@example.com`)), { authorization: 'Bearer test-token', 'content-type': type });
      expect(res.status, type).toBe(201);
      expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    }
  });

  it('other content types → 415 SCIM error', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      expectScimError(await c.raw('POST', '/Users', JSON.stringify(newUser('ctype.bad@example.com')), { authorization: 'Bearer test-token', 'content-type': type }), 415);
    }
    await stillServing();
  });

  it('a Content-Type on a GET or DELETE without a body is fine (Okta sends one)', async () => {
    const res = await c.raw('GET', `/Users/${SEED.grace}`, undefined, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json; charset=utf-8' });
    expect(res.status).toBe(200);
  });

  it('a 2 MiB body → 413 (declared length and chunked), then the server keeps serving', async () => {
    const big = JSON.stringify(newUser('big@example.com', { title: 'x'.repeat(2 * 1024 * 1024) }));
    expectScimError(await c.raw('POST', '/Users', big, { authorization: 'Bearer test-token', 'content-type': 'application/scim+json' }), 413);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${c.server.url}/Users`);
      const req = request(url, { method: 'POST', headers: { authorization: 'Bearer test-token', 'content-type': 'application/scim+json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 32; i++) req.write('x'.repeat(64 * 1024 + 1));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).status).toBe('413');
    await stillServing();
  });

  it('malformed HTTP and oversized headers get a SCIM error before the connection closes', async () => {
    const { port } = c.server;
    const rawExchange = (payload: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(payload));
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
    const garbage = await rawExchange('THIS IS NOT HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toContain('"status":"400"');
    const huge = await rawExchange(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    expect(huge).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
    await stillServing();
  });
});
