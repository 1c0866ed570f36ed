/**
 * A corpus of misbehaving SCIM servers (issue 4), reusable by the client, runner and CLI tests.
 *
 * Every entry is started on a real local socket (`start()`), so the client and a spawned CLI alike can be pointed
 * at it. Entries whose misbehaviour lives at the HTTP level also expose it as a plain function (`responder`).
 * `expect` says what the HTTP client must record when it sends `probe` with `HOSTILE_CLIENT_TIMEOUT_MS` as its
 * per-request timeout.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { tlsMaterial, type KeyPair } from './tls-material.js';
import type { AuthConfig } from '../../src/client/index.js';
import { startServer } from '../../src/server/index.js';
import { startRecordingProxy, type ProxiedAnswer, type ProxiedRequest } from '../safety/support.js';

/** The timeout the expectations assume for the stalling servers (short, to keep suites fast). */
export const HOSTILE_CLIENT_TIMEOUT_MS = 1_000;
export const SCIM_BASE_PATH = '/scim/v2';

export interface IncomingProbe {
  method: string;
  /** Path below the origin, with query, e.g. "/scim/v2/Users?count=1". */
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export type Responder = (request: IncomingProbe) => HttpAnswer;

export interface HostileExpectation {
  /** Transport error code the client must report; absent when it must record a response instead. */
  error?: string;
  status?: number;
  /** Deep-equal parsed body, or 'absent' when `json` must stay undefined. */
  json?: unknown;
  jsonError?: RegExp;
  /** Must match one of the exchange's notes. */
  note?: RegExp;
}

export interface RunningHostile {
  /** SCIM base URL, e.g. http://127.0.0.1:PORT/scim/v2 */
  baseUrl: string;
  /**
   * Client options the scenario needs to show its failure (trusting the test CA, so only the host name is wrong),
   * or the credentials it works with (OAuth client credentials against its own token endpoint).
   */
  clientOptions: { ca?: string; auth?: AuthConfig };
  /** The Authorization this server must see when the run's credential is its own (default: the test's bearer token). */
  credential?: string;
  /** Strings of this scenario that must never appear in any record or report (e.g. a key in its base URL). */
  secrets?: string[];
  /** Bytes the server got onto the wire: proof that a client which stops reading stops the transfer. */
  bytesWritten(): number;
  /** Authorization header values that reached this server or the origin it redirects to. */
  authorizationsSeen(): { origin: 'self' | 'other'; value: string | undefined }[];
  /**
   * Stateful entries: the reference server behind the misbehaving front, reached directly (its own URL and
   * token), so a test can compare what existed before a run with what is left after it, byte for byte.
   */
  reference?: { url: string; token: string; requests(): { method: string; url: string }[] };
  close(): Promise<void>;
}

export interface HostileServer {
  id: string;
  title: string;
  /** Where the misbehaviour lives: below HTTP (raw TCP), in TLS, or in HTTP answers. */
  layer: 'socket' | 'tls' | 'http';
  /** The request that exposes the behaviour (default GET /Users). */
  probe: { method: string; path: string; body?: string; headers?: Record<string, string> };
  expect: HostileExpectation;
  start(): Promise<RunningHostile>;
  /** HTTP-level entries: a fresh copy of the behaviour as a function (fresh state per call). */
  responder?: () => Responder;
}

// ---------------------------------------------------------------------------------------------------------
// A plausible SCIM endpoint that the HTTP-level entries bend in one way each.

const SCIM_JSON = 'application/scim+json; charset=utf-8';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SAMPLE_ID = '2819c223-7f76-453a-919d-413861904646';

function sampleUser(id: unknown = SAMPLE_ID): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    id,
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    active: true,
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' },
  };
}

function listOf(resources: unknown, totalResults: unknown = Array.isArray(resources) ? resources.length : 0): Record<string, unknown> {
  return { schemas: [LIST_SCHEMA], totalResults, startIndex: 1, itemsPerPage: Array.isArray(resources) ? resources.length : 0, Resources: resources };
}

function scimJson(status: number, value: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': SCIM_JSON, ...headers }, body: JSON.stringify(value) };
}

function pathOf(request: IncomingProbe): string {
  return request.path.split('?')[0]?.replace(SCIM_BASE_PATH, '') ?? '';
}

