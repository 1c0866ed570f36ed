import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAME, ConfigIssuesError, OPTION_SPECS, loadConfig, parseConfigText, resolveOptions, starterConfig, validateConfigData } from '../../src/config/index.js';
import { thrownBy } from '../helpers/thrown.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('scim-check-config-');
});

const issuesOf = (fn: () => unknown): { where: string; message: string }[] => thrownBy(fn, ConfigIssuesError).issues;

describe('loadConfig', () => {
  it('uses scim-check.config.json in the working directory when present, and nothing otherwise', () => {
    expect(loadConfig({ cwd: dir })).toBeUndefined();
    writeFileSync(join(dir, CONFIG_FILE_NAME), JSON.stringify({ url: 'https://a.example/scim/v2', readOnly: true }));
    expect(loadConfig({ cwd: dir })).toEqual({
      path: join(dir, CONFIG_FILE_NAME),
      label: CONFIG_FILE_NAME,
      data: { url: 'https://a.example/scim/v2', readOnly: true },
    });
  });

  it('loads --config relative to the working directory and fails clearly when it is missing', () => {
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'ci/staging.json'), '{"oktaApp": "aiw"}');
    expect(loadConfig({ cwd: dir, configPath: 'ci/staging.json' })?.data).toEqual({ oktaApp: 'aiw' });
    expect(issuesOf(() => loadConfig({ cwd: dir, configPath: 'ci/prod.json' }))).toEqual([{ where: join('ci', 'prod.json'), message: 'no such file' }]);
    expect(issuesOf(() => loadConfig({ cwd: dir, configPath: 'ci' }))).toEqual([{ where: 'ci', message: 'is a directory' }]);
  });

  it('points at the line and column of a JSON syntax error', () => {
    writeFileSync(join(dir, CONFIG_FILE_NAME), '{\n  "url": "https://a.example",\n  "token": \n}\n');
    const [issue] = issuesOf(() => loadConfig({ cwd: dir }));
    expect(issue?.where).toBe(CONFIG_FILE_NAME);
    expect(issue?.message).toBe('is not valid JSON: unexpected "}" at line 4, column 1');
  });
});

describe('config file schema', () => {
  it('reports each invalid option with its dotted path, and suggests the key a typo meant', () => {
    const issues = validateConfigData(
      {
        tokne: 'x',
        timeout: 'soon',
        insecure: 'yes',
        oktaApp: 'saml',
        oauth: { tokenUrl: 'https://idp.example/token', clientID: 'a' },
        reporters: ['junit=out.xml', 'JUnit'],
        basic: { user: 'scim' },
        headers: { 'bad header': 'x' },
      },
      'cfg.json',
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { where: 'cfg.json', message: 'unknown option "tokne" (did you mean "token"?)' },
        { where: 'cfg.json: timeout', message: 'must be milliseconds or a duration such as "500ms", "30s", "10m"' },
        { where: 'cfg.json: insecure', message: 'must be boolean' },
        { where: 'cfg.json: oktaApp', message: 'must be one of "oin", "aiw"' },
        { where: 'cfg.json: oauth', message: 'unknown option "clientID" (did you mean "clientId"?)' },
        { where: 'cfg.json: reporters[1]', message: 'must be "NAME" or "NAME=FILE", e.g. "junit=reports/scim.xml"' },
        { where: 'cfg.json: basic', message: 'needs "pass"' },
        { where: 'cfg.json: headers', message: '"bad header" is not a valid header name' },
      ]),
    );
    expect(issues).toHaveLength(8);
  });

  it('accepts comments, $schema and "$env:" references', () => {
    expect(
      validateConfigData(
        { $schema: './x.json', '//': ['a', 'b'], '//token': 'why', token: '$env:T', timeout: '$env:TIMEOUT', prefix: '$env:P', oauth: { '//': 'c' } },
        'cfg.json',
      ),
    ).toEqual([]);
    expect(validateConfigData({ '//': 5 }, 'cfg.json')).not.toEqual([]);
  });

  it('rejects a file that is not an object', () => {
    expect(issuesOf(() => parseConfigText('[1, 2]', 'cfg.json'))).toEqual([{ where: 'cfg.json', message: 'must be object' }]);
  });
});

describe('starter config', () => {
  it('is valid against the schema and resolves to a runnable set of options', () => {
    const loaded = { path: join(dir, CONFIG_FILE_NAME), data: parseConfigText(starterConfig(), CONFIG_FILE_NAME) };
    const options = resolveOptions({ env: { SCIM_TOKEN: 'from-env' }, file: loaded, reporterNames: ['pretty', 'junit', 'html'] });
    expect(options.auth).toEqual({ kind: 'bearer', token: 'from-env' });
    expect(options.url).toBe('https://app.example.com/scim/v2');
    expect(options.timeoutMs).toBe(30_000);
    expect(options.reporters).toEqual([
      { name: 'pretty' },
      { name: 'junit', file: join(dir, 'scim-check.xml') },
      { name: 'html', file: join(dir, 'scim-check.html') },
    ]);
    expect(options.suites?.length).toBeGreaterThan(0);
  });

  it('explains itself in "//" comments and keeps the secret out of the file', () => {
    const starter = JSON.parse(starterConfig()) as Record<string, unknown>;
    expect(starter.token).toBe('$env:SCIM_TOKEN');
    expect(Object.keys(starter).filter((k) => k.startsWith('//')).length).toBeGreaterThanOrEqual(8);
  });
});

describe('documentation', () => {
  it('keeps the README example a valid config file', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration file'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const loaded = { path: '/repo/scim-check.config.json', data: parseConfigText(example!, 'README example') };
    const options = resolveOptions({ env: { SCIM_CLIENT_SECRET: 's' }, file: loaded, reporterNames: ['pretty', 'junit', 'html'] });
    expect(options.auth).toMatchObject({ kind: 'oauth2', clientSecret: 's' });
    expect(options.suites).toContain('/repo/suites/our-extras.json');
  });

  it('names every variable SCIM_CHECK_ plus the config key in upper snake case', () => {
    for (const spec of Object.values(OPTION_SPECS) as { file: string; env?: string }[]) {
      if (spec.file === 'headers') continue;
      expect(spec.env).toBe(`SCIM_CHECK_${spec.file.replace('.', '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`);
    }
  });
});
