/** When `npm test` runs the browser test (test/helpers/browser-test.ts): always with chromium, always in CI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_TEST_ENV, BROWSER_TEST_NOT_RUN, browserTestRuns } from '../helpers/browser-test.js';

describe('the browser test gate', () => {
  it('runs the browser test where chromium exists, and where it is required even without chromium', () => {
    expect(browserTestRuns({}, true)).toBe(true);
    expect(browserTestRuns({ [BROWSER_TEST_ENV]: 'required' }, false)).toBe(true);
    expect(browserTestRuns({}, false)).toBe(false);
    expect(browserTestRuns({ [BROWSER_TEST_ENV]: '1' }, false)).toBe(false);
  });

  it('CI requires it, so a CI machine without chromium fails instead of going green', () => {
    const ci = readFileSync(join(import.meta.dirname, '../../.ci/run'), 'utf8');
    expect(ci).toMatch(new RegExp(`^export ${BROWSER_TEST_ENV}=required$`, 'm'));
  });

  it('the note says what did not run and how to run it', () => {
    expect(BROWSER_TEST_NOT_RUN).toContain('test/report/html-browser.test.ts');
    expect(BROWSER_TEST_NOT_RUN).toContain('apt-get install -y chromium');
  });
});
