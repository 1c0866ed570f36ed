/** Spawns the built CLI (bin/scim-check.js → dist/) and collects its exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/scim-check.js');

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
}

/** Starts the CLI; `done` resolves when it exits (killed after `timeoutMs`). */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): { child: ChildProcess; done: Promise<CliOutcome> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    // A fresh working directory: no stray scim-check.config.json (or files other tests write) can leak in.
    cwd: mkdtempSync(join(tmpdir(), 'scim-check-cwd-')),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, SCIM_CHECK_URL: undefined, SCIM_CHECK_TOKEN: undefined, GITHUB_STEP_SUMMARY: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

export function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliOutcome> {
  return startCli(args, env).done;
}
