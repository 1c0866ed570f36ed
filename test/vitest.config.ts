import { defineConfig } from 'vitest/config';
import { BROWSER_TEST_FILE, browserNotRunReporter, browserTestRuns } from './helpers/browser-test.js';

// Without chromium (and outside CI) the browser test is left out and the run ends saying so: test/helpers/browser-test.ts.
const withBrowser = browserTestRuns();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**', ...(withBrowser ? [] : [BROWSER_TEST_FILE])],
    reporters: withBrowser ? ['default'] : ['default', browserNotRunReporter],
    // The CLI tests spawn a private copy of the built package, not this tree's dist/ (which a build may be rewriting).
    globalSetup: ['test/helpers/built-copy.ts'],
    // Removes each test file's temporary directories (test/helpers/temp-dir.ts) once the file is done.
    setupFiles: ['test/helpers/temp-cleanup.ts'],
    // Ceilings for a hung test, not speed limits: on a loaded 2-core machine a test that spawns several CLIs one
    // after another can take many times its usual second or two. Above CLI_TIMEOUT_MS (test/cli/spawn-cli.ts).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Workers: vitest's default, one fewer than the cores, so one file at a time on the 2-core CI machine; the other
    // core serves the CLIs and servers the tests start. Test files share no state, so any number works.
  },
});
