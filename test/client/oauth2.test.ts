// OAuth 2.0 client credentials: token fetched once, reused, refreshed on expiry and after a 401; a token server
// and a SCIM server on loopback (node:http).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, REDACTED, type OAuth2ClientCredentials } from '../../src/client/index.js';
import { startHttpServer, type HttpAnswer, type IncomingProbe } from './hostile-servers.js';

const CLIENT_SECRET = 'cl1ent-s3cret-value';

type Handler = (request: IncomingProbe) => HttpAnswer;
let onToken: Handler = () => ({ status: 599 });
let onScim: Handler = () => ({ status: 599 });
let idp: Awaited<ReturnType<typeof startHttpServer>>;
let scim: Awaited<ReturnType<typeof startHttpServer>>;
let BASE = '';
let TOKEN_URL = '';
beforeAll(async () => {
  idp = await startHttpServer((request) => (request.method === 'POST' && request.path === '/oauth2/token' ? onToken(request) : { status: 599 }));
  scim = await startHttpServer((request) => (request.method === 'GET' && request.path === '/scim/v2/Users' ? onScim(request) : { status: 599 }));
  BASE = scim.baseUrl;
  TOKEN_URL = `${idp.origin}/oauth2/token`;
  config.tokenUrl = TOKEN_URL;
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await idp.close();
  await scim.close();
});

const json = (value: unknown, status = 200): HttpAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

interface TokenEndpoint {
  requests: { authorization: string | null; form: URLSearchParams }[];
  /** Tokens the SCIM endpoint accepts. */
  valid: Set<string>;
}

/**
 * A token endpoint issuing at-1, at-2, … (or always `sameToken`) and a SCIM endpoint accepting only currently
 * valid tokens.
 */
function standUp(expiresIn: number | undefined, sameToken?: string): TokenEndpoint & { sent: (string | undefined)[] } {
  const endpoint = { requests: [], valid: new Set<string>(), sent: [] as (string | undefined)[] } as TokenEndpoint & { sent: (string | undefined)[] };
  onToken = (request) => {
    const form = new URLSearchParams(request.body);
    endpoint.requests.push({ authorization: request.headers.authorization ?? null, form });
    const token = sameToken ?? `at-${endpoint.requests.length}-${'x'.repeat(20)}`;
    endpoint.valid.add(token);
    return json({ access_token: token, token_type: 'Bearer', ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}) });
  };
  onScim = (request) => {
    endpoint.sent.push(request.headers.authorization);
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!endpoint.valid.has(token)) return json({ status: '401' }, 401);
    return json({ youSent: token });
  };
  return endpoint;
}

const config: OAuth2ClientCredentials = { kind: 'oauth2', tokenUrl: '', clientId: 'scim client', clientSecret: CLIENT_SECRET, scope: 'scim.read scim.write' };

describe('OAuth2 client credentials', () => {
  it('fetches the token once with client_secret_basic and reuses it', async () => {
    const endpoint = standUp(3600);
    const client = createClient({ baseUrl: BASE, auth: config });
    const results = await Promise.all([1, 2, 3].map(() => client.send({ method: 'GET', url: '/Users' })));
    results.push(await client.send({ method: 'GET', url: '/Users' }));
    await client.close();
    expect(results.map((r) => r.response?.status)).toEqual([200, 200, 200, 200]);
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`scim%20client:${CLIENT_SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(request?.form ?? [])).toEqual({ grant_type: 'client_credentials', scope: 'scim.read scim.write' });
    // The access token is a secret: masked in headers and in a body that echoes it.
    const text = JSON.stringify(results);
    expect(text).not.toMatch(/at-1-x+/);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(results[0]?.response?.json).toEqual({ youSent: REDACTED });
  });

  it('sends client id and secret in the form with clientAuth "body"', async () => {
    const endpoint = standUp(3600);
    const client = createClient({ baseUrl: BASE, auth: { ...config, clientAuth: 'body' } });
    await client.send({ method: 'GET', url: '/Users' });
    await client.close();
    expect(endpoint.requests[0]?.authorization).toBeNull();
    expect(endpoint.requests[0]?.form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(endpoint.requests[0]?.form.get('client_id')).toBe('scim client');
  });

  it('refreshes the token when it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const endpoint = standUp(300);
    const client = createClient({ baseUrl: BASE, auth: config });
    await client.send({ method: 'GET', url: '/Users' });
    vi.setSystemTime(Date.now() + 200_000);
    await client.send({ method: 'GET', url: '/Users' });
    expect(endpoint.requests).toHaveLength(1);
    vi.setSystemTime(Date.now() + 80_000); // within the refresh margin before the 300 s expiry
    const ex = await client.send({ method: 'GET', url: '/Users' });
    await client.close();
    expect(endpoint.requests).toHaveLength(2);
    expect(ex.response?.status).toBe(200);
  });

  it('fetches a new token once after a 401 on a cached token', async () => {
    const endpoint = standUp(undefined);
    const client = createClient({ baseUrl: BASE, auth: config });
    await client.send({ method: 'GET', url: '/Users' });
    endpoint.valid.clear(); // the server revokes the token
    const ex = await client.send({ method: 'GET', url: '/Users' });
    expect(ex.response?.status).toBe(200);
    expect(ex.notes).toEqual(['401 with a cached OAuth token: fetched a new token and retried once']);
    expect(endpoint.requests).toHaveLength(2);
    // A deliberately wrong credential is not "repaired" by a refresh.
    const invalid = await client.send({ method: 'GET', url: '/Users', auth: 'invalid' });
    await client.close();
    expect(invalid.response?.status).toBe(401);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('sends the token itself, never its redacted copy, when the endpoint hands out the same token again', async () => {
    // A token the client has seen is a registered secret; the second answer carrying it must still be used raw.
    const same = 'same-token-Every-Time-42';
    const endpoint = standUp(undefined, same);
    const client = createClient({ baseUrl: BASE, auth: config });
    await client.send({ method: 'GET', url: '/Users' });
    endpoint.valid.clear(); // revoked: the client fetches again after the 401 and gets the same token back (valid again)
    const ex = await client.send({ method: 'GET', url: '/Users' });
    await client.close();
    expect(endpoint.requests).toHaveLength(2);
    expect(endpoint.sent).toEqual([`Bearer ${same}`, `Bearer ${same}`, `Bearer ${same}`]);
    expect(ex.response?.status).toBe(200);
    expect(JSON.stringify(ex)).not.toContain(same);
  });

  it('reports a failing token endpoint as one clear error without the secret', async () => {
    onToken = () => json({ error: 'invalid_client', error_description: CLIENT_SECRET }, 401);
    const client = createClient({ baseUrl: BASE, auth: config });
    const ex = await client.send({ method: 'GET', url: '/Users' });
    await client.close();
    expect(ex.response).toBeUndefined();
    expect(ex.error).toEqual({ code: 'AUTH_TOKEN_FAILED', message: 'token endpoint answered 401 (invalid_client) without an access_token' });
  });
});
