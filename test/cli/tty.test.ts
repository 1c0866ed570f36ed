/** The CLI on a terminal: an ora spinner on stderr and colours, via a pseudo-terminal from util-linux `script`. */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
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

// ora (rightly) never spins under CI=true, which is how CI runs these tests: take it out of this terminal's environment.
const { CI: _ci, ...terminalEnv } = process.env;
const TERMINAL_ENV = { ...terminalEnv, NO_COLOR: '', FORCE_COLOR: '' };

/** Runs the CLI inside a pseudo-terminal of the given width (with `env` added); returns everything the terminal received. */
function onTerminal(columns: number, env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 40; node ${BIN} --url ${fake.url} --token ${fake.token} --only okta-spec/list-users`;
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { timeout: CLI_TIMEOUT_MS, env: { ...TERMINAL_ENV, ...env } }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, screen: stdout });
    });
  });
}

/**
 * The CLI in a pseudo-terminal whose keyboard the test controls: `script` copies what the test writes to its stdin
 * into the terminal, where the line discipline turns Ctrl-C (the byte 0x03) into SIGINT for the foreground program
 * — exactly what a person pressing Ctrl-C does. `screen` grows as the terminal receives output.
 */
function keyboardTerminal(args: string, program = `node ${BIN}`): { type(bytes: string): void; screen: () => string; done: Promise<number | null> } {
  const child = spawn('script', ['-qec', `stty cols 120 rows 40; ${program} ${args}`, '/dev/null'], { env: TERMINAL_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  return { type: (bytes) => void child.stdin.write(bytes), screen: () => screen, done };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
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

  it('Ctrl-C typed at the terminal while the spinner spins: live lines so far, cleanup, reports saying so, exit 130', async () => {
    // /Groups never answers: the run is stuck in okta-spec step 10, after its user was created.
    const hanging = await startFakeScim({ hangOn: /\/Groups/ });
    try {
      const report = join(tempDir('scim-check-tty-'), 'result.json');
      const term = keyboardTerminal(`--url ${hanging.url} --token ${hanging.token} --suite okta-spec --reporter pretty --reporter json=${report}`);
      await until(() => hanging.requests.some((r) => r.url.includes('/Groups')));
      // Live output: the checks before the stuck one are on screen while the run is still going.
      await until(() => visible(term.screen()).includes('okta-spec/filter-username-caps'));
      expect(visible(term.screen())).toMatch(/✓ okta-spec\/create-user +Step 6/);
      expect(term.screen()).toContain('\u001b[?25l'); // the spinner is up, so a raw-mode terminal would swallow Ctrl-C
      expect([...hanging.users.values()].some((u) => String(u.userName).startsWith('scim-check-'))).toBe(true);

      term.type('\u0003');
      const code = await term.done;
      const screen = visible(term.screen());
      expect(code).toBe(130);
      expect(screen).toContain('interrupted; cleaning up what this run created');
      expect(screen).toContain('Interrupted: the remaining checks were not run');
      expect(screen.trimEnd().split(/\r?\n/).at(-1)).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
      expect([...hanging.users.values()].filter((u) => String(u.userName).startsWith('scim-check-'))).toEqual([]);
      const result = JSON.parse(readFileSync(report, 'utf8')) as { exitCode: number; interrupted?: boolean };
      expect(result).toMatchObject({ exitCode: 130, interrupted: true });
    } finally {
      await hanging.close();
    }
  });

  it('Ctrl-C under a wrapper that forwards it (as npm exec / npx / npm run do): the echo is not a second Ctrl-C', async () => {
    // The terminal sends SIGINT to the whole foreground group (wrapper and CLI); the wrapper forwards its copy too,
    // as npm's run-script signal manager does, so the CLI gets the one keypress twice, moments apart.
    const hanging = await startFakeScim({ hangOn: /\/Groups/ });
    try {
      const wrapper = join(tempDir('scim-check-tty-'), 'forwarding-wrapper.cjs');
      writeFileSync(
        wrapper,
        "const c = require('node:child_process').spawn(process.execPath, process.argv.slice(2), { stdio: 'inherit' });\n" +
          "process.on('SIGINT', () => c.kill('SIGINT'));\nc.on('exit', (code) => process.exit(code ?? 1));\n",
      );
      const term = keyboardTerminal(`--url ${hanging.url} --token ${hanging.token} --suite okta-spec`, `node ${wrapper} ${BIN}`);
      await until(() => hanging.requests.some((r) => r.url.includes('/Groups')));
      term.type('\u0003');
      expect(await term.done).toBe(130);
      expect(visible(term.screen())).toContain('Interrupted: the remaining checks were not run');
      expect([...hanging.users.values()].filter((u) => String(u.userName).startsWith('scim-check-'))).toEqual([]);
    } finally {
      await hanging.close();
    }
  });
});

describe('colour and width on a terminal (issue 9 item 10)', () => {
  const TITLE = 'Step 1: GET /Users?count=1&startIndex=1 returns a ListResponse';
  /** Any SGR colour sequence (what chalk and ora's cyan spinner write). */
  const COLOUR = /\u001b\[(3\d|9\d)m/;

  it('NO_COLOR: neither the results nor the spinner are coloured (the spinner still spins)', async () => {
    const out = await onTerminal(100, { NO_COLOR: '1' });
    expect(out.code).toBe(0);
    expect(out.screen).toContain('\u001b[?25l');
    expect(out.screen).not.toMatch(COLOUR);
    expect(out.screen).toContain('✓ okta-spec/list-users');
  });

  it('TERM=dumb: no colour and no spinner', async () => {
    const out = await onTerminal(100, { TERM: 'dumb' });
    expect(out.code).toBe(0);
    expect(out.screen).not.toMatch(COLOUR);
    expect(out.screen).not.toContain('\u001b[?25l');
    expect(visible(out.screen).trimEnd().split(/\r?\n/).at(-1)).toBe('1 passed, 0 failed, 0 skipped');
  });

  it('check lines use the width of the terminal: whole titles on a wide one, cut to fit a narrow one', async () => {
    const wide = visible((await onTerminal(200)).screen);
    expect(wide).toContain(`okta-spec/list-users  ${TITLE}`);
    const narrow = (await onTerminal(70)).screen;
    // What stays on screen: the text after the spinner's last return to column 1 (\r or CSI G) on that line.
    const raw = narrow.split('\n').find((l) => visible(l).includes('✓ okta-spec/list-users'))!;
    const line = visible(raw.split(/\r|\u001b\[\d*G/).filter((part) => visible(part).trim() !== '').at(-1)!);
    expect(line).toContain('…');
    expect(line.trimEnd().length, JSON.stringify(line)).toBeLessThanOrEqual(70);
    expect(line).not.toContain(TITLE);
  });
});
