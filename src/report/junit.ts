/**
 * The junit reporter: JUnit XML as Jenkins, GitLab, GitHub test-report actions and Azure DevOps read it.
 * One <testsuite> per suite, one <testcase> per check (classname "scim-check.<suite>", so tools that split
 * classnames on dots show scim-check › suite › check). Mapping: failed → <failure> whose body holds expected vs
 * actual and the redacted exchange; skipped → <skipped>; known-failure → <skipped> (like an expected failure);
 * warning → a passing case with the details in <system-out>. Run-level problems (fatal error, interruption,
 * deadline, resources cleanup left behind) become a "run" case in a "scim-check" suite. Entra readiness (when the
 * entra suite ran) is an "entra-readiness" suite with one case per Entra flow.
 */
import { BEYOND_C0 } from '../common/terminal-text.js';
import type { CheckResult, RunResult, SuiteResult } from '../runner/results.js';
import { assertionText, failureSummary, plural, redactedExchange, valueText } from './failure-text.js';
import { NO_PAINT, renderExchange } from './pretty.js';
import { consequenceText, entraReadiness } from './entra-readiness.js';

/** Characters of each body shown in a failure; CI UIs choke on megabyte-sized failure texts. */
const BODY_CHARS = 4000;

/**
 * Characters XML 1.0 cannot carry at all, not even as character references: C0 controls other than tab,
 * newline and carriage return, U+FFFE/U+FFFF, and unpaired surrogates; and those it can carry but a terminal the
 * report is printed to would obey (DEL, C1, bidi overrides: BEYOND_C0). They are written as visible "\uXXXX".
 */
