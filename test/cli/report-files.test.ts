/**
 * Reports on every exit and their destinations (issue 9 items 7 and 8): a fatal error or a signal still writes every
 * requested report saying what happened; destinations are checked before anything is sent; one reporter at most on
 * stdout; the GitHub step summary written once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { parseJunit } from '../report/junit-rules.js';
import { startFakeScim, type FakeScim } from '../runner/fake-scim.js';
import { assertBuilt, cli, startCli } from './spawn-cli.js';

const ONLY = ['--only', 'okta-spec/list-users'];
const NAMES = ['json', 'junit', 'markdown', 'html', 'pretty', 'tap'] as const;

let fake: FakeScim | undefined;
beforeAll(assertBuilt);
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Every reporter to a file in `dir` (which need not exist yet); returns the flags and where each goes. */
function everyReport(dir: string): { flags: string[]; file: (name: (typeof NAMES)[number]) => string } {
  const file = (name: string): string => join(dir, `report.${name}`);
  return { flags: NAMES.flatMap((name) => ['--reporter', `${name}=${file(name)}`]), file };
}

/** The one "run" case JUnit adds for run-level problems, with its <error>. */
function junitRunError(xml: string): { message: string; type: string } {
  const root = parseJunit(xml);
  const runSuite = root.children.find((s) => s.attrs.name === 'scim-check');
  const error = runSuite?.children[0]?.children.find((c) => c.name === 'error');
  expect(error, xml).toBeDefined();
  return { message: error!.attrs.message!, type: error!.attrs.type! };
}

describe('reports on every exit', () => {
  it('rejected credentials (exit 3): every report is written, into a folder created for it, and says why', async () => {
    fake = await startFakeScim();
    const reports = everyReport(join(tempDir('scim-check-reports-'), 'not', 'yet'));
    const outcome = await cli(['--url', fake.url, '--token', 'not-the-right-token', ...reports.flags]);
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^scim-check: .* rejected the credentials \(HTTP 401 on GET \/Users\)\n$/);
    const json = JSON.parse(readFileSync(reports.file('json'), 'utf8')) as { exitCode: number; fatal: string };
    expect(json.exitCode).toBe(3);
    expect(json.fatal).toContain('rejected the credentials');
    expect(junitRunError(readFileSync(reports.file('junit'), 'utf8'))).toEqual({ message: expect.stringContaining('rejected the credentials'), type: 'exit 3' });
    expect(readFileSync(reports.file('markdown'), 'utf8')).toMatch(/^## ❌ scim-check error: target unreachable, credentials rejected or not a SCIM endpoint\n[^]*> \*\*.*rejected the credentials/);
    expect(readFileSync(reports.file('html'), 'utf8')).toContain('id="verdict">ERROR: target unreachable, credentials rejected or not a SCIM endpoint</div>');
    expect(readFileSync(reports.file('pretty'), 'utf8')).toMatch(/Error: .*rejected the credentials/);
    expect(readFileSync(reports.file('tap'), 'utf8')).toMatch(/^Bail out! .*rejected the credentials/m);
  });

  it('SIGTERM mid-run (exit 143): every report says the run was terminated, none says passed', async () => {
    fake = await startFakeScim({ hangOn: /\/Groups/ });
    const reports = everyReport(tempDir('scim-check-reports-'));
    const f = fake;
    const { child, done } = startCli(['--url', f.url, '--token', f.token, '--suite', 'okta-spec', ...reports.flags]);
    while (!f.requests.some((r) => r.url.includes('/Groups'))) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    const outcome = await done;
    expect(outcome.code).toBe(143);
    const json = JSON.parse(readFileSync(reports.file('json'), 'utf8')) as { exitCode: number; interrupted: boolean; counts: { passed: number } };
    expect(json).toMatchObject({ exitCode: 143, interrupted: true });
    expect(json.counts.passed).toBeGreaterThan(0); // what ran still counts; the verdict is not "passed"
    expect(junitRunError(readFileSync(reports.file('junit'), 'utf8'))).toEqual({ message: expect.stringContaining('interrupted'), type: 'exit 143' });
    expect(readFileSync(reports.file('markdown'), 'utf8')).toMatch(/^## ❌ scim-check terminated \(SIGTERM\)/);
    expect(readFileSync(reports.file('html'), 'utf8')).toContain('id="verdict">TERMINATED (SIGTERM): not every check ran</div>');
    expect(readFileSync(reports.file('pretty'), 'utf8')).toContain('Terminated (SIGTERM): the remaining checks were not run');
    expect(readFileSync(reports.file('tap'), 'utf8')).toMatch(/^Bail out! .*terminated/im);
  });
});

describe('report destinations, checked before the run', () => {
  it('an unwritable destination is exit 2 at once: nothing is sent to the target', async () => {
    fake = await startFakeScim();
    const dir = tempDir('scim-check-reports-');
    const aFile = join(dir, 'plain-file');
    writeFileSync(aFile, 'x');
    for (const [reporter, message] of [
      [`json=${join(aFile, 'report.json')}`, /^scim-check: cannot create the folder .*plain-file for the json report: (ENOTDIR|EEXIST)\n$/],
      [`junit=${dir}`, /^scim-check: the junit report .* is a folder, not a file\n$/],
    ] as const) {
      const outcome = await cli(['--url', fake.url, '--token', fake.token, ...ONLY, '--reporter', reporter]);
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stdout).toBe('');
    }
    expect(fake.requests).toEqual([]);
  });

  it('two reporters on stdout, or two on one file: exit 2 with a message, nothing sent', async () => {
    fake = await startFakeScim();
    const twoOut = await cli(['--url', fake.url, '--token', fake.token, ...ONLY, '--reporter', 'pretty', '--reporter', 'json']);
    expect(twoOut.code).toBe(2);
    expect(twoOut.stderr).toBe('scim-check: 2 reporters write to standard output (pretty, json): give all but one a file, e.g. --reporter json=scim-check.json\n');
    const file = join(tempDir('scim-check-reports-'), 'r.txt');
    const twoFile = await cli(['--url', fake.url, '--token', fake.token, ...ONLY, '--reporter', `json=${file}`, '--reporter', `markdown=${file}`]);
    expect(twoFile.code).toBe(2);
    expect(twoFile.stderr).toContain(`the json and markdown reports both write to ${file}`);
    expect(fake.requests).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('$GITHUB_STEP_SUMMARY named as a markdown report too: the summary is appended once, after what was there', async () => {
    fake = await startFakeScim();
    const summary = join(tempDir('scim-check-reports-'), 'step-summary.md');
    writeFileSync(summary, '## Build\n\nearlier step output\n');
    const outcome = await cli(['--url', fake.url, '--token', fake.token, ...ONLY, '--reporter', 'pretty', '--reporter', `markdown=${summary}`], { GITHUB_STEP_SUMMARY: summary });
    expect(outcome.code).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('## Build\n\nearlier step output\n## ✅ scim-check passed')).toBe(true);
    expect(text.match(/^## .*scim-check/gm)).toHaveLength(1);
  });
});
