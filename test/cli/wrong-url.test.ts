// Issue 9 item 9: a base URL that is no SCIM endpoint (missing /v2, a web app, another API) stops at the first
// answer with exit 3 and one line naming what came back and, when it can tell, the base URL that would work —
// instead of hundreds of failed checks. Real servers on loopback, the built CLI.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import { startServer, type ServerOptions } from '../../src/server/index.js';
import { startRecordingProxy, type ProxiedRequest } from '../safety/support.js';
import { assertBuilt, cli, type CliOutcome } from './spawn-cli.js';

const TOKEN = 'wrong-url-token-5e2a';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
beforeAll(assertBuilt);

async function reference(options: ServerOptions = {}) {
  const server = await startServer({ port: 0, token: TOKEN, quiet: true, requestLogSize: 1000, ...options });
  closers.push(() => server.close());
  return server;
}

/** A plain HTTP server answering every request with `answer`, recording what it was sent. */
async function plainServer(answer: { status: number; type: string; body: string }): Promise<{ origin: string; seen: { method: string; url: string }[] }> {
  const seen: { method: string; url: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Exit 3 and exactly one line on stderr; no check ran (the summary line never appears). */
function expectOneLine(outcome: CliOutcome, line: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(3);
  expect(outcome.stderr).toMatch(/^scim-check: [^\n]*\n$/);
  expect(outcome.stderr).toMatch(line);
  expect(outcome.stdout).not.toMatch(/passed, \d+ failed/);
  expect(`${outcome.stdout}${outcome.stderr}`.trim().split('\n').length).toBeLessThanOrEqual(3);
}

describe('the reference server with a wrong path', () => {
  it('missing /v2: exit 3, its 404 quoted, and the base URL it names suggested', async () => {
    const server = await reference();
    const wrong = server.url.replace(/\/v2$/, '');
    const outcome = await cli(['--url', wrong, '--token', TOKEN]);
    expectOneLine(outcome, new RegExp(`^scim-check: ${wrong} is not a SCIM endpoint: GET /Users\\?startIndex=1&count=1 answered 404 \\("No SCIM endpoint at \\\\?"/scim/Users\\\\?"; the base path is \\\\?"/scim/v2\\\\?"\\."\\); did you mean ${server.url}\\?\\n$`));
    // One request, the first: nothing was written, no check ran.
    expect(server.requests().map((r) => `${r.method} ${r.url}`)).toEqual(['GET /scim/Users?startIndex=1&count=1']);
  });

  it('another base path (serve --base-path /api/scim/v2) and a URL without it: the path from the 404 is suggested', async () => {
    const server = await reference({ basePath: '/api/scim/v2' });
    const origin = new URL(server.url).origin;
    const outcome = await cli(['--url', `${origin}/scim/v2`, '--token', TOKEN]);
    expectOneLine(outcome, new RegExp(`answered 404 .*; did you mean ${origin}/api/scim/v2\\?\\n$`));
  });

  it('a 404 that names nothing: the usual /scim/v2 is tried on the same origin and suggested because it answers like SCIM', async () => {
    const server = await reference();
    const origin = new URL(server.url).origin;
    const plain404 = (r: ProxiedRequest) => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: `Cannot GET ${r.url}` });
    const front = await startRecordingProxy(server.url, { after: (r, answer) => (answer.status === 404 ? plain404(r) : answer) });
    closers.push(() => front.close());
    const frontOrigin = new URL(front.url).origin;
    const outcome = await cli(['--url', `${frontOrigin}/`, '--token', TOKEN]);
    expectOneLine(outcome, new RegExp(`^scim-check: ${frontOrigin}/? is not a SCIM endpoint: .*answered 404 \\("Cannot GET /Users\\?startIndex=1&count=1"\\); did you mean ${frontOrigin}/scim/v2\\?\\n$`));
    // Only GETs, only to that origin (the proxy saw them all), at most the first request and three guesses.
    expect(front.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(front.requests.length).toBeLessThanOrEqual(4);
    expect(origin).not.toBe(frontOrigin);
  });
});

describe('servers that are not SCIM at all', () => {
  it('a plain 404 server: exit 3, with where SCIM base URLs usually end', async () => {
    const server = await plainServer({ status: 404, type: 'text/plain', body: 'Not Found' });
    const outcome = await cli(['--url', `${server.origin}/scim/v2`, '--token', TOKEN]);
    expectOneLine(outcome, new RegExp(`^scim-check: ${server.origin}/scim/v2 is not a SCIM endpoint: GET /Users\\?startIndex=1&count=1 answered 404 \\("Not Found"\\); a SCIM base URL usually ends in /scim/v2 \\(see the application's SCIM settings\\)\\n$`));
    expect(server.seen.every((r) => r.method === 'GET')).toBe(true);
  });

  it('an HTML web app (200 and a sign-in page everywhere): exit 3, naming the page; its control characters never reach the terminal', async () => {
    const server = await plainServer({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><html><head><title>Acme \u001b]0;pwned\u0007 Sign in</title></head><body>…</body></html>' });
    const outcome = await cli(['--url', `${server.origin}/app`, '--token', TOKEN]);
    expectOneLine(outcome, /is not a SCIM endpoint: GET \/Users\?startIndex=1&count=1 answered 200 with an HTML page \("Acme \]0;pwned Sign in"\), not SCIM JSON; a SCIM base URL usually ends in \/scim\/v2/);
    expect(outcome.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(server.seen.every((r) => r.method === 'GET')).toBe(true);
  });

  it('another JSON API: exit 3, naming the keys it answered with (through the API: exitCode 3, fatal, no suites)', async () => {
    const server = await plainServer({ status: 200, type: 'application/json', body: '{"status":"ok","version":"4.2.0"}' });
    const result = await run({ url: `${server.origin}/api`, token: TOKEN });
    expect(result.exitCode).toBe(3);
    expect(result.fatal).toBe(`${server.origin}/api is not a SCIM endpoint: GET /Users?startIndex=1&count=1 answered 200 with JSON without any SCIM attribute (keys: status, version), not a SCIM ListResponse; a SCIM base URL usually ends in /scim/v2 (see the application's SCIM settings)`);
    expect(result.suites).toEqual([]);
    expect(server.seen.every((r) => r.method === 'GET')).toBe(true);
  });

  it('a SCIM server that is merely broken (5xx, a SCIM error, a ListResponse labelled text/html) is still checked, not stopped', async () => {
    for (const answer of [
      { status: 500, type: 'text/html', body: '<html><title>500</title></html>' },
      { status: 400, type: 'application/scim+json', body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"bad"}' },
      { status: 200, type: 'text/html', body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}' },
    ]) {
      const server = await plainServer(answer);
      const result = await run({ url: `${server.origin}/scim/v2`, token: TOKEN, suites: ['okta-spec'], timeoutMs: 5_000 });
      expect(result.exitCode, `${answer.status} ${answer.body}: ${result.fatal}`).toBe(1);
    }
  });
});
