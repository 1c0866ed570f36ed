// Issue 4: no output of a full run ever shows a credential, even when the server echoes the request back in its
// errors, headers and pages, in any of the spellings a server might use (raw, URL-encoded, JSON- or HTML-escaped).
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, startCli, type CliOutcome } from '../cli/spawn-cli.js';
import { startRecordingProxy, trapUnhandled, type ProxiedAnswer, type ProxiedRequest, type RecordingProxy } from './support.js';
import { tempDir } from '../helpers/temp-dir.js';

trapUnhandled();

const TOKEN = 'tok-Safety-5ecret-Q9w8';
const API_KEY = 'key-Safety-5ecret-Z7x6';
const USER = 'svc-scim';
// Characters that JSON, HTML, XML and URLs each spell differently.
const PASSWORD = 'pw<Safety&5ecret>"X1';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const CLIENT_SECRET = 'cs-Safety-5ecret/+=P4';

const htmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every spelling of every secret that must never appear. */
const FORBIDDEN = [TOKEN, API_KEY, PASSWORD, BASIC, CLIENT_SECRET].flatMap((secret) => [
  secret,
  encodeURIComponent(secret),
  JSON.stringify(secret).slice(1, -1),
  htmlEscape(secret),
  JSON.stringify(htmlEscape(secret)).slice(1, -1),
]);

function expectClean(label: string, text: string): void {
  const found = [...new Set(FORBIDDEN.filter((form) => text.includes(form)))];
  expect(found, `${label} shows a secret`).toEqual([]);
}

/** What a careless server puts in its answers: the request's credentials, in every spelling. */
function echoOf(request: ProxiedRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${String(value)}`);
  let decoded = '';
  const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (basic) decoded = Buffer.from(basic, 'base64').toString('utf8');
  const all = [...headers, `decoded basic credentials: ${decoded}`, `body: ${request.body}`].join('\n');
  return `${all}\nurl-encoded: ${encodeURIComponent(all)}\nhtml: ${htmlEscape(all)}`;
}

/** Errors become SCIM errors whose detail echoes the request; every answer carries the echo in a header too. */
function echoing(request: ProxiedRequest, answer: ProxiedAnswer): ProxiedAnswer {
  const headers = { ...answer.headers, 'x-debug-request': encodeURIComponent(echoOf(request)).slice(0, 4000) };
  if (answer.status < 400) return { ...answer, headers };
  const detail = `request rejected. You sent:\n${echoOf(request)}`;
  return { status: answer.status, headers: { ...headers, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(answer.status), detail }) };
}

/** An HTML 502 page echoing the request, for every filtered list request (a proxy in front of the app). */
function htmlOnFilter(request: ProxiedRequest): ProxiedAnswer | undefined {
  if (!request.url.includes('filter=')) return undefined;
  return { status: 502, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>502</h1><pre>${htmlEscape(echoOf(request))}</pre></body></html>` };
}

let bearer: RunningServer;
let basic: RunningServer;
const proxies: RecordingProxy[] = [];
beforeAll(async () => {
  assertBuilt();
  bearer = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['get-by-id-returns-list'] });
  basic = await startServer({ port: 0, basic: { user: USER, pass: PASSWORD }, quiet: true, faults: ['error-without-status'] });
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all([bearer.close(), basic.close()]);
});

async function echoProxy(target: RunningServer, withHtml = false): Promise<RecordingProxy> {
  const p = await startRecordingProxy(target.url, { after: (request, answer) => echoing(request, answer), ...(withHtml ? { instead: htmlOnFilter } : {}) });
  proxies.push(p);
  return p;
}

const REPORTERS = ['json', 'junit', 'markdown', 'html', 'pretty'];

