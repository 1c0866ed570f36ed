import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from './spawn-cli.js';

/** --idp and --entra-flag through the CLI: flags, SCIM_CHECK_* variables, bad values, help and list. */
beforeAll(() => assertBuilt());

describe('scim-check --idp entra', () => {
  it('runs the entra suite on the embedded server, only the flag shape asked for, and prints Entra readiness', async () => {
    const out = await cli(['--idp', 'entra', '--entra-flag', 'off', '--only', 'entra/disable-string-false', '--only', 'entra/test-connection']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/✓ entra\/test-connection/);
    expect(out.stdout).toMatch(/✓ entra\/disable-string-false/);
    expect(out.stdout).toContain('Entra readiness');
    expect(out.stdout).not.toContain('okta-spec');
  });

  it('takes SCIM_CHECK_IDP and SCIM_CHECK_ENTRA_FLAG; an --only of the other shape is a usage error naming the flag', async () => {
    const out = await cli(['--only', 'entra/disable-boolean'], { SCIM_CHECK_IDP: 'entra', SCIM_CHECK_ENTRA_FLAG: 'off' });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--only: no check "entra\/disable-boolean"/);
  });

  it('refuses an unknown --idp or --entra-flag with exit 2', async () => {
    const idp = await cli(['--idp', 'onelogin']);
    expect(idp.code).toBe(2);
    expect(idp.stderr).toMatch(/--idp/);
    const flag = await cli(['run', '--entra-flag', 'sometimes']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--entra-flag/);
    const env = await cli([], { SCIM_CHECK_ENTRA_FLAG: 'sometimes' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/SCIM_CHECK_ENTRA_FLAG: must be "on", "off", "both"/);
  });

  it('--help documents both options', async () => {
    const out = await cli(['run', '--help']);
    expect(out.stdout).toMatch(/--idp <name>\s+identity provider to model: okta/);
    expect(out.stdout).toMatch(/--entra-flag <shape>\s+Entra request shapes: on \(aadOptscim062020/);
  });
});
