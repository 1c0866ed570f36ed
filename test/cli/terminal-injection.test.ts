/**
 * Terminal injection (issue 9 item 3): server-controlled text (and text from payload and suite files) is shown, never
 * obeyed. The hostile corpus's `ansi-laden-bodies` server hides an OSC window title, a screen clear, an
 * alternate-screen switch, a bare \r, an 8-bit CSI, DEL and a right-to-left override in every string it returns;
 * no raw control character may reach stdout, stderr or any report, and the text must still be visible as escapes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileServer, TERMINAL_ATTACK, type RunningHostile } from '../client/hostile-servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertBuilt, cli } from './spawn-cli.js';

/** Control characters other than newline and tab, DEL, C1 controls and bidirectional overrides. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** How the pretty report shows the start of the attack: escaped, in full. */
const SHOWN = '\\e]0;pwned-title\\u0007\\e[2J\\e[?1049h\\rfake ✓ all passed\\u009b31m\\u202egnp.exe\\u007f';

function expectNoRawControl(where: string, text: string): void {
  const at = RAW_CONTROL.exec(text);
  expect(at && `${where}: U+${at[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, at.index - 40), at.index + 40))}`).toBeNull();
}

let server: RunningHostile;
beforeAll(async () => {
  assertBuilt();
  server = await hostileServer('ansi-laden-bodies').start();
});
afterAll(() => server.close());

describe('control sequences from a server never reach the terminal raw', () => {
  it('pretty with --verbose on stdout, every other report to a file: all escaped, and the text still visible', async () => {
    const dir = tempDir('scim-check-ansi-');
    const files = ['json', 'junit', 'markdown', 'html', 'tap'].map((name) => [name, join(dir, `report.${name}`)] as const);
    const outcome = await cli(['--url', server.baseUrl, '--token', 'ansi-test-token', '--suite', 'okta-spec', '--verbose', '--reporter', 'pretty', ...files.flatMap(([name, file]) => ['--reporter', `${name}=${file}`])]);
    expect(outcome.code, outcome.stderr).toBe(1);
    expectNoRawControl('stdout', outcome.stdout);
    expectNoRawControl('stderr', outcome.stderr);
    expect(outcome.stdout).toContain(SHOWN);
    for (const [name, file] of files) {
      const text = readFileSync(file, 'utf8');
      expectNoRawControl(name, text);
      expect(text, name).toContain('pwned-title');
    }
    // Lossless where the format allows it: the JSON report gives back the server's exact text.
    expect(readFileSync(files[0]![1], 'utf8')).toContain(JSON.stringify(TERMINAL_ATTACK).slice(1, 20));
    expect(JSON.stringify(JSON.parse(readFileSync(files[0]![1], 'utf8')))).toContain(JSON.stringify(`${TERMINAL_ATTACK}@example.com`).slice(1, -1));
  });

  it('each machine-readable report on stdout', async () => {
    for (const name of ['json', 'junit', 'markdown', 'html', 'tap']) {
      const outcome = await cli(['--url', server.baseUrl, '--token', 'ansi-test-token', '--suite', 'okta-spec', '--verbose', '--reporter', name]);
      expect(outcome.code, `${name}: ${outcome.stderr}`).toBe(1);
      expectNoRawControl(`${name} on stdout`, outcome.stdout);
      expectNoRawControl(`${name} stderr`, outcome.stderr);
      expect(outcome.stdout, name).toContain('pwned-title');
    }
  });

  it('validate: a payload and a file name full of control sequences are shown escaped', async () => {
    const dir = tempDir('scim-check-ansi-');
    const file = join(dir, 'user\u001b]0;x\u0007.json');
    writeFileSync(file, JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 7, userName: TERMINAL_ATTACK, active: TERMINAL_ATTACK }));
    const outcome = await cli(['validate', file, '-'], {}, { stdin: JSON.stringify({ schemas: [TERMINAL_ATTACK] }) });
    expect(outcome.code).toBe(1);
    expectNoRawControl('stdout', outcome.stdout);
    expectNoRawControl('stderr', outcome.stderr);
    expect(outcome.stdout).toContain('user\\e]0;x\\u0007.json: invalid User');
    expect(outcome.stdout).toContain('pwned-title');
  });

  it('list --suite FILE: a suite file cannot write control sequences either', async () => {
    const dir = tempDir('scim-check-ansi-');
    const suite = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/example-suite.json'), 'utf8')) as { title: string; checks: { title: string; description: string }[] };
    suite.title = `Contractors ${TERMINAL_ATTACK}`;
    suite.checks[0]!.title = TERMINAL_ATTACK;
    suite.checks[0]!.description = TERMINAL_ATTACK;
    const file = join(dir, 'suite.json');
    writeFileSync(file, JSON.stringify(suite));
    const outcome = await cli(['list', '--suite', file]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expectNoRawControl('stdout', outcome.stdout);
    expect(outcome.stdout).toContain('pwned-title');
  });
});
