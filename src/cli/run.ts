import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createRedactor } from '../client/redact.js';
import type { Paint } from '../report/pretty.js';
import type { RunOptions } from '../runner/run.js';
import type { RunResult } from '../runner/results.js';

/** Thrown for a bad flag value: one line on stderr, exit 2. */
class UsageError extends Error {}

interface RunFlags {
  url?: string;
  token?: string;
  basic?: string;
  header: string[];
  suite: string[];
  only: string[];
  timeout?: string;
  deadline?: string;
  insecure?: boolean;
  ca?: string;
  verbose?: boolean;
  oktaApp?: string;
  readOnly?: boolean;
  keep?: boolean;
  prefix?: string;
  userDomain?: string;
  reporter: string[];
  allowFailure: string[];
  strict?: boolean;
  concurrency?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number of milliseconds (got "${value}")`);
  return Number(value);
}

function parseHeader(spec: string): [string, string] {
  const colon = spec.indexOf(':');
  const name = colon > 0 ? spec.slice(0, colon).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header must look like "Name: value" (got a value without a valid "Name:")`);
  return [name, spec.slice(colon + 1).trim()];
}

export interface ReporterSpec {
  name: string;
  file?: string;
}

export function parseReporter(spec: string, known: string[]): ReporterSpec {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const file = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!known.includes(name)) throw new UsageError(`unknown reporter "${name}" (available: ${known.join(', ')})`);
  if (file === '') throw new UsageError(`--reporter ${name}= needs a file name after "="`);
  return file ? { name, file } : { name };
}

