/** Credentials: which Authorization header a request carries, and which strings are secrets. */

export type AuthConfig =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; pass: string }
  | { kind: 'none' }
  | OAuth2ClientCredentials;

/** OAuth 2.0 client credentials grant (RFC 6749 §4.4): token fetched once, reused, refreshed on expiry. */
export interface OAuth2ClientCredentials {
  kind: 'oauth2';
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** How the client authenticates to the token endpoint (RFC 6749 §2.3.1); default 'basic'. */
  clientAuth?: 'basic' | 'body';
}

export type AuthMode = 'default' | 'none' | 'invalid';

/** A wrong credential of the same kind, so a server's 401 handling can be checked. */
export const INVALID_TOKEN = 'scim-check-invalid-token';
export const INVALID_PASSWORD = 'scim-check-wrong-password';

/** Fetches an access token; supplied by the client so it shares the transport (dispatcher, TLS, timeouts). */
export type TokenFetcher = (config: OAuth2ClientCredentials) => Promise<{ accessToken: string; expiresInS?: number }>;

export interface Authenticator {
  /** The Authorization header value for `mode`, or undefined for none. */
  authorization(mode: AuthMode): Promise<string | undefined>;
  /** Forgets a cached OAuth token (after a 401); returns true when there was one to forget. */
  invalidate(): boolean;
  /** Strings that must never appear in a record. */
  readonly secrets: string[];
}

function basicHeader(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
}

/** `wrong` unless it happens to equal the real value. */
function differentFrom(real: string, wrong: string): string {
  return real === wrong ? `${wrong}-x` : wrong;
}

/** Refresh a little before the server-announced expiry, so a token does not lapse in flight. */
function expiryMargin(lifetimeMs: number): number {
  return Math.min(30_000, lifetimeMs / 10);
}

export function createAuthenticator(
  config: AuthConfig,
  fetchToken: TokenFetcher,
  onSecret: (secret: string) => void,
): Authenticator {
  switch (config.kind) {
    case 'none':
      return {
        authorization: async (mode) => (mode === 'invalid' ? `Bearer ${INVALID_TOKEN}` : undefined),
        invalidate: () => false,
        secrets: [],
      };
    case 'bearer':
      return {
        authorization: async (mode) =>
          mode === 'none'
            ? undefined
            : `Bearer ${mode === 'invalid' ? differentFrom(config.token, INVALID_TOKEN) : config.token}`,
        invalidate: () => false,
        secrets: [config.token],
      };
    case 'basic': {
      const good = basicHeader(config.user, config.pass);
      const bad = basicHeader(config.user, differentFrom(config.pass, INVALID_PASSWORD));
      return {
        authorization: async (mode) => (mode === 'none' ? undefined : mode === 'invalid' ? bad : good),
        invalidate: () => false,
        secrets: [config.pass, `${config.user}:${config.pass}`, good.slice('Basic '.length)],
      };
    }
    case 'oauth2':
      return createOAuth2Authenticator(config, fetchToken, onSecret);
  }
}

function createOAuth2Authenticator(
  config: OAuth2ClientCredentials,
  fetchToken: TokenFetcher,
  onSecret: (secret: string) => void,
): Authenticator {
  let cached: { token: string; refreshAt: number } | undefined;
  // One fetch shared by concurrent requests, so a burst does not hammer the token endpoint.
  let pending: Promise<string> | undefined;

  const current = async (): Promise<string> => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    pending ??= fetchToken(config)
      .then(({ accessToken, expiresInS }) => {
        onSecret(accessToken);
        const lifetimeMs = expiresInS !== undefined && expiresInS > 0 ? expiresInS * 1000 : Infinity;
        cached = { token: accessToken, refreshAt: Date.now() + lifetimeMs - expiryMargin(lifetimeMs) };
        return accessToken;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  return {
    async authorization(mode) {
      if (mode === 'none') return undefined;
      if (mode === 'invalid') return `Bearer ${INVALID_TOKEN}`;
      return `Bearer ${await current()}`;
    },
    invalidate() {
      const had = cached !== undefined;
      cached = undefined;
      return had;
    },
    secrets: [
      config.clientSecret,
      `${config.clientId}:${config.clientSecret}`,
      basicHeader(config.clientId, config.clientSecret).slice('Basic '.length),
      basicHeader(encodeURIComponent(config.clientId), encodeURIComponent(config.clientSecret)).slice('Basic '.length),
    ],
  };
}

/** The token request's body and headers (client_secret_basic by default, client_secret_post on request). */
export function tokenRequest(config: OAuth2ClientCredentials): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.scope) form.set('scope', config.scope);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if ((config.clientAuth ?? 'basic') === 'basic') {
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding.
    headers.authorization = basicHeader(encodeURIComponent(config.clientId), encodeURIComponent(config.clientSecret));
  } else {
    form.set('client_id', config.clientId);
    form.set('client_secret', config.clientSecret);
  }
  return { headers, body: form.toString() };
}
