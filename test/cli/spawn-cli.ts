/** Spawns the built CLI (bin/scim-check.js → dist/) and collects its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_COPY_ENV } from '../helpers/built-copy.js';
import { tempDir } from '../helpers/temp-dir.js';

export const ROOT = join(import.meta.dirname, '../..');
/**
 * The built package the CLI tests run: the private copy test/helpers/built-copy.ts makes when vitest starts (so a
 * rebuild of this tree mid-run cannot break them), or this tree when that setup did not run.
 */
export const PACKAGE_DIR = process.env[BUILT_COPY_ENV] ?? ROOT;
export const BIN = join(PACKAGE_DIR, 'bin/scim-check.js');

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(join(PACKAGE_DIR, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
}

/**
 * How long a spawned CLI may run before it is killed: generous, because on a loaded 2-core machine a CLI start
 * alone can take seconds; below the test timeout (test/vitest.config.ts), so a hung CLI fails its test with the
 * output it printed rather than a bare timeout.
 */
export const CLI_TIMEOUT_MS = 45_000;

export interface CliOptions {
  /** Working directory (default: a fresh empty one). */
  cwd?: string;
  /** Text piped to standard input (default: none, stdin is closed). */
  stdin?: string;
  timeoutMs?: number;
}

/** Starts the CLI; `done` resolves when it exits (killed after the timeout). A number as `options` is the timeout. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, options: CliOptions | number = {}): { child: ChildProcess; done: Promise<CliOutcome> } {
  const { cwd, stdin, timeoutMs = CLI_TIMEOUT_MS } = typeof options === 'number' ? { timeoutMs: options } : options;
  const child = spawn(process.execPath, [BIN, ...args], {
    // A fresh working directory: no stray scim-check.config.json (or files other tests write) can leak in.
    cwd: cwd ?? tempDir('scim-check-cwd-'),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, SCIM_CHECK_URL: undefined, SCIM_CHECK_TOKEN: undefined, GITHUB_STEP_SUMMARY: undefined, ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  // A CLI that exits before reading its input must not turn into an EPIPE error here.
  if (stdin !== undefined) child.stdin!.on('error', () => undefined).end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliOutcome>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function cli(args: string[], env: Record<string, string | undefined> = {}, options: CliOptions = {}): Promise<CliOutcome> {
  return startCli(args, env, options).done;
}
