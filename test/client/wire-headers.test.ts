// Requests on the wire are exactly the caller's (issue 10 item 3): raw request bytes captured on a socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { ownHeaderLines, startRawCapture, type RawCapture } from '../helpers/raw-requests.js';

const TOKEN = 'wire-Secret-T0ken-7';
let capture: RawCapture;
beforeAll(async () => {
  capture = await startRawCapture();
});
afterAll(async () => capture.close());

describe('the client on the wire', () => {
  it('sends exactly the given headers, in order and spelling, then the credentials; the library adds only Host, Connection, Content-Length', async () => {
    const client = createClient({ baseUrl: `${capture.origin}/scim/v2`, auth: { kind: 'bearer', token: TOKEN } });
    await client.send({ method: 'GET', url: '/Users?count=1', headers: { Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' } });
    await client.send({ method: 'POST', url: '/Users', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    await client.send({ method: 'GET', url: '/Groups' });
    await client.close();
    const [get, post, bare] = capture.requests.slice(-3);
    expect(get!.line).toBe('GET /scim/v2/Users?count=1 HTTP/1.1');
    const host = `host: ${capture.origin.slice('http://'.length)}`;
    expect(get!.headerLines).toEqual([host, 'connection: keep-alive', 'Accept: application/scim+json', 'Accept-Charset: utf-8', `Authorization: Bearer ${TOKEN}`]);
    expect(post!.headerLines).toEqual([host, 'connection: keep-alive', 'Content-Type: application/json', `Authorization: Bearer ${TOKEN}`, 'content-length: 7']);
    expect(post!.body).toBe('{"a":1}');
    // No User-Agent, Accept, Accept-Encoding, Accept-Language or Sec-Fetch-Mode of the library's own.
    expect(ownHeaderLines(bare!)).toEqual([`Authorization: Bearer ${TOKEN}`]);
  });
});
