/** The authenticator's comparisons: only the exact secret passes, whatever its length or where a guess differs. */
import { describe, expect, it } from 'vitest';
import { makeAuthenticator } from '../../src/server/auth.js';

describe('makeAuthenticator', () => {
  const check = makeAuthenticator({ token: 'secret-token', basic: { user: 'ann', pass: 'pa:ss' } });
  const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

  it('accepts the bearer token (any case of the scheme) and the Basic credentials', () => {
    expect(check('Bearer secret-token')).toBe(true);
    expect(check('bearer secret-token')).toBe(true);
    expect(check(basic('ann:pa:ss'))).toBe(true);
  });

  it.each([
    ['a prefix', 'Bearer secret-toke'],
    ['the token and more', 'Bearer secret-tokenX'],
    ['the token repeated', 'Bearer secret-tokensecret-token'],
    ['one character off', 'Bearer secret-tokem'],
    ['the first character off', 'Bearer Secret-token'],
    ['an empty token', 'Bearer '],
    ['no scheme', 'secret-token'],
    ['the Basic password as a token', 'Bearer pa:ss'],
    ['the token as Basic', basic('secret-token')],
    ['a wrong Basic password', basic('ann:pa:sS')],
    ['a Basic prefix', basic('ann:pa:')],
  ])('refuses %s', (_, header) => {
    expect(check(header)).toBe(false);
  });

  it('refuses everything for a scheme it was not given', () => {
    expect(makeAuthenticator({ token: 'x' })(basic('x'))).toBe(false);
    expect(makeAuthenticator({ basic: { user: 'u', pass: 'p' } })('Bearer u:p')).toBe(false);
    expect(makeAuthenticator({ token: 'x' })(undefined)).toBe(false);
  });
});