/** Answers like a small, healthy SCIM server (one user, no groups) without checking credentials. */
export function plausibleScim(request: IncomingProbe, user: Record<string, unknown> = sampleUser()): HttpAnswer {
  const path = pathOf(request);
  const method = request.method.toUpperCase();
  if (method === 'GET' && path === '/Users') return scimJson(200, listOf([user]));
  if (method === 'GET' && path === '/Groups') return scimJson(200, listOf([]));
  if (method === 'GET' && path.startsWith('/Users/')) return scimJson(200, user);
  if (method === 'GET' && path === '/ServiceProviderConfig') {
    return scimJson(200, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [],
    });
  }
  if (method === 'POST' && path === '/Users') {
    let sent: Record<string, unknown> = {};
    try {
      sent = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return scimJson(400, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'invalid JSON' });
    }
    return scimJson(201, { ...sent, id: SAMPLE_ID, meta: { resourceType: 'User' } });
  }
  if ((method === 'PUT' || method === 'PATCH') && path.startsWith('/Users/')) return scimJson(200, user);
  if (method === 'DELETE') return { status: 204 };
  return scimJson(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' });
}

// ---------------------------------------------------------------------------------------------------------
// Real-socket plumbing.

interface Listening {
  port: number;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // a client hanging up is part of every scenario here
    socket.on('close', () => sockets.delete(socket));
  });
  // TLS servers report handshake failures here; they are the point of those scenarios.
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Tracks bytes flushed on every socket, including closed ones. */
function byteCounter(sockets: Set<net.Socket>): { track(socket: net.Socket): void; total(): number } {
  let closedBytes = 0;
  return {
    track(socket) {
      socket.on('close', () => {
        closedBytes += socket.bytesWritten;
      });
    },
    total() {
      let open = 0;
      for (const socket of sockets) open += socket.bytesWritten;
      return closedBytes + open;
    },
  };
}

/** A raw TCP server: `onSocket` decides everything that is (not) written. */
async function startRawServer(onSocket: (socket: net.Socket) => void, scheme = 'http'): Promise<RunningHostile> {
  const server = net.createServer();
  const listening = await listen(server);
  const bytes = byteCounter(listening.sockets);
  server.on('connection', (socket: net.Socket) => {
    bytes.track(socket);
    onSocket(socket);
  });
  return {
    baseUrl: `${scheme}://127.0.0.1:${listening.port}${SCIM_BASE_PATH}`,
    clientOptions: {},
    bytesWritten: () => bytes.total(),
    authorizationsSeen: () => [],
    close: () => listening.close(),
  };
}

/** Runs `action` once the request head has arrived, so the client is waiting for an answer. */
function afterRequestHead(socket: net.Socket, action: () => void): void {
  let head = '';
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    if (head.includes('\r\n\r\n')) {
      socket.off('data', onData);
      action();
    }
  };
  socket.on('data', onData);
}

/** Writes one byte every `everyMs` until the socket closes. */
function drip(socket: net.Socket, text: string, everyMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[index++] ?? '');
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

