import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli as spawnCli, ROOT, type CliOutcome } from './spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const PAYLOADS = 'fixtures/payloads';

/** The CLI in the repository root (the payload paths are relative to it), with `stdin` piped in. */
const cli = (args: string[], stdin?: string): Promise<CliOutcome> => spawnCli(args, {}, { cwd: ROOT, ...(stdin === undefined ? {} : { stdin }) });

const files = (dir: string): string[] => readdirSync(join(ROOT, PAYLOADS, dir)).map((f) => `${PAYLOADS}/${dir}/${f}`);
let scratch: string;

beforeAll(() => {
  assertBuilt();
  scratch = tempDir('scim-check-validate-');
});

describe('scim-check validate', () => {
  it('exits 0 when every payload is valid and names each kind', async () => {
    const valid = files('valid');
    const run = await cli(['validate', ...valid]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    for (const file of valid) expect(run.stdout).toMatch(new RegExp(`^✓ ${file}: valid \\w+$`, 'm'));
    expect(run.stdout).toContain(`✓ ${PAYLOADS}/valid/user-list.json: valid UserListResponse`);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`${valid.length} valid, 0 invalid`);
    expect(run.stderr).toBe('');
  });

  it('exits 1 and prints each error with its JSON path when a payload is invalid', async () => {
    const run = await cli(['validate', `${PAYLOADS}/valid/group.json`, ...files('invalid')]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stdout).toContain(
      [
        `✗ ${PAYLOADS}/invalid/user-id-number.json: invalid User`,
        '    /id: must be string, got number 4711',
        '    /active: must be boolean or null, got string "true"',
      ].join('\n'),
    );
    expect(run.stdout).toContain('    /status: must be string, got number 404');
    expect(run.stdout).toContain(`✗ ${PAYLOADS}/invalid/patch-remove-without-path.json: invalid PatchOp\n    /Operations/0/path: is required but missing`);
    expect(run.stdout).toContain('1 valid, 4 invalid\n');
  });

  it('exits 2 for an unreadable file, without a stack trace, after checking the rest', async () => {
    const run = await cli(['validate', `${PAYLOADS}/valid/group.json`, 'no/such/file.json', PAYLOADS]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(2);
    expect(run.stderr).toContain('! no/such/file.json: cannot read: no such file');
    expect(run.stderr).toContain(`! ${PAYLOADS}: cannot read: is a directory`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toContain('1 valid, 0 invalid, 2 unreadable');
  });

  it('reports non-JSON and kind-less files as invalid', async () => {
    const notJson = join(scratch, 'broken.json');
    const kindless = join(scratch, 'kindless.json');
    writeFileSync(notJson, '{"schemas": [');
    writeFileSync(kindless, '\uFEFF{"userName": "bjorn"}');
    const run = await cli(['validate', notJson, kindless]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stdout).toContain(`✗ ${notJson}: invalid\n    not JSON:`);
    expect(run.stdout).toContain(`✗ ${kindless}: invalid\n    cannot tell the kind: "schemas" lists no known SCIM URN (use --as User|Group|`);
  });

  it('--as forces the kind', async () => {
    const kindless = join(scratch, 'user-without-schemas.json');
    writeFileSync(kindless, JSON.stringify({ id: '1', userName: 'bjorn' }));
    const run = await cli(['validate', '--as', 'User', kindless, `${PAYLOADS}/valid/group.json`]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stdout).toContain(`✗ ${kindless}: invalid User\n    /schemas: is required but missing`);
    expect(run.stdout).toContain(`✗ ${PAYLOADS}/valid/group.json: invalid User\n`);
    expect(run.stdout).toContain('    /schemas: must contain "urn:ietf:params:scim:schemas:core:2.0:User"\n');
  });

  it('--request lints POST/PUT bodies; without it a create body gets a hint', async () => {
    const body = `${PAYLOADS}/requests/user-create.json`;
    const asResponse = await cli(['validate', body]);
    expect(asResponse.code, `${asResponse.stdout}${asResponse.stderr}`).toBe(1);
    expect(asResponse.stdout).toContain('    /id: is required but missing');
    expect(asResponse.stdout).toContain('use --request to lint POST/PUT bodies');
    const asRequest = await cli(['validate', '--request', ...files('requests')]);
    expect(asRequest.code, `${asRequest.stdout}${asRequest.stderr}`).toBe(0);
    expect(asRequest.stdout).toContain(`✓ ${body}: valid User`);
  });

  it('--partial accepts projected responses that leave out required attributes', async () => {
    const projected = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', emails: [] }] });
    const full = await cli(['validate', '-'], projected);
    expect(full.code, `${full.stdout}${full.stderr}`).toBe(1);
    expect(full.stdout).toContain('    /Resources/0/userName: is required but missing');
    const partial = await cli(['validate', '--partial', '-'], projected);
    expect(partial.code, `${partial.stdout}${partial.stderr}`).toBe(0);
    expect(partial.stdout).toContain('✓ (stdin): valid UserListResponse');
  });

  it('reads standard input for "-"', async () => {
    const run = await cli(['validate', '-'], JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: 404 }));
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stdout).toContain('✗ (stdin): invalid Error\n    /status: must be string, got number 404');
  });

  it('exits 2 on usage errors', async () => {
    const noFiles = await cli(['validate']);
    expect(noFiles.code, `${noFiles.stdout}${noFiles.stderr}`).toBe(2);
    expect(noFiles.stderr).toContain("missing required argument 'files'");
    const badKind = await cli(['validate', '--as', 'Usr', `${PAYLOADS}/valid/group.json`]);
    expect(badKind.code, `${badKind.stdout}${badKind.stderr}`).toBe(2);
    expect(badKind.stderr).toContain('Allowed choices are User, Group');
  });
});
