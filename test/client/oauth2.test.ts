// OAuth 2.0 client credentials: token fetched once, reused, refreshed on expiry and after a 401.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, REDACTED, type OAuth2ClientCredentials } from '../../src/client/index.js';

const BASE = 'https://scim.test/scim/v2';
const TOKEN_URL = 'https://idp.test/oauth2/token';
const CLIENT_SECRET = 'cl1ent-s3cret-value';

const mock = setupServer();
beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mock.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => mock.close());

interface TokenEndpoint {
  requests: { authorization: string | null; form: URLSearchParams }[];
  /** Tokens the SCIM endpoint accepts. */
  valid: Set<string>;
}

/** A token endpoint issuing at-1, at-2, … and a SCIM endpoint accepting only currently valid tokens. */
function standUp(expiresIn: number | undefined): TokenEndpoint {
  const endpoint: TokenEndpoint = { requests: [], valid: new Set() };
  mock.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      endpoint.requests.push({ authorization: request.headers.get('authorization'), form });
      const token = `at-${endpoint.requests.length}-${'x'.repeat(20)}`;
      endpoint.valid.add(token);
      return HttpResponse.json({ access_token: token, token_type: 'Bearer', ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}) });
    }),
    http.get(`${BASE}/Users`, ({ request }) => {
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      if (!endpoint.valid.has(token)) return HttpResponse.json({ status: '401' }, { status: 401 });
      return HttpResponse.json({ youSent: token });
    }),
  );
  return endpoint;
}

const config: OAuth2ClientCredentials = { kind: 'oauth2', tokenUrl: TOKEN_URL, clientId: 'scim client', clientSecret: CLIENT_SECRET, scope: 'scim.read scim.write' };

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

  it('reports a failing token endpoint as one clear error without the secret', async () => {
    mock.use(http.post(TOKEN_URL, () => HttpResponse.json({ error: 'invalid_client', error_description: CLIENT_SECRET }, { status: 401 })));
    const client = createClient({ baseUrl: BASE, auth: config });
    const ex = await client.send({ method: 'GET', url: '/Users' });
    await client.close();
    expect(ex.response).toBeUndefined();
    expect(ex.error).toEqual({ code: 'AUTH_TOKEN_FAILED', message: 'token endpoint answered 401 (invalid_client) without an access_token' });
  });
});
