/**
 * Whether `npm test` runs the HTML report's browser test (test/report/html-browser.test.ts), which drives Debian's
 * chromium. On a machine without /usr/bin/chromium the README's `npm test` still passes: that one file is left out
 * and the run's last lines say so and how to run it. CI sets SCIM_CHECK_BROWSER_TEST=required (.ci/run), so there
 * the file always runs and a missing chromium fails it: a green CI run has always rendered the report in a browser.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const BROWSER_TEST_FILE = 'test/report/html-browser.test.ts';
/** Set to "required" to make the browser test run (and fail without chromium) whatever this machine has. */
export const BROWSER_TEST_ENV = 'SCIM_CHECK_BROWSER_TEST';

export function browserTestRuns(env: NodeJS.ProcessEnv = process.env, chromiumPresent = existsSync(CHROMIUM)): boolean {
  return chromiumPresent || env[BROWSER_TEST_ENV] === 'required';
}

export const BROWSER_TEST_NOT_RUN = [
  '',
  `NOTE: the HTML report's browser test (${BROWSER_TEST_FILE}) did not run: ${CHROMIUM} is missing.`,
  `      To run it: apt-get install -y chromium, then npm test (CI runs it always: ${BROWSER_TEST_ENV}=required in .ci/run).`,
  '',
].join('\n');

/** A vitest reporter listed after the default one, so its note comes after the summary: the last lines of the run. */
export const browserNotRunReporter = {
  onTestRunEnd(): void {
    process.stdout.write(`${BROWSER_TEST_NOT_RUN}\n`);
  },
};
