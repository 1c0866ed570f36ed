/**
 * vitest globalSetup: a private copy of the built package (bin/, dist/src/, suites/, fixtures/, package.json) that
 * the tests spawning the CLI run, so an `npm run build` in the same working tree while the tests run cannot hand a
 * spawned CLI half-written modules. The copy is taken once dist/ has been quiet for a moment. Without a build there
 * is nothing to copy: the CLI tests then say that dist/ is missing (test/cli/spawn-cli.ts).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Names the copy for the test workers (they inherit the environment of the process that ran this setup). */
export const BUILT_COPY_ENV = 'SCIM_CHECK_TEST_BUILT_COPY';

const ROOT = join(import.meta.dirname, '../..');
const QUIET_MS = 2_000;
const MAX_WAIT_MS = 60_000;

const newestChangeMs = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => statSync(join(dir, name)).mtimeMs));

export default async function setup(): Promise<(() => void) | undefined> {
  const built = join(ROOT, 'dist/src');
  if (!existsSync(join(built, 'cli/main.js'))) return undefined;
  // A build in progress keeps writing files: wait until none changed for QUIET_MS (bounded: a build takes seconds).
  for (const started = Date.now(); Date.now() - newestChangeMs(built) < QUIET_MS && Date.now() - started < MAX_WAIT_MS; ) await sleep(250);
  const copy = mkdtempSync(join(tmpdir(), 'scim-check-built-'));
  for (const part of ['bin', 'dist/src', 'suites', 'fixtures', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  process.env[BUILT_COPY_ENV] = copy;
  return () => rmSync(copy, { recursive: true, force: true });
}
