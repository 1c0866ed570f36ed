import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { cdata, renderJunit, xmlAttr } from '../../src/report/junit.js';
import { BASE_URL, INJECTION, countStatuses, failingRun, passingRun, unreachableRun } from './html-fixture.js';
import { parseJunit } from './junit-rules.js';
import { parseXml, XmlError, type XmlElement } from './xml-check.js';

const testcase = (root: XmlElement, name: string): XmlElement => {
  const found = root.children.flatMap((s) => s.children).find((c) => c.name === 'testcase' && c.attrs.name?.startsWith(`${name}:`));
  if (!found) throw new Error(`no testcase ${name}`);
  return found;
};
const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

describe('the XML checker itself', () => {
  it('rejects what strict parsers reject', () => {
    for (const bad of ['<a>&</a>', '<a>&nbsp;</a>', '<a b="1" b="2"/>', '<a><b></a>', '<a>\u0001</a>', '<a>&#1;</a>', '<a b="<"/>', '<a>]]></a>', '<a/><b/>', '<a><![CDATA[x</a>']) {
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    }
    expect(parseXml('<a x="&#10;&quot;">t&amp;<![CDATA[<&]]></a>')).toEqual({ name: 'a', attrs: { x: '\n"' }, children: [], text: 't&<&' });
  });
});

