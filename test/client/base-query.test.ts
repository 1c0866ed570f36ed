// A base URL with a query string (Entra's `?aadOptscim062020`, or a key: `?api_key=K`, issue 11 and issue 9 item
// 4b): the query reaches every request, merged with the request's own, and its values never reach a record or report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, REDACTED } from '../../src/client/index.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startRawCapture, type RawCapture } from '../helpers/raw-requests.js';
import { renderPretty } from '../../src/report/pretty.js';

const KEY = 'query-Key-9c1e77';
let capture: RawCapture;
beforeAll(async () => {
  capture = await startRawCapture();
});
afterAll(async () => capture.close());

describe('the base URL query in the client', () => {
  it('is sent first on every request under the base, relative or absolute, merged with the request own query', async () => {
    const client = createClient({ baseUrl: `${capture.origin}/scim/v2?aadOptscim062020`, auth: { kind: 'bearer', token: 't0ken-abcdef' } });
    await client.send({ method: 'GET', url: '/Users' });
    await client.send({ method: 'GET', url: '/Users?filter=userName%20eq%20%22a%22&count=5' });
    await client.send({ method: 'GET', url: `${capture.origin}/scim/v2/Groups/1?attributes=id` });
    // Already carrying it (e.g. a meta.location the server built from the request): not repeated.
    await client.send({ method: 'GET', url: `${capture.origin}/scim/v2/Users/2?aadOptscim062020` });
    // Not under the base: left alone.
    await client.send({ method: 'GET', url: `${capture.origin}/elsewhere?x=1` });
    await client.close();
    expect(capture.requests.slice(-5).map((r) => r.line)).toEqual([
      'GET /scim/v2/Users?aadOptscim062020 HTTP/1.1',
      'GET /scim/v2/Users?aadOptscim062020&filter=userName%20eq%20%22a%22&count=5 HTTP/1.1',
      'GET /scim/v2/Groups/1?aadOptscim062020&attributes=id HTTP/1.1',
      'GET /scim/v2/Users/2?aadOptscim062020 HTTP/1.1',
      'GET /elsewhere?x=1 HTTP/1.1',
    ]);
  });

  it('treats the values of its parameters as secrets: on the wire, never in the record', async () => {
    const client = createClient({ baseUrl: `${capture.origin}/scim/v2?api_key=${KEY}&tenant=acme%2Done`, auth: { kind: 'none' } });
    const ex = await client.send({ method: 'GET', url: '/Users?count=1' });
    await client.close();
    expect(capture.requests.at(-1)!.line).toBe(`GET /scim/v2/Users?api_key=${KEY}&tenant=acme%2Done&count=1 HTTP/1.1`);
    expect(ex.request.url).toBe(`${capture.origin}/scim/v2/Users?api_key=${REDACTED}&tenant=${REDACTED}&count=1`);
    expect(client.redact(`echo ${KEY} acme-one`)).toBe(`echo ${REDACTED} ${REDACTED}`);
  });
});

describe('a run against a base URL with a key in its query', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, quiet: true });
  });
  afterAll(async () => server.close());

  it('sends the key on every request and shows it in no report', async () => {
    const before = server.requests().length;
    const result = await run({ url: `${server.url}?api_key=${KEY}`, token: server.token, suites: ['okta-spec'] });
    expect(result.exitCode).toBe(0);
    expect(result.target.url).toBe(`${server.url}?api_key=${REDACTED}`);
    const sent = server.requests().slice(before);
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.filter((r) => !r.url.includes(`api_key=${KEY}`)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(renderPretty(result, { verbose: true })).not.toContain(KEY);
  });
});
