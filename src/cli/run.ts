import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ANYWHERE_SECRET_LENGTH, createRedactor } from '../client/redact.js';
import { closestKey } from '../common/closest-key.js';
import { terminalText } from '../common/terminal-text.js';
import type { LoadedConfig, ResolvedOptions, RunFlags } from '../config/resolve.js';
import { ConfigError } from '../runner/errors.js';
import type { Destination } from './report-output.js';
import type { Paint } from '../report/pretty.js';
import type { RunOptions } from '../runner/run.js';
import type { RunResult } from '../runner/results.js';
import { watchInterrupts } from './interrupts.js';

/** The flags as commander hands them over; their meaning and precedence live in src/config/resolve.ts. */
type CliFlags = RunFlags & { config?: string; verbose?: boolean; /** --bail, --fail-fast (commander names it after the last flag). */ failFast?: boolean };

// No default array: commander would print "(default: [])" in --help; an absent flag stays undefined.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Name of the config file looked for in the working directory (see src/config/load.ts, loaded only if present). */
const DEFAULT_CONFIG_FILE = 'scim-check.config.json';

/** The config file taking part, if any: --config FILE, else ./scim-check.config.json when it exists. */
export async function configFile(flags: { config?: string }): Promise<LoadedConfig | undefined> {
  if (flags.config === undefined && !existsSync(DEFAULT_CONFIG_FILE)) return undefined;
  const { loadConfig } = await import('../config/load.js');
  return loadConfig({ cwd: process.cwd(), ...(flags.config !== undefined ? { configPath: flags.config } : {}) });
}

