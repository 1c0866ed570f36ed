// Headers on the wire come from the suite's data (issue 10 item 3): suite-level `headers` and `bodyHeaders`, step
// overrides, `omitHeaders`, a literal Authorization, then the run's --header values and credentials. Raw bytes are
// captured on a socket; the HTTP library adds only Host, Connection and Content-Length.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ownHeaderLines, startRawCapture, type RawCapture } from '../helpers/raw-requests.js';

const TOKEN = 'wire-run-Secret-T0ken';
let capture: RawCapture;
beforeAll(async () => {
  capture = await startRawCapture();
});
afterAll(async () => capture.close());

function suiteFile(suite: SuiteFile): string {
  const file = join(tempDir('scim-check-wire-'), `${suite.id}.json`);
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

const step = (request: SuiteFile['checks'][number]['steps'][number]['request']) => ({ request, autoValidate: false });

describe('request headers declared by the suite', () => {
  it('are exactly what goes on the wire, step by step', async () => {
    const file = suiteFile({
      id: 'wire',
      title: 'wire',
      description: 'd',
      source: 's',
      headers: { Accept: 'application/scim+json', 'Accept-Charset': 'utf-8', 'User-Agent': 'Okta SCIM Client 1.0.0' },
      bodyHeaders: { 'Content-Type': 'application/scim+json; charset=utf-8' },
      checks: [
        {
          id: 'wire/steps',
          title: 'every way a step declares headers',
          description: 'd',
          level: 'MUST',
          source: 's',
          steps: [
            step({ method: 'GET', path: '/Users' }),
            step({ method: 'POST', path: '/Users', body: { userName: 'x' } }),
            // Okta's SPEC step 6: its own Content-Type and Accept, no User-Agent, no Accept-Charset.
            step({ method: 'POST', path: '/Users', body: { userName: 'y' }, headers: { 'content-type': 'application/json', Accept: 'application/scim+json; charset=utf-8' }, omitHeaders: ['User-Agent', 'accept-charset'] }),
            // Okta's SPEC step 11: a literal scheme-less Authorization instead of the run's credential.
            step({ method: 'GET', path: '/Users', headers: { Authorization: 'non-token' } }),
            step({ method: 'GET', path: '/Groups', omitHeaders: ['Accept', 'Accept-Charset', 'User-Agent'] }),
          ],
        },
      ],
    });
    const result = await run({ url: `${capture.origin}/scim/v2`, token: TOKEN, headers: { 'X-Tenant': 'acme-tenant-key' }, suites: [file], only: ['wire/steps'] });
    expect(result.fatal).toBeUndefined();
    const steps = capture.requests.slice(-5);
    const auth = `Authorization: Bearer ${TOKEN}`;
    expect(steps.map((r) => r.line)).toEqual(['GET /scim/v2/Users HTTP/1.1', 'POST /scim/v2/Users HTTP/1.1', 'POST /scim/v2/Users HTTP/1.1', 'GET /scim/v2/Users HTTP/1.1', 'GET /scim/v2/Groups HTTP/1.1']);
    expect(steps.map(ownHeaderLines)).toEqual([
      ['Accept: application/scim+json', 'Accept-Charset: utf-8', 'User-Agent: Okta SCIM Client 1.0.0', 'X-Tenant: acme-tenant-key', auth],
      ['Accept: application/scim+json', 'Accept-Charset: utf-8', 'User-Agent: Okta SCIM Client 1.0.0', 'Content-Type: application/scim+json; charset=utf-8', 'X-Tenant: acme-tenant-key', auth],
      ['Accept: application/scim+json; charset=utf-8', 'content-type: application/json', 'X-Tenant: acme-tenant-key', auth],
      ['Accept: application/scim+json', 'Accept-Charset: utf-8', 'User-Agent: Okta SCIM Client 1.0.0', 'Authorization: non-token', 'X-Tenant: acme-tenant-key'],
      ['X-Tenant: acme-tenant-key', auth],
    ]);
    // Only Host, Connection and Content-Length besides: nothing of the HTTP library's own.
    for (const request of steps) {
      expect(request.headerLines.filter((line) => !ownHeaderLines(request).includes(line)).map((line) => line.split(':')[0])).toEqual(
        request.line.startsWith('POST') ? ['host', 'connection', 'content-length'] : ['host', 'connection'],
      );
    }
    // The transcript shows the literal Authorization as sent, and masks the run's credential and --header value.
    const exchanges = result.suites[0]!.checks[0]!.exchanges;
    expect(exchanges[3]!.request.headers.Authorization).toBe('non-token');
    expect(exchanges[0]!.request.headers).toMatchObject({ Authorization: 'Bearer [REDACTED]', 'X-Tenant': '[REDACTED]' });
  });
});
