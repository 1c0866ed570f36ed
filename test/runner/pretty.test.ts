import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_PAINT, renderPretty, summaryLine } from '../../src/report/pretty.js';
import { run } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/results.js';
import { startFakeScim, type FakeScim } from './fake-scim.js';

let fake: FakeScim;
let failing: RunResult;
beforeAll(async () => {
  fake = await startFakeScim({ caseSensitiveFilter: true, createStatus: 201 });
  failing = await run({ url: fake.url, token: fake.token, suites: ['okta-spec'], readOnly: false });
});
afterAll(() => fake.close());

describe('pretty reporter', () => {
  it('ends with the wall time line and then exactly "N passed, N failed, N skipped"', () => {
    const lines = renderPretty(failing).trimEnd().split('\n');
    const c = failing.counts;
    expect(lines.at(-1)).toBe(`${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    expect(lines.at(-1)).toMatch(/^\d+ passed, \d+ failed, \d+ skipped$/);
    expect(lines.at(-2)).toMatch(/^Ran 16 checks in \d+\.\d\d s \(1 warning\)$/);
    expect(summaryLine(failing)).toBe(lines.at(-1));
  });

  it('one line per check with symbol, id, title and ms; failures with expected, actual, source and the exchange', () => {
    const text = renderPretty(failing, { paint: NO_PAINT });
    expect(text).toMatch(/^ {2}✓ okta-spec\/list-users +Step 1: .* \d+ ms$/m);
    expect(text).toMatch(/^ {2}✗ okta-spec\/filter-username-caps +Step 9: .* \d+ ms$/m);
    expect(text).toMatch(/^ {2}! transport\/https +.*\(warning\)$/m);
    expect(text).toContain("✗ body.totalResults equals 1 [beyond Okta's test]\n        expected: 1\n        actual:   0\n");
    expect(text).toContain('source:   RFC 7643 §4.1.1 (userName caseExact false)');
    expect(text).toMatch(/→ #1 GET http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\?filter=userName%20eq%20%22SCIM-CHECK-/);
    expect(text).toContain('Authorization: Bearer [REDACTED]');
    expect(text).toMatch(/← 200 \(\d+ ms\)/);
    expect(text).toContain('Cleanup: removed 1 resource created by this run.');
    expect(text).not.toContain(fake.token);
  });

  it('shows OIN readiness: the SPEC-test steps in Okta order with the verdict', () => {
    const text = renderPretty(failing, { paint: NO_PAINT });
    // Okta's step 9 asserts only the status: the case-sensitive filter is a finding beyond Okta's test, reported
    // (the check fails, and so does the run) without changing Okta's verdict.
    expect(text).toContain("OIN readiness  all 12 steps of Okta's SPEC test would pass: an OIN submission would pass this test");
    expect(text).toContain('  1 ✓  2 ✓  3 ✓  4 ✓  5 ✓  6 ✓  7 ✓  8 ✓  9 ✓  10 ✓  11 ✓  12 ✓\n');
    expect(text).toContain("  2 findings beyond Okta's test (step 9) reported above; they do not change this verdict\n");
  });

  it('shows skip reasons, kept resources, and every exchange with --verbose', async () => {
    const skipped = await run({ url: fake.url, token: fake.token, suites: ['okta-spec'], readOnly: true, keep: true });
    const text = renderPretty(skipped, { verbose: true });
    expect(text).toMatch(/– okta-spec\/create-user +.*skipped: left out by --read-only/);
    expect(text).toContain('Note: --read-only left out 3 checks that write');
    expect(text.match(/→ #1 GET/g)!.length).toBeGreaterThanOrEqual(9);
    expect(text).not.toContain(fake.token);
  });

  it('colours only through the paint it is given', () => {
    const red = { ...NO_PAINT, fail: (s: string) => `<r>${s}</r>` };
    expect(renderPretty(failing, { paint: red })).toContain('<r>✗</r> okta-spec/filter-username-caps');
    expect(renderPretty(failing)).not.toContain('\u001b[');
  });
});
