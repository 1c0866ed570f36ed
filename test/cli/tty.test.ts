/** The CLI on a terminal: an ora spinner on stderr and colours, via a pseudo-terminal from util-linux `script`. */
import { execFile, execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeScim, type FakeScim } from '../runner/fake-scim.js';
import { assertBuilt, BIN, CLI_TIMEOUT_MS } from './spawn-cli.js';

let fake: FakeScim;
beforeAll(async () => {
  assertBuilt();
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('these tests need `script` (util-linux) to provide a pseudo-terminal');
  }
  fake = await startFakeScim();
  return () => fake.close();
});

/** Runs the CLI inside a pseudo-terminal of the given width; returns everything the terminal received. */
function onTerminal(columns: number): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 40; node ${BIN} --url ${fake.url} --token ${fake.token} --only okta-spec/list-users`;
  // ora (rightly) never spins under CI=true, which is how CI runs these tests: take it out of this terminal's environment.
  const { CI: _ci, ...env } = process.env;
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { timeout: CLI_TIMEOUT_MS, env: { ...env, NO_COLOR: '', FORCE_COLOR: '' } }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, screen: stdout });
    });
  });
}

/** What a reader sees: the text without terminal control sequences. */
const visible = (screen: string): string => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

describe('on a terminal', () => {
  it('shows a spinner while running, colours the result, and still ends with the summary line', async () => {
    const out = await onTerminal(100);
    expect(out.code).toBe(0);
    expect(out.screen).toContain('\u001b[?25l'); // ora hides the cursor while spinning
    expect(out.screen).toContain('\u001b[32m✓\u001b[39m okta-spec/list-users');
    expect(visible(out.screen).trimEnd().split(/\r?\n/).at(-1)).toBe('1 passed, 0 failed, 0 skipped');
    expect(out.screen).not.toContain(fake.token);
  });

  it('a terminal that reports no width gets no spinner (and no endless redraw)', async () => {
    const out = await onTerminal(0);
    expect(out.code).toBe(0);
    expect(out.screen).not.toContain('\u001b[?25l');
    expect(out.screen.length).toBeLessThan(10_000);
    expect(visible(out.screen).trimEnd().split(/\r?\n/).at(-1)).toBe('1 passed, 0 failed, 0 skipped');
  });
});