/** Turns the flags into run options; throws UsageError for values that make no sense. */
export function optionsFromFlags(flags: RunFlags): RunOptions {
  const options: RunOptions = {};
  if (flags.url !== undefined) options.url = flags.url;
  if (flags.token !== undefined) {
    if (flags.token === '') throw new UsageError('--token (or SCIM_CHECK_TOKEN) is empty');
    options.token = flags.token;
  }
  if (flags.basic !== undefined) {
    const colon = flags.basic.indexOf(':');
    if (colon <= 0) throw new UsageError('--basic must be user:password');
    options.basic = { user: flags.basic.slice(0, colon), pass: flags.basic.slice(colon + 1) };
  }
  if (flags.header.length) options.headers = Object.fromEntries(flags.header.map(parseHeader));
  if (flags.suite.length) options.suites = flags.suite;
  if (flags.only.length) options.only = flags.only;
  const timeoutMs = positiveInt('--timeout', flags.timeout);
  if (timeoutMs) options.timeoutMs = timeoutMs;
  const deadlineMs = positiveInt('--deadline', flags.deadline);
  if (deadlineMs) options.deadlineMs = deadlineMs;
  const concurrency = positiveInt('--concurrency', flags.concurrency);
  if (concurrency) options.concurrency = concurrency;
  if (flags.insecure) options.insecure = true;
  if (flags.ca !== undefined) {
    try {
      options.ca = readFileSync(flags.ca, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --ca file ${flags.ca}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (!options.ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca file ${flags.ca} holds no PEM certificate`);
  }
  if (flags.oktaApp !== undefined) options.oktaApp = flags.oktaApp as 'oin' | 'aiw';
  if (flags.readOnly) options.readOnly = true;
  if (flags.keep) options.keep = true;
  if (flags.prefix !== undefined) options.prefix = flags.prefix;
  if (flags.userDomain !== undefined) options.userDomain = flags.userDomain;
  if (flags.allowFailure.length) options.allowFailures = flags.allowFailure;
  if (flags.strict) options.strict = true;
  return options;
}

/** Colour on a terminal unless NO_COLOR; FORCE_COLOR (not "0") forces it on, "0" off. */
export function wantsColour(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTty;
}

async function colourPaint(): Promise<Paint> {
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  return { pass: c.green, fail: c.red, skip: c.gray, warn: c.yellow, dim: c.dim, bold: c.bold };
}

/** Every secret the flags carry, for a last redaction pass over everything printed or written. */
function secretsOf(options: RunOptions): string[] {
  const secrets: string[] = [];
  if (options.token) secrets.push(options.token);
  if (options.basic) secrets.push(options.basic.pass, Buffer.from(`${options.basic.user}:${options.basic.pass}`).toString('base64'));
  for (const value of Object.values(options.headers ?? {})) secrets.push(value);
  return secrets.filter((s) => s.length >= 3);
}

interface Spinner {
  text: string;
  start(): Spinner;
  stop(): Spinner;
}

async function startSpinner(): Promise<Spinner | undefined> {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return undefined;
  const { default: ora } = await import('ora');
  return ora({ text: 'starting', stream: process.stderr }).start();
}

async function execute(flags: RunFlags): Promise<number> {
  const { reporterNames, reporters } = await import('../report/index.js');
  let options: RunOptions;
  let specs: ReporterSpec[];
  try {
    options = optionsFromFlags(flags);
    specs = (flags.reporter.length ? flags.reporter : ['pretty']).map((r) => parseReporter(r, reporterNames()));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`scim-check: ${err.message}\n`);
    return 2;
  }
  const redactor = createRedactor(secretsOf(options));
  const { run } = await import('../runner/run.js');

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
    process.stderr.write('\nscim-check: interrupted; cleaning up what this run created (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  options.signal = controller.signal;

  const spinner = await startSpinner();
  if (spinner) {
    let done = 0;
    options.onCheckStart = (c) => (spinner.text = `${c.id}  ${c.title}`);
    options.onCheckEnd = () => (spinner.text = `${++done} checks done`);
  }
  let result: RunResult;
  try {
    result = await run(options);
  } finally {
    spinner?.stop();
    process.off('SIGINT', onSigint);
  }

  if (result.fatal) {
    process.stderr.write(`scim-check: ${redactor.redact(result.fatal)}\n`);
    return result.exitCode;
  }
  const colour = wantsColour(process.env, Boolean(process.stdout.isTTY));
  const paint = colour ? await colourPaint() : undefined;
  try {
    for (const spec of specs) {
      const render = await reporters[spec.name]!();
      const toFile = spec.file !== undefined;
      const text = redactor.redact(render(result, { verbose: Boolean(flags.verbose), ...(paint && !toFile ? { paint } : {}) }));
      if (toFile) writeFileSync(spec.file!, text);
      else process.stdout.write(text);
    }
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile && reporterNames().includes('markdown')) {
      const markdown = await reporters.markdown!();
      appendFileSync(summaryFile, redactor.redact(markdown(result, {})));
    }
  } catch (err) {
    process.stderr.write(`scim-check: cannot write the report: ${redactor.redact(err instanceof Error ? err.message : String(err))}\n`);
    return 2;
  }
  return result.interrupted ? 130 : result.exitCode;
}

export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('run conformance suites against a SCIM server (the default command; without --url, against the built-in reference server)')
    .addOption(new Option('--url <url>', 'SCIM base URL, e.g. https://app.example.com/scim/v2').env('SCIM_CHECK_URL'))
    .addOption(new Option('--token <token>', 'bearer token').env('SCIM_CHECK_TOKEN'))
    .option('--basic <user:pass>', 'HTTP Basic credentials instead of a token')
    .option('--header <"Name: value">', 'extra header on every request (repeatable; values are treated as secrets)', collect, [])
    .option('--suite <name|file>', 'suite id, "all", or a suite JSON file (repeatable; default: the Okta suites)', collect, [])
    .option('--only <check-id>', 'run only this check and its prerequisites (repeatable)', collect, [])
    .option('--timeout <ms>', 'per-request timeout (default 30000)')
    .option('--deadline <ms>', 'overall deadline for the checks; cleanup still runs after it')
    .option('--insecure', 'do not verify the TLS certificate')
    .option('--ca <file>', 'trust this PEM CA certificate (private CAs)')
    .option('--verbose', 'print the redacted transcript of every exchange')
    .addOption(new Option('--okta-app <variant>', 'Okta app type to model: oin (catalog, PATCH) or aiw (private app, PUT)').choices(['oin', 'aiw']))
    .option('--read-only', 'run only checks that do not write; the report lists those left out')
    .option('--keep', 'leave the resources the run creates, and print their ids')
    .option('--prefix <prefix>', 'name prefix of created resources (default scim-check-)')
    .option('--user-domain <domain>', 'domain for generated userNames and e-mails (default example.com)')
    .option('--reporter <name[=file]>', 'pretty (default), json, junit, markdown, html; to a file with =FILE (repeatable)', collect, [])
    .option('--allow-failure <check-id>', 'report this check as a known failure without failing the run (repeatable)', collect, [])
    .option('--strict', 'SHOULD-level failures fail the run too')
    .option('--concurrency <n>', 'suites run at once (default 1; output order stays the same)')
    .addHelpText(
      'after',
      '\nExit codes: 0 all required checks passed, 1 a check failed, 2 usage or configuration error,\n3 the target could not be reached or rejected the credentials, 130 interrupted.',
    )
    .action(async (flags: RunFlags) => {
      process.exitCode = await execute(flags);
    });
}
