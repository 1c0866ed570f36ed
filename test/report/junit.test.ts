import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { cdata, renderJunit, xmlAttr } from '../../src/report/junit.js';
import { BASE_URL, INJECTION, countStatuses, failingRun, passingRun, unreachableRun } from './html-fixture.js';
import { parseXml, XmlError, type XmlElement } from './xml-check.js';

/**
 * The structure rules of the common JUnit XSD (Jenkins junit-10.xsd), checked by hand: which elements may
 * appear where and in what order, which attributes they may carry, which are required, and number formats.
 */
const RULES: Record<string, { attrs: string[]; required: string[]; children: string[][] }> = {
  testsuites: { attrs: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'], required: [], children: [['testsuite']] },
  testsuite: {
    attrs: ['name', 'tests', 'failures', 'errors', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'],
    required: ['name', 'tests'],
    children: [['properties'], ['testcase'], ['system-out'], ['system-err']],
  },
  testcase: { attrs: ['name', 'assertions', 'time', 'classname', 'status'], required: ['name'], children: [['skipped'], ['error'], ['failure'], ['system-out'], ['system-err']] },
  failure: { attrs: ['message', 'type'], required: [], children: [] },
  error: { attrs: ['message', 'type'], required: [], children: [] },
  skipped: { attrs: ['message'], required: [], children: [] },
  'system-out': { attrs: [], required: [], children: [] },
  'system-err': { attrs: [], required: [], children: [] },
};
const INTEGER_ATTRS = ['tests', 'failures', 'errors', 'skipped', 'disabled', 'assertions', 'id'];

function checkStructure(el: XmlElement, path = el.name): void {
  const rule = RULES[el.name];
  if (!rule) throw new Error(`${path}: element <${el.name}> is not in the JUnit schema`);
  for (const a of Object.keys(el.attrs)) if (!rule.attrs.includes(a)) throw new Error(`${path}: attribute ${a} not allowed`);
  for (const a of rule.required) if (!(a in el.attrs)) throw new Error(`${path}: attribute ${a} missing`);
  for (const a of INTEGER_ATTRS) if (a in el.attrs && !/^\d+$/.test(el.attrs[a]!)) throw new Error(`${path}: ${a}="${el.attrs[a]}" is not an integer`);
  if ('time' in el.attrs && !/^\d+(\.\d+)?$/.test(el.attrs.time!)) throw new Error(`${path}: time="${el.attrs.time}" is not a decimal`);
  if ('timestamp' in el.attrs && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(el.attrs.timestamp!)) throw new Error(`${path}: bad timestamp`);
  // Children must follow the XSD's sequence: each child's group index never goes back.
  let group = 0;
  for (const child of el.children) {
    const at = rule.children.findIndex((names) => names.includes(child.name));
    if (at < 0) throw new Error(`${path}: <${child.name}> not allowed inside <${el.name}>`);
    if (at < group) throw new Error(`${path}: <${child.name}> out of order`);
    if (at === group && el.name === 'testcase' && child.name === 'skipped' && el.children.filter((c) => c.name === 'skipped').length > 1) throw new Error(`${path}: two <skipped>`);
    group = at;
    checkStructure(child, `${path}/${child.name}`);
  }
  if (el.name !== 'system-out' && el.name !== 'system-err' && el.name !== 'failure' && el.name !== 'error' && el.text.trim() !== '') {
    throw new Error(`${path}: unexpected text`);
  }
}

/** Parses, checks the XSD rules and that every count attribute matches the cases it sums up. */
function parseJunit(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  checkStructure(root);
  const cases = (s: XmlElement) => s.children.filter((c) => c.name === 'testcase');
  const having = (s: XmlElement, name: string) => cases(s).filter((c) => c.children.some((x) => x.name === name)).length;
  for (const suite of root.children) {
    expect(Number(suite.attrs.tests)).toBe(cases(suite).length);
    expect(Number(suite.attrs.failures)).toBe(having(suite, 'failure'));
    expect(Number(suite.attrs.errors)).toBe(having(suite, 'error'));
    expect(Number(suite.attrs.skipped)).toBe(having(suite, 'skipped'));
  }
  const sum = (attr: string) => root.children.reduce((n, s) => n + Number(s.attrs[attr]), 0);
  expect(Number(root.attrs.tests)).toBe(sum('tests'));
  expect(Number(root.attrs.failures)).toBe(sum('failures'));
  expect(Number(root.attrs.errors)).toBe(sum('errors'));
  return root;
}

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
    expect(timeout.attrs.message).toBe('a response arrives');
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
