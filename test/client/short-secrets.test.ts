// Short secrets (issue 9 item 4d): `--token test` must not turn "Okta SPEC test" into "SPEC [REDACTED]", yet the
// token stays out of every record where it came over the wire; shorter than 3 characters is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../src/client/redact.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, startCli } from '../cli/spawn-cli.js';

describe('the redactor', () => {
  it('masks a long secret anywhere, a short one only as a whole token', () => {
    const redactor = createRedactor(['test', 'Long-Secret-99']);
    expect(redactor.redact('attest testing test1 (test) "test" token=test xLong-Secret-99x')).toBe(
      `attest testing test1 (${REDACTED}) "${REDACTED}" token=${REDACTED} x${REDACTED}x`,
    );
    // Its URL- and JSON-escaped spellings too.
    const odd = createRedactor(['a&b"c']);
    expect(odd.redact(`q=a%26b%22c and {"k":"a&b\\"c"}`)).toBe(`q=${REDACTED} and {"k":"${REDACTED}"}`);
  });
});

describe('a run with a short token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, quiet: true, token: 'test' });
  });
  afterAll(async () => server.close());

  it('prints "SPEC test" intact and still masks the token in every transcript', async () => {
    assertBuilt();
    const outcome = await startCli(['--url', server.url, '--token', 'test', '--suite', 'okta-spec', '--verbose']).done;
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Okta SCIM 2.0 SPEC test');
    expect(outcome.stdout).not.toContain(`SPEC ${REDACTED}`);
    expect(outcome.stdout).toContain(`Authorization: Bearer ${REDACTED}`);
    expect(outcome.stdout).not.toMatch(/Bearer test\b/);
  });

  it('refuses a credential shorter than 3 characters with one clear line (exit 2)', async () => {
    for (const options of [{ token: 'ab' }, { basic: { user: 'u', pass: 'x' } }, { auth: { kind: 'oauth2' as const, tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'zz' } }]) {
      const result = await run({ url: server.url, ...options });
      expect(result.exitCode).toBe(2);
      expect(result.fatal).toMatch(/ is [12] characters? long: too short to keep out of reports \(at least 3\)$/);
    }
  });
});
