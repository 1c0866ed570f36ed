import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScim, type FakeScim } from '../runner/fake-scim.js';
import { assertBuilt, cli, startCli, type CliOutcome } from './spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const SUMMARY = /^\d+ passed, \d+ failed, \d+ skipped$/;
const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1)!;
const allOutput = (o: CliOutcome): string => o.stdout + o.stderr;
const noStackTrace = (o: CliOutcome): void => {
  expect(o.stderr).not.toMatch(/\n\s+at /);
};

let fake: FakeScim | undefined;
beforeAll(assertBuilt);
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('scim-check run: help and usage errors (exit 2)', () => {
  it('--help lists the run flags and the exit codes', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('run [options]');
    expect(top.stdout).toContain('`scim-check run --help` lists its options');
    const help = await cli(['run', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--url', '--token', '--basic', '--header', '--suite', '--only', '--timeout', '--deadline', '--insecure', '--ca', '--verbose', '--okta-app', '--read-only', '--keep', '--prefix', '--user-domain', '--reporter']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('SCIM_CHECK_URL');
    expect(help.stdout).toContain('3 the target could not be reached');
    // What the README says about reports, in --help too: TAP, at most one on stdout, the GitHub step summary.
    expect(help.stdout).toMatch(/junit, markdown, html,\s+tap;/);
    expect(help.stdout).toContain('$GITHUB_STEP_SUMMARY');
  });

  it.each([
    [['--nope'], /unknown option '--nope'/],
    [['--timeout', 'soon'], /^ {2}--timeout: "soon" is not a duration/m],
    [['--okta-app', 'xyz'], /Allowed choices are oin, aiw/],
    [['--reporter', 'fancy'], /^ {2}--reporter: unknown reporter "fancy" \(known: pretty, .*\)$/m],
    [['--header', 'no colon here'], /^ {2}--header: "no colon here" is not "Name: value"$/m],
    [['--basic', 'nocolon'], /^ {2}--basic: must be "user:password"$/m],
    [['--suite', 'nope'], /^scim-check: unknown suite "nope"/m],
    [['--url', 'ftp://x', '--token', 'abc'], /--url must be http:\/\/ or https:\/\//],
    [['--url', 'http://127.0.0.1:9/scim/v2'], /no credentials: give --token/],
    [['--ca', '/nonexistent/ca.pem'], /cannot read --ca file \/nonexistent\/ca\.pem: ENOENT/],
  ])('%j → exit 2 with a clear line', async (args, message) => {
    const outcome = await cli(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stdout).toBe('');
    noStackTrace(outcome);
  });
});

describe('scim-check run: outcomes', () => {
  it('no flags: runs the Okta suites against the embedded reference server and passes (exit 0)', async () => {
    const outcome = await cli([]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(lastLine(outcome.stdout)).toMatch(SUMMARY);
    expect(lastLine(outcome.stdout)).toMatch(/^\d+ passed, 0 failed, 0 skipped$/);
    const lines = outcome.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^Ran \d+ checks in \d+\.\d\d s/);
    expect(outcome.stdout).toContain('(embedded reference server)');
    for (const suite of ['okta-spec', 'okta-users', 'okta-groups', 'transport']) expect(outcome.stdout).toMatch(new RegExp(`^${suite}  `, 'm'));
  });

  it('URL and token from the environment; exit 0 against a passing server; the token never printed, even with --verbose', async () => {
    fake = await startFakeScim();
    const outcome = await cli(['--suite', 'okta-spec', '--verbose'], { SCIM_CHECK_URL: fake.url, SCIM_CHECK_TOKEN: fake.token });
    expect(outcome.code).toBe(0);
    expect(lastLine(outcome.stdout)).toBe('15 passed, 0 failed, 0 skipped');
    expect(outcome.stdout).toContain('Bearer [REDACTED]');
    expect(allOutput(outcome)).not.toContain(fake.token);
  });

  it('exit 1 when a check fails; secrets from --token and --header never appear', async () => {
    fake = await startFakeScim({ caseSensitiveFilter: true });
    const header = 'X-Tenant-Secret: tenant-secret-value-42';
    const outcome = await cli(['--url', fake.url, '--token', fake.token, '--header', header, '--suite', 'okta-spec', '--verbose']);
    expect(outcome.code).toBe(1);
    expect(lastLine(outcome.stdout)).toMatch(/^14 passed, 1 failed, 0 skipped$/);
    expect(outcome.stdout).toContain('✗ okta-spec/filter-username-caps');
    expect(outcome.stdout).toContain('expected: 1');
    expect(fake.requests[0]!.headers['x-tenant-secret']).toBe('tenant-secret-value-42');
    expect(allOutput(outcome)).not.toContain(fake.token);
    expect(allOutput(outcome)).not.toContain('tenant-secret-value-42');
  });

  it('exit 3 with one line when the credentials are rejected or the target is unreachable', async () => {
    fake = await startFakeScim();
    const rejected = await cli(['--url', fake.url, '--basic', 'admin:hunter2-password']);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toBe(`scim-check: ${fake.url} rejected the credentials (HTTP 401 on GET /Users)\n`);
    expect(rejected.stdout).toBe('');
    expect(allOutput(rejected)).not.toContain('hunter2-password');
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const unreachable = await cli(['--url', url, '--token', 'some-secret-token']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(new RegExp(`^scim-check: cannot reach ${url}: .+\\n$`));
    noStackTrace(unreachable);
  });

  it('options from a config file, overridden by the environment and then by flags', async () => {
    fake = await startFakeScim();
    const dir = tempDir('scim-check-config-');
    const config = join(dir, 'ci.json');
    writeFileSync(config, JSON.stringify({ url: fake.url, token: '$env:FAKE_TOKEN', suites: ['okta-spec'], only: ['okta-spec/list-users'] }));
    const fromFile = await cli(['--config', config], { FAKE_TOKEN: fake.token });
    expect(fromFile.code).toBe(0);
    expect(lastLine(fromFile.stdout)).toBe('1 passed, 0 failed, 0 skipped');
    const envWins = await cli(['--config', config], { FAKE_TOKEN: fake.token, SCIM_CHECK_TOKEN: 'wrong-token-from-env' });
    expect(envWins.code).toBe(3);
    const flagWins = await cli(['--config', config, '--token', fake.token, '--only', 'okta-spec/get-user'], { SCIM_CHECK_TOKEN: 'wrong-token-from-env' });
    expect(flagWins.code).toBe(0);
    expect(lastLine(flagWins.stdout)).toBe('2 passed, 0 failed, 0 skipped');
    const missing = await cli(['--config', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file');
  });

  it('colour only when asked: FORCE_COLOR adds ANSI colours, NO_COLOR (or a pipe) keeps plain text', async () => {
    fake = await startFakeScim();
    const args = ['--url', fake.url, '--token', fake.token, '--only', 'okta-spec/list-users'];
    const coloured = await cli(args, { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(coloured.stdout).toContain('\u001b[32m✓\u001b[39m okta-spec/list-users');
    expect(lastLine(coloured.stdout)).toBe('1 passed, 0 failed, 0 skipped');
    const plain = await cli(args, { NO_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('--reporter json=FILE writes the result (redacted) beside the pretty output', async () => {
    fake = await startFakeScim();
    const file = join(tempDir('scim-check-cli-'), 'result.json');
    const outcome = await cli(['--url', fake.url, '--token', fake.token, '--suite', 'okta-spec', '--reporter', `json=${file}`, '--reporter', 'pretty']);
    expect(outcome.code).toBe(0);
    expect(lastLine(outcome.stdout)).toMatch(SUMMARY);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(fake.token);
    const result = JSON.parse(text) as { exitCode: number; suites: { id: string }[] };
    expect(result.exitCode).toBe(0);
    expect(result.suites.map((s) => s.id)).toEqual(['okta-spec', 'transport']);
  });

  it('--keep prints the ids it left; --read-only says what it left out', async () => {
    fake = await startFakeScim();
    const kept = await cli(['--url', fake.url, '--token', fake.token, '--suite', 'okta-spec', '--keep']);
    const created = [...fake.users.values()].find((u) => String(u.userName).startsWith('scim-check-'))!;
    expect(kept.stdout).toContain(`Kept (--keep) 1 resource created by this run:\n  User ${created.id}`);
    const readOnly = await cli(['--url', fake.url, '--token', fake.token, '--suite', 'okta-spec', '--read-only']);
    expect(readOnly.code).toBe(0);
    expect(readOnly.stdout).toContain('Note: --read-only left out 3 checks that write');
    expect(lastLine(readOnly.stdout)).toBe('10 passed, 0 failed, 5 skipped'); // 3 writers left out, 2 checks that need the created user
  });

  it('Ctrl-C (SIGINT) mid-run: stops, removes what it created, exits 130', async () => {
    fake = await startFakeScim({ hangOn: /\/Groups/ });
    const { child, done } = startCli(['--url', fake.url, '--token', fake.token, '--suite', 'okta-spec']);
    const f = fake;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (f.requests.some((r) => r.url.includes('/Groups'))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    expect([...f.users.values()].some((u) => String(u.userName).startsWith('scim-check-'))).toBe(true);
    child.kill('SIGINT');
    const outcome = await done;
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toContain('interrupted; cleaning up');
    expect([...f.users.values()].filter((u) => String(u.userName).startsWith('scim-check-'))).toEqual([]);
    expect(lastLine(outcome.stdout)).toMatch(SUMMARY);
  });
});
