/** `scim-check serve` as a user runs it: the shared built copy of the CLI in a child process (needs `npm run build`). */
import type { ChildProcess } from 'node:child_process';
import { startCli, type CliOutcome } from '../cli/spawn-cli.js';

export interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** SIGKILLs every server started since the last call that still runs (for afterEach). */
export function killServed(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts `serve --port 0 …args` and resolves once it printed its URL line. */
export function serveProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<Served> {
  return listeningCli(['serve', '--port', '0', ...args], env);
}

/** Starts a CLI command that serves until stopped (serve, record) and resolves once it printed "listening at URL". */
export function listeningCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Served> {
  const { child, done } = startCli(args, env);
  started.push(child);
  let out = '';
  let err = '';
  const exited = done.then((outcome: CliOutcome) => outcome.code);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening at (https?:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url, stdout: () => out, stderr: () => err, exited });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then((code) => reject(new Error(`${args[0]} exited (${code}) before printing its URL: ${out}${err}`)));
  });
}
