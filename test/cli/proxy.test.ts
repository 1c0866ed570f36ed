// Transport options end to end through the built CLI: --proxy and HTTPS_PROXY/NO_PROXY (a CONNECT/forward proxy
// on loopback that counts what went through it), --ca with a throwaway CA generated at test time, --insecure.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { tlsMaterial } from '../client/tls-material.js';
import { startProxy, type CountingProxy } from '../helpers/proxy.js';
import { assertBuilt, cli } from './spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'proxy-test-token-4b1d';
const PROXY_PASSWORD = 'pr0xy-Pa55-w0rd';
/** No proxy from the machine running the tests leaks into a run unless a test sets one. */
const NO_PROXY_ENV = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

let httpsServer: RunningServer;
let httpServer: RunningServer;
let proxy: CountingProxy;
let caFile: string;
let work: string;

beforeAll(async () => {
  assertBuilt();
  const tls = tlsMaterial();
  work = tempDir('scim-check-transport-');
  caFile = join(work, 'test-ca.pem');
  writeFileSync(caFile, tls.ca);
  // A certificate for 127.0.0.1 signed by a CA only this test knows: trusted only with --ca.
  httpsServer = await startServer({ port: 0, token: TOKEN, quiet: true, tls: tls.valid });
  httpServer = await startServer({ port: 0, token: TOKEN, quiet: true });
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
  await httpsServer.close();
  await httpServer.close();
});
beforeEach(() => proxy.clear());

const target = (server: RunningServer): string[] => ['--url', server.url, '--token', TOKEN, '--suite', 'okta-spec'];
const hostOf = (server: RunningServer): string => new URL(server.url).host;

describe('--ca and --insecure', () => {
  it('a certificate from a private CA: refused without --ca (exit 3, one line), trusted with --ca (transport/https passes)', async () => {
    const refused = await cli(target(httpsServer), NO_PROXY_ENV);
    expect(refused.code).toBe(3);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/certificate/i);

    const trusted = await cli([...target(httpsServer), '--ca', caFile], NO_PROXY_ENV);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/✓ transport\/https /);
    expect(trusted.stdout).toMatch(/\d+ passed, 0 failed, 0 skipped/);
  });

  it('--insecure connects without verifying, and transport/https says so as a warning', async () => {
    const outcome = await cli([...target(httpsServer), '--insecure'], NO_PROXY_ENV);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/! transport\/https .*\(warning\)/);
    expect(outcome.stdout).toContain('var.certificateVerified equals true');
  });

  it('a --ca file that is missing or holds no certificate is a usage error (exit 2) naming the file', async () => {
    const missing = await cli([...target(httpsServer), '--ca', join(work, 'nope.pem')], NO_PROXY_ENV);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.pem');
    const garbage = join(work, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const notPem = await cli([...target(httpsServer), '--ca', garbage], NO_PROXY_ENV);
    expect(notPem.code).toBe(2);
    expect(notPem.stderr).toContain('garbage.pem holds no PEM certificate');
  });
});

describe('--proxy and HTTPS_PROXY / NO_PROXY', () => {
  it('--proxy tunnels every request to an https:// target through the proxy, TLS verified end to end with --ca', async () => {
    const proxyUrl = proxy.url.replace('http://', `http://squid:${PROXY_PASSWORD}@`);
    const outcome = await cli([...target(httpsServer), '--ca', caFile, '--proxy', proxyUrl, '--verbose'], NO_PROXY_ENV);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/✓ transport\/https /);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([hostOf(httpsServer)]));
    expect(proxy.proxyAuthorization[0]).toBe(`Basic ${Buffer.from(`squid:${PROXY_PASSWORD}`).toString('base64')}`);
    expect(outcome.stdout + outcome.stderr).not.toContain(PROXY_PASSWORD);
  });

  it('--proxy also carries plain http:// targets', async () => {
    const outcome = await cli([...target(httpServer), '--proxy', proxy.url], NO_PROXY_ENV);
    expect(outcome.code).toBe(0);
    const through = [...proxy.tunnels, ...proxy.forwarded];
    expect(through.length).toBeGreaterThan(0);
    expect(through.every((t) => t.includes(hostOf(httpServer)))).toBe(true);
  });

  it('HTTPS_PROXY from the environment is used without a flag; NO_PROXY naming the target bypasses it', async () => {
    const viaEnv = await cli([...target(httpsServer), '--ca', caFile], { ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url });
    expect(viaEnv.code).toBe(0);
    const tunnelled = proxy.tunnels.length;
    expect(tunnelled).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([hostOf(httpsServer)]));

    const bypassed = await cli([...target(httpsServer), '--ca', caFile], { ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(bypassed.code).toBe(0);
    expect(proxy.tunnels).toHaveLength(tunnelled);
  });

  it('an unreachable proxy: exit 3 with one line; a malformed proxy URL: exit 2 without echoing it', async () => {
    const closed = await startProxy();
    const url = closed.url;
    await closed.close();
    const unreachable = await cli([...target(httpsServer), '--ca', caFile, '--proxy', url], NO_PROXY_ENV);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr.trimEnd().split('\n')).toHaveLength(1);
    // The proxy is the culprit, and the line says so.
    expect(unreachable.stderr).toContain(`the proxy ${new URL(url).host} refused the connection`);

    const malformed = await cli([...target(httpsServer), '--proxy', `socks5://user:${PROXY_PASSWORD}@host`], NO_PROXY_ENV);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).not.toContain(PROXY_PASSWORD);
  });
});
