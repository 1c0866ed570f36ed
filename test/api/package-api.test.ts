// The programmatic API as a user gets it: `import … from 'scim-check'` resolved through node_modules and the
// package's "exports" (built dist/), with the README's "## Programmatic API" examples run as written and their
// printed output compared with what the README says they print. The TypeScript example is compiled against the
// package's own type declarations, beside a file proving the types reject wrong options.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, PACKAGE_DIR, ROOT } from '../cli/spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The README section, and its fenced blocks of one language in order. */
function section(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Programmatic API\n');
  if (start < 0) throw new Error('README.md has no "## Programmatic API" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}
function blocks(language: string): string[] {
  return [...section().matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

function node(args: string[], cwd: string, timeout = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** A project directory whose node_modules/scim-check is this package, as `npm install` would leave it. */
let project: string;
beforeAll(() => {
  assertBuilt();
  project = tempDir('scim-check-consumer-');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(PACKAGE_DIR, join(project, 'node_modules', 'scim-check'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

describe('package exports', () => {
  it('"exports" points at the built entry and its type declarations, which declare run and startServer', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { exports: { '.': { types: string; import: string } } };
    const declarations = readFileSync(join(PACKAGE_DIR, pkg.exports['.'].types), 'utf8');
    expect(declarations).toMatch(/export \{ run, type RunOptions \}/);
    expect(declarations).toMatch(/export \{ startServer, type ServerOptions, type RunningServer \}/);
    expect(readFileSync(join(PACKAGE_DIR, pkg.exports['.'].import), 'utf8')).toContain('startServer');
  });
});

describe('README "## Programmatic API"', () => {
  it('the JavaScript example runs as written and prints exactly what the README shows', async () => {
    const [code] = blocks('js');
    const [printed] = blocks('text');
    expect(code).toContain("from 'scim-check'");
    writeFileSync(join(project, 'example.mjs'), code!);
    const outcome = await node(['example.mjs'], project);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe(printed);
  });

  it('the TypeScript example compiles against the package types and prints what its comments say', async () => {
    const [code] = blocks('ts');
    writeFileSync(join(project, 'client-test.ts'), code!);
    // If the package's types were `any`, these directives would be unused, which is itself an error.
    writeFileSync(
      join(project, 'wrong-options.ts'),
      [
        "import { run, startServer } from 'scim-check';",
        '// @ts-expect-error timeoutMs is a number of milliseconds',
        "void run({ timeoutMs: '30s' });",
        '// @ts-expect-error there is no such option',
        'void startServer({ prot: 8080 });',
        "// @ts-expect-error a check's status is one of a few strings",
        "void run().then((r) => r.suites[0]?.checks[0]?.status === 'green');",
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'out', typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] },
        files: ['client-test.ts', 'wrong-options.ts'],
      }),
    );
    const compiled = await node([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], project, 60_000);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);

    const outcome = await node([join(project, 'out/client-test.js')], project);
    expect(outcome.stderr).toBe('');
    // Each console.log line of the example ends with a comment saying what it prints.
    const promised = [...code!.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)].map((m) => m[1]);
    expect(promised).toHaveLength(2);
    expect(outcome.stdout.trimEnd().split('\n')).toEqual(promised);
  });
});
