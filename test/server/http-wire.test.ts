/**
 * HTTP below the client libraries, over raw sockets: what a general-purpose HTTP/1.1 server owes every client —
 * a 413 that reaches a client which sends its whole body before reading, HEAD on every GET route, absolute-form
 * request targets (RFC 9112 §3.2.2), and pipelined requests answered in order even when stray bytes follow.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR, GROUP, newUser, SEED, startClient, USER, type Client } from './helpers.js';

let c: Client;
let base: string;
beforeAll(async () => {
  c = await startClient({ maxBodyBytes: 1024 * 1024 });
  base = new URL(c.server.url).pathname;
});
afterAll(() => c.server.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `bytes` to a fresh connection (all of it accepted before anything is read, as a client without
 * Expect: 100-continue does; with `pieces`, in that many parts a few milliseconds apart, as a body arrives over a
 * real network), then reads until the server closes. Rejects on a connection error (a reset).
 */
function rawExchange(bytes: Buffer | string, pieces = 1): Promise<Buffer> {
  const data = Buffer.from(bytes);
  return new Promise((resolve, reject) => {
    const socket = connect(c.server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('error', reject);
    socket.setTimeout(20_000, () => reject(new Error('no answer within 20 s')));
    socket.once('connect', async () => {
      socket.pause();
      const size = Math.ceil(data.length / pieces);
      for (let at = 0; at < data.length; at += size) {
        if (at > 0) await new Promise((r) => setTimeout(r, 5));
        await new Promise<void>((r, j) => socket.write(data.subarray(at, at + size), (err) => (err ? j(err) : r())));
      }
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('end', () => resolve(Buffer.concat(received)));
      socket.resume();
    });
  });
}

/** Splits a byte stream into HTTP/1.1 responses; `noBody[i]` marks answers to HEAD (headers only, RFC 9110 §9.3.2). */
function parseResponses(data: Buffer, noBody: boolean[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`incomplete response head: ${data.subarray(at).toString()}`);
    const [statusLine, ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = noBody[out.length] ? 0 : Number(headers['content-length'] ?? 0);
    const body = data.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    out.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    at = headEnd + 4 + length;
  }
  return out;
}

const request = (method: string, target: string, extra: string[] = [], body = ''): string =>
  [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Authorization: Bearer test-token', ...extra, '', body].join('\r\n');

describe('413 reaches a client that sends its whole body first', () => {
  it('a 2 MiB body with Content-Length and no Expect gets the SCIM 413 JSON, not a reset', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    const head = request('POST', `${base}/Users`, ['Content-Type: application/scim+json', `Content-Length: ${body.length}`]);
    const [res] = parseResponses(await rawExchange(Buffer.concat([Buffer.from(head), body]), 32));
    expect(res!.status).toBe(413);
    expect(res!.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(res!.body)).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(JSON.parse(res!.body).detail).toMatch(/1048576 bytes/);
  });

  it('a chunked body that grows past the limit gets the 413 too', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'b');
    const framed = Buffer.concat([
      Buffer.from(request('POST', `${base}/Users`, ['Content-Type: application/scim+json', 'Transfer-Encoding: chunked'])),
      ...Array.from({ length: 8 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])),
      Buffer.from('0\r\n\r\n'),
    ]);
    const [res] = parseResponses(await rawExchange(framed, 32));
    expect(res!.status).toBe(413);
    expect(JSON.parse(res!.body).status).toBe('413');
  });

  it('with Expect: 100-continue the 413 comes at once, without asking for the body', async () => {
    const head = request('POST', `${base}/Users`, ['Content-Type: application/scim+json', `Content-Length: ${2 * 1024 * 1024}`, 'Expect: 100-continue']);
    const [res, ...rest] = parseResponses(await rawExchange(head));
    expect(res!.status).toBe(413);
    expect(JSON.parse(res!.body).status).toBe('413');
    expect(rest).toEqual([]);
  });

  it('a body within the limit still works with Expect: 100-continue (100 first, then the answer)', async () => {
    const body = JSON.stringify(newUser('continue@example.com'));
    const head = request('POST', `${base}/Users`, ['Content-Type: application/scim+json', `Content-Length: ${Buffer.byteLength(body)}`, 'Expect: 100-continue', 'Connection: close']);
    const [cont, created] = parseResponses(await rawExchange(head + body));
    expect(cont!.status).toBe(100);
    expect(created!.status).toBe(201);
    expect(JSON.parse(created!.body).userName).toBe('continue@example.com');
  });
});

