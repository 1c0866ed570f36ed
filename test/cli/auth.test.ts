// Credentials end to end through the built CLI: OAuth 2.0 client credentials against a token endpoint the test
// stands up (fetched once, reused, refreshed on expiry and after a revocation), Basic, and arbitrary headers;
// none of the secrets may appear in the output or the reports.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startFront, type Front } from '../api/scim-front.js';
import { assertBuilt, cli, type CliOutcome } from './spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const SERVER_TOKEN = 'reference-server-token-9f8e7d';
const CLIENT_ID = 'scim-check-client';
const CLIENT_SECRET = 'client-s3cret-Zq81xv';

interface TokenEndpoint {
  url: string;
  /** Every token request: its client authentication and form. */
  requests: { authorization: string | undefined; form: URLSearchParams }[];
  /** Tokens issued so far, in order; the SCIM front accepts those not revoked. */
  issued: string[];
  revoked: Set<string>;
  /** expires_in of the next tokens (seconds; undefined = none sent). */
  expiresIn: number | undefined;
  close(): Promise<void>;
}

/** An OAuth 2.0 token endpoint (client_credentials, client_secret_basic) issuing distinct random tokens. */
async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const endpoint: Omit<TokenEndpoint, 'url' | 'close'> = { requests: [], issued: [], revoked: new Set(), expiresIn: 3600 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      endpoint.requests.push({ authorization: req.headers.authorization, form });
      const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      if (req.headers.authorization !== expected || form.get('grant_type') !== 'client_credentials') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      const token = `at-${endpoint.issued.length + 1}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      endpoint.issued.push(token);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', ...(endpoint.expiresIn !== undefined ? { expires_in: endpoint.expiresIn } : {}) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}/oauth2/v1/token`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

let reference: RunningServer;
let tokens: TokenEndpoint;
let front: Front;
let work: string;
/** The SCIM request (1-based) at which the first issued token is revoked, as an IdP might mid-run. */
let revokeAtRequest: number | undefined;

beforeAll(async () => {
  assertBuilt();
  reference = await startServer({ port: 0, token: SERVER_TOKEN, quiet: true });
  tokens = await startTokenEndpoint();
  // The SCIM endpoint of an app protected by the IdP's tokens: only issued, unrevoked tokens get through.
  front = await startFront(reference.url, {
    authorize: (authorization) => {
      if (front.seen.length === revokeAtRequest) tokens.revoked.add(tokens.issued[0]!);
      const token = authorization?.replace(/^Bearer /, '');
      return token && tokens.issued.includes(token) && !tokens.revoked.has(token) ? `Bearer ${SERVER_TOKEN}` : undefined;
    },
  });
  work = tempDir('scim-check-auth-');
});
afterAll(async () => {
  await front.close();
  await tokens.close();
  await reference.close();
});
afterEach(() => {
  tokens.requests.length = 0;
  tokens.issued.length = 0;
  tokens.revoked.clear();
  tokens.expiresIn = 3600;
  front.seen.length = 0;
  revokeAtRequest = undefined;
});

const oauthFlags = (): string[] => ['--url', front.url, '--oauth-token-url', tokens.url, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--scope', 'scim.users scim.groups'];
const bearerOf = (authorization: string | undefined): string | undefined => authorization?.replace(/^Bearer /, '');

/** Everything the run printed or wrote that a user could see or share. */
function everythingShown(outcome: CliOutcome, files: string[]): string {
  return [outcome.stdout, outcome.stderr, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
}

describe('OAuth 2.0 client credentials (--oauth-token-url, --client-id, --client-secret, --scope)', () => {
  it('the Okta suites pass with one token per client, fetched with client_secret_basic and the scope, and reused', async () => {
    const json = join(work, 'oauth.json');
    const junit = join(work, 'oauth.xml');
    const outcome = await cli([...oauthFlags(), '--verbose', '--reporter', 'pretty', '--reporter', `json=${json}`, '--reporter', `junit=${junit}`]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    // The run's client fetched one token and used it for every request; cleanup runs on a fresh client (its own
    // deadline), which fetches one more.
    expect(tokens.requests.map((r) => Object.fromEntries(r.form))).toEqual([
      { grant_type: 'client_credentials', scope: 'scim.users scim.groups' },
      { grant_type: 'client_credentials', scope: 'scim.users scim.groups' },
    ]);
    const [main, cleanup] = tokens.issued;
    const used = front.seen.map((r) => bearerOf(r.authorization));
    const deletes = front.seen.map((r, i) => (r.method === 'DELETE' && used[i] === cleanup ? i : -1)).filter((i) => i >= 0);
    expect(deletes.length).toBeGreaterThan(0);
    const beforeCleanup = used.slice(0, deletes[0]);
    // Every request of the checks carried the first token, except okta-spec/bad-credentials' deliberate wrong ones:
    // Okta's literal "non-token" (never replaced by a fresh token) and a wrong Bearer token.
    expect(new Set(beforeCleanup)).toEqual(new Set([main, 'non-token', 'scim-check-invalid-token']));
    expect(beforeCleanup.filter((t) => t === main).length).toBeGreaterThan(50);
    // Neither the secret nor any access token shows up anywhere, even with --verbose.
    const shown = everythingShown(outcome, [json, junit]);
    expect(shown).toContain('[REDACTED]');
    for (const secret of [CLIENT_SECRET, main!, cleanup!, Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')]) expect(shown).not.toContain(secret);
  });

  it('refreshes a token when its expires_in runs out, before the server has to reject it', async () => {
    tokens.expiresIn = 3; // refreshed 10 % before expiry: after 2.7 s
    const suite = join(work, 'expiry-suite.json');
    writeFileSync(
      suite,
      JSON.stringify({
        id: 'expiry',
        title: 'Token expiry',
        description: 'Two reads 3 s apart',
        source: 'test',
        checks: [
          { id: 'expiry/first', title: 'first read', description: 'reads users', level: 'MUST', source: 'test', steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }] },
          { id: 'expiry/later', title: 'a read after the token expired', description: 'reads users later', level: 'MUST', source: 'test', steps: [{ delayMs: 3000, request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }] },
        ],
      }),
    );
    const outcome = await cli([...oauthFlags(), '--suite', suite, '--only', 'expiry/first', '--only', 'expiry/later']);
    expect(outcome.stdout).toContain('2 passed, 0 failed, 0 skipped');
    expect(outcome.code).toBe(0);
    expect(tokens.requests).toHaveLength(2);
    const used = front.seen.map((r) => bearerOf(r.authorization));
    expect(used[0]).toBe(tokens.issued[0]);
    expect(used.at(-1)).toBe(tokens.issued[1]);
  });

  it('a token the server revokes mid-run (401) is replaced once and the request retried; the run still passes', async () => {
    tokens.expiresIn = undefined;
    const suite = join(work, 'revoke-suite.json');
    const read = (name: string) => ({ id: `revoke/${name}`, title: name, description: 'reads users', level: 'MUST', source: 'test', steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }] });
    writeFileSync(suite, JSON.stringify({ id: 'revoke', title: 'Revocation', description: 'reads', source: 'test', checks: [read('a'), read('b'), read('c')] }));
    revokeAtRequest = 3; // preflight, a, then b finds its token revoked
    const json = join(work, 'revoke.json');
    const outcome = await cli([...oauthFlags(), '--suite', suite, '--only', 'revoke/a', '--only', 'revoke/b', '--only', 'revoke/c', '--reporter', 'pretty', '--reporter', `json=${json}`]);
    expect(outcome.stdout).toContain('3 passed, 0 failed, 0 skipped');
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    expect(result.suites[0]!.checks.map((c) => c.exchanges[0]!.notes)).toEqual([undefined, ['401 with a cached OAuth token: fetched a new token and retried once'], undefined]);
    expect(tokens.requests).toHaveLength(2);
    expect(front.seen.map((r) => bearerOf(r.authorization))).toEqual([tokens.issued[0], tokens.issued[0], tokens.issued[0], tokens.issued[1], tokens.issued[1]]);
  });

  it('a token endpoint that refuses the client: exit 3 with one line, and the secret is not in it', async () => {
    const outcome = await cli(['--url', front.url, '--oauth-token-url', tokens.url, '--client-id', CLIENT_ID, '--client-secret', 'wrong-secret-value']);
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain('token endpoint answered 401 (invalid_client)');
    expect(outcome.stderr).not.toContain('wrong-secret-value');
  });

  it('an incomplete OAuth setup is a usage error naming what is missing (exit 2)', async () => {
    const outcome = await cli(['--url', front.url, '--oauth-token-url', tokens.url, '--client-id', CLIENT_ID]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('--client-secret');
    expect(tokens.requests).toHaveLength(0);
  });
});

describe('Basic credentials and arbitrary headers', () => {
  let basicServer: RunningServer;
  beforeAll(async () => {
    basicServer = await startServer({ port: 0, basic: { user: 'okta', pass: 'b4sic-Pa55word' }, quiet: true });
  });
  afterAll(() => basicServer.close());

  it('--basic user:pass passes against a Basic-protected server; the password and its base64 form never shown', async () => {
    const json = join(work, 'basic.json');
    const outcome = await cli(['--url', basicServer.url, '--basic', 'okta:b4sic-Pa55word', '--suite', 'okta-spec', '--verbose', '--reporter', 'pretty', '--reporter', `json=${json}`]);
    expect(outcome.code).toBe(0);
    const shown = everythingShown(outcome, [json]);
    expect(shown).not.toContain('b4sic-Pa55word');
    expect(shown).not.toContain(Buffer.from('okta:b4sic-Pa55word').toString('base64'));
    expect(shown).toContain('Basic [REDACTED]');
    // okta-spec/bad-credentials sent a wrong password and got the server's 401.
    expect(shown).toMatch(/okta-spec\/bad-credentials/);
  });

  it('--header carries credentials (and any other header) on every request, values redacted', async () => {
    const seen = await startFront(reference.url);
    try {
      const outcome = await cli(['--url', seen.url, '--header', `Authorization: Bearer ${SERVER_TOKEN}`, '--header', 'X-Tenant: acme-secret-tenant', '--suite', 'okta-spec', '--verbose']);
      expect(outcome.code).toBe(0);
      expect(seen.seen.filter((r) => r.authorization === `Bearer ${SERVER_TOKEN}`).length).toBeGreaterThan(10);
      expect(outcome.stdout + outcome.stderr).not.toContain(SERVER_TOKEN);
      expect(outcome.stdout + outcome.stderr).not.toContain('acme-secret-tenant');
    } finally {
      await seen.close();
    }
  });
});
