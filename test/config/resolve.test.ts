import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigIssuesError, DEFAULTS, resolveOptions, type LoadedConfig, type ResolveInput } from '../../src/config/index.js';
import { ConfigError } from '../../src/runner/errors.js';
import { thrownBy } from '../helpers/thrown.js';

const REPORTERS = ['pretty', 'json', 'junit', 'markdown', 'html'];
const file = (data: LoadedConfig['data']): LoadedConfig => ({ path: '/project/ci/scim-check.config.json', label: 'scim-check.config.json', data });
const resolve = (input: ResolveInput) => resolveOptions({ reporterNames: REPORTERS, ...input });

/** The issues of a resolve that must fail. */
function issuesOf(input: ResolveInput): { where: string; message: string }[] {
  const error = thrownBy(() => resolve(input), ConfigIssuesError);
  expect(error).toBeInstanceOf(ConfigError);
  return error.issues;
}

describe('resolveOptions', () => {
  it('gives the defaults when nothing is set', () => {
    const options = resolve({});
    expect(options).toMatchObject({
      auth: { kind: 'none' },
      headers: {},
      timeoutMs: 30_000,
      insecure: false,
      reporters: [{ name: 'pretty' }],
      allowFailures: [],
      readOnly: false,
      keep: false,
      prefix: 'scim-check-',
      userDomain: 'example.com',
      oktaApp: 'oin',
      strict: false,
      concurrency: 1,
    });
    expect(options.url).toBeUndefined();
    expect(options.suites).toBeUndefined();
    expect(options.origins.timeoutMs).toBe('default');
  });

  it('applies flags over environment over file over defaults, option by option', () => {
    const options = resolve({
      flags: { url: 'https://flag.example/scim/v2', timeout: '5s' },
      env: { SCIM_CHECK_URL: 'https://env.example/scim/v2', SCIM_CHECK_TIMEOUT: '7000', SCIM_CHECK_PREFIX: 'env-' },
      file: file({ url: 'https://file.example/scim/v2', timeout: 9000, prefix: 'file-', userDomain: 'corp.example' }),
    });
    expect(options.url).toBe('https://flag.example/scim/v2');
    expect(options.timeoutMs).toBe(5000);
    expect(options.prefix).toBe('env-');
    expect(options.userDomain).toBe('corp.example');
    expect(options.oktaApp).toBe('oin');
    expect(options.origins).toMatchObject({ url: 'flag', timeoutMs: 'flag', prefix: 'env', userDomain: 'file', oktaApp: 'default' });
    expect(options.configFile).toBe('/project/ci/scim-check.config.json');
  });

  it('always takes the highest layer that sets an option (property)', () => {
    const layer = fc.option(fc.stringMatching(/^[a-z]{1,8}-$/), { nil: undefined });
    fc.assert(
      fc.property(layer, layer, layer, (flag, env, fromFile) => {
        const options = resolve({
          flags: flag === undefined ? {} : { prefix: flag },
          env: env === undefined ? {} : { SCIM_CHECK_PREFIX: env },
          file: file(fromFile === undefined ? {} : { prefix: fromFile }),
        });
        expect(options.prefix).toBe(flag ?? env ?? fromFile ?? DEFAULTS.prefix);
      }),
    );
  });

  it('parses durations, booleans, counts and comma lists from text', () => {
    const options = resolve({
      flags: { deadline: '1.5m', suite: ['okta-spec,rfc-users', 'okta-groups'], only: 'a/b, c/d' },
      env: { SCIM_CHECK_TIMEOUT: '500ms', SCIM_CHECK_INSECURE: 'yes', SCIM_CHECK_READ_ONLY: '0', SCIM_CHECK_CONCURRENCY: '3' },
    });
    expect(options.deadlineMs).toBe(90_000);
    expect(options.timeoutMs).toBe(500);
    expect(options.insecure).toBe(true);
    expect(options.readOnly).toBe(false);
    expect(options.origins.readOnly).toBe('env');
    expect(options.concurrency).toBe(3);
    expect(options.suites).toEqual(['okta-spec', 'rfc-users', 'okta-groups']);
    expect(options.only).toEqual(['a/b', 'c/d']);
  });

  it('burst size and spread: from flags, variables or the file; a burst of 1 or over 100 is refused', () => {
    expect(resolve({ flags: { burst: '25', burstSpread: '100ms' } })).toMatchObject({ burst: 25, burstSpreadMs: 100 });
    expect(resolve({ env: { SCIM_CHECK_BURST: '3' }, file: file({ burst: 50, burstSpread: '1s' }) })).toMatchObject({ burst: 3, burstSpreadMs: 1000 });
    const unset = resolve({});
    expect(unset.burst).toBeUndefined();
    expect(unset.burstSpreadMs).toBeUndefined();
    expect(() => resolve({ flags: { burst: '1' } })).toThrow(/--burst: must be a whole number from 2 to 100/);
    expect(() => resolve({ flags: { burst: '101' } })).toThrow(/--burst: must be a whole number from 2 to 100/);
  });

  it('treats an empty environment variable as unset', () => {
    const options = resolve({ env: { SCIM_CHECK_URL: '' }, file: file({ url: 'https://file.example/scim' }) });
    expect(options.url).toBe('https://file.example/scim');
  });

  it('merges headers by case-insensitive name and unites allow-failure lists', () => {
    const options = resolve({
      flags: { header: ['x-tenant: from-flag', 'X-Trace: 1'], allowFailure: ['rfc/etag'] },
      env: { SCIM_CHECK_ALLOW_FAILURES: 'rfc/sort,rfc/etag' },
      file: file({ headers: { 'X-Tenant': 'from-file', 'X-Region': 'eu' }, allowFailures: ['okta-spec/groups'] }),
    });
    expect(options.headers).toEqual({ 'X-Region': 'eu', 'x-tenant': 'from-flag', 'X-Trace': '1' });
    expect(options.allowFailures).toEqual(['rfc/etag', 'rfc/sort', 'okta-spec/groups']);
  });

  describe('credentials', () => {
    it('takes a bearer token or Basic credentials', () => {
      expect(resolve({ flags: { token: 't0k' } }).auth).toEqual({ kind: 'bearer', token: 't0k' });
      expect(resolve({ env: { SCIM_CHECK_BASIC: 'scim:pa:ss' } }).auth).toEqual({ kind: 'basic', user: 'scim', pass: 'pa:ss' });
      expect(resolve({ file: file({ basic: { user: 'u', pass: 'p' } }) }).auth).toEqual({ kind: 'basic', user: 'u', pass: 'p' });
    });

    it('lets a higher layer replace the kind of credentials a lower one set', () => {
      const options = resolve({
        flags: { token: 'from-flag' },
        file: file({ oauth: { tokenUrl: 'https://idp.example/token', clientId: 'id', clientSecret: 'secret' } }),
      });
      expect(options.auth).toEqual({ kind: 'bearer', token: 'from-flag' });
      expect(options.origins.auth).toBe('flag');
    });

    it('assembles OAuth client credentials across layers', () => {
      const options = resolve({
        env: { SCIM_CHECK_OAUTH_CLIENT_SECRET: 's3cret' },
        file: file({ oauth: { tokenUrl: 'https://idp.example/oauth2/token', clientId: 'scim-check', scope: 'scim' } }),
      });
      expect(options.auth).toEqual({ kind: 'oauth2', tokenUrl: 'https://idp.example/oauth2/token', clientId: 'scim-check', clientSecret: 's3cret', scope: 'scim' });
      const fromFlags = resolve({ flags: { oauthTokenUrl: 'http://localhost:9/token', clientId: 'a', clientSecret: 'b' } });
      expect(fromFlags.auth).toEqual({ kind: 'oauth2', tokenUrl: 'http://localhost:9/token', clientId: 'a', clientSecret: 'b' });
    });

    it('says what OAuth still needs', () => {
      const issues = issuesOf({ flags: { oauthTokenUrl: 'https://idp.example/token', clientId: 'a' } });
      expect(issues).toEqual([{ where: '--oauth-token-url', message: expect.stringContaining('--client-secret, SCIM_CHECK_OAUTH_CLIENT_SECRET or oauth.clientSecret') }]);
    });

    it('rejects two kinds of credentials in one layer', () => {
      expect(issuesOf({ flags: { token: 'a', basic: 'u:p' } })).toEqual([{ where: 'flags', message: 'sets token and basic: give only one kind of credentials' }]);
      expect(issuesOf({ file: file({ token: 'a', oauth: { tokenUrl: 'https://x.example/t' } }) })[0]?.where).toBe('scim-check.config.json');
    });
  });

  describe('"$env:NAME" references in the config file', () => {
    it('reads secrets from the environment', () => {
      const options = resolve({
        env: { SCIM_TOKEN: 'tok-from-env', TENANT: 'acme' },
        file: file({ token: '$env:SCIM_TOKEN', headers: { 'X-Tenant': '$env:TENANT' } }),
      });
      expect(options.auth).toEqual({ kind: 'bearer', token: 'tok-from-env' });
      expect(options.headers).toEqual({ 'X-Tenant': 'acme' });
    });

    it('names the option and the variable when the variable is missing', () => {
      expect(issuesOf({ file: file({ oauth: { tokenUrl: 'https://idp.example/t', clientId: 'x', clientSecret: '$env:NOPE' } }) })).toContainEqual({
        where: 'scim-check.config.json: oauth.clientSecret',
        message: 'refers to environment variable NOPE, which is not set',
      });
      expect(issuesOf({ env: { EMPTY: '' }, file: file({ token: '$env:EMPTY' }) })[0]?.message).toContain('which is empty');
    });

    it('does not need the variable when a flag overrides the option', () => {
      expect(resolve({ flags: { token: 'flag' }, file: file({ token: '$env:UNSET_SECRET' }) }).auth).toEqual({ kind: 'bearer', token: 'flag' });
    });
  });

  it('resolves paths in the config file against its folder and leaves flag paths as given', () => {
    const options = resolve({
      file: file({ ca: 'certs/ca.pem', mapping: '/abs/mapping.json', suites: ['okta-spec', './suites/mine.json'], reporters: ['junit=../reports/out.xml', 'pretty'] }),
    });
    expect(options.caFile).toBe('/project/ci/certs/ca.pem');
    expect(options.mappingFile).toBe('/abs/mapping.json');
    expect(options.suites).toEqual(['okta-spec', '/project/ci/suites/mine.json']);
    expect(options.reporters).toEqual([{ name: 'junit', file: '/project/reports/out.xml' }, { name: 'pretty' }]);
    const fromFlags = resolve({ flags: { ca: 'certs/ca.pem', reporter: ['html=out/a,b.html'] } });
    expect(fromFlags.caFile).toBe('certs/ca.pem');
    expect(fromFlags.reporters).toEqual([{ name: 'html', file: 'out/a,b.html' }]);
    expect(resolve({ env: { SCIM_CHECK_REPORTERS: 'json=r.json,markdown' } }).reporters).toEqual([{ name: 'json', file: 'r.json' }, { name: 'markdown' }]);
  });

  it('reports every bad value at once, each with where it was set', () => {
    const issues = issuesOf({
      flags: { url: 'ftp://example.com', timeout: 'soon', header: ['no colon here'], reporter: ['tap'] },
      env: { SCIM_CHECK_INSECURE: 'maybe', SCIM_CHECK_OKTA_APP: 'saml', SCIM_CHECK_CONCURRENCY: '0' },
      file: file({ deadline: 'forever' }),
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { where: '--url', message: '--url must be http:// or https:// (got ftp:)' },
        { where: '--timeout', message: expect.stringContaining('"soon" is not a duration') },
        { where: '--header', message: '"no colon here" is not "Name: value"' },
        { where: '--reporter', message: 'unknown reporter "tap" (known: pretty, json, junit, markdown, html)' },
        { where: 'SCIM_CHECK_INSECURE', message: 'must be true or false (got "maybe")' },
        { where: 'SCIM_CHECK_OKTA_APP', message: 'must be "oin" or "aiw" (got "saml")' },
        { where: 'SCIM_CHECK_CONCURRENCY', message: 'must be a whole number from 1 to 64 (got "0")' },
        { where: 'scim-check.config.json: deadline', message: expect.stringContaining('"forever" is not a duration') },
      ]),
    );
    expect(issues).toHaveLength(8);
    try {
      resolve({ flags: { timeout: 'soon' } });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Invalid options:\n {2}--timeout: "soon" is not a duration/);
    }
  });

  it('uses the reporter registry when no names are passed', () => {
    expect(resolveOptions({ flags: { reporter: 'html=report.html' } }).reporters).toEqual([{ name: 'html', file: 'report.html' }]);
  });
});
