// HTTP-level behaviour of the client, against real HTTP servers on loopback (node:http).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, INVALID_PASSWORD, INVALID_TOKEN, REDACTED, type ClientOptions, type Exchange } from '../../src/client/index.js';
import { startHttpServer, type HttpAnswer, type IncomingProbe } from './hostile-servers.js';

const TOKEN = 'tok-Sup3rSecret-123';
const EXTRA = 'hdr-value-very-secret';

type Route = (request: IncomingProbe, origin: string) => HttpAnswer;
/** "METHOD /path-below-the-base" → answer; anything else is a 599 the assertions would show. */
let routes: Record<string, Route> = {};
const use = (next: Record<string, Route>): void => {
  routes = next;
};

let server: Awaited<ReturnType<typeof startHttpServer>>;
let other: Awaited<ReturnType<typeof startHttpServer>>;
let BASE = '';
const dispatch = (request: IncomingProbe, origin: string): HttpAnswer => {
  const path = request.path.split('?')[0]!.replace(/^\/scim\/v2/, '');
  const route = routes[`${request.method} ${origin === other?.origin ? `other:${path}` : path}`];
  return route ? route(request, origin) : { status: 599, body: `no route for ${request.method} ${request.path}` };
};
beforeAll(async () => {
  server = await startHttpServer(dispatch);
  other = await startHttpServer(dispatch);
  BASE = server.baseUrl;
});
afterAll(async () => {
  await server.close();
  await other.close();
});

const clients: { close(): Promise<void> }[] = [];
afterAll(async () => Promise.all(clients.map((c) => c.close())));
function client(extra: Partial<ClientOptions> = {}) {
  const c = createClient({ baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, ...extra });
  clients.push(c);
  return c;
}

