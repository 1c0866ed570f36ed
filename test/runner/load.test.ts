import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/runner/errors.js';
import { builtInSuiteIds, builtInSuitesDir, loadSuiteFile, resolveSuites, suiteValidator } from '../../src/runner/load.js';
import { checkSelector } from '../../src/runner/select.js';
import { compilePattern } from '../../src/runner/assert.js';
import { rejectionOf } from '../helpers/thrown.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('scim-check-load-');
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `suite-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
const check = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: 't',
  description: 'd',
  level: 'MUST',
  source: 's',
  steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ status: 200 }] }],
  ...extra,
});
const suite = (id: string, checks: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, title: 't', description: 'd', source: 's', checks, ...extra });

const configError = async (names: string[]): Promise<string> => (await rejectionOf(resolveSuites(names), ConfigError)).message;

describe('built-in suites', () => {
  it('every built-in suite file is valid against suite.schema.json, with valid selectors and patterns', async () => {
    const validate = await suiteValidator();
    const ids = builtInSuiteIds();
    expect(ids).toEqual(expect.arrayContaining(['okta-spec', 'okta-users', 'okta-groups', 'transport']));
    for (const id of ids) {
      const data = JSON.parse(readFileSync(join(builtInSuitesDir(), `${id}.json`), 'utf8')) as { checks: { steps: { capture?: Record<string, string>; expect?: { that?: string; matches?: string }[] }[] }[] };
      expect([id, validate(data) ? [] : validate.errors]).toEqual([id, []]);
      for (const step of data.checks.flatMap((c) => c.steps)) {
        Object.values(step.capture ?? {}).forEach(checkSelector);
        for (const a of step.expect ?? []) {
          if (a.that) checkSelector(a.that);
          if (a.matches) compilePattern(a.matches);
        }
      }
    }
    const all = await resolveSuites(['all']);
    expect(all.map((s) => s.suite.id).sort()).toEqual(ids);
  });

  it('no names = the Okta suites plus the always-on transport suite, in order', async () => {
    expect((await resolveSuites()).map((s) => s.suite.id)).toEqual(['okta-spec', 'okta-users', 'okta-groups', 'transport']);
    expect((await resolveSuites(['okta-spec'])).map((s) => s.suite.id)).toEqual(['okta-spec', 'transport']);
  });
});

describe('suite files', () => {
  it('loads a valid file given by path, beside built-ins', async () => {
    const path = file(suite('mine', [check('mine/a')]));
    expect((await resolveSuites(['okta-spec', path])).map((s) => s.suite.id)).toEqual(['okta-spec', 'mine', 'transport']);
  });

  it('invalid JSON: file, line and column', async () => {
    const path = file('{\n  "id": "x",\n  oops\n}');
    expect(await configError([path])).toMatch(new RegExp(`^${path}: invalid JSON \\(line 3, column 3\\)`));
  });

  it('schema errors: file, JSON path and message', async () => {
    const path = file(suite('bad', [check('bad/a', { level: 'CRITICAL', steps: [{ request: { method: 'FETCH', path: 'Users' }, expect: [{ status: 200, that: 'body' }] }] })]));
    const message = await configError([path]);
    expect(message).toContain(`${path}: not a valid suite:`);
    expect(message).toContain('/checks/0/level: must be one of MUST, SHOULD, MAY');
    expect(message).toContain('/checks/0/steps/0/request/method: must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
    expect(message).toContain('/checks/0/steps/0/request/path: must match pattern "^/"');
    expect(message).toContain('/checks/0/steps/0/expect/0: an assertion needs exactly one of status, schema, maxMs, walk, mapped, burst, runscope or that');
    expect(await configError([file(suite('u', [check('u/a', { colour: 'red' })]))])).toContain('/checks/0: unknown property "colour"');
  });

  it('cross-check rules: ids unique and prefixed, dependsOn existing and acyclic, variables defined', async () => {
    expect(await configError([file(suite('d', [check('d/a'), check('d/a')]))])).toContain('duplicate check id "d/a"');
    expect(await configError([file(suite('p', [check('q/a')]))])).toContain('must start with the suite id "p/"');
    expect(await configError([file(suite('e', [check('e/a', { dependsOn: ['e/ghost'] })]))])).toContain('depends on unknown check "e/ghost"');
    expect(await configError([file(suite('c', [check('c/a', { dependsOn: ['c/b'] }), check('c/b', { dependsOn: ['c/a'] })]))])).toMatch(/dependency cycle: c\/a -> c\/b -> c\/a/);
    const usesUndefined = check('v/a', { steps: [{ request: { method: 'GET', path: '/Users/{{nobody}}' } }] });
    expect(await configError([file(suite('v', [usesUndefined]))])).toContain('uses {{nobody}}, which no variable or capture of the suite defines');
    const badBuiltIn = check('w/a', { steps: [{ request: { method: 'GET', path: '/Users/{{$random}}' } }] });
    expect(await configError([file(suite('w', [badBuiltIn]))])).toContain('unknown built-in {{$random}}');
  });

  it('selectors and patterns are checked at load time', async () => {
    const badPath = check('x/a', { steps: [{ request: { method: 'GET', path: '/Users' }, capture: { id: 'body.Resources[0' } }] });
    expect(await configError([file(suite('x', [badPath]))])).toContain('check "x/a": bad selector path ".Resources[0": unclosed [');
    const badRegex = check('y/a', { steps: [{ request: { method: 'GET', path: '/Users' }, expect: [{ that: 'body.id', matches: '(' }] }] });
    expect(await configError([file(suite('y', [badRegex]))])).toContain('"matches" is not a valid regular expression: (');
  });

  it('unknown names and unreadable files', async () => {
    expect(await configError(['nope'])).toMatch(/^unknown suite "nope" \(built-in: .*okta-spec.*; or give a path to a \.json file\)$/);
    expect(await configError(['./missing.json'])).toMatch(/cannot read suite file .*missing\.json: no such file/);
    await expect(loadSuiteFile(join(dir, 'nothing.json'))).rejects.toThrow(ConfigError);
  });
});
