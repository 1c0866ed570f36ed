import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  token?: string;
  basic?: { user: string; pass: string };
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the lengths of the two secrets.
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks an Authorization header against the configured bearer token and/or Basic credentials. */
export function makeAuthenticator(credentials: Credentials): (authorization: string | undefined) => boolean {
  const token = credentials.token === undefined ? undefined : digest(credentials.token);
  const basic = credentials.basic === undefined ? undefined : digest(`${credentials.basic.user}:${credentials.basic.pass}`);
  return (authorization) => {
    if (authorization === undefined) return false;
    const space = authorization.indexOf(' ');
    if (space < 0) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && token) return timingSafeEqual(digest(value), token);
    if (scheme === 'basic' && basic) return timingSafeEqual(digest(Buffer.from(value, 'base64').toString('utf8')), basic);
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
