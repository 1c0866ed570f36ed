// Transport behaviour over real local sockets: keep-alive, deadline, close, TLS trust, body cap, proxies.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '../../src/client/index.js';
import { hostileServer, type RunningHostile } from './hostile-servers.js';
import { tlsMaterial, type KeyPair } from './tls-material.js';
import { startProxy, type CountingProxy } from '../helpers/proxy.js';

const TOKEN = 'transport-Secret-T0ken';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function client(baseUrl: string, extra: Partial<ClientOptions> = {}) {
  const c = createClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, ...extra });
  cleanups.push(() => c.close());
  return c;
}

async function start(id: string): Promise<RunningHostile> {
  const running = await hostileServer(id).start();
  cleanups.push(() => running.close());
  return running;
}

/** A small healthy JSON server counting the connections it accepted. */
async function jsonServer(tls?: KeyPair): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      res.end(JSON.stringify({ id: '1', path: req.url }));
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as net.AddressInfo).port;
  return { url: `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${port}/scim/v2`, connections: () => connections };
}

describe('connections', () => {
  it('reuses keep-alive connections for sequential requests', async () => {
    const server = await jsonServer();
    const c = client(server.url);
    const paths: unknown[] = [];
    for (let i = 0; i < 50; i++) paths.push((await c.send({ method: 'GET', url: `/Users/${i}` })).response?.json);
    expect(paths[49]).toEqual({ id: '1', path: '/scim/v2/Users/49' });
    const started = performance.now();
    for (let i = 0; i < 300; i++) await c.send({ method: 'GET', url: `/Users/${i}` });
    const perRequestMs = (performance.now() - started) / 300;
    // undici may open a second socket while the first is being returned to the pool; never one per request.
    expect(server.connections()).toBeLessThanOrEqual(2);
    // Informational (never asserted: the machine is shared): loopback round trip plus client overhead.
    console.info(`client: ${perRequestMs.toFixed(3)} ms per sequential loopback request`);
  });
});

