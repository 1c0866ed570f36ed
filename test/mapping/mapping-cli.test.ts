// --mapping through the built CLI: the flag, the config file key (relative to the config file), the environment
// variable, and a broken mapping stopping the run before any request.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/results.js';
import { assertBuilt, cli, ROOT } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXAMPLE = join(ROOT, 'fixtures/mapping-example.json');
const ONLY = ['--suite', 'okta-users', '--only', 'okta-users/profile-push-put', '--reporter', 'pretty'];

/** Runs the CLI with a json report; returns its exit code and the body of the profile-push-put PUT. */
async function putBody(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; body: Record<string, unknown> | undefined }> {
  const report = join(work, `report-${Math.random().toString(36).slice(2)}.json`);
  const outcome = await cli([...ONLY, '--reporter', `json=${report}`, ...args], env);
  if (outcome.code !== 0) return { code: outcome.code, body: undefined };
  const result = JSON.parse(readFileSync(report, 'utf8')) as RunResult;
  const put = result.suites.flatMap((s) => s.checks).find((c) => c.id === 'okta-users/profile-push-put')!.exchanges.find((e) => e.request.method === 'PUT')!;
  return { code: outcome.code, body: JSON.parse(put.request.body!) as Record<string, unknown> };
}
const ACME = 'urn:example:scim:schemas:extension:acme:2.0:User';
const UPDATE = { badgeNumber: 4712, remoteWorker: false, building: 'South' };

let work: string;
beforeAll(() => {
  assertBuilt();
  work = tempDir('scim-check-mapping-cli-');
});

describe('scim-check --mapping', () => {
  it('the example mapping against the embedded server: create and profile update carry it and pass', async () => {
    expect(await putBody(['--mapping', EXAMPLE])).toEqual({ code: 0, body: expect.objectContaining({ [ACME]: UPDATE, title: 'Principal Engineer' }) });
    const without = await putBody([]);
    expect(without.code).toBe(0);
    expect(without.body).not.toHaveProperty([ACME]);
  });

  it('from a config file, relative to it; or from SCIM_CHECK_MAPPING', async () => {
    const dir = join(work, 'ci');
    mkdirSync(dir);
    copyFileSync(EXAMPLE, join(dir, 'attributes.json'));
    writeFileSync(join(dir, 'scim-check.config.json'), JSON.stringify({ mapping: 'attributes.json' }));
    expect(await putBody(['--config', join(dir, 'scim-check.config.json')])).toEqual({ code: 0, body: expect.objectContaining({ [ACME]: UPDATE }) });
    expect(await putBody([], { SCIM_CHECK_MAPPING: EXAMPLE })).toEqual({ code: 0, body: expect.objectContaining({ [ACME]: UPDATE }) });
  });

  it('a broken mapping: exit 2, every problem listed, nothing run', async () => {
    const file = join(work, 'broken.json');
    writeFileSync(file, JSON.stringify({ attributes: { userName: 'x', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { costcenter: 'CC', division: null } } }));
    const outcome = await cli([...ONLY, '--mapping', file]);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.trimEnd().split('\n')).toEqual([
      `scim-check: invalid mapping file ${file}:`,
      '  attributes["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].division: null means "unassigned" and cannot round-trip; give a sample value',
      '  attributes.userName is set by the suites themselves; map only extra attributes',
    ]);
    const missing = await cli([...ONLY, '--mapping', join(work, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`scim-check: cannot read the mapping file ${join(work, 'absent.json')}: no such file\n`);
  });
});