describe('HEAD on every GET route', () => {
  const routes = (): string[] => [
    '/Users',
    `/Users/${SEED.ada}`,
    '/Users?filter=userName%20eq%20%22x%22',
    '/Groups',
    `/Groups/${SEED.engineering}`,
    '/ServiceProviderConfig',
    '/ResourceTypes',
    '/ResourceTypes/User',
    '/Schemas',
    `/Schemas/${USER}`,
    `/Schemas/${GROUP}`,
  ];

  it('answers 200 with the GET headers (Content-Length included) and no body; the next response follows directly', async () => {
    for (const route of routes()) {
      const get = await c.call('GET', route);
      expect(get.status, route).toBe(200);
      // HEAD then GET on one connection: a body sent after the HEAD answer would corrupt the GET answer's framing.
      const data = await rawExchange(request('HEAD', base + route) + request('GET', base + route, ['Connection: close']));
      const [head, again] = parseResponses(data, [true, false]);
      expect(head!.status, route).toBe(200);
      expect(head!.headers['content-type'], route).toBe('application/scim+json; charset=utf-8');
      expect(Number(head!.headers['content-length']), route).toBe(Buffer.byteLength(again!.body));
      expect(head!.body).toBe('');
      expect(again!.status).toBe(200);
    }
  });

  it('HEAD follows GET for errors too, and methods not allowed list HEAD', async () => {
    const data = await rawExchange(request('HEAD', `${base}/Users/no-such-id`, ['Connection: close']));
    const [missing] = parseResponses(data, [true]);
    expect(missing!.status).toBe(404);
    const res = await c.call('DELETE', '/Users');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});

describe('request targets and pipelining', () => {
  it('an absolute-form target (RFC 9112 §3.2.2) reaches the same resource as the origin-form one', async () => {
    const absolute = `http://127.0.0.1:${c.server.port}${base}/Users/${SEED.ada}?attributes=userName`;
    const [res] = parseResponses(await rawExchange(request('GET', absolute, ['Connection: close'])));
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body)).toMatchObject({ id: SEED.ada, userName: expect.any(String) });
    const [upper] = parseResponses(await rawExchange(request('GET', `HTTP://127.0.0.1:${c.server.port}${base}/ServiceProviderConfig`, ['Connection: close'])));
    expect(upper!.status).toBe(200);
  });

  it('a pipelined DELETE followed by stray bytes gets its 204 first, then a SCIM 400 for the rest', async () => {
    const made = await c.call('POST', '/Users', newUser('pipelined@example.com'));
    expect(made.status).toBe(201);
    const data = await rawExchange(`${request('DELETE', `${base}/Users/${made.body.id}`)}\x00\x01 not HTTP at all\r\n\r\n`);
    const [deleted, bad] = parseResponses(data);
    expect(deleted!.status).toBe(204);
    expect(bad!.status).toBe(400);
    expect(JSON.parse(bad!.body)).toMatchObject({ schemas: [ERROR], status: '400' });
    expect((await c.call('GET', `/Users/${made.body.id}`)).status).toBe(404);
  });

  it('pipelined valid requests are all answered, in order', async () => {
    const data = await rawExchange(
      request('GET', `${base}/Users/${SEED.ada}`) + request('GET', `${base}/Users/${SEED.grace}`) + request('GET', `${base}/ServiceProviderConfig`, ['Connection: close']),
    );
    const answers = parseResponses(data);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(JSON.parse(answers[0]!.body).id).toBe(SEED.ada);
    expect(JSON.parse(answers[1]!.body).id).toBe(SEED.grace);
    // Two valid requests, then garbage: both answers, then the 400.
    const mixed = parseResponses(await rawExchange(`${request('GET', `${base}/Users/${SEED.ada}`)}${request('GET', `${base}/Users/${SEED.grace}`)}GARBAGE\r\n\r\n`));
    expect(mixed.map((a) => a.status)).toEqual([200, 200, 400]);
    expect(JSON.parse(mixed[1]!.body).id).toBe(SEED.grace);
  });
});
