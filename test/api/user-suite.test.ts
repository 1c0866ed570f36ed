// User-authored suites: the shipped example runs and passes through the CLI, catches a defect, validates against
// the published JSON Schema; malformed suite files stop the run with one clear line and exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteValidator } from '../../src/runner/load.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { assertBuilt, cli, ROOT } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXAMPLE = join(ROOT, 'fixtures/example-suite.json');
const CHECK_IDS = ['acme-contractors/create', 'acme-contractors/find-by-username', 'acme-contractors/patch-title', 'acme-contractors/listed', 'acme-contractors/delete'];

let work: string;
beforeAll(() => {
  assertBuilt();
  work = tempDir('scim-check-user-suite-');
});

/** Writes a suite file with `text` and returns its path. */
function suiteFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const minimalSuite = (checks: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ id: 'mine', title: 'Mine', description: 'd', source: 's', ...extra, checks });
const getUsers = (id: string, step: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: 't',
  description: 'd',
  level: 'MUST',
  source: 's',
  steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }], ...step }],
});

describe('the example suite (fixtures/example-suite.json)', () => {
  let faulty: RunningServer;
  beforeAll(async () => {
    faulty = await startServer({ port: 0, token: 'user-suite-token', quiet: true, faults: ['userName-case-sensitive'] });
  });
  afterAll(() => faulty.close());

  it('is valid against src/runner/suite.schema.json', async () => {
    const validate = await suiteValidator();
    expect(validate(JSON.parse(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('--suite FILE runs it against the reference server: every check passes, exit 0, what it created removed', async () => {
    const outcome = await cli(['--suite', EXAMPLE]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    for (const id of CHECK_IDS) expect(outcome.stdout).toMatch(new RegExp(`✓ ${id} `));
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toBe('7 passed, 0 failed, 0 skipped');
  });

  it('catches a server whose userName lookup is case-sensitive (exit 1, naming the check)', async () => {
    const outcome = await cli(['--url', faulty.url, '--token', 'user-suite-token', '--suite', EXAMPLE]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/✗ acme-contractors\/find-by-username /);
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).toBe('6 passed, 1 failed, 0 skipped');
  });

  it('scim-check list --suite FILE shows its checks with level and source', async () => {
    const outcome = await cli(['list', '--suite', EXAMPLE]);
    expect(outcome.code).toBe(0);
    for (const id of CHECK_IDS) expect(outcome.stdout).toContain(id);
    expect(outcome.stdout).toContain('RFC 7644 §3.6');
  });
});

describe('malformed suite files: exit 2 with one line saying what and where', () => {
  const refused = async (path: string): Promise<string> => {
    const outcome = await cli(['--suite', path]);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^scim-check: /);
    return lines[0]!;
  };

  it('not JSON: the file, line and column', async () => {
    const path = suiteFile('syntax.json', '{\n  "id": "mine",\n  "title": ,\n}');
    expect(await refused(path)).toContain(`${path}: invalid JSON (line 3, column 12)`);
  });

  it('not a suite: each problem with its JSON path, once', async () => {
    const bad = getUsers('mine/a', { request: { method: 'FETCH', path: 'Users' }, expect: [{ status: 200, that: 'body' }] });
    const line = await refused(suiteFile('shape.json', minimalSuite([bad], { colour: 'red' })));
    expect(line).toContain('not a valid suite');
    expect(line).toContain('/: unknown property "colour"');
    expect(line).toContain('/checks/0/steps/0/request/method: must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
    expect(line).toContain('/checks/0/steps/0/request/path: must match pattern "^/"');
    expect(line).toContain('/checks/0/steps/0/expect/0: an assertion needs exactly one of status, schema, maxMs, walk, mapped, burst, runscope or that');
    expect(line).not.toContain('must have required property');
  });

  it('meaning the schema cannot check: undefined variables, unknown dependencies, foreign check ids, bad selectors', async () => {
    const variable = getUsers('mine/a', { request: { method: 'GET', path: '/Users/{{nobodySetThis}}' } });
    expect(await refused(suiteFile('var.json', minimalSuite([variable])))).toContain('check "mine/a" uses {{nobodySetThis}}, which no variable or capture of the suite defines');
    expect(await refused(suiteFile('dep.json', minimalSuite([{ ...getUsers('mine/a'), dependsOn: ['mine/ghost'] }])))).toContain('check "mine/a" depends on unknown check "mine/ghost"');
    expect(await refused(suiteFile('id.json', minimalSuite([getUsers('theirs/a')])))).toContain('check id "theirs/a" must start with the suite id "mine/"');
    const selector = getUsers('mine/a', { expect: [{ that: 'body.Resources[', exists: true }] });
    expect(await refused(suiteFile('selector.json', minimalSuite([selector])))).toMatch(/check "mine\/a": bad selector/);
  });

  it('a missing file, or a suite id taken by a built-in suite', async () => {
    expect(await refused(join(work, 'absent.json'))).toContain('absent.json: no such file');
    const outcome = await cli(['--suite', 'okta-spec', '--suite', suiteFile('dup.json', minimalSuite([getUsers('okta-spec/a')], { id: 'okta-spec' }))]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('suite id "okta-spec" is already loaded');
  });
});
