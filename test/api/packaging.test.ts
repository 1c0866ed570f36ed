/**
 * The package as npm would publish it (issue 9 item 11): what `npm pack` ships, the metadata, the JSON Schema the
 * README points to, no source maps pointing at unshipped sources, and the reporters exported from the API.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, PACKAGE_DIR, ROOT } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { parseTap } from '../report/tap-check.js';
import { resultSchemaErrors } from '../report/result-schema.js';

function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 45_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let shipped: string[];
beforeAll(async () => {
  assertBuilt();
  // --ignore-scripts: no rebuild here (npm test has just built); the file list is what `files` selects.
  const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  shipped = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
});

describe('npm package', () => {
  it('ships the CLI, the built API with its types, the schemas, suites, README and LICENSE; no tests, no sources', () => {
    for (const file of ['bin/scim-check.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/report/result.schema.json', 'dist/src/runner/suite.schema.json', 'dist/src/config/config.schema.json', 'suites/okta-spec.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(shipped, file).toContain(file);
    }
    expect(shipped.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('no source map points at sources the package does not ship', () => {
    expect(shipped.filter((f) => f.endsWith('.map'))).toEqual([]);
    const withMapComment = shipped.filter((f) => f.endsWith('.js') && readFileSync(join(ROOT, f), 'utf8').includes('sourceMappingURL'));
    expect(withMapComment).toEqual([]);
  });

  it('metadata: MIT in package.json and LICENSE, homepage, repository and bugs set', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.repository).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
    expect(pkg.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
  });

  it("the README's result.schema.json exists where it says, and is what the package exports", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const path of ['src/report/result.schema.json', 'dist/src/report/result.schema.json']) {
      expect(readme).toContain(path);
      expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(shipped).toContain(pkg.exports['./result.schema.json']!.replace(/^\.\//, ''));
  });
});

describe('reporters from the API', () => {
  let project: string;
  beforeAll(() => {
    project = tempDir('scim-check-consumer-');
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(PACKAGE_DIR, join(project, 'node_modules', 'scim-check'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });

  it("the README's reporters example runs as written; each file is the report the CLI would write", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('toJUnit('));
    expect(example).toBeDefined();
    writeFileSync(join(project, 'reports.mjs'), example!);
    const outcome = await run(process.execPath, ['reports.mjs'], project);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toBe('exit code 0\n');
    const json = JSON.parse(readFileSync(join(project, 'scim-check.json'), 'utf8')) as { exitCode: number };
    expect(resultSchemaErrors(json)).toEqual([]);
    expect(parseTap(readFileSync(join(project, 'scim-check.tap'), 'utf8')).points.length).toBe(16);
    expect(readFileSync(join(project, 'scim-check.xml'), 'utf8')).toContain('<testsuites');
    expect(readFileSync(join(project, 'scim-check.html'), 'utf8')).toContain('id="verdict">PASSED</div>');
    expect(readFileSync(join(project, 'scim-check.md'), 'utf8')).toMatch(/^## ✅ scim-check passed/);
  });

  it('resultSchema and scim-check/result.schema.json are the same schema', async () => {
    writeFileSync(
      join(project, 'schema.mjs'),
      "import { resultSchema } from 'scim-check';\nimport fromFile from 'scim-check/result.schema.json' with { type: 'json' };\nconsole.log(JSON.stringify(resultSchema) === JSON.stringify(fromFile), resultSchema.properties.exitCode.enum.join(','));\n",
    );
    const outcome = await run(process.execPath, ['schema.mjs'], project);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toBe('true 0,1,2,3,130,143\n');
  });
});

describe('scim-check list --json', () => {
  it('every suite and check as data, in the order the plain listing shows them', async () => {
    const [json, plain] = await Promise.all([cli(['list', '--json']), cli(['list'])]);
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { suites: { id: string; title: string; checks: { id: string; level: string; source: string; writes: boolean; dependsOn?: string[] }[] }[] };
    const ids = listed.suites.flatMap((s) => s.checks.map((c) => c.id));
    expect(ids).toEqual([...plain.stdout.matchAll(/^ {2}(\S+\/\S+) {2}\[/gm)].map((m) => m[1]));
    const create = listed.suites.find((s) => s.id === 'okta-spec')!.checks.find((c) => c.id === 'okta-spec/create-user')!;
    expect(create).toMatchObject({ level: 'MUST', writes: true, source: expect.stringContaining('SPEC test step 6') });
    expect(listed.suites.map((s) => s.id)).toEqual(expect.arrayContaining(['okta-spec', 'okta-users', 'okta-groups', 'transport', 'rfc']));
  });
});