describe('concurrency', () => {
  it('serves many concurrent sends without a listener-leak warning', async () => {
    const server = await jsonServer();
    const c = client(server.url);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const exchanges = await Promise.all(Array.from({ length: 40 }, (_, i) => c.send({ method: 'GET', url: `/Users/${i}` })));
      expect(exchanges.map((ex) => ex.response?.status)).toEqual(new Array(40).fill(200));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});

describe('timeouts, deadline and close', () => {
  it('a per-request timeout override applies to that send only', async () => {
    const running = await start('never-answers');
    const c = client(running.baseUrl, { timeoutMs: 10_000 });
    const ex = await c.send({ method: 'GET', url: '/Users', timeoutMs: 200 });
    expect(ex.error?.code).toBe('TIMEOUT');
    expect(ex.error?.message).toMatch(/sent no response headers within 200 ms/);
  });

  it('aborts a running request at the deadline and starts none after it', async () => {
    const running = await start('never-answers');
    const c = client(running.baseUrl, { timeoutMs: 10_000, deadline: Date.now() + 300 });
    const ex = await c.send({ method: 'GET', url: '/Users' });
    expect(ex.error?.code).toBe('DEADLINE_EXCEEDED');
    expect(ex.ms).toBeLessThan(5_000);
    const after = await c.send({ method: 'GET', url: '/Users' });
    expect(after.error).toEqual({ code: 'DEADLINE_EXCEEDED', message: 'the run deadline passed before this request could start' });
  });

  it('close() ends a request in flight and refuses new ones', async () => {
    const running = await start('headers-then-stall');
    const c = createClient({ baseUrl: running.baseUrl, auth: { kind: 'none' }, timeoutMs: 10_000 });
    const pending = c.send({ method: 'GET', url: '/Users' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await c.close();
    const ex = await pending;
    expect(ex.error?.code).toBe('CLIENT_CLOSED');
    expect((await c.send({ method: 'GET', url: '/Users' })).error?.code).toBe('CLIENT_CLOSED');
  });

  it('with the default 10 MiB cap, a 50 MB streamed body fails without being read', async () => {
    const running = await start('endless-chunked-body');
    const ex = await client(running.baseUrl).send({ method: 'GET', url: '/Users' });
    expect(ex.error?.code).toBe('BODY_TOO_LARGE');
    expect(ex.error?.message).toMatch(/over the 10485760-byte cap; stopped reading there/);
    expect(ex.response?.bodyTruncated).toBe(true);
    expect(ex.response?.body?.length).toBeLessThan(70 * 1024);
    // What crossed the wire stays near the cap (plus socket buffers), never the whole stream.
    expect(running.bytesWritten()).toBeLessThan(24 * 1024 * 1024);
  });
});

describe('TLS', () => {
  const tls = tlsMaterial();

  it('refuses a self-signed certificate, accepts it with insecure or as a trusted CA', async () => {
    const server = await jsonServer(tls.selfSigned);
    expect((await client(server.url).send({ method: 'GET', url: '/Users' })).error?.code).toBe('TLS_SELF_SIGNED');
    const insecure = await client(server.url, { insecure: true }).send({ method: 'GET', url: '/Users' });
    expect(insecure.error).toBeUndefined();
    expect(insecure.response?.status).toBe(200);
    const trusted = await client(server.url, { ca: tls.selfSigned.cert }).send({ method: 'GET', url: '/Users' });
    expect(trusted.response?.status).toBe(200);
  });

  it('accepts a certificate signed by a CA given with `ca`, in addition to the system roots', async () => {
    const server = await jsonServer(tls.valid);
    const without = await client(server.url).send({ method: 'GET', url: '/Users' });
    expect(without.error?.code).toBe('TLS_UNTRUSTED');
    expect(without.error?.message).toMatch(/--ca FILE/);
    const withCa = await client(server.url, { ca: tls.ca }).send({ method: 'GET', url: '/Users' });
    expect(withCa.response?.json).toEqual({ id: '1', path: '/scim/v2/Users' });
  });

  it('reports a hostname mismatch and an expired certificate even with the CA trusted', async () => {
    const wrong = await jsonServer(tls.wrongHost);
    const mismatch = await client(wrong.url, { ca: tls.ca }).send({ method: 'GET', url: '/Users' });
    expect(mismatch.error?.code).toBe('TLS_HOSTNAME_MISMATCH');
    expect(mismatch.error?.message).toMatch(/not valid for this host name/);
    const expired = await jsonServer(tls.expired);
    expect((await client(expired.url, { ca: tls.ca }).send({ method: 'GET', url: '/Users' })).error?.code).toBe('TLS_EXPIRED');
    // --insecure is the documented way past both.
    expect((await client(expired.url, { insecure: true }).send({ method: 'GET', url: '/Users' })).response?.status).toBe(200);
  });
});

/** A proxy answering every CONNECT and every proxied request with `status` and nothing else. */
async function statusProxy(status: number): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(`HTTP/1.1 ${status} No\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

describe('proxies', () => {
  /** A proxy closed after the file: https:// targets go through a CONNECT tunnel, http:// ones are forwarded. */
  async function connectProxy(): Promise<CountingProxy> {
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    return proxy;
  }

  it('tunnels through an explicit proxy, keeps TLS verification end to end, and redacts proxy credentials', async () => {
    const proxy = await connectProxy();
    const target = await jsonServer(tlsMaterial().valid);
    const proxyUrl = proxy.url.replace('http://', 'http://squid:pr0xy-Pa55@');
    const c = client(target.url, { proxy: proxyUrl, ca: tlsMaterial().ca });
    const ex = await c.send({ method: 'GET', url: '/Users' });
    expect(ex.response?.status).toBe(200);
    expect(proxy.tunnels).toEqual([new URL(target.url).host]);
    expect(proxy.forwarded).toEqual([]);
    expect(proxy.proxyAuthorization).toEqual([`Basic ${Buffer.from('squid:pr0xy-Pa55').toString('base64')}`]);
    expect(c.redact(`via ${proxyUrl}`)).not.toContain('pr0xy-Pa55');
  });

  it('honours HTTPS_PROXY/HTTP_PROXY and NO_PROXY from the environment', async () => {
    const proxy = await connectProxy();
    const target = await jsonServer();
    const port = new URL(target.url).port;
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' };
    const viaProxy = await client(target.url, { env }).send({ method: 'GET', url: '/Users' });
    expect(viaProxy.response?.status).toBe(200);
    expect(proxy.forwarded).toEqual([`GET http://127.0.0.1:${port}/scim/v2/Users`]);
    expect(proxy.tunnels).toEqual([]);
    const direct = await client(`http://localhost:${port}/scim/v2`, { env }).send({ method: 'GET', url: '/Users' });
    expect(direct.response?.status).toBe(200);
    expect(proxy.forwarded).toHaveLength(1);
  });

  it('sends plain http:// targets as ordinary proxied requests (absolute-form), never a CONNECT tunnel', async () => {
    const proxy = await connectProxy();
    const target = await jsonServer();
    const proxyUrl = proxy.url.replace('http://', 'http://squid:pr0xy-Pa55@');
    const c = client(target.url, { proxy: proxyUrl });
    const ex = await c.send({ method: 'GET', url: '/Users?count=1', headers: { Accept: 'application/scim+json' } });
    await c.send({ method: 'POST', url: '/Users', headers: { 'Content-Type': 'application/scim+json' }, body: '{}' });
    expect(ex.response?.json).toEqual({ id: '1', path: '/scim/v2/Users?count=1' });
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([`GET ${target.url}/Users?count=1`, `POST ${target.url}/Users`]);
    expect(proxy.proxyAuthorization).toEqual(new Array(2).fill(`Basic ${Buffer.from('squid:pr0xy-Pa55').toString('base64')}`));
    expect(JSON.stringify(ex)).not.toContain('pr0xy-Pa55');
  });

  it('blames the proxy, not the target, when the proxy cannot be reached or will not carry the request', async () => {
    const target = await jsonServer(tlsMaterial().valid);
    const targetHost = new URL(target.url).host;
    // Nothing listens where the proxy should be.
    const gone = await startProxy();
    await gone.close();
    const goneHost = new URL(gone.url).host;
    for (const url of [target.url, target.url.replace('https://localhost', 'http://127.0.0.1')]) {
      const ex = await client(url, { proxy: gone.url, ca: tlsMaterial().ca }).send({ method: 'GET', url: '/Users' });
      expect(ex.error?.code).toBe('PROXY_UNREACHABLE');
      expect(ex.error?.message).toMatch(new RegExp(`^the proxy ${goneHost} refused the connection \\(is it running on that port\\?\\); the request to .+ went nowhere$`));
    }
    // Via the environment too (the target is not in NO_PROXY).
    const viaEnv = await client(target.url, { env: { HTTPS_PROXY: gone.url }, ca: tlsMaterial().ca }).send({ method: 'GET', url: '/Users' });
    expect(viaEnv.error?.message).toContain(`the proxy ${goneHost} refused the connection`);
    // A proxy that answers CONNECT with 403, and one that wants credentials (407) for both kinds of request.
    const refusing = await statusProxy(403);
    const refused = await client(target.url, { proxy: refusing, ca: tlsMaterial().ca }).send({ method: 'GET', url: '/Users' });
    expect(refused.error).toEqual({ code: 'PROXY_REFUSED', message: `the proxy ${new URL(refusing).host} refused to open a tunnel to ${targetHost} (it answered 403)` });
    const wantsAuth = await statusProxy(407);
    for (const url of [target.url, target.url.replace('https://localhost', 'http://127.0.0.1')]) {
      const ex = await client(url, { proxy: wantsAuth, ca: tlsMaterial().ca }).send({ method: 'GET', url: '/Users' });
      expect(ex.error?.code, url).toBe('PROXY_AUTH_REQUIRED');
      expect(ex.error?.message).toContain(`the proxy ${new URL(wantsAuth).host} asks for credentials (407)`);
    }
  });
});
