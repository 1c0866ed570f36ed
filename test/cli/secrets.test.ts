/** Issue 4: credentials never appear in any output of a full run — terminal, --verbose, every report format. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, cli } from './spawn-cli.js';

const TOKEN = 'tok-Secret-9f8e7d6c5b4a';
const PASSWORD = 'pa55-Secret-word!';
const HEADER_VALUE = 'hdr-Secret-0a1b2c3d';
const secrets = [TOKEN, PASSWORD, HEADER_VALUE, Buffer.from(`admin:${PASSWORD}`).toString('base64'), encodeURIComponent(PASSWORD)];

let bearer: RunningServer;
let basic: RunningServer;
beforeAll(async () => {
  assertBuilt();
  // Broken on purpose, so that failure details and transcripts are part of every report.
  bearer = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['get-by-id-returns-list', '401-without-scim-body'] });
  basic = await startServer({ port: 0, basic: { user: 'admin', pass: PASSWORD }, quiet: true, faults: ['error-without-status'] });
});
afterAll(async () => {
  await bearer.close();
  await basic.close();
});

function reportArgs(dir: string): string[] {
  return ['json', 'junit', 'markdown', 'html', 'pretty'].flatMap((name) => ['--reporter', `${name}=${join(dir, `report.${name}`)}`]);
}

function expectNoSecret(texts: string[]): void {
  for (const text of texts) for (const secret of secrets) expect(text.includes(secret) ? `found ${secret}` : 'clean').toBe('clean');
}

describe('secrets never appear in any output', () => {
  it('bearer token and --header value: terminal with --verbose and every report file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-check-secrets-'));
    const summary = join(dir, 'step-summary.md');
    const outcome = await cli(['--url', bearer.url, '--token', TOKEN, '--header', `X-Api-Key: ${HEADER_VALUE}`, '--verbose', '--suite', 'all', ...reportArgs(dir), '--reporter', 'pretty'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('Bearer [REDACTED]');
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(files).toHaveLength(6);
    expectNoSecret([outcome.stdout, outcome.stderr, ...files]);
  });

  it('Basic credentials: terminal with --verbose and every report file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-check-secrets-'));
    const outcome = await cli(['--url', basic.url, '--basic', `admin:${PASSWORD}`, '--verbose', ...reportArgs(dir), '--reporter', 'pretty']);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('Basic [REDACTED]');
    expectNoSecret([outcome.stdout, outcome.stderr, ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))]);
  });

  it('error paths: rejected credentials and an unreachable target', async () => {
    const rejected = await cli(['--url', bearer.url, '--token', `${TOKEN}-wrong`]);
    expect(rejected.code).toBe(3);
    const unreachable = await cli(['--url', `http://127.0.0.1:9/${TOKEN}`, '--token', TOKEN, '--header', `X-Api-Key: ${HEADER_VALUE}`]);
    expect(unreachable.code).toBe(3);
    expectNoSecret([rejected.stdout, rejected.stderr, unreachable.stdout, unreachable.stderr]);
  });
});
