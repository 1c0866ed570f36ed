export interface Credentials {
  token?: string;
  basic?: { user: string; pass: string };
}

/**
 * Constant-time comparison of a presented secret with the configured one: every character of the presented value
 * is compared (against the secret's, cyclically), so the time depends on the presented length only, never on
 * where the two first differ nor on the secret's length. (A SHA-256 of each side did the same at the cost of a hash
 * object per request, a tenth of a GET's CPU time.)
 */
function sameSecret(presented: string, secret: string): boolean {
  let diff = presented.length ^ secret.length;
  const n = secret.length;
  for (let i = 0; i < presented.length; i++) diff |= presented.charCodeAt(i) ^ secret.charCodeAt(n === 0 ? 0 : i % n);
  return diff === 0;
}

/** Checks an Authorization header against the configured bearer token and/or Basic credentials. */
export function makeAuthenticator(credentials: Credentials): (authorization: string | undefined) => boolean {
  const token = credentials.token;
  const basic = credentials.basic === undefined ? undefined : `${credentials.basic.user}:${credentials.basic.pass}`;
  return (authorization) => {
    if (authorization === undefined) return false;
    const space = authorization.indexOf(' ');
    if (space < 0) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && token !== undefined) return sameSecret(value, token);
    if (scheme === 'basic' && basic !== undefined) return sameSecret(Buffer.from(value, 'base64').toString('utf8'), basic);
    return false;
  };
}

/** The WWW-Authenticate challenge for a 401 (RFC 7235), naming every scheme the server accepts. */
export function challenge(credentials: Credentials): string {
  const schemes: string[] = [];
  if (credentials.token !== undefined) schemes.push('Bearer realm="scim-check"');
  if (credentials.basic !== undefined) schemes.push('Basic realm="scim-check", charset="UTF-8"');
  return schemes.join(', ');
}
