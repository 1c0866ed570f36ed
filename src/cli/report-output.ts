/**
 * Where a run's reports go, and the terminal while it runs: report destinations checked before the first request,
 * the pretty report printed live (each check as it ends) under a spinner, and every report written on every exit.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Redactor } from '../client/redact.js';
import { ConfigError } from '../common/errors.js';
import type { ReporterName } from '../common/reporter-names.js';
import { terminalText } from '../common/terminal-text.js';
import type { ReporterSpec } from '../config/resolve.js';
import type { Paint } from '../report/pretty.js';
import type { RunOptions } from '../runner/run.js';
import type { RunResult } from '../runner/results.js';

/** A report and where it goes: a file (written whole, or appended for the step summary) or standard output. */
export interface Destination {
  name: ReporterName;
  file?: string;
  append?: boolean;
}

/** The same file, also when named differently (relative, through a symlink). */
function samePath(a: string, b: string): boolean {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : resolve(p));
  return real(a) === real(b);
}

/** Creates the file's folder and opens the file for appending (creating it, truncating nothing); throws ConfigError. */
function checkWritable(file: string, what: string): void {
  const folder = dirname(resolve(file));
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new ConfigError(`cannot create the folder ${folder} for ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) throw new ConfigError(`${what} ${file} is a folder, not a file`);
  try {
    closeSync(openSync(file, 'a'));
  } catch (err) {
    throw new ConfigError(`cannot write ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * The reports to write, checked before the run sends anything: at most one on standard output, no file twice, each
 * file's folder created and the file writable (else a ConfigError, exit 2, at once — not after the whole run). On
 * GitHub Actions ($GITHUB_STEP_SUMMARY set) a markdown summary is appended to the step summary, once: a markdown
 * report the user already sends there is appended rather than overwriting the step's earlier summaries.
 */
export function reportDestinations(specs: readonly ReporterSpec[], env: NodeJS.ProcessEnv): Destination[] {
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    throw new ConfigError(
      `${toStdout.length} reporters write to standard output (${toStdout.map((s) => s.name).join(', ')}): give all but one a file, e.g. --reporter ${toStdout[1]!.name}=scim-check.${toStdout[1]!.name === 'junit' ? 'xml' : toStdout[1]!.name}`,
    );
  }
  const destinations: Destination[] = specs.map((s) => ({ name: s.name as ReporterName, ...(s.file !== undefined ? { file: s.file } : {}) }));
  const files = destinations.filter((d) => d.file !== undefined);
  files.forEach((d, i) => {
    const twice = files.slice(0, i).find((other) => samePath(other.file!, d.file!));
    if (twice) throw new ConfigError(`the ${twice.name} and ${d.name} reports both write to ${d.file}: give each its own file`);
  });
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary) {
    const mine = destinations.find((d) => d.name === 'markdown' && d.file !== undefined && samePath(d.file, summary));
    if (mine) mine.append = true;
    else destinations.push({ name: 'markdown', file: summary, append: true });
  }
  for (const d of destinations) if (d.file !== undefined) checkWritable(d.file, d.file === summary ? 'the GitHub step summary ($GITHUB_STEP_SUMMARY)' : `the ${d.name} report`);
  return destinations;
}

interface Spinner {
  text: string;
  start(): Spinner;
  stop(): Spinner;
  clear(): Spinner;
  render(): Spinner;
}

/** The spinner on stderr at a terminal; coloured only when the report is (NO_COLOR, TERM=dumb: no colour). */
async function startSpinner(colour: boolean): Promise<Spinner | undefined> {
  // A terminal that reports no width (some pseudo-terminals) makes ora's line clearing loop without end.
  if (!process.stdout.isTTY || !process.stderr.isTTY || !(process.stderr.columns > 0)) return undefined;
  const { default: ora } = await import('ora');
  // discardStdin off: ora would put the terminal in raw mode, where Ctrl-C is a byte, not a SIGINT.
  return ora({ text: 'starting', stream: process.stderr, discardStdin: false, ...(colour ? {} : { color: false }) }).start();
}

export interface RunOutput {
  /** Progress hooks for run(): the live report and the spinner's text. */
  hooks: Pick<RunOptions, 'onStart' | 'onCheckStart' | 'onCheckEnd'>;
  /** The checks are over (cleanup included): the spinner goes. */
  stopSpinner(): void;
  /** Writes every report (stdout's pretty one finishes its live output); throws on a file that cannot be written. */
  writeReports(result: RunResult): Promise<void>;
}

export interface OutputOptions {
  verbose: boolean;
  /** Colours for the terminal (never for files). */
  paint?: Paint;
  redactor: Redactor;
}

/**
 * The terminal side of a run. A pretty report on standard output is printed as the run goes (lines are redacted
 * like every report); on a terminal a spinner on stderr names the running check and steps aside for each print.
 */
export async function startRunOutput(destinations: readonly Destination[], options: OutputOptions): Promise<RunOutput> {
  const { reporters } = await import('../report/index.js');
  const { livePretty } = await import('../report/pretty.js');
  let spinner = await startSpinner(options.paint !== undefined);
  const print = (text: string): void => {
    spinner?.clear();
    process.stdout.write(options.redactor.redact(text));
    spinner?.render();
  };
  const liveTarget = destinations.find((d) => d.name === 'pretty' && d.file === undefined);
  // Check lines fit the terminal they are printed on (a pipe or file keeps the fixed layout).
  const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
  const live = liveTarget ? livePretty(print, { verbose: options.verbose, ...(options.paint ? { paint: options.paint } : {}), ...(width ? { width } : {}) }) : undefined;
  let total = 0;
  let done = 0;
  const hooks: RunOutput['hooks'] = {
    onStart: (plan) => {
      total = plan.suites.reduce((n, s) => n + s.checks.length, 0);
      live?.start(plan);
    },
    onCheckStart: (check) => {
      if (spinner) spinner.text = `${done}/${total} done · ${terminalText(check.id)}  ${terminalText(check.title)}`;
    },
    onCheckEnd: (check) => {
      done++;
      live?.checkDone(check);
    },
  };
  return {
    hooks,
    stopSpinner: () => {
      spinner?.stop();
      spinner = undefined;
    },
    async writeReports(result) {
      for (const d of destinations) {
        if (d === liveTarget) {
          // On a fatal error (exit 2 or 3) the one line on stderr says it all; stdout stays empty.
          if (!result.fatal) live!.finish(result);
          continue;
        }
        const render = await reporters[d.name]();
        const toFile = d.file !== undefined;
        const text = options.redactor.redact(render(result, { verbose: options.verbose, ...(options.paint && !toFile ? { paint: options.paint } : {}) }));
        if (!toFile) process.stdout.write(text);
        else if (d.append) appendFileSync(d.file!, text);
        else writeFileSync(d.file!, text);
      }
    },
  };
}

/**
 * The end of a run-like command: its fatal line (if any) on stderr, then every report. Resolves to the exit code,
 * 2 when a report cannot be written.
 */
export async function finishReports(output: RunOutput, result: RunResult, redactor: Redactor): Promise<number> {
  // Multi-line: a bad suite or mapping file lists each problem on its own line.
  if (result.fatal) process.stderr.write(`scim-check: ${terminalText(redactor.redact(result.fatal), { multiline: true })}\n`);
  try {
    // Every exit writes every report (a fatal error and an interruption included), each saying what happened.
    await output.writeReports(result);
  } catch (err) {
    process.stderr.write(`scim-check: cannot write the report: ${terminalText(redactor.redact(err instanceof Error ? err.message : String(err)))}\n`);
    return 2;
  }
  return result.exitCode;
}
