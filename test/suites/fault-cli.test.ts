/** The documented workflow, end to end with the built CLI: `scim-check serve --fault ID` in one process, a run against it in another. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { assertBuilt, cli, startCli } from '../cli/spawn-cli.js';

const TOKEN = 'fault-cli-token';
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `serve` with the given faults and resolves with its base URL once it printed it. */
async function serveWithFaults(faults: string[]): Promise<string> {
  const { child, done } = startCli(['serve', '--port', '0', '--quiet', '--token', TOKEN, ...faults.flatMap((f) => ['--fault', f])]);
  running.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening at (https?:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    void done.then((o) => reject(new Error(`serve exited (${o.code}) before printing its URL: ${out}${o.stderr}`)));
  });
}

describe('scim-check serve --fault, checked with scim-check run', () => {
  beforeAll(() => assertBuilt());

  it('a run against a server with deactivate-deletes fails okta-users/deactivate-patch and exits 1', async () => {
    const url = await serveWithFaults(['deactivate-deletes']);
    const outcome = await cli(['--url', url, '--token', TOKEN, '--suite', 'okta-users']);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/✗ okta-users\/deactivate-patch/);
    expect(outcome.stdout).toMatch(/✓ okta-users\/create-user/);
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed, \d+ skipped$/);
    expect(outcome.stdout + outcome.stderr).not.toContain(TOKEN);
  });

  it('the same run against the server without faults passes', async () => {
    const url = await serveWithFaults([]);
    const outcome = await cli(['--url', url, '--token', TOKEN, '--suite', 'okta-users', '--suite', 'okta-groups']);
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed, 0 skipped$/);
    expect(outcome.code).toBe(0);
  });
});
