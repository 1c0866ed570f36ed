// Bounded memory and proportionate reports against the servers that broke them (issue 9 items 2 and 4): a CLI run in
// its own process, peak RSS read from /proc (VmHWM), against a server answering every list with ~9 MB, a token
// endpoint repeating its token, a key in the base URL's query, and a response header named after the token.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { hostileServer, type RunningHostile } from '../client/hostile-servers.js';
import { assertBuilt } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cliPeakRssMb } from './support.js';

const TOKEN = 'memory-run-Secret-T0ken-4d2e';
const MAX_PEAK_MB = 300;

function credentials(running: RunningHostile): string[] {
  const auth = running.clientOptions.auth;
  if (auth?.kind === 'oauth2') return ['--oauth-token-url', auth.tokenUrl, '--client-id', auth.clientId, '--client-secret', auth.clientSecret];
  return ['--token', TOKEN];
}

describe('peak memory, report size and secrets of a CLI run (default suites) against', () => {
  beforeAll(assertBuilt);

  it.each(['nine-megabyte-lists', 'repeated-oauth-token', 'query-string-key', 'header-named-after-token'])('%s', async (id) => {
    const running = await hostileServer(id).start();
    try {
      const report = join(tempDir('scim-check-memory-'), 'report.json');
      const args = ['--url', running.baseUrl, ...credentials(running), '--verbose', '--reporter', 'pretty', '--reporter', `json=${report}`];
      const { mb, outcome } = await cliPeakRssMb(args, 150_000);
      console.info(`${id}: peak RSS ${mb.toFixed(0)} MB, JSON report ${(statSync(report).size / 1e6).toFixed(2)} MB`);
      expect(outcome.code, outcome.stderr).toBe(1); // checks ran and failed; no crash, no out-of-memory abort
      expect(mb).toBeGreaterThan(10); // the sampling worked
      expect(mb, `peak RSS ${mb.toFixed(0)} MB`).toBeLessThan(MAX_PEAK_MB);
      // A ~40-check run's report stays a few MB whatever the server sends (it was 183 MB for 13 checks).
      expect(statSync(report).size).toBeLessThan(5e6);
      const result = JSON.parse(readFileSync(report, 'utf8')) as RunResult;
      // Cleanup still ran and accounted for the run's creates (this stateless server answers every create with a
      // user the run had already listed, so they are reported rather than deleted).
      expect(result.cleanup.removed.length + result.cleanup.left.length).toBeGreaterThan(0);
      for (const secret of [TOKEN, ...(running.secrets ?? [])]) {
        expect(outcome.stdout, 'terminal output').not.toContain(secret);
        expect(readFileSync(report, 'utf8'), 'JSON report').not.toContain(secret);
      }
    } finally {
      await running.close();
    }
  }, 180_000);
});
