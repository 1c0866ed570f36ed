// GitHub Actions: when $GITHUB_STEP_SUMMARY names a file, the CLI appends the markdown summary to it, whatever
// reporters were asked for, without secrets, after what earlier steps wrote.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, cli } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'summary-test-token-77aa';
let work: string;
let faulty: RunningServer;

beforeAll(async () => {
  assertBuilt();
  work = tempDir('scim-check-summary-');
  faulty = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['userName-case-sensitive'] });
});
afterAll(() => faulty.close());

function summaryFile(name: string): string {
  const path = join(work, name);
  writeFileSync(path, '## Build\n\nearlier step output\n');
  return path;
}

describe('$GITHUB_STEP_SUMMARY', () => {
  it('a passing run appends the markdown summary after what was there; the terminal still gets the pretty report', async () => {
    const path = summaryFile('pass.md');
    const outcome = await cli(['--suite', 'okta-spec'], { GITHUB_STEP_SUMMARY: path });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/\d+ passed, 0 failed, 0 skipped\n$/);
    const summary = readFileSync(path, 'utf8');
    expect(summary.startsWith('## Build\n\nearlier step output\n')).toBe(true);
    expect(summary).toContain('scim-check passed');
    expect(summary).toMatch(/\| ✅ `okta-spec` Okta SCIM 2\.0 SPEC test \| 13 \| 0 \|/);
    expect(summary).toContain('### OIN readiness');
  });

  it('a failing run says so, names the failed check and its expectation, and never the token', async () => {
    const path = summaryFile('fail.md');
    const markdownFile = join(work, 'also.md');
    const outcome = await cli(['--url', faulty.url, '--token', TOKEN, '--suite', 'okta-spec', '--verbose', '--reporter', 'pretty', '--reporter', `markdown=${markdownFile}`], { GITHUB_STEP_SUMMARY: path });
    expect(outcome.code).toBe(1);
    const summary = readFileSync(path, 'utf8');
    expect(summary).toContain('scim-check failed');
    expect(summary).toContain('`okta-spec/filter-username-caps`');
    expect(summary).toContain('expected 1, got 0');
    expect(summary).not.toContain(TOKEN);
    // The summary is the same markdown report a --reporter markdown=FILE gets.
    expect(summary.slice(summary.indexOf('\n## ', 5) + 1).replace(/ · [\d.]+ s · [^·]+ · /, '')).toBe(readFileSync(markdownFile, 'utf8').replace(/ · [\d.]+ s · [^·]+ · /, ''));
  });

  it('an empty variable writes no summary, and none of it reaches the terminal', async () => {
    const outcome = await cli(['--suite', 'okta-spec'], { GITHUB_STEP_SUMMARY: '' });
    expect(outcome.code).toBe(0);
    // No line of the markdown summary (its headings: "## ✅ scim-check …", "### OIN readiness", …); the pretty
    // report has an OIN readiness line of its own, so the words alone prove nothing.
    expect(outcome.stdout).not.toMatch(/^#{2,3} /m);
  });
});
