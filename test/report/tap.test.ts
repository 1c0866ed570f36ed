/** The tap reporter (TAP version 14), read back by a strict parser (test/report/tap-check.ts). */
import { describe, expect, it } from 'vitest';
import { reporters } from '../../src/report/index.js';
import { renderTap } from '../../src/report/tap.js';
import { run } from '../../src/runner/run.js';
import { startServer } from '../../src/server/index.js';
import { failingRun, unreachableRun } from './html-fixture.js';
import { parseTap } from './tap-check.js';

describe('tap reporter', () => {
  it('is registered for --reporter tap', async () => {
    expect(await reporters.tap()).toBe(renderTap);
  });

  it('a real run: one test point per check in report order, statuses mapped, failures in a YAML block', async () => {
    const server = await startServer({ port: 0, token: 'tap-test-token', quiet: true, faults: ['userName-case-sensitive'] });
    try {
      const result = await run({ url: server.url, token: 'tap-test-token', suites: ['okta-spec'], allowFailures: ['okta-spec/duplicate-create'] });
      const tap = parseTap(renderTap(result));
      const checks = result.suites.flatMap((s) => s.checks);
      expect(tap.plan).toBe(checks.length);
      expect(tap.bailOut).toBeUndefined();
      expect(tap.points.map((p) => p.description)).toEqual(checks.map((c) => `${c.id}: ${c.title}`));
      const failed = tap.points.find((p) => p.description.startsWith('okta-spec/filter-username-caps:'))!;
      expect(failed.ok).toBe(false);
      expect(failed.directive).toBeUndefined();
      expect(failed.yaml).toMatchObject({ level: 'MUST', message: "body.totalResults equals 1 [beyond Okta's test]: expected 1, got 0" });
      expect((failed.yaml!.failures as { request: string }[])[0]!.request).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\?filter=/);
      expect(tap.points.find((p) => p.description.startsWith('transport/https:'))).toMatchObject({ ok: true, yaml: { message: expect.stringContaining('var.targetUrl') } });
      // Exactly the failing checks are "not ok" without a directive: a TAP consumer fails when the run fails.
      expect(tap.points.filter((p) => !p.ok && !p.directive).length).toBe(result.counts.failed);
      expect(renderTap(result)).not.toContain('tap-test-token');
    } finally {
      await server.close();
    }
  });

  it('skipped checks are "# SKIP reason", known failures "not ok … # TODO"', () => {
    const result = failingRun();
    const tap = parseTap(renderTap(result));
    const checks = result.suites.flatMap((s) => s.checks);
    checks.forEach((check, i) => {
      const point = tap.points[i]!;
      if (check.status === 'skipped') expect(point).toMatchObject({ ok: true, directive: { kind: 'SKIP', reason: check.skipReason } });
      if (check.status === 'known-failure') expect(point).toMatchObject({ ok: false, directive: { kind: 'TODO' } });
    });
    expect(checks.some((c) => c.status === 'skipped')).toBe(true);
  });

  it('a run that did not finish ends with "Bail out!" and why; hostile titles cannot forge lines or directives', () => {
    const fatal = parseTap(renderTap(unreachableRun()));
    expect(fatal.plan).toBe(0);
    expect(fatal.bailOut).toMatch(/^error: target unreachable, credentials rejected or not a SCIM endpoint: /);

    const result = failingRun();
    result.exitCode = 130;
    result.interrupted = true;
    const check = result.suites[0]!.checks[0]!;
    check.title = 'sneaky # SKIP not really\nok 99 - forged';
    check.status = 'failed';
    check.failures = [{ assertion: 'body has "quotes", \\ and \u0007 bell\nand a newline', actual: '\u009b31m' }];
    const tap = parseTap(renderTap(result));
    expect(tap.bailOut).toBe('interrupted: not every check ran (exit 130)');
    expect(tap.points[0]).toMatchObject({ ok: false, description: `${check.id}: sneaky # SKIP not really ok 99 - forged` });
    expect(tap.points[0]!.directive).toBeUndefined();
    expect((tap.points[0]!.yaml!.failures as { assertion: string }[])[0]!.assertion).toBe(check.failures[0]!.assertion);
  });
});
