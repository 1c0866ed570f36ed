import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './spawn-cli.js';

beforeAll(assertBuilt);

/** The ```js block of the README's "## Usage" section: the programmatic API example. */
function usageExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('\n## ', readme.indexOf('## Usage') + 1));
  const match = /```js\n([\s\S]*?)```/.exec(usage);
  if (!match) throw new Error('no ```js example in the README Usage section');
  return match[1]!;
}

describe('programmatic API', () => {
  it("the README's example runs as written against the built package and prints its result", async () => {
    const entry = join(ROOT, 'dist/src/index.js');
    const code = usageExample().replace("from 'scim-check'", `from ${JSON.stringify(entry)}`);
    const file = join(mkdtempSync(join(tmpdir(), 'scim-check-api-')), 'example.mjs');
    writeFileSync(file, code);
    const outcome = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [file], { timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    expect(outcome.stderr).toBe('');
    expect(outcome).toMatchObject({ code: 0, stdout: '0 0\n' });
  });

  it('exports run and startServer from the package entry', async () => {
    const api = (await import('../../src/index.js')) as Record<string, unknown>;
    expect(typeof api.run).toBe('function');
    expect(typeof api.startServer).toBe('function');
  });
});