const json = (value: unknown, status = 200, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
const empty = (status: number, headers: Record<string, string> = {}): HttpAnswer => ({ status, headers });

/** Every string anywhere in an exchange record. */
function recordText(exchange: Exchange): string {
  return JSON.stringify(exchange);
}

describe('requests and credentials', () => {
  it('resolves relative paths under the base URL, sends bearer auth and adds no header of its own', async () => {
    let seen: IncomingProbe | undefined;
    use({
      'GET /Users': (request) => {
        seen = request;
        return json({ totalResults: 0 }, 200, { 'content-type': 'application/scim+json' });
      },
    });
    const ex = await client().send({ method: 'get', url: '/Users?filter=userName%20eq%20%22a%22', headers: { Accept: 'application/scim+json' } });
    expect(ex.error).toBeUndefined();
    expect(ex.response?.status).toBe(200);
    expect(ex.response?.json).toEqual({ totalResults: 0 });
    expect(seen?.path).toBe('/scim/v2/Users?filter=userName%20eq%20%22a%22');
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers.accept).toBe('application/scim+json');
    // No User-Agent, Accept-Encoding, Accept-Language or Sec-Fetch-* from the HTTP library.
    expect(Object.keys(seen?.headers ?? {}).sort()).toEqual(['accept', 'authorization', 'connection', 'host']);
    expect(ex.request.method).toBe('GET');
    expect(ex.request.headers.Authorization).toBe(`Bearer ${REDACTED}`);
  });

  it('sends Basic credentials, none, and a wrong credential of the same kind', async () => {
    const seen: (string | undefined)[] = [];
    use({
      'GET /Users': (request) => {
        seen.push(request.headers.authorization);
        return empty(204);
      },
    });
    const basic = client({ auth: { kind: 'basic', user: 'admin', pass: 'p@ss:word' } });
    await basic.send({ method: 'GET', url: '/Users' });
    await basic.send({ method: 'GET', url: '/Users', auth: 'invalid' });
    await basic.send({ method: 'GET', url: '/Users', auth: 'none' });
    const bearer = client();
    await bearer.send({ method: 'GET', url: '/Users', auth: 'invalid' });
    const none = client({ auth: { kind: 'none' } });
    await none.send({ method: 'GET', url: '/Users' });
    await none.send({ method: 'GET', url: '/Users', auth: 'invalid' });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(seen).toEqual([
      `Basic ${b64('admin:p@ss:word')}`,
      `Basic ${b64(`admin:${INVALID_PASSWORD}`)}`,
      undefined,
      `Bearer ${INVALID_TOKEN}`,
      undefined,
      `Bearer ${INVALID_TOKEN}`,
    ]);
  });

  it('sends a body with the content type the caller sets, and none when it sets none', async () => {
    const types: (string | undefined)[] = [];
    const bodies: string[] = [];
    use({
      'POST /Users': (request) => {
        types.push(request.headers['content-type']);
        bodies.push(request.body);
        return json({ id: 'u1' }, 201);
      },
    });
    const c = client();
    await c.send({ method: 'POST', url: '/Users', body: '{"userName":"a"}' });
    const ex = await c.send({ method: 'POST', url: '/Users', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(types).toEqual([undefined, 'application/json']);
    expect(bodies).toEqual(['{"userName":"a"}', '{}']);
    expect(ex.request.headers['Content-Type']).toBe('application/json');
    expect(ex.response?.status).toBe(201);
  });

  it("a request's own Authorization goes on the wire as it is, and is shown: it is not the run's credential", async () => {
    const seen: (string | undefined)[] = [];
    use({
      'GET /Users': (request) => {
        seen.push(request.headers.authorization);
        return json({ status: '401' }, 401);
      },
    });
    const c = client({ headers: { Authorization: `Bearer ${EXTRA}` } });
    const ex = await c.send({ method: 'GET', url: '/Users', headers: { Authorization: 'non-token' } });
    expect(seen).toEqual(['non-token']);
    expect(ex.request.headers).toEqual({ Authorization: 'non-token' });
    // The configured --header credential is masked wherever it is the one sent.
    const configured = await c.send({ method: 'GET', url: '/Users' });
    expect(seen[1]).toBe(`Bearer ${EXTRA}`);
    expect(configured.request.headers).toEqual({ Authorization: `Bearer ${REDACTED}` });
  });
});

describe('redaction at capture time', () => {
  it('keeps every secret out of every recorded field, even when the server echoes it', async () => {
    const basicB64 = Buffer.from('admin:Pa55-w0rd!').toString('base64');
    const echo: Route = (request, origin) =>
      json(
        { echo: request.headers.authorization, extra: request.headers['x-tenant-key'], body: request.body, url: `${origin}${request.path}` },
        400,
        {
          'x-echo': `${request.headers.authorization} ${request.headers['x-tenant-key']}`,
          'set-cookie': `sid=${request.headers.authorization}`,
          // A header named after a secret: names are redacted too.
          [`x-${request.headers['x-tenant-key']}`]: 'seen',
        },
      );
    use({ 'POST /Users': echo, [`PUT /Users/${encodeURIComponent('Pa55-w0rd!')}`]: echo });
    const secrets = [TOKEN, EXTRA, 'Pa55-w0rd!', basicB64];
    const bearer = client({ headers: { 'X-Tenant-Key': EXTRA } });
    const basic = client({ auth: { kind: 'basic', user: 'admin', pass: 'Pa55-w0rd!' }, headers: { 'X-Tenant-Key': EXTRA } });
    const exchanges = [
      await bearer.send({ method: 'POST', url: `/Users?access_token=${TOKEN}`, body: JSON.stringify({ password: TOKEN, key: EXTRA }) }),
      await basic.send({ method: 'PUT', url: `/Users/${encodeURIComponent('Pa55-w0rd!')}`, body: `{"pw":"Pa55-w0rd!"}` }),
    ];
    for (const ex of exchanges) {
      expect(ex.response?.status).toBe(400);
      const text = recordText(ex);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent('Pa55-w0rd!'));
      expect(text).toContain(REDACTED);
      expect(ex.request.headers['X-Tenant-Key']).toBe(REDACTED);
      expect(ex.response?.headers['set-cookie']).toBe(REDACTED);
      expect(ex.response?.headers[`x-${REDACTED}`]).toBe('seen');
    }
    expect(exchanges[0]?.response?.json).toMatchObject({ echo: `Bearer ${REDACTED}`, extra: REDACTED });
    expect(bearer.redact(`token ${TOKEN} and ${EXTRA}`)).toBe(`token ${REDACTED} and ${REDACTED}`);
  });
});

describe('response bodies', () => {
  const cases: { name: string; body: string; type?: string; json?: unknown; jsonError?: RegExp }[] = [
    { name: 'SCIM JSON', body: '{"id":"1"}', type: 'application/scim+json; charset=utf-8', json: { id: '1' } },
    { name: 'JSON sent as text/plain', body: '{"id":"2"}', type: 'text/plain', json: { id: '2' } },
    { name: 'JSON without a content type', body: '[1,2]', json: [1, 2] },
    { name: 'JSON null', body: 'null', type: 'application/json', json: null },
    { name: 'JSON string', body: '"hello"', type: 'application/json', json: 'hello' },
    { name: 'invalid JSON', body: '{"id": "1",', type: 'application/scim+json', jsonError: /^invalid JSON/ },
    { name: 'HTML page', body: '<html><body>502 Bad Gateway</body></html>', type: 'text/html' },
    { name: 'deeply nested JSON', body: '['.repeat(10_000) + ']'.repeat(10_000), type: 'application/json', jsonError: /nested 10000 levels/ },
  ];
  for (const c of cases) {
    it(`records ${c.name}: raw text kept, json ${c.json !== undefined ? 'parsed' : 'left undefined'}`, async () => {
      use({ 'GET /Users/x': () => ({ status: 200, headers: c.type ? { 'content-type': c.type } : ({} as Record<string, string>), body: c.body }) });
      const ex = await client().send({ method: 'GET', url: '/Users/x' });
      expect(ex.error).toBeUndefined();
      expect(ex.response?.body).toBe(c.body);
      expect(ex.response?.json).toEqual(c.json);
      if (c.jsonError) {
        expect(ex.response?.jsonError).toMatch(c.jsonError);
        expect(ex.notes?.join(' ')).toMatch(/not usable JSON/);
      } else expect(ex.response?.jsonError).toBeUndefined();
    });
  }

  it('keeps the full parsed value but shortens the recorded text of a large body', async () => {
    const users = Array.from({ length: 2000 }, (_, i) => ({ id: String(i), userName: `user${i}@example.com` }));
    use({ 'GET /Users': () => json({ Resources: users }) });
    const ex = await client({ recordBodyChars: 1000 }).send({ method: 'GET', url: '/Users' });
    expect((ex.response?.json as { Resources: unknown[] }).Resources).toHaveLength(2000);
    expect(ex.response?.body?.length).toBeLessThan(1100);
    expect(ex.response?.body).toContain(`[truncated for the record: ${ex.response?.bodyBytes} bytes in total]`);
    expect(ex.response?.bodyBytes).toBe(Buffer.byteLength(JSON.stringify({ Resources: users })));
  });

  it('fails an exchange whose body exceeds the cap, keeping status and headers', async () => {
    use({ 'GET /Users': () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5000) }) });
    const ex = await client({ maxBodyBytes: 1000 }).send({ method: 'GET', url: '/Users' });
    expect(ex.error?.code).toBe('BODY_TOO_LARGE');
    expect(ex.response?.status).toBe(200);
    expect(ex.response?.bodyTruncated).toBe(true);
    expect(ex.response?.json).toBeUndefined();
  });
});