/** Streams `totalBytes` of a JSON array with back-pressure, stopping as soon as the client goes away. */
function streamLargeJson(socket: net.Socket, totalBytes: number): void {
  const chunk = Buffer.from(`${'{"id":"x","userName":"padding-padding-padding"},'.repeat(1000)}`);
  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-length: ${totalBytes}\r\n\r\n[`);
  let sent = 1;
  const pump = (): void => {
    while (!socket.destroyed && sent + chunk.length < totalBytes) {
      sent += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** A node:http server driven by a responder, recording the Authorization headers it receives. */
export async function startHttpServer(
  respond: (request: IncomingProbe, origin: string) => HttpAnswer,
  tls?: KeyPair,
): Promise<RunningHostile & { origin: string; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push(req.headers.authorization);
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const answer = respond({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') }, origin);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  const listening = await listen(server);
  const bytes = byteCounter(listening.sockets);
  server.on('connection', (socket: net.Socket) => bytes.track(socket));
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${listening.port}`;
  return {
    origin,
    seen,
    baseUrl: `${origin}${SCIM_BASE_PATH}`,
    clientOptions: {},
    bytesWritten: () => bytes.total(),
    authorizationsSeen: () => seen.map((value) => ({ origin: 'self' as const, value })),
    close: () => listening.close(),
  };
}

/** An HTTP-level entry, served by node:http. */
function httpLevel(entry: Omit<HostileServer, 'layer' | 'start' | 'responder' | 'probe'> & { probe?: HostileServer['probe']; make: () => Responder }): HostileServer {
  return {
    id: entry.id,
    title: entry.title,
    layer: 'http',
    probe: entry.probe ?? { method: 'GET', path: '/Users' },
    expect: entry.expect,
    responder: entry.make,
    start: () => {
      const respond = entry.make();
      return startHttpServer((request) => respond(request));
    },
  };
}

function rawLevel(entry: Omit<HostileServer, 'layer' | 'start' | 'probe'> & { probe?: HostileServer['probe']; onSocket: (socket: net.Socket) => void }): HostileServer {
  return {
    id: entry.id,
    title: entry.title,
    layer: 'socket',
    probe: entry.probe ?? { method: 'GET', path: '/Users' },
    expect: entry.expect,
    start: () => startRawServer(entry.onSocket),
  };
}

function tlsLevel(id: string, title: string, error: string, pick: () => { pair: KeyPair; trustCa: boolean }): HostileServer {
  return {
    id,
    title,
    layer: 'tls',
    probe: { method: 'GET', path: '/Users' },
    expect: { error },
    async start() {
      const { pair, trustCa } = pick();
      const running = await startHttpServer((request) => plausibleScim(request), pair);
      return { ...running, baseUrl: running.baseUrl.replace('127.0.0.1', 'localhost'), clientOptions: trustCa ? { ca: tlsMaterial().ca } : {} };
    },
  };
}

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// The corpus.

export const HOSTILE_SERVERS: HostileServer[] = [
  // Below HTTP: raw sockets.
  rawLevel({
    id: 'never-answers',
    title: 'accepts the connection and the request, never answers',
    expect: { error: 'TIMEOUT' },
    onSocket: (socket) => socket.resume(),
  }),
  rawLevel({
    id: 'headers-then-stall',
    title: 'sends the response head, then nothing',
    expect: { error: 'BODY_STALLED', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-length: 500\r\n\r\n{"sch`)),
  }),
  rawLevel({
    id: 'drips-one-byte-per-second',
    title: 'sends the body one byte a second',
    expect: { error: 'BODY_STALLED', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => {
        const body = JSON.stringify(listOf([sampleUser()]));
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
        drip(socket, body, 1000);
      }),
  }),
  rawLevel({
    id: 'slow-status-line',
    title: 'drips even the status line, one byte a second',
    expect: { error: 'TIMEOUT' },
    onSocket: (socket) => afterRequestHead(socket, () => drip(socket, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}', 1000)),
  }),
  rawLevel({
    id: 'fifty-megabyte-body',
    title: 'answers with a 50 MB body, streamed',
    expect: { error: 'BODY_TOO_LARGE', status: 200 },
    onSocket: (socket) => afterRequestHead(socket, () => streamLargeJson(socket, 50 * MiB)),
  }),
  rawLevel({
    id: 'endless-chunked-body',
    title: 'a chunked body that never ends, as fast as the client reads',
    expect: { error: 'BODY_TOO_LARGE', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ntransfer-encoding: chunked\r\n\r\n`);
        const piece = 'a'.repeat(64 * 1024);
        const chunk = `${piece.length.toString(16)}\r\n${piece}\r\n`;
        const pump = (): void => {
          while (!socket.destroyed) {
            if (!socket.write(chunk)) {
              socket.once('drain', pump);
              return;
            }
          }
        };
        pump();
      }),
  }),
  rawLevel({
    id: 'reset-mid-body',
    title: 'resets the connection (RST) in the middle of the body',
    expect: { error: 'CONNECTION_RESET', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-length: 1000\r\n\r\n{"schemas":[`, () => {
          setTimeout(() => socket.resetAndDestroy(), 50);
        });
      }),
  }),
  rawLevel({
    id: 'closes-mid-body',
    title: 'closes the connection before the announced Content-Length arrived',
    expect: { error: 'CONNECTION_CLOSED', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => socket.end(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-length: 1000\r\n\r\n{"id":`)),
  }),
  rawLevel({
    id: 'closes-without-answer',
    title: 'reads the request and closes the connection without a byte',
    expect: { error: 'CONNECTION_CLOSED' },
    onSocket: (socket) => afterRequestHead(socket, () => socket.end()),
  }),
  rawLevel({
    id: 'resets-on-request',
    title: 'resets the connection as soon as the request arrives',
    expect: { error: 'CONNECTION_RESET' },
    onSocket: (socket) => afterRequestHead(socket, () => socket.resetAndDestroy()),
  }),
  rawLevel({
    id: 'not-http',
    title: 'speaks another protocol (an SSH banner)',
    expect: { error: 'INVALID_HTTP' },
    onSocket: (socket) => afterRequestHead(socket, () => socket.end('SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n')),
  }),
  rawLevel({
    id: 'huge-headers',
    title: 'sends a 1 MB response header',
    expect: { error: 'HEADERS_TOO_LARGE' },
    onSocket: (socket) =>
      afterRequestHead(socket, () => socket.end(`HTTP/1.1 200 OK\r\nx-padding: ${'a'.repeat(MiB)}\r\ncontent-length: 2\r\n\r\n{}`)),
  }),
  rawLevel({
    id: 'gzip-bomb',
    title: 'a small gzip body that inflates to 64 MB',
    expect: { error: 'BODY_TOO_LARGE', status: 200 },
    onSocket: (socket) =>
      afterRequestHead(socket, () => {
        const bomb = gzipBomb();
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${SCIM_JSON}\r\ncontent-encoding: gzip\r\ncontent-length: ${bomb.length}\r\n\r\n`);
        socket.end(bomb);
      }),
  }),
  {
    id: 'connection-refused',
    title: 'nothing listens on the port',
    layer: 'socket',
    probe: { method: 'GET', path: '/Users' },
    expect: { error: 'CONNECTION_REFUSED' },
    async start() {
      // Take a free port and release it: nothing listens there afterwards.
      const server = net.createServer();
      const listening = await listen(server);
      await listening.close();
      return noServer(`http://127.0.0.1:${listening.port}${SCIM_BASE_PATH}`);
    },
  },
  {
    id: 'dns-failure',
    title: 'a host name that does not resolve',
    layer: 'socket',
    probe: { method: 'GET', path: '/Users' },
    expect: { error: 'DNS_FAILURE' },
    start: async () => noServer(`http://scim-check-hostile.invalid${SCIM_BASE_PATH}`),
  },
  {
    id: 'plain-http-on-https-url',
    title: 'plain HTTP where the URL says HTTPS',
    layer: 'tls',
    probe: { method: 'GET', path: '/Users' },
    expect: { error: 'TLS_ERROR' },
    async start() {
      const running = await startHttpServer((request) => plausibleScim(request));
      return { ...running, baseUrl: running.baseUrl.replace('http:', 'https:') };
    },
  },

  // TLS.
  tlsLevel('tls-self-signed', 'a self-signed certificate', 'TLS_SELF_SIGNED', () => ({ pair: tlsMaterial().selfSigned, trustCa: false })),
  tlsLevel('tls-unknown-ca', 'a certificate from a CA nobody trusts', 'TLS_UNTRUSTED', () => ({ pair: tlsMaterial().valid, trustCa: false })),
  tlsLevel('tls-hostname-mismatch', 'a trusted certificate for another host name', 'TLS_HOSTNAME_MISMATCH', () => ({ pair: tlsMaterial().wrongHost, trustCa: true })),
  tlsLevel('tls-expired', 'a trusted certificate that has expired', 'TLS_EXPIRED', () => ({ pair: tlsMaterial().expired, trustCa: true })),

  // HTTP level: served for real and through msw.
  httpLevel({
    id: 'invalid-json',
    title: 'a SCIM content type with a body that is not JSON',
    expect: { status: 200, json: 'absent', jsonError: /^invalid JSON/ },
    make: () => () => ({ status: 200, headers: { 'content-type': SCIM_JSON }, body: '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1,' }),
  }),
  httpLevel({
    id: 'json-array',
    title: 'a JSON array where an object belongs',
    expect: { status: 200, json: [sampleUser()] },
    make: () => () => scimJson(200, [sampleUser()]),
  }),
  httpLevel({
    id: 'json-string',
    title: 'a JSON string where an object belongs',
    expect: { status: 200, json: 'OK' },
    make: () => () => scimJson(200, 'OK'),
  }),
  httpLevel({
    id: 'json-null',
    title: 'JSON null where an object belongs',
    expect: { status: 200, json: null },
    make: () => () => scimJson(200, null),
  }),
  httpLevel({
    id: 'html-502',
    title: "a load balancer's HTML 502 page",
    expect: { status: 502, json: 'absent' },
    make: () => () => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    }),
  }),
  httpLevel({
    id: 'wrong-content-type',
    title: 'SCIM JSON labelled text/html',
    expect: { status: 200, json: listOf([sampleUser()]) },
    make: () => (request) => ({ ...plausibleScim(request), headers: { 'content-type': 'text/html; charset=utf-8' } }),
  }),
  httpLevel({
    id: 'missing-content-type',
    title: 'SCIM JSON without a Content-Type',
    expect: { status: 200, json: listOf([sampleUser()]) },
    make: () => (request) => ({ ...plausibleScim(request), headers: {} }),
  }),
  httpLevel({
    id: 'numeric-id',
    title: 'resources whose id is a number',
    expect: { status: 200, json: listOf([sampleUser(12345)]) },
    make: () => (request) => plausibleScim(request, sampleUser(12345)),
  }),
  httpLevel({
    id: 'total-results-string',
    title: 'a ListResponse whose totalResults is a string',
    expect: { status: 200, json: listOf([sampleUser()], '1') },
    make: () => (request) => (pathOf(request) === '/Users' ? scimJson(200, listOf([sampleUser()], '1')) : plausibleScim(request)),
  }),
  httpLevel({
    id: 'resources-null',
    title: 'a ListResponse whose Resources is null',
    expect: { status: 200, json: listOf(null, 1) },
    make: () => (request) => (pathOf(request) === '/Users' ? scimJson(200, listOf(null, 1)) : plausibleScim(request)),
  }),
  httpLevel({
    id: 'deeply-nested-json',
    title: 'JSON nested 100,000 levels deep',
    expect: { status: 200, json: 'absent', jsonError: /nested 100000 levels deep/ },
    make: () => () => ({ status: 200, headers: { 'content-type': SCIM_JSON }, body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }),
  }),
  httpLevel({
    id: 'empty-body',
    title: 'an empty 200 body labelled SCIM JSON',
    expect: { status: 200, json: 'absent' },
    make: () => () => ({ status: 200, headers: { 'content-type': SCIM_JSON }, body: '' }),
  }),
  httpLevel({
    id: 'invalid-utf8',
    title: 'a body with bytes that are not UTF-8',
    expect: { status: 200, json: { userName: 'b\uFFFD(jensen' } },
    make: () => () => ({
      status: 200,
      headers: { 'content-type': SCIM_JSON },
      body: Buffer.concat([Buffer.from('{"userName":"b'), Buffer.from([0xc3, 0x28]), Buffer.from('jensen"}')]),
    }),
  }),
  httpLevel({
    id: 'unauthorized-html',
    title: 'a 401 answered as an HTML login page, not a SCIM error',
    expect: { status: 401, json: 'absent' },
    make: () => () => ({ status: 401, headers: { 'content-type': 'text/html' }, body: '<html><body>Please log in</body></html>' }),
  }),
  httpLevel({
    id: 'redirect-loop',
    title: 'redirects /Users to /Users/ and back',
    expect: { error: 'REDIRECT_LOOP', status: 302 },
    make: () => (request) => ({ status: 302, headers: { location: request.path.endsWith('/') ? `${SCIM_BASE_PATH}/Users` : `${SCIM_BASE_PATH}/Users/` } }),
  }),
  httpLevel({
    id: 'rate-limited-once',
    title: 'answers 429 with Retry-After: 1 once, then normally',
    expect: { status: 200, note: /^429: waited 1000 ms/ },
    make: () => {
      let limited = false;
      return (request) => {
        if (limited) return plausibleScim(request);
        limited = true;
        return scimJson(429, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'slow down' }, { 'retry-after': '1' });
      };
    },
  }),
  httpLevel({
    id: 'rate-limited-for-an-hour',
    title: 'answers 429 with Retry-After: 3600',
    expect: { status: 429, note: /longer than the \d+ ms wait bound/ },
    make: () => () => scimJson(429, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'come back later' }, { 'retry-after': '3600' }),
  }),
  httpLevel({
    id: 'writes-fail-500',
    title: 'answers 500 to every write, reads work',
    probe: { method: 'POST', path: '/Users', body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'scim-check-probe@example.com' }) },
    expect: { status: 500 },
    make: () => (request) =>
      request.method === 'GET'
        ? plausibleScim(request)
        : scimJson(500, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'internal error' }),
  }),
  httpLevel({
    id: 'ok-to-everything',
    title: 'answers 200 {} to everything, without checking credentials',
    expect: { status: 200, json: {} },
    make: () => () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }),
  }),
  {
    id: 'redirect-to-other-origin',
    title: 'redirects every request to another origin that records credentials',
    layer: 'http',
    probe: { method: 'GET', path: '/Users' },
    expect: { status: 200, note: /another origin/ },
    async start() {
      const other = await startHttpServer((request) => plausibleScim({ ...request, path: request.path.replace('/elsewhere', SCIM_BASE_PATH) }));
      const self = await startHttpServer((request) => ({ status: 307, headers: { location: `${other.origin}/elsewhere${request.path.replace(SCIM_BASE_PATH, '')}` } }));
      return {
        ...self,
        bytesWritten: () => self.bytesWritten() + other.bytesWritten(),
        authorizationsSeen: () => [
          ...self.seen.map((value) => ({ origin: 'self' as const, value })),
          ...other.seen.map((value) => ({ origin: 'other' as const, value })),
        ],
        async close() {
          await Promise.all([self.close(), other.close()]);
        },
      };
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Stateful entries: the reference server (default seed) behind a front that bends some of its answers.

/** The default seed's users and group (fixtures/seed.json): what existed before any run. */
export const SEED_USER_ID = '5d0f7a2e-6c1b-4f3e-9a57-1b2c3d4e5f60';
export const SEED_GROUP_ID = 'c4f2b8d6-1a3e-4b5c-9d7f-0e1a2b3c4d5e';

const isCreateOf = (collection: 'Users' | 'Groups', request: ProxiedRequest): boolean =>
  request.method === 'POST' && new RegExp(`^${SCIM_BASE_PATH}/${collection}$`).test(request.url);

/**
 * A real (reference) server whose front bends answers with `bend`, which also gets the seeded user's full body.
 * The front takes the first credential it sees as the run's and swaps it for the server's own; any other (the
 * deliberately wrong ones) goes on unchanged and is refused, as a real server would.
 */
function bentReference(entry: {
  id: string;
  title: string;
  probe: HostileServer['probe'];
  expect: HostileExpectation;
  bend: (request: ProxiedRequest, answer: ProxiedAnswer, seedUserText: string) => ProxiedAnswer;
}): HostileServer {
  return {
    id: entry.id,
    title: entry.title,
    layer: 'http',
    probe: entry.probe,
    expect: entry.expect,
    async start() {
      const token = `reference-${entry.id}`;
      const server = await startServer({ port: 0, token, quiet: true, requestLogSize: 10_000 });
      const seedUser = await fetch(`${server.url}/Users/${SEED_USER_ID}`, { headers: { authorization: `Bearer ${token}` } });
      const seedUserText = await seedUser.text();
      let runCredential: string | undefined;
      const front = await startRecordingProxy(server.url, {
        forward: (request) => {
          const given = request.headers.authorization;
          runCredential ??= given;
          return given !== undefined && given === runCredential ? { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } } : request;
        },
        after: (request, answer) => (answer.status === 201 ? entry.bend(request, answer, seedUserText) : answer),
      });
      return {
        baseUrl: front.url,
        clientOptions: {},
        bytesWritten: () => 0,
        authorizationsSeen: () => front.requests.map((r) => ({ origin: 'self' as const, value: r.headers.authorization })),
        reference: { url: server.url, token, requests: () => server.requests() },
        async close() {
          await front.close();
          await server.close();
        },
      };
    },
  };
}

const scimAnswer = (answer: ProxiedAnswer, body: unknown): ProxiedAnswer => ({ ...answer, body: typeof body === 'string' ? body : JSON.stringify(body) });
const probeCreate = (collection: 'Users' | 'Groups'): HostileServer['probe'] => ({
  method: 'POST',
  path: `/${collection}`,
  headers: { 'Content-Type': 'application/scim+json' },
  body: JSON.stringify(
    collection === 'Users'
      ? { schemas: [USER_SCHEMA], userName: 'scim-check-probe@example.com' }
      : { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'scim-check-probe group' },
  ),
});

HOSTILE_SERVERS.push(
  // Upsert-style servers gone wrong (issue 9 item 1): each create is carried out, but answered with what existed.
  bentReference({
    id: 'user-create-answers-existing-id',
    title: 'answers every user create with only the id of a user that existed before',
    probe: probeCreate('Users'),
    expect: { status: 201, json: { id: SEED_USER_ID } },
    bend: (request, answer) => (isCreateOf('Users', request) ? scimAnswer(answer, { id: SEED_USER_ID }) : answer),
  }),
  bentReference({
    id: 'group-create-answers-existing-id',
    title: 'answers every group create with only the id of a group that existed before',
    probe: probeCreate('Groups'),
    expect: { status: 201, json: { id: SEED_GROUP_ID } },
    bend: (request, answer) => (isCreateOf('Groups', request) ? scimAnswer(answer, { id: SEED_GROUP_ID }) : answer),
  }),
  bentReference({
    id: 'group-create-answers-a-user',
    title: 'answers every group create with the full body of a user that existed before',
    probe: probeCreate('Groups'),
    expect: { status: 201 },
    bend: (request, answer, seedUserText) => (isCreateOf('Groups', request) ? scimAnswer(answer, seedUserText) : answer),
  }),
);

/**
 * Terminal control sequences a server could hide in its text (issue 9 item 3): an OSC window title, a screen clear,
 * a switch to the alternate screen, a bare carriage return that rewrites the line, an 8-bit CSI (C1) and a
 * right-to-left override. Printed raw, each would act on the terminal of whoever reads the report.
 */
export const TERMINAL_ATTACK = '\u001b]0;pwned-title\u0007\u001b[2J\u001b[?1049h\rfake ✓ all passed\u009b31m\u202egnp.exe\u007f';

HOSTILE_SERVERS.push(
  httpLevel({
    id: 'ansi-laden-bodies',
    title: 'hides terminal control sequences in every string it returns, in error details and in an ETag',
    expect: { status: 200, json: listOf([ansiUser()]) },
    make: () => (request) => {
      const answer = plausibleScim(request, ansiUser());
      if (answer.status === 404) return scimJson(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: `not found ${TERMINAL_ATTACK}` });
      // Header values cannot carry ESC, but latin1 bytes pass: 0x9b is an 8-bit CSI.
      return { ...answer, headers: { ...answer.headers, etag: 'W/"\u009b2J"' } };
    },
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Memory and secrets (issue 9 items 2 and 4): huge lists, a repeated OAuth token, a key in the base URL's query,
// a response header named after the token.

/** About 9 MB: under the client's 10 MiB cap, so every list is read and parsed whole. */
export const NINE_MB_LIST_BYTES = 9_000_000;
let cachedNineMb: string | undefined;
function nineMegabyteList(): string {
  if (cachedNineMb) return cachedNineMb;
  const one = JSON.stringify(sampleUser('00000000-0000-4000-8000-000000000000')).length + 1;
  const count = Math.floor((NINE_MB_LIST_BYTES - 200) / one);
  const users = Array.from({ length: count }, (_, i) => sampleUser(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
  cachedNineMb = JSON.stringify(listOf(users));
  return cachedNineMb;
}

/** The one access token the repeating token endpoint hands out, every time. */
export const REPEATED_OAUTH_TOKEN = 'hostile-Repeated-Access-T0ken-5e1';
const OAUTH_CLIENT_SECRET = 'hostile-oauth-Client-S3cret';
/** The key the query-string entry requires in its base URL (`?api_key=…`). */
export const QUERY_KEY = 'hostile-Query-Key-77b0c2';
const HEADER_NAME_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function unauthorized(detail: string): HttpAnswer {
  return scimJson(401, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail });
}

HOSTILE_SERVERS.push(
  httpLevel({
    id: 'nine-megabyte-lists',
    title: 'ignores count and filter: every list is ~9 MB of users',
    // The client test's cap is 4 MiB; the CLI's default 10 MiB reads and parses every one of them.
    expect: { error: 'BODY_TOO_LARGE', status: 200 },
    make: () => (request) => {
      const path = pathOf(request);
      if (request.method === 'GET' && (path === '/Users' || path === '/Groups')) {
        return { status: 200, headers: { 'content-type': SCIM_JSON }, body: nineMegabyteList() };
      }
      return plausibleScim(request);
    },
  }),
  {
    id: 'repeated-oauth-token',
    title: 'its token endpoint hands out the same access token every time, and the first use of it gets a 401',
    layer: 'http',
    probe: { method: 'GET', path: '/Users' },
    expect: { status: 200, note: /^401 with a cached OAuth token: fetched a new token and retried once$/ },
    async start() {
      let revokedOnce = false;
      const running = await startHttpServer((request) => {
        if (request.method === 'POST' && request.path === '/oauth2/token') {
          return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: REPEATED_OAUTH_TOKEN, token_type: 'Bearer' }) };
        }
        if (request.headers.authorization !== `Bearer ${REPEATED_OAUTH_TOKEN}`) return unauthorized('unknown token');
        if (!revokedOnce) {
          revokedOnce = true;
          return unauthorized('token revoked; fetch a new one');
        }
        return plausibleScim(request);
      });
      return {
        ...running,
        authorizationsSeen: () => running.seen.filter((value) => !value?.startsWith('Basic ')).map((value) => ({ origin: 'self' as const, value })),
        clientOptions: { auth: { kind: 'oauth2', tokenUrl: `${running.origin}/oauth2/token`, clientId: 'hostile-client', clientSecret: OAUTH_CLIENT_SECRET } },
        credential: `Bearer ${REPEATED_OAUTH_TOKEN}`,
        secrets: [REPEATED_OAUTH_TOKEN, OAUTH_CLIENT_SECRET],
      };
    },
  },
  {
    id: 'query-string-key',
    title: 'wants its key in the base URL query (?api_key=…) on every request, and echoes the URL back',
    layer: 'http',
    probe: { method: 'GET', path: '/Users' },
    expect: { status: 200 },
    async start() {
      const running = await startHttpServer((request) => {
        if (!new URLSearchParams(request.path.split('?')[1] ?? '').getAll('api_key').includes(QUERY_KEY)) return unauthorized(`no key in ${request.path}`);
        const answer = plausibleScim(request);
        return { ...answer, headers: { ...answer.headers, 'x-request-url': request.path } };
      });
      return { ...running, baseUrl: `${running.baseUrl}?api_key=${QUERY_KEY}`, secrets: [QUERY_KEY] };
    },
  },
  httpLevel({
    id: 'header-named-after-token',
    title: 'answers with a response header named after the bearer token it received',
    expect: { status: 200 },
    make: () => (request) => {
      const answer = plausibleScim(request);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      return token && HEADER_NAME_CHARS.test(token) ? { ...answer, headers: { ...answer.headers, [`x-${token}`]: 'seen' } } : answer;
    },
  }),
);

function ansiUser(): Record<string, unknown> {
  const user = sampleUser();
  return { ...user, userName: `${TERMINAL_ATTACK}@example.com`, displayName: TERMINAL_ATTACK, name: { givenName: TERMINAL_ATTACK, familyName: 'Jensen' } };
}

let cachedBomb: Buffer | undefined;
/** 64 concatenated gzip members of 1 MiB of spaces each (~70 KB on the wire; gunzip reads all members). */
function gzipBomb(): Buffer {
  cachedBomb ??= Buffer.concat(new Array<Buffer>(64).fill(gzipSync(Buffer.alloc(MiB, 0x20))));
  return cachedBomb;
}

function noServer(baseUrl: string): RunningHostile {
  return { baseUrl, clientOptions: {}, bytesWritten: () => 0, authorizationsSeen: () => [], close: async () => undefined };
}

export function hostileServer(id: string): HostileServer {
  const found = HOSTILE_SERVERS.find((server) => server.id === id);
  if (!found) throw new Error(`no hostile server named ${id}`);
  return found;
}
