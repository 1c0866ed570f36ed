import { describe, expect, it } from 'vitest';
import { ClientConfigError, createClient, REDACTED, type ClientOptions } from '../../src/client/index.js';
import { tlsMaterial } from './tls-material.js';
import { thrownBy } from '../helpers/thrown.js';

const valid: ClientOptions = { baseUrl: 'https://scim.example/scim/v2', auth: { kind: 'bearer', token: 'tok-12345' } };

const configError = (options: Partial<ClientOptions>): string => thrownBy(() => createClient({ ...valid, ...options }), ClientConfigError).message;

describe('client options are checked up front', () => {
  it('rejects unusable values with one clear message each', () => {
    expect(configError({ baseUrl: 'scim.example/v2' })).toBe('the SCIM base URL is not a valid absolute URL: "scim.example/v2"');
    expect(configError({ baseUrl: 'ftp://scim.example' })).toBe('the SCIM base URL must start with http:// or https:// (got ftp:)');
    expect(configError({ timeoutMs: 0 })).toBe('timeoutMs must be a positive number (got 0)');
    expect(configError({ maxBodyBytes: Number.NaN })).toMatch(/^maxBodyBytes must be a positive number/);
    expect(configError({ ca: 'not a certificate' })).toMatch(/holds no PEM certificate/);
    expect(configError({ ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toBe('certificate 1 in the CA file is not a valid PEM certificate');
    expect(configError({ headers: { 'Bad Name': 'x' } })).toBe('invalid header name "Bad Name"');
    expect(configError({ auth: { kind: 'oauth2', tokenUrl: 'nope', clientId: 'a', clientSecret: 'b' } })).toMatch(/OAuth token URL/);
  });

  it('never echoes a secret header value or a proxy password in the error', () => {
    const header = configError({ headers: { 'X-Key': 'secret-value\r\nInjected: 1' } });
    expect(header).toBe('the value of header X-Key contains a line break or NUL');
    const userinfo = configError({ baseUrl: 'https://admin:hunter2-pw@scim.example/v2' });
    expect(userinfo).toMatch(/must not contain user:password@/);
    expect(userinfo).not.toContain('hunter2-pw');
    const proxy = configError({ proxy: 'socks5://user:pr0xy-secret@proxy' });
    expect(proxy).not.toContain('pr0xy-secret');
  });

  it('accepts good options, including a real CA bundle', async () => {
    const client = createClient({ ...valid, ca: `${tlsMaterial().ca}\n${tlsMaterial().selfSigned.cert}`, proxy: 'http://proxy.example:3128' });
    await client.close();
  });

  it('redacts a secret in an unusable request URL', async () => {
    const client = createClient(valid);
    const ex = await client.send({ method: 'GET', url: 'http://[bad/tok-12345' });
    await client.close();
    expect(ex.error?.code).toBe('INVALID_URL');
    expect(ex.error?.message).toBe(`not a valid URL: http://[bad/${REDACTED}`);
    expect(JSON.stringify(ex)).not.toContain('tok-12345');
  });
});
