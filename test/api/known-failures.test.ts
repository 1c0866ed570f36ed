// Known failures through the CLI: --allow-failure (and the config file's allowFailures, combined with it) turns a
// failure into a "known" one that does not fail the run; a listed check that passes is flagged in every report.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, cli } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'known-failures-token';
const BROKEN = 'okta-spec/filter-username-caps';
const FINE = 'okta-spec/list-users';
const NOW_PASSING = `now passing, remove from the known failures (--allow-failure, allowFailures): ${FINE}`;

let server: RunningServer;
let work: string;
beforeAll(async () => {
  assertBuilt();
  server = await startServer({ port: 0, token: TOKEN, quiet: true, faults: ['userName-case-sensitive'] });
  work = tempDir('scim-check-known-');
});
afterAll(() => server.close());

const target = (): string[] => ['--url', server.url, '--token', TOKEN, '--suite', 'okta-spec'];

describe('--allow-failure', () => {
  it('without it the broken check fails the run', async () => {
    const outcome = await cli(target());
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(new RegExp(`✗ ${BROKEN} `));
  });

  it('listed, the failure is reported as known (exit 0); a listed check that passes is flagged in pretty, markdown, junit and json', async () => {
    const [json, markdown, junit] = [join(work, 'r.json'), join(work, 'r.md'), join(work, 'r.xml')] as const;
    const outcome = await cli([...target(), '--allow-failure', BROKEN, '--allow-failure', FINE, '--reporter', 'pretty', '--reporter', `json=${json}`, '--reporter', `markdown=${markdown}`, '--reporter', `junit=${junit}`]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`~ ${BROKEN} .*\\(known failure\\)`));
    expect(outcome.stdout).toContain('body.totalResults equals 1');
    expect(outcome.stdout).toContain(`Note: ${NOW_PASSING}`);
    expect(outcome.stdout).toMatch(/\(1 warning, 1 known failure\)\n14 passed, 0 failed, 0 skipped\n$/);

    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
    const checks = new Map(result.suites.flatMap((s) => s.checks).map((c) => [c.id, c]));
    expect(checks.get(BROKEN)!.status).toBe('known-failure');
    expect(checks.get(FINE)).toMatchObject({ status: 'passed', notes: ['listed as a known failure, but it passes now: remove it from the list'] });
    expect(result.counts).toMatchObject({ failed: 0, knownFailures: 1 });
    expect(result.notes).toContain(NOW_PASSING);

    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain('### Known failures');
    expect(md).toContain(`\`${BROKEN}\``);
    expect(md).toContain(FINE);
    expect(readFileSync(junit, 'utf8')).toContain(FINE);
  });

  it('the config file list and the flag combine', async () => {
    const config = join(work, 'scim-check.config.json');
    writeFileSync(config, JSON.stringify({ allowFailures: [BROKEN] }));
    const outcome = await cli([...target(), '--config', config, '--allow-failure', FINE]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`~ ${BROKEN} `));
    expect(outcome.stdout).toContain(`Note: ${NOW_PASSING}`);
  });
});
