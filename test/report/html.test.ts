import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { logAxis } from '../../src/report/html/charts.js';
import { operationLatencies, operationShape, percentile } from '../../src/report/html/latency.js';
import { escapeHtml, html } from '../../src/report/html/markup.js';
import { BASE_URL, INJECTION, failingRun, passingRun, unreachableRun } from './html-fixture.js';

describe('markup', () => {
  it('escapes interpolations but not nested html fragments', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', html`<br>`]}${null}${undefined}${false}${0}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br>0</p>',
    );
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('operation latency', () => {
  it('shapes URLs relative to the SCIM base into operations', () => {
    expect(operationShape('get', `${BASE_URL}/Users/2819c223`, BASE_URL)).toBe('GET /Users/{id}');
    expect(operationShape('GET', `${BASE_URL}/Users?filter=userName%20eq%20%22a%22&count=1`, BASE_URL)).toBe('GET /Users?filter');
    expect(operationShape('GET', `${BASE_URL}/Users?startIndex=1&count=10`, BASE_URL)).toBe('GET /Users');
    expect(operationShape('POST', `${BASE_URL}/Users/.search`, `${BASE_URL}/`)).toBe('POST /Users/.search');
    expect(operationShape('GET', `${BASE_URL}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`, BASE_URL)).toBe('GET /Schemas/{id}');
    expect(operationShape('GET', 'https://other.example/ServiceProviderConfig', 'https://other.example')).toBe('GET /ServiceProviderConfig');
    expect(operationShape('GET', 'not a url', 'also not a url')).toBe('GET /not a url');
  });

  it('uses nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(10);
    expect(percentile(sorted, 95)).toBe(19);
    expect(percentile(sorted, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('groups every exchange of the run by operation', () => {
    const rows = operationLatencies(failingRun());
    const patch = rows.find((r) => r.operation === 'PATCH /Users/{id}');
    // The fixture's 20 PATCHes take 20, 23, …, 77 ms.
    expect(patch).toEqual({ operation: 'PATCH /Users/{id}', count: 20, errors: 0, medianMs: 47, p95Ms: 74, maxMs: 77 });
    const filtered = rows.find((r) => r.operation === 'GET /Users?filter');
    expect(filtered?.count).toBe(5);
    expect(filtered?.errors).toBe(1);
    expect(filtered?.maxMs).toBe(10_000);
    expect(rows.map((r) => r.operation)).toContain('DELETE /Users/{id}');
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(failingRun().suites.flatMap((s) => s.checks.flatMap((c) => c.exchanges)).length);
  });

  it('spans the latencies with a log axis from a decade to a 1-2-5 bound', () => {
    expect(logAxis([4, 77, 10_000])).toEqual({ lo: 1, hi: 10_000, ticks: [1, 10, 100, 1000, 10_000] });
    expect(logAxis([0.7, 12])).toEqual({ lo: 0.1, hi: 20, ticks: [0.1, 1, 10, 20] });
    expect(logAxis([3, 480])).toEqual({ lo: 1, hi: 500, ticks: [1, 10, 100, 500] });
    expect(logAxis([0.25, 3])).toEqual({ lo: 0.1, hi: 5, ticks: [0.1, 1, 5] });
    expect(logAxis([0, 0])).toEqual({ lo: 1, hi: 2, ticks: [1, 2] });
    expect(logAxis([])).toEqual({ lo: 1, hi: 2, ticks: [1, 2] });
  });
});

describe('renderHtml', () => {
  const page = renderHtml(failingRun());

  it('shows the verdict, the counts and every check as an expandable row', () => {
    expect(page).toMatch(/<div class="verdict verdict-failed" id="verdict">FAILED<\/div>/);
    expect(page.match(/<details class="check /g)).toHaveLength(18);
    expect(page).toContain('<li class="failed"><span class="num">2</span>failed</li>');
    expect(page).toContain('<li class="passed"><span class="num">13</span>passed</li>');
    expect(page).toContain('status is 409');
    expect(page).toContain('Okta treats anything but 409 as a second, duplicate account.');
  });

  it('escapes hostile response bodies instead of injecting them', () => {
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;window.__injected = true&lt;/script&gt;');
  });

  it('escapes check data in attributes and text', () => {
    const run = passingRun();
    const first = run.suites[0]!.checks[0]!;
    first.status = 'failed" onmouseover="alert(1)' as never;
    first.title = '</summary><script>alert(1)</script>';
    const hostile = renderHtml(run);
    expect(hostile).not.toContain('" onmouseover="alert(1)');
    expect(hostile).toContain('&lt;/summary&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile.match(/<script/gi)).toHaveLength(1);
  });

  it('needs nothing from the network and lets only its own script run', () => {
    expect(page).not.toMatch(/\s(src|href)="(?!#)/);
    expect(page).not.toMatch(/@import|url\(/);
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(page).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(page).toContain('default-src &#39;none&#39;');
  });

  it('masks credential headers even if a record arrives unredacted', () => {
    const run = passingRun();
    run.suites[0]!.checks[0]!.exchanges[0]!.request.headers.authorization = 'Bearer s3cr3t-token-value';
    run.suites[0]!.checks[0]!.exchanges[0]!.request.headers.Cookie = 'session=abc123';
    const out = renderHtml(run);
    expect(out).not.toContain('s3cr3t-token-value');
    expect(out).not.toContain('abc123');
    expect(out).toContain('authorization: Bearer [REDACTED]');
    expect(out).toContain('accept: application/scim+json');
  });

  it('lists the okta-spec steps in order under OIN readiness', () => {
    const rows = [...page.matchAll(/<tr class="oin-step" data-status="([^"]+)"><td class="step">(\d+)<\/td><td><a href="#[^"]+">([^<]+)<\/a>/g)];
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r[2])).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(rows[0]?.[3]).toBe('Test Users endpoint');
    expect(rows[7]?.[1]).toBe('failed');
    expect(page).toContain('1 of 12 steps of Okta&#39;s SPEC test would fail (1 failed): an OIN submission would fail.');
    expect(renderHtml(passingRun())).toContain('an OIN submission would pass this test');
  });

  it('renders an unreachable target as an error with its reason and no charts of nothing', () => {
    const out = renderHtml(unreachableRun());
    expect(out).toContain('ERROR: target unreachable, credentials rejected or not a SCIM endpoint');
    expect(out).toContain('connect ECONNREFUSED');
    expect(out).toContain('No suite ran.');
    expect(out).toContain('No HTTP exchanges were recorded.');
    expect(out).toContain('was not part of this run');
    expect(out).not.toContain('<svg');
  });

  it('says which resources were left on the target and how to remove them', () => {
    expect(page).toContain('left on the target:');
    expect(page).toContain(`DELETE ${BASE_URL}/Users/duplicate`);
  });

  it('says when the run was cut short, and shows the runner notes', () => {
    const run = failingRun();
    run.interrupted = true;
    run.deadlineReached = true;
    run.notes = ['--read-only left out 12 checks that write'];
    const out = renderHtml(run);
    expect(out).toContain('<ul class="run-notes"><li>The run was interrupted');
    expect(out).toContain('<li>The deadline stopped the run before every check had run.</li>');
    expect(out).toContain('<li>--read-only left out 12 checks that write</li>');
    expect(page).not.toContain('<ul class="run-notes">');
  });

  it('mentions the transport error of a timed-out request', () => {
    expect(page).toContain('<strong>ETIMEDOUT</strong>: no response within 10000 ms');
  });

  it('shows the redirects, rate-limit waits and notes behind an exchange', () => {
    const run = passingRun();
    const exchange = run.suites[0]!.checks[1]!.exchanges[0]!;
    exchange.retries = [{ status: 429, retryAfter: '2', waitedMs: 2000 }];
    exchange.redirects = [{ status: 307, from: `${BASE_URL}/Users/1`, to: 'https://elsewhere.test/Users/1', crossOrigin: true }];
    exchange.notes = ['<b>body was not JSON</b>'];
    const out = renderHtml(run);
    expect(out).toContain('got 429 with Retry-After 2; waited 2000 ms and asked again');
    expect(out).toContain('to https://elsewhere.test/Users/1 (another origin: credentials not sent)');
    expect(out).toContain('<li>&lt;b&gt;body was not JSON&lt;/b&gt;</li>');
  });

  it('points a failure at the exchange that shows it', () => {
    expect(page).toMatch(/<a href="#check-0-7-x0">request 1<\/a>/);
    expect(page).toContain('<div class="exchange shows-failure" id="check-0-7-x0">');
  });
});
