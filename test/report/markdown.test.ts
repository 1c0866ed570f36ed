import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { mdCode, mdText, renderMarkdown } from '../../src/report/markdown.js';
import { countStatuses, failingRun, passingRun, unreachableRun } from './html-fixture.js';

const section = (md: string, title: string): string => {
  const start = md.indexOf(`### ${title}\n`);
  if (start < 0) return '';
  const end = md.indexOf('\n### ', start + 1);
  return md.slice(start, end < 0 ? undefined : end);
};
/** Cells of a GFM table row, honouring "\|" escapes. */
const cells = (row: string): string[] => row.replace(/^\| | \|$/g, '').split(/(?<!\\) \| /);

/** The fixture's okta-spec checks with sources naming Okta's step numbers, stored in scrambled order. */
function scrambledSpecRun(): RunResult {
  const result = failingRun();
  const spec = result.suites[0]!;
  spec.checks = spec.checks.map((c, i) => ({ ...c, source: `Okta SCIM 2.0 SPEC test step ${i + 1} (${c.title}); RFC 7644` }));
  const setup: CheckResult = { ...spec.checks[0]!, id: 'okta-spec/ensure-user', title: 'Setup: at least one user exists', source: 'Okta — create a user first', status: 'passed', failures: [] };
  spec.checks = [setup, ...spec.checks.slice(6), ...spec.checks.slice(0, 6)];
  return result;
}

describe('markdown reporter', () => {
  it('starts with the verdict, the target and the counts', () => {
    const lines = renderMarkdown(failingRun()).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '## ❌ scim-check failed',
      '',
      '`https://scim.example.test/scim/v2` · 10.9 s · 2026-11-29T18:00:00.000Z · scim-check 0.1.0',
      '',
      '**13 passed** · **2 failed** · 1 skipped · 1 warning · 1 known failure',
    ]);
    expect(renderMarkdown(passingRun())).toMatch(/^## ✅ scim-check passed\n/);
    const unreachable = renderMarkdown(unreachableRun());
    expect(unreachable).toMatch(/^## ❌ scim-check error: target unreachable, credentials rejected or not a SCIM endpoint\n/);
    expect(unreachable).toContain('> **connect ECONNREFUSED: nothing listens at https://scim.example.test/scim/v2**');
    expect(unreachable).not.toContain('| Suite |');
  });

  it('has one table row per suite with its counts', () => {
    const md = renderMarkdown(failingRun());
    const table = md.split('\n').filter((l) => l.startsWith('| '));
    expect(table.slice(0, 4)).toEqual([
      '| Suite | Passed | Failed | Skipped | Warnings | Known | Time |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| ❌ `okta-spec` Okta SCIM 2.0 SPEC test | 10 | 1 | 0 | 1 | 0 | 0.32 s |',
      '| ❌ `rfc-users` RFC 7644 Users | 3 | 1 | 1 | 0 | 1 | 11.1 s |',
    ]);
  });

  it('lists failures, warnings and known failures with a short expected/actual and the source', () => {
    const md = renderMarkdown(failingRun());
    expect(section(md, 'Failures')).toBe(
      [
        '### Failures',
        '',
        '- ❌ `okta-spec/duplicate-user` Expect failure when recreating user with same values — `status is 409: expected 409, got 201` · _Okta SPEC test step 8; RFC 7644 §3.3_',
        '- ❌ `rfc-users/filter-timeout` Filter by emails.value answers — `a response arrives: The request timed out` · _RFC 7644 §3.4.2.2_',
        '',
      ].join('\n'),
    );
    expect(section(md, 'Warnings')).toContain('- ⚠️ `okta-spec/groups-endpoint` Verify Groups endpoint — `status is 200: expected 200, got 501`');
    expect(section(md, 'Known failures')).toContain('- 🔶 `rfc-users/etag` ETag changes on update — `header.etag exists: expected "a weak ETag", got (absent)`');
    expect(section(md, 'Cleanup')).toContain('- ❌ User `duplicate` was not removed: DELETE answered 500. To remove it: DELETE https://scim.example.test/scim/v2/Users/duplicate');
    expect(section(renderMarkdown(passingRun()), 'Failures')).toBe('');
  });

  it('OIN readiness lists the okta-spec steps in Okta step order with Okta\'s verdict; checks that are not Okta steps stay out', () => {
    const md = renderMarkdown(scrambledSpecRun());
    const oin = section(md, 'OIN readiness');
    expect(oin).toContain("❌ 1 of 12 steps of Okta's SPEC test would fail: an OIN submission would fail.");
    const rows = oin.split('\n').filter((l) => /^\| (\d+|–) \|/.test(l)).map(cells);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(rows[0]).toEqual(['1', 'Test Users endpoint', '✅ would pass', '']);
    expect(rows[7]).toEqual(['8', 'Expect failure when recreating user with same values', '❌ would fail', '']);
    expect(rows[9]).toEqual(['10', 'Verify Groups endpoint', '✅ would pass', '']); // a warning does not stop a submission

    const passing = section(renderMarkdown(passingRun()), 'OIN readiness');
    expect(passing).toContain("✅ All 12 steps of Okta's SPEC test would pass: an OIN submission would pass this test.");
    const withoutSpec = { ...failingRun(), suites: failingRun().suites.slice(1) };
    expect(section(renderMarkdown(withoutSpec), 'OIN readiness')).toContain('Not measured: this run did not include the `okta-spec` suite');
  });

  it('escapes markdown and HTML so hostile titles and values cannot break the layout', () => {
    const result = failingRun();
    const check = result.suites[0]!.checks[7]!;
    check.title = 'a | b <script>alert(1)</script> *bold* [link](http://x) `tick`\nnext line';
    check.failures[0]!.actual = 'x | y ``` z';
    const md = renderMarkdown(result);
    expect(md).not.toContain('<script>');
    const failure = section(md, 'Failures').split('\n')[2]!;
    expect(failure).toContain('a \\| b &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[link\\](http://x) \\`tick\\` next line');
    expect(failure).toContain('````status is 409: expected 409, got "x \\| y ``` z"````');
    const row = section(md, 'OIN readiness').split('\n').find((l) => l.includes('alert'))!;
    expect(cells(row)).toHaveLength(4);
  });

  it('stays within a pull-request comment (65,536 characters) however many checks fail', () => {
    const result = failingRun();
    const template = result.suites[1]!.checks[2]!;
    result.suites[1]!.checks = Array.from({ length: 500 }, (_, i) => ({ ...template, id: `rfc-users/c${i}`, failures: [{ assertion: 'body is huge', expected: 'x'.repeat(10_000), actual: 'y'.repeat(10_000) }] }));
    result.counts = countStatuses(result.suites);
    const md = renderMarkdown(result);
    expect(md.length).toBeLessThan(65_536);
    expect(section(md, 'Failures')).toContain('- … and 461 more (see the json or junit report)');
  });

  it('code spans survive backticks; text escapes are reversible by a renderer', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`start')).toBe('`` `start ``');
    expect(mdText('1 < 2 & 3 > *2*')).toBe('1 &lt; 2 &amp; 3 &gt; \\*2\\*');
  });
});