/** A full CLI run with every reporter to a file, pretty (or the named ones) to stdout, and a step summary. */
async function fullRun(credentials: string[], url: string, stdoutReporters = ['pretty']): Promise<{ outcome: CliOutcome; files: Map<string, string> }> {
  const dir = tempDir('scim-check-secrets-');
  const toFiles = REPORTERS.flatMap((name) => ['--reporter', `${name}=${join(dir, `report.${name}`)}`]);
  const toStdout = stdoutReporters.flatMap((name) => ['--reporter', name]);
  const outcome = await startCli(['--url', url, ...credentials, '--suite', 'all', '--verbose', ...toFiles, ...toStdout], { GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md') }, 60_000).done;
  const files = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')] as const));
  return { outcome, files };
}

function expectAllClean(run: { outcome: CliOutcome; files: Map<string, string> }): void {
  expectClean('stdout', run.outcome.stdout);
  expectClean('stderr', run.outcome.stderr);
  expect([...run.files.keys()].sort()).toEqual(['report.html', 'report.json', 'report.junit', 'report.markdown', 'report.pretty', 'step-summary.md']);
  for (const [name, text] of run.files) {
    expect(text.length, name).toBeGreaterThan(100);
    expectClean(name, text);
  }
}

describe('a server that echoes the credentials back', () => {
  it('--token and --header: every output of a failing --verbose run, all reporters, the step summary', async () => {
    const p = await echoProxy(bearer, true);
    const run = await fullRun(['--token', TOKEN, '--header', `X-Api-Key: ${API_KEY}`], p.url);
    expect(run.outcome.code).toBe(1);
    // The echo really happened, and reached the reports: only redacted.
    expect(p.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}` && r.headers['x-api-key'] === API_KEY)).toBe(true);
    expect(run.outcome.stdout).toContain('You sent:');
    expect(run.outcome.stdout).toContain('[REDACTED]');
    expect(run.files.get('report.html')).toContain('502');
    expectAllClean(run);
  });

  it('--basic (a password JSON, HTML and URLs spell differently): the same, and base64 of user:pass too', async () => {
    const p = await echoProxy(basic);
    const run = await fullRun(['--basic', `${USER}:${PASSWORD}`], p.url);
    expect(run.outcome.code).toBe(1);
    expect(p.requests.some((r) => r.headers.authorization === `Basic ${BASIC}`)).toBe(true);
    expect(run.outcome.stdout).toContain('decoded basic credentials');
    expectAllClean(run);
  });

  it('a report other than pretty on stdout (only one reporter may write there)', async () => {
    const p = await echoProxy(bearer);
    const run = await fullRun(['--token', TOKEN, '--header', `X-Api-Key: ${API_KEY}`], p.url, ['junit']);
    expect(run.outcome.code).toBe(1);
    expect(run.outcome.stdout).toContain('<testsuites');
    expectAllClean(run);
  });

  it('OAuth 2.0 client credentials: neither the client secret nor the access token it got shows anywhere', async () => {
    // The token endpoint hands out the reference server's token, and echoes the client secret in a header.
    const tokenEndpoint = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo': body.slice(0, 500) });
        res.end(JSON.stringify({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600, echo: body }));
      });
    });
    tokenEndpoint.listen(0, '127.0.0.1');
    await once(tokenEndpoint, 'listening');
    try {
      const p = await echoProxy(bearer, true);
      const tokenUrl = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}/oauth2/token`;
      const run = await fullRun(['--oauth-token-url', tokenUrl, '--client-id', 'scim-check-client', '--client-secret', CLIENT_SECRET, '--header', `X-Api-Key: ${API_KEY}`], p.url);
      expect(run.outcome.code, run.outcome.stderr).toBe(1);
      expect(p.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
      expectAllClean(run);
    } finally {
      await new Promise<void>((resolve) => tokenEndpoint.close(() => resolve()));
    }
  });

  it('credentials rejected by an echoing server (exit 3): the one line shows no secret', async () => {
    const p = await echoProxy(basic);
    const outcome = await startCli(['--url', p.url, '--basic', `${USER}:${PASSWORD}-wrong`, '--header', `X-Api-Key: ${API_KEY}`]).done;
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/^scim-check: .* rejected the credentials \(HTTP 401 on GET \/Users\)\n$/);
    expectClean('stdout', outcome.stdout);
    expectClean('stderr', outcome.stderr);
  });

  it('an unreachable target whose URL itself carries a secret (exit 3): the line names the target, masked', async () => {
    const outcome = await startCli(['--url', `http://127.0.0.1:9/${TOKEN}/scim/v2`, '--token', TOKEN, '--header', `X-Api-Key: ${API_KEY}`, '--verbose']).done;
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/^scim-check: cannot reach http:\/\/127\.0\.0\.1:9\/\[REDACTED\]\/scim\/v2: .+\n$/);
    expectClean('stdout', outcome.stdout);
    expectClean('stderr', outcome.stderr);
  });
});
