/**
 * vitest setup file (runs in every test file): removes the file's temporary directories (test/helpers/temp-dir.ts)
 * after all its tests. Registered before the file's own hooks, so it runs after them (vitest runs after-hooks in
 * reverse order): servers and CLIs a file stops in its own afterAll are done with their directories by then.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.js';

afterAll(removeTempDirs);
