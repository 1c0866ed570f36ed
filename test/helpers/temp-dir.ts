/**
 * Temporary directories for tests. Each one is removed once the test file that made it has finished (the afterAll
 * that test/helpers/temp-cleanup.ts, a vitest setup file, registers for every test file), so test runs leave nothing
 * behind in the OS temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh empty directory under the OS temporary directory, named `<prefix><random>`; removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every directory tempDir made so far (test/helpers/temp-cleanup.ts calls it after each test file). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