const NOT_XML = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF${BEYOND_C0}]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`, 'g');

function xmlSafe(text: string): string {
  return text.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes text for an attribute value; tab/newline/CR as references so attribute normalisation keeps them. */
export function xmlAttr(text: string): string {
  return xmlSafe(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** Wraps text in CDATA; "]]>" inside is split across two sections so it cannot end the section early. */
export function cdata(text: string): string {
  // Line ends as an XML parser reads them anyway (\r\n and \r become \n), so no bare \r reaches a terminal.
  return `<![CDATA[${xmlSafe(text).replace(/\r\n?/g, '\n').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function attrs(pairs: Record<string, string | number | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

/** The failure body: each failed assertion with expected/actual/source, then the exchanges that show them. */
function failureBody(check: CheckResult): string {
  const lines: string[] = [`${check.id} (${check.level}): ${check.description}`, `source: ${check.source}`, ''];
  for (const f of check.failures) {
    lines.push(`✗ ${assertionText(f)}`);
    lines.push(`  expected: ${valueText(f.expected, BODY_CHARS)}`);
    lines.push(`  actual:   ${valueText(f.actual, BODY_CHARS)}`);
    if (f.message) lines.push(`  why:      ${f.message}`);
    if (f.source) lines.push(`  source:   ${f.source}`);
  }
  const referenced = [...new Set(check.failures.flatMap((f) => (f.exchange === undefined ? [] : [f.exchange])))];
  // Without a pointer to the exchange that shows a failure, the last one is the likeliest witness.
  const shown = referenced.length > 0 ? referenced : check.exchanges.length > 0 ? [check.exchanges.length - 1] : [];
  for (const index of shown) {
    const exchange = check.exchanges[index];
    if (!exchange) continue;
    lines.push('', renderExchange(redactedExchange(exchange), index, '', NO_PAINT, BODY_CHARS));
  }
  for (const note of check.notes ?? []) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function failureMessage(check: CheckResult): string {
  const [first, ...rest] = check.failures;
  if (!first) return 'failed';
  return `${failureSummary(first)}${rest.length ? ` (+${plural(rest.length, 'more failure')})` : ''}`;
}

function testcase(check: CheckResult): string {
  const open = `    <testcase${attrs({ name: `${check.id}: ${check.title}`, classname: `scim-check.${check.suite}`, time: seconds(check.ms) })}`;
  switch (check.status) {
    case 'passed':
      return `${open}/>`;
    case 'failed':
      return `${open}>\n      <failure${attrs({ message: failureMessage(check), type: check.level })}>${cdata(failureBody(check))}</failure>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped${attrs({ message: check.skipReason ?? 'skipped' })}/>\n    </testcase>`;
    case 'known-failure':
      return `${open}>\n      <skipped${attrs({ message: `known failure (allowed): ${failureMessage(check)}` })}/>\n      <system-out>${cdata(failureBody(check))}</system-out>\n    </testcase>`;
    case 'warning':
      return `${open}>\n      <system-out>${cdata(`WARNING (does not fail the run): ${failureMessage(check)}\n\n${failureBody(check)}`)}</system-out>\n    </testcase>`;
  }
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function countsOf(suite: SuiteResult): SuiteCounts {
  return {
    tests: suite.checks.length,
    failures: suite.checks.filter((c) => c.status === 'failed').length,
    errors: 0,
    skipped: suite.checks.filter((c) => c.status === 'skipped' || c.status === 'known-failure').length,
    ms: suite.checks.reduce((sum, c) => sum + c.ms, 0),
  };
}

/**
 * Entra readiness as its own <testsuite name="entra-readiness">: one case per Entra flow (classname
 * "scim-check.entra-readiness"), a flow that would fail is a <failure> saying what it does in Entra, one not tested
 * is <skipped>. Undefined when the run did not include the entra suite.
 */
function entraReadinessCases(result: RunResult): { cases: string[]; counts: SuiteCounts } | undefined {
  const readiness = entraReadiness(result);
  if (!readiness) return undefined;
  const cases = readiness.flows.map((f) => {
    const open = `    <testcase${attrs({ name: `${f.flow.id}: ${f.flow.title}`, classname: 'scim-check.entra-readiness', time: seconds(0) })}`;
    if (f.verdict === 'works') return `${open}/>`;
    if (f.verdict === 'untested') return `${open}>\n      <skipped${attrs({ message: 'not tested: its checks did not all run' })}/>\n    </testcase>`;
    const body = [`Would fail in Entra: ${consequenceText(f)}`, `Failing checks: ${f.failing.map((c) => c.id).join(', ')}`, `Source: ${f.flow.source}`].join('\n');
    return `${open}>\n      <failure${attrs({ message: consequenceText(f), type: 'entra-readiness' })}>${cdata(body)}</failure>\n    </testcase>`;
  });
  const count = (verdict: string): number => readiness.flows.filter((f) => f.verdict === verdict).length;
  return { cases, counts: { tests: cases.length, failures: count('fails'), errors: 0, skipped: count('untested'), ms: 0 } };
}

/** The "run" case for problems that belong to no check; undefined when there are none. */
function runCase(result: RunResult): { xml: string; counts: SuiteCounts } | undefined {
  const errors = [
    result.fatal,
    result.interrupted ? 'the run was interrupted before every check had run' : undefined,
    result.deadlineReached ? 'the run reached its deadline before every check had run' : undefined,
  ].filter((e): e is string => e !== undefined);
  const left = result.cleanup.left.map((l) => `${l.resourceType} ${l.id} was not removed: ${l.reason}\n  to remove it: ${l.howToRemove}`);
  const out = [...left, ...(result.notes ?? []).map((n) => `note: ${n}`)];
  if (errors.length === 0 && out.length === 0) return undefined;
  const open = `    <testcase${attrs({ name: 'run', classname: 'scim-check.run', time: seconds(0) })}>`;
  const error = errors.length ? `\n      <error${attrs({ message: errors.join('; '), type: `exit ${result.exitCode}` })}/>` : '';
  const systemOut = out.length ? `\n      <system-out>${cdata(out.join('\n'))}</system-out>` : '';
  return { xml: `${open}${error}${systemOut}\n    </testcase>`, counts: { tests: 1, failures: 0, errors: errors.length ? 1 : 0, skipped: 0, ms: 0 } };
}

function suiteXml(id: number, name: string, timestamp: string, counts: SuiteCounts, cases: string[]): string {
  const head = `  <testsuite${attrs({ name, id, tests: counts.tests, failures: counts.failures, errors: counts.errors, skipped: counts.skipped, time: seconds(counts.ms), timestamp })}>`;
  return cases.length ? `${head}\n${cases.join('\n')}\n  </testsuite>` : `${head}</testsuite>`;
}

export function renderJunit(result: RunResult): string {
  // JUnit timestamps carry no zone designator (the XSD's ISO8601_DATETIME_PATTERN); the run's are UTC.
  const timestamp = result.startedAt.replace(/(\.\d+)?Z$/, '');
  const suites = result.suites.map((suite, i) => suiteXml(i, suite.id, timestamp, countsOf(suite), suite.checks.map(testcase)));
  const totals = result.suites.map(countsOf);
  const entra = entraReadinessCases(result);
  if (entra) {
    suites.push(suiteXml(suites.length, 'entra-readiness', timestamp, entra.counts, entra.cases));
    totals.push(entra.counts);
  }
  const run = runCase(result);
  if (run) {
    suites.push(suiteXml(suites.length, 'scim-check', timestamp, run.counts, [run.xml]));
    totals.push(run.counts);
  }
  const sum = (key: keyof SuiteCounts): number => totals.reduce((s, c) => s + c[key], 0);
  // The root carries only the attributes the common (Jenkins junit-10) XSD declares for <testsuites>.
  const root = `<testsuites${attrs({ name: `scim-check ${result.tool.version} ${result.target.url}`, time: seconds(result.ms), tests: sum('tests'), failures: sum('failures'), errors: sum('errors') })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${suites.join('\n')}\n</testsuites>\n`;
}