describe('junit reporter', () => {
  it('one testsuite per suite and one testcase per check, valid against the JUnit XSD rules', () => {
    const result = failingRun();
    const root = parseJunit(renderJunit(result));
    expect(root.attrs.name).toBe(`scim-check 0.1.0 ${BASE_URL}`);
    expect(root.attrs.time).toBe('10.912');
    // The two suites, plus the run-level case that reports the resource cleanup left behind.
    expect(root.children.map((s) => s.attrs.name)).toEqual(['okta-spec', 'rfc-users', 'scim-check']);
    for (const [i, suite] of result.suites.entries()) {
      const xmlSuite = root.children[i]!;
      expect(xmlSuite.attrs.timestamp).toBe('2026-11-29T18:00:00');
      expect(xmlSuite.children.map((c) => c.attrs.name)).toEqual(suite.checks.map((c) => `${c.id}: ${c.title}`));
      for (const c of xmlSuite.children) expect(c.attrs.classname).toBe(`scim-check.${suite.id}`);
    }
    expect(root.attrs.failures).toBe('2');
  });

  it('a failure carries expected vs actual in its message and the redacted exchange in its body', () => {
    const root = parseJunit(renderJunit(failingRun()));
    const dup = testcase(root, 'okta-spec/duplicate-user');
    expect(dup.attrs.time).toBe('0.072');
    const failure = child(dup, 'failure')!;
    expect(failure.attrs.message).toBe('status is 409: expected 409, got 201');
    expect(failure.attrs.type).toBe('MUST');
    expect(failure.text).toContain('✗ status is 409\n  expected: 409\n  actual:   201\n  why:      Okta treats anything but 409 as a second, duplicate account.\n  source:   Okta SPEC test step 8; RFC 7644 §3.3');
    expect(failure.text).toContain(`→ #1 POST ${BASE_URL}/Users`);
    expect(failure.text).toContain('authorization: Bearer [REDACTED]');
    expect(failure.text).toContain('← 201 (71 ms)');
    // The hostile markup in the response body survives as data, not as XML.
    expect(failure.text).toContain(JSON.stringify(INJECTION).slice(1, -1));
  });

  it('maps skipped, known failures, warnings and transport errors', () => {
    const root = parseJunit(renderJunit(failingRun()));
    expect(child(testcase(root, 'rfc-users/sort'), 'skipped')!.attrs.message).toBe('ServiceProviderConfig advertises sort.supported = false');
    const known = testcase(root, 'rfc-users/etag');
    expect(child(known, 'skipped')!.attrs.message).toBe('known failure (allowed): header.etag exists: expected "a weak ETag", got (absent)');
    expect(child(known, 'failure')).toBeUndefined();
    const warning = testcase(root, 'okta-spec/groups-endpoint');
    expect(warning.children.map((c) => c.name)).toEqual(['system-out']);
    expect(child(warning, 'system-out')!.text).toMatch(/^WARNING \(does not fail the run\): status is 200: expected 200, got 501/);
    const timeout = child(testcase(root, 'rfc-users/filter-timeout'), 'failure')!;
    expect(timeout.attrs.message).toBe('a response arrives: The request timed out');
    expect(timeout.text).toContain('← no response: ETIMEDOUT: no response within 10000 ms');
    expect(testcase(root, 'okta-spec/get-user').children).toEqual([]);
  });

  it('reports cleanup leftovers and fatal errors in a run-level case', () => {
    const failing = parseJunit(renderJunit(failingRun()));
    const run = child(failing.children.at(-1)!, 'testcase')!;
    expect(run.attrs.name).toBe('run');
    expect(child(run, 'error')).toBeUndefined();
    expect(child(run, 'system-out')!.text).toContain(`User duplicate was not removed: DELETE answered 500\n  to remove it: DELETE ${BASE_URL}/Users/duplicate`);

    const unreachable = parseJunit(renderJunit(unreachableRun()));
    expect(unreachable.children).toHaveLength(1);
    const error = child(child(unreachable.children[0]!, 'testcase')!, 'error')!;
    expect(error.attrs.message).toBe(`connect ECONNREFUSED: nothing listens at ${BASE_URL}`);
    expect(error.attrs.type).toBe('exit 3');
    expect(unreachable.attrs.errors).toBe('1');

    const passing = parseJunit(renderJunit(passingRun()));
    expect(passing.children.map((s) => s.attrs.name)).toEqual(['okta-spec']);
    expect(passing.attrs.failures).toBe('0');
  });

  it('stays well-formed with control characters, "]]>", quotes, lone surrogates and non-BMP text anywhere', () => {
    const nasty = 'a\u0001b\u001fc ]]> <x y="1"> & \'q\' "d" \uD800 \uDFFF \uFFFE 😀 \t\r\n end';
    const result = failingRun();
    const check: CheckResult = {
      ...result.suites[0]!.checks[7]!,
      id: `okta-spec/${nasty}`,
      title: nasty,
      source: nasty,
      failures: [{ assertion: nasty, expected: nasty, actual: { [nasty]: nasty }, message: nasty, exchange: 0 }],
    };
    check.exchanges = [{ ...check.exchanges[0]!, response: { status: 201, headers: { 'x-evil': nasty }, body: `${nasty}]]>${nasty}` } }];
    result.suites[0]!.checks.push(check, { ...check, status: 'skipped', skipReason: nasty }, { ...check, status: 'warning' });
    result.counts = countStatuses(result.suites);
    result.cleanup.left[0]!.reason = nasty;
    result.target.url = `${BASE_URL}?${nasty}`;
    const xml = renderJunit(result);
    const root = parseJunit(xml);
    const visible = 'a\\u0001b\\u001fc ]]> <x y="1"> & \'q\' "d" \\ud800 \\udfff \\ufffe 😀 \t\r\n end';
    const cases = root.children[0]!.children;
    const added = cases.slice(-3);
    expect(added[0]!.attrs.name).toBe(`okta-spec/${visible}: ${visible}`);
    expect(child(added[0]!, 'failure')!.text).toContain(`${visible}]]>${visible}`.replace(/\r\n/g, '\n').replace(/\r/g, '\n').split('\n')[0]);
    expect(child(added[1]!, 'skipped')!.attrs.message).toBe(visible);
    expect(child(added[2]!, 'system-out')!.text).toContain('WARNING');
  });

  it('escapes attribute values and CDATA exactly', () => {
    expect(xmlAttr('<a href="x">&\'\t\n\r')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#9;&#10;&#13;');
    expect(cdata('x]]>y')).toBe('<![CDATA[x]]]]><![CDATA[>y]]>');
    expect(parseXml(`<a>${cdata('1]]>2]]>3')}</a>`).text).toBe('1]]>2]]>3');
  });

  it('never prints a credential, even from a RunResult whose headers were not redacted', () => {
    const result: RunResult = failingRun();
    const exchange = result.suites[0]!.checks[7]!.exchanges[0]!;
    exchange.request.headers = { ...exchange.request.headers, authorization: 'Bearer sk-live-7f3a9c', cookie: 'session=abc123secret' };
    const xml = renderJunit(result);
    expect(xml).not.toContain('sk-live-7f3a9c');
    expect(xml).not.toContain('abc123secret');
    expect(xml).toContain('authorization: Bearer [REDACTED]');
  });
});