describe('429 and Retry-After', () => {
  function rateLimited(times: number, retryAfter: string | undefined) {
    let calls = 0;
    use({
      'GET /Users': () => {
        calls++;
        if (calls <= times) return empty(429, retryAfter !== undefined ? { 'retry-after': retryAfter } : {});
        return json({ ok: true });
      },
    });
    return () => calls;
  }

  it('waits the Retry-After seconds, retries, and records the wait', async () => {
    const calls = rateLimited(1, '1');
    const started = Date.now();
    const ex = await client().send({ method: 'GET', url: '/Users' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(calls()).toBe(2);
    expect(ex.response?.status).toBe(200);
    expect(ex.retries).toEqual([{ status: 429, retryAfter: '1', waitedMs: 1000 }]);
    expect(ex.notes).toEqual(['429: waited 1000 ms as Retry-After asked, then retried']);
  });

  it('accepts an HTTP-date', async () => {
    const calls = rateLimited(2, new Date(Date.now() - 5000).toUTCString());
    const ex = await client().send({ method: 'GET', url: '/Users' });
    expect(calls()).toBe(3);
    expect(ex.response?.status).toBe(200);
    expect(ex.retries).toHaveLength(2);
  });

  it('does not wait past the bound, and says so', async () => {
    const calls = rateLimited(1, '3600');
    const ex = await client().send({ method: 'GET', url: '/Users' });
    expect(calls()).toBe(1);
    expect(ex.response?.status).toBe(429);
    expect(ex.retries).toBeUndefined();
    expect(ex.notes?.[0]).toMatch(/Retry-After 3600 .*longer than the 10000 ms wait bound/);
  });

  it('does not wait past the run deadline', async () => {
    const calls = rateLimited(1, '2');
    const ex = await client({ deadline: Date.now() + 1000 }).send({ method: 'GET', url: '/Users' });
    expect(calls()).toBe(1);
    expect(ex.response?.status).toBe(429);
    expect(ex.notes?.[0]).toMatch(/or the deadline; not retried/);
  });

  it('does not retry a 429 without a usable Retry-After', async () => {
    const calls = rateLimited(1, undefined);
    const ex = await client().send({ method: 'GET', url: '/Users' });
    expect(calls()).toBe(1);
    expect(ex.notes?.[0]).toMatch(/without a usable Retry-After \(missing\)/);
  });

  it('lets many concurrent sends wait without a listener-leak warning, and close() cuts a wait short', async () => {
    let answered = 0;
    use({
      'GET /Users': () => {
        answered++;
        return empty(429, { 'retry-after': '5' });
      },
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    const c = client();
    const started = Date.now();
    const pending = Promise.all(Array.from({ length: 15 }, () => c.send({ method: 'GET', url: '/Users' })));
    // Every send must be waiting out its 429 before the client closes.
    while (answered < 15) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await c.close();
    const exchanges = await pending;
    process.off('warning', onWarning);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(exchanges.map((ex) => ex.error?.code)).toEqual(new Array(15).fill('CLIENT_CLOSED'));
    expect(exchanges[0]?.response?.status).toBe(429);
    expect(exchanges[0]?.retries).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('gives up after the configured number of retries', async () => {
    const calls = rateLimited(100, '0');
    const ex = await client({ rateLimit: { maxRetries: 3 } }).send({ method: 'GET', url: '/Users' });
    expect(calls()).toBe(4);
    expect(ex.response?.status).toBe(429);
    expect(ex.retries).toHaveLength(3);
    expect(ex.notes?.at(-1)).toBe('429 again after 3 retries; giving up');
  });
});

describe('redirects', () => {
  it('follows a same-origin redirect with credentials', async () => {
    let auth: string | undefined;
    use({
      'GET /Users': () => empty(301, { location: '/scim/v2/People' }),
      'GET /People': (request) => {
        auth = request.headers.authorization;
        return json({ totalResults: 0 });
      },
    });
    const ex = await client().send({ method: 'GET', url: '/Users' });
    expect(ex.response?.status).toBe(200);
    expect(auth).toBe(`Bearer ${TOKEN}`);
    expect(ex.redirects).toEqual([{ status: 301, from: `${BASE}/Users`, to: `${BASE}/People`, crossOrigin: false }]);
    expect(ex.request.url).toBe(`${BASE}/Users`);
  });

  it('never sends Authorization or secret headers to another origin', async () => {
    const seen: Record<string, string | undefined> = {};
    use({
      'POST /Users': () => empty(307, { location: `${other.origin}/collect` }),
      'POST other:/collect': (request) => {
        seen.authorization = request.headers.authorization;
        seen.secret = request.headers['x-tenant-key'];
        seen.body = request.body;
        return json({ stolen: false }, 201);
      },
    });
    const ex = await client({ headers: { 'X-Tenant-Key': EXTRA } }).send({ method: 'POST', url: '/Users', body: '{"userName":"a"}' });
    expect(seen).toEqual({ authorization: undefined, secret: undefined, body: '{"userName":"a"}' });
    expect(ex.response?.status).toBe(201);
    expect(ex.redirects?.[0]?.crossOrigin).toBe(true);
    expect(ex.notes?.[0]).toBe(`redirected to another origin (${other.origin}): Authorization and secret headers were not sent there`);
  });

  it('turns a POST into a body-less GET on 303', async () => {
    let method = '';
    let body = '';
    use({
      'POST /Users': () => empty(303, { location: `${BASE}/Users/1` }),
      'GET /Users/1': (request) => {
        method = request.method;
        body = request.body;
        return json({ id: '1' });
      },
    });
    const ex = await client().send({ method: 'POST', url: '/Users', body: '{"x":1}' });
    expect([method, body]).toEqual(['GET', '']);
    expect(ex.response?.json).toEqual({ id: '1' });
  });

  it('detects a redirect loop and bounds the number of hops', async () => {
    let hops = 0;
    const chain: Record<string, Route> = {};
    for (let n = 1; n <= 10; n++) {
      chain[`GET /chain/${n}`] = () => {
        hops++;
        return empty(302, { location: String(n + 1) });
      };
    }
    use({
      'GET /a': () => empty(302, { location: 'b' }),
      'GET /b': () => empty(302, { location: 'a' }),
      ...chain,
    });
    const loop = await client().send({ method: 'GET', url: '/a' });
    expect(loop.error?.code).toBe('REDIRECT_LOOP');
    expect(loop.response?.status).toBe(302);
    const chained = await client({ maxRedirects: 3 }).send({ method: 'GET', url: '/chain/1' });
    expect(chained.error).toEqual({ code: 'TOO_MANY_REDIRECTS', message: 'more than 3 redirects' });
    expect(hops).toBe(4);
    const off = await client({ maxRedirects: 0 }).send({ method: 'GET', url: '/a' });
    expect(off.error).toBeUndefined();
    expect(off.response?.status).toBe(302);
  });
});