/** Run options from the resolved flags/environment/file; reads the CA file. Throws ConfigError. */
function runOptionsFrom(resolved: ResolvedOptions): RunOptions {
  const options: RunOptions = {
    auth: resolved.auth,
    timeoutMs: resolved.timeoutMs,
    insecure: resolved.insecure,
    readOnly: resolved.readOnly,
    runscopePauses: resolved.runscopePauses,
    keep: resolved.keep,
    prefix: resolved.prefix,
    userDomain: resolved.userDomain,
    oktaApp: resolved.oktaApp,
    idp: resolved.idp,
    entraFlag: resolved.entraFlag,
    strict: resolved.strict,
    bail: resolved.bail,
    concurrency: resolved.concurrency,
  };
  if (resolved.url !== undefined) options.url = resolved.url;
  if (Object.keys(resolved.headers).length) options.headers = resolved.headers;
  if (resolved.suites) options.suites = resolved.suites;
  if (resolved.only) options.only = resolved.only;
  if (resolved.deadlineMs !== undefined) options.deadlineMs = resolved.deadlineMs;
  if (resolved.proxy !== undefined) options.proxy = resolved.proxy;
  if (resolved.allowFailures.length) options.allowFailures = resolved.allowFailures;
  if (resolved.mappingFile !== undefined) options.mapping = resolved.mappingFile;
  if (resolved.burst !== undefined) options.burst = resolved.burst;
  if (resolved.burstSpreadMs !== undefined) options.burstSpreadMs = resolved.burstSpreadMs;
  if (resolved.caFile !== undefined) {
    try {
      options.ca = readFileSync(resolved.caFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read --ca file ${resolved.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    if (!options.ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`--ca file ${resolved.caFile} holds no PEM certificate`);
  }
  return options;
}

/** Colour on a terminal unless NO_COLOR or TERM=dumb; FORCE_COLOR (not "0") forces it on, "0" off. */
export function wantsColour(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTty;
}

export async function colourPaint(): Promise<Paint> {
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  return { pass: c.green, fail: c.red, skip: c.gray, warn: c.yellow, dim: c.dim, bold: c.bold };
}

/** Every secret the flags carry, for a last redaction pass over everything printed or written. */
export function secretsOf(options: Pick<RunOptions, "auth" | "headers">): string[] {
  const secrets: string[] = [];
  const auth = options.auth;
  if (auth?.kind === 'bearer') secrets.push(auth.token);
  if (auth?.kind === 'basic') secrets.push(auth.pass, Buffer.from(`${auth.user}:${auth.pass}`).toString('base64'));
  if (auth?.kind === 'oauth2') secrets.push(auth.clientSecret);
  for (const value of Object.values(options.headers ?? {})) secrets.push(value);
  // This pass sees scim-check's own text too (titles, descriptions): a short secret there is an ordinary word. The
  // client masks short ones wherever they came over the wire (src/client/redact.ts).
  return secrets.filter((s) => s.length >= ANYWHERE_SECRET_LENGTH);
}

/**
 * What a run-like command may add to the options from its flags: `replay` gives the converted recording as
 * `suiteData`, and runs only it unless --suite names more.
 */
export interface RunExtras {
  suiteData?: RunOptions['suiteData'];
  onlyGivenSuites?: boolean;
}

/** Runs with the flags of `run` (and the extras of a command built on it); resolves to the exit code. */
export async function executeRun(flags: CliFlags, extras: RunExtras = {}): Promise<number> {
  const { resolveOptions } = await import('../config/resolve.js');
  const { finishReports, reportDestinations, startRunOutput } = await import('./report-output.js');
  let options: RunOptions;
  let destinations: Destination[];
  try {
    const { failFast, ...runFlags } = flags;
    const resolved = resolveOptions({ flags: failFast ? { ...runFlags, bail: true } : runFlags, env: process.env, file: await configFile(flags) });
    options = runOptionsFrom(resolved);
    if (extras.suiteData) options.suiteData = extras.suiteData;
    if (extras.onlyGivenSuites && flags.suite === undefined) delete options.suites;
    destinations = reportDestinations(resolved.reporters, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`scim-check: ${terminalText(err.message, { multiline: true })}\n`);
    return 2;
  }
  const redactor = createRedactor(secretsOf(options));
  const { run } = await import('../runner/run.js');

  const interrupts = watchInterrupts('cleaning up what this run created');
  options.signal = interrupts.signal;

  const colour = wantsColour(process.env, Boolean(process.stdout.isTTY));
  const output = await startRunOutput(destinations, { verbose: Boolean(flags.verbose), redactor, ...(colour ? { paint: await colourPaint() } : {}) });
  Object.assign(options, output.hooks);
  let result: RunResult;
  try {
    result = await run(options);
  } finally {
    output.stopSpinner();
    // Cleanup is over: a signal while the reports are written quits with 130/143.
    interrupts.release();
  }

  return finishReports(output, result, redactor);
}

/** "unknown command 'servee' (did you mean serve?)", or, after an explicit `run`, the words it does not take. */
function unexpectedWords(words: string[], run: Command): string {
  const program = run.parent!;
  if (program.args[0] === run.name()) return `error: 'run' takes no arguments (got ${words.map((w) => `'${terminalText(w)}'`).join(', ')}); options start with --`;
  const names = program.commands.map((c) => c.name());
  const near = closestKey(words[0]!, names);
  return `error: unknown command '${terminalText(words[0]!)}'${near ? ` (did you mean ${near}?)` : ` (commands: ${names.join(', ')})`}`;
}

export function registerRun(program: Command): void {
  addRunOptions(
    program
      .command('run', { isDefault: true })
      .description('run conformance suites against a SCIM server (the default command; without --url, against the built-in reference server)'),
  )
    .addHelpText(
      'after',
      '\nEvery option can also come from SCIM_CHECK_<NAME> variables or the config file (flags > environment > file).\n' +
        'Exit codes: 0 all required checks passed, 1 a check failed, 2 usage or configuration error,\n3 the target could not be reached, rejected the credentials or is not a SCIM endpoint,\n130 interrupted (Ctrl-C), 143 terminated (SIGTERM); both clean up first.\n' +
        'The pretty report prints each check as it ends; every report is written on every exit, saying what happened.\n' +
        'With $GITHUB_STEP_SUMMARY set (GitHub Actions), the markdown summary is appended to it.',
    )
    // Words after the options reach `run` (the default command) when nothing else matched: a mistyped command.
    .allowExcessArguments(true)
    .action(async (flags: CliFlags, command: Command) => {
      if (command.args.length) {
        process.stderr.write(`${unexpectedWords(command.args, command)}\n(run scim-check --help for usage)\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await executeRun(flags);
    });
}

/** The options of `run`: shared by every command that runs suites (`run`, `replay`). */
export function addRunOptions(command: Command): Command {
  return command
    .option('--url <url>', 'SCIM base URL, e.g. https://app.example.com/scim/v2 (or SCIM_CHECK_URL)')
    .option('--token <token>', 'bearer token (or SCIM_CHECK_TOKEN, which keeps it out of shell history)')
    .option('--basic <user:pass>', 'HTTP Basic credentials instead of a token')
    .option('--oauth-token-url <url>', 'OAuth 2.0 client credentials: token endpoint (with --client-id, --client-secret)')
    .option('--client-id <id>', 'OAuth 2.0 client id')
    .option('--client-secret <secret>', 'OAuth 2.0 client secret (or SCIM_CHECK_OAUTH_CLIENT_SECRET)')
    .option('--scope <scope>', 'OAuth 2.0 scope')
    .option('--config <file>', 'config file (default ./scim-check.config.json when present)')
    .option('--header <"Name: value">', 'extra header on every request (repeatable; values are treated as secrets)', collect)
    .option('--suite <name|file>', 'suite id, "all", or a suite JSON file (repeatable; default: the suites of --idp)', collect)
    .option('--only <check-id>', 'run only this check and its prerequisites (repeatable)', collect)
    .option('--timeout <ms>', 'per-request timeout, ms or a duration like 30s (default 30s)')
    .option('--deadline <ms>', 'overall deadline for the checks, ms or a duration like 5m; cleanup still runs after it')
    .option('--insecure', 'do not verify the TLS certificate')
    .option('--proxy <url>', 'HTTP(S) proxy (default: HTTPS_PROXY / NO_PROXY from the environment)')
    .option('--ca <file>', 'trust this PEM CA certificate (private CAs)')
    .option('--verbose', 'print the redacted transcript of every exchange')
    .addOption(new Option('--idp <name>', 'identity provider to model: okta (default: okta-spec, okta-users, okta-groups) or entra (the entra suite, Entra\'s headers)').choices(['okta', 'entra']))
    .addOption(new Option('--okta-app <variant>', 'Okta app type to model: oin (catalog, PATCH) or aiw (private app, PUT)').choices(['oin', 'aiw']))
    .addOption(new Option('--entra-flag <shape>', 'Entra request shapes: on (aadOptscim062020 flag), off (without it) or both (default)').choices(['on', 'off', 'both']))
    .option('--read-only', 'run only checks that do not write; the report lists those left out')
    .option('--runscope-pauses', "wait out the pause steps of a Runscope export given with --suite (default: skipped)")
    .option('--keep', 'leave the resources the run creates, and print their ids')
    .option('--prefix <prefix>', 'name prefix of created resources (default scim-check-)')
    .option('--user-domain <domain>', 'domain for generated userNames and e-mails (default example.com)')
    .option('--mapping <file>', "the app's custom attributes with sample values (JSON), sent on creates and updates and checked back")
    .option('--reporter <name[=file]>', 'pretty (default), json, junit, markdown, html, tap; to a file with =FILE (repeatable; at most one without a file)', collect)
    .option('--allow-failure <check-id>', 'report this check as a known failure without failing the run (repeatable)', collect)
    .option('--strict', 'SHOULD-level failures fail the run too')
    .option('--bail, --fail-fast', 'stop starting checks after the first failure that fails the run (cleanup still runs)')
    .option('--concurrency <n>', 'suites run at once (default 1; output order stays the same)')
    .option('--burst <n>', 'requests the concurrency suite sends at once (2 to 100; default 10)')
    .option('--burst-spread <ms>', "spread each burst's requests over this time, ms or e.g. 50ms (default 0: all at once)");
}
