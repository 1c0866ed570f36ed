/**
 * Live output: the pretty report printed as the run goes (src/report/pretty.ts livePretty), driven by the runner's
 * progress hooks. It must say exactly what the whole report says, in suite order also with concurrent suites, and
 * each check's lines must be out before the run ends.
 */
import { describe, expect, it } from 'vitest';
import { livePretty, renderPretty } from '../../src/report/pretty.js';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { run, type RunOptions } from '../../src/runner/run.js';

/** A run with a live report attached; `events` interleaves what was printed with the checks that started. */
async function liveRun(options: RunOptions, verbose = false): Promise<{ result: RunResult; printed: string; events: string[] }> {
  let printed = '';
  const events: string[] = [];
  const live = livePretty((text) => {
    printed += text;
    events.push(`print ${text}`);
  }, { verbose });
  const result = await run({
    ...options,
    onStart: (plan) => live.start(plan),
    onCheckStart: (check) => events.push(`start ${check.id}`),
    onCheckEnd: (check: CheckResult) => live.checkDone(check),
  });
  live.finish(result);
  return { result, printed, events };
}

describe('live pretty output', () => {
  it('prints exactly the report renderPretty gives at the end, in pieces, each check before the next one starts', async () => {
    const { result, printed, events } = await liveRun({ suites: ['okta-spec'] });
    expect(result.exitCode).toBe(0);
    expect(printed).toBe(renderPretty(result));
    // Each check's line is printed before the check after it starts: nothing waits for the end of the run.
    const ids = result.suites[0]!.checks.map((c) => c.id);
    for (let i = 0; i + 1 < ids.length; i++) {
      const printedAt = events.findIndex((e) => e.startsWith('print ') && e.includes(` ${ids[i]!} `));
      const nextStart = events.indexOf(`start ${ids[i + 1]!}`);
      expect(printedAt, ids[i]).toBeGreaterThanOrEqual(0);
      if (nextStart >= 0) expect(printedAt, ids[i]).toBeLessThan(nextStart);
    }
  });

  it('with concurrent suites keeps suite order, then check order, and still prints while the run goes', async () => {
    const { result, printed, events } = await liveRun({ suites: ['okta-spec', 'okta-groups', 'okta-users'], concurrency: 3 }, true);
    expect(printed).toBe(renderPretty(result, { verbose: true }));
    const printedIds = [...printed.matchAll(/^ {2}[✓✗–!~] ([a-z0-9-]+\/\S+)/gm)].map((m) => m[1]);
    expect(printedIds).toEqual(result.suites.flatMap((s) => s.checks.map((c) => c.id)));
    // Something was printed before the last check started.
    const lastStart = events.map((e) => e.startsWith('start ')).lastIndexOf(true);
    expect(events.slice(0, lastStart).some((e) => e.startsWith('print ') && / {2}✓ okta-spec\//.test(e))).toBe(true);
  });

  it('a run that never started (unreachable target) prints the whole report once, at the end', async () => {
    const { result, printed } = await liveRun({ url: 'http://127.0.0.1:9/scim/v2', token: 'live-test-token' });
    expect(result.exitCode).toBe(3);
    expect(printed).toBe(renderPretty(result));
    expect(printed).toContain('Error: cannot reach http://127.0.0.1:9/scim/v2');
  });
});

describe('an aborted API run is never reported as passed', () => {
  it('exitCode 130 after an abort, 143 when the abort says SIGTERM; the result says interrupted', async () => {
    for (const [reason, code] of [[undefined, 130], ['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const controller = new AbortController();
      const result = await run({
        suites: ['okta-spec'],
        signal: controller.signal,
        onCheckEnd: (check) => {
          if (check.id === 'okta-spec/create-user') controller.abort(reason);
        },
      });
      expect(result.exitCode, String(reason)).toBe(code);
      expect(result.interrupted).toBe(true);
      expect(result.cleanup.left).toEqual([]);
      expect(result.cleanup.removed.length).toBeGreaterThan(0);
      expect(renderPretty(result)).toContain(code === 143 ? 'Terminated (SIGTERM)' : 'Interrupted:');
    }
  });
});
