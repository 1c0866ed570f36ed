import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from './spawn-cli.js';

beforeAll(assertBuilt);

describe('scim-check list', () => {
  it('prints every suite and check with id, title, level, what it asserts and its source', async () => {
    const outcome = await cli(['list']);
    expect(outcome.code).toBe(0);
    for (const suite of ['okta-spec', 'okta-users', 'okta-groups', 'transport']) expect(outcome.stdout).toMatch(new RegExp(`^${suite} — `, 'm'));
    expect(outcome.stdout).toMatch(/^ {2}okta-spec\/create-user {2}\[MUST, writes\]\n {6}Step 6: .*\n {6}asserts: .*\n {6}source: {2}Okta SCIM 2\.0 SPEC test step 6/m);
    expect(outcome.stdout).toMatch(/^\d+ suites, \d+ checks\n$/m);
  });

  it('--suite narrows to one suite; an unknown one is exit 2', async () => {
    const one = await cli(['list', '--suite', 'okta-spec']);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('okta-users/');
    expect(one.stdout.trimEnd().split('\n').at(-1)).toBe('1 suites, 13 checks');
    const bad = await cli(['list', '--suite', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scim-check: unknown suite "nope"/);
  });
});
