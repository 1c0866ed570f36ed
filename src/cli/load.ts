import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createRedactor } from '../client/redact.js';
import type { ReporterSpec } from '../config/resolve.js';
import type { Destination } from './report-output.js';
import { parseDuration } from '../config/values.js';
import { ConfigError } from '../runner/errors.js';
import type { LoadOptions, Progress } from '../runner/loadgen/index.js';
import { terminalText } from '../common/terminal-text.js';
import { colourPaint, configFile, secretsOf, wantsColour } from './run.js';
import { watchInterrupts } from './interrupts.js';

interface LoadFlags {
  url?: string;
  token?: string;
  basic?: string;
  header?: string[];
  config?: string;
  rate?: string;
  duration?: string;
  idp?: 'okta' | 'entra';
  timeout?: string;
  yes?: boolean;
  insecure?: boolean;
  ca?: string;
  proxy?: string;
  prefix?: string;
  userDomain?: string;
  reporter?: string[];
  verbose?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The load options from flags, SCIM_CHECK_* variables and the config file (its `load` section too). */
async function loadOptionsFrom(flags: LoadFlags): Promise<{ options: LoadOptions; specs: ReporterSpec[]; confirmed: boolean }> {
  const { resolveOptions } = await import('../config/resolve.js');
  const file = await configFile(flags);
  const { rate, duration, yes, ...shared } = flags;
  const resolved = resolveOptions({ flags: shared, env: process.env, file });
  const section = file?.data.load ?? {};
  if (resolved.auth.kind === 'oauth2') throw new ConfigError('load sends its requests with --token, --basic or --header credentials; OAuth client credentials are not supported here');
  const options: LoadOptions = { insecure: resolved.insecure, prefix: resolved.prefix, userDomain: resolved.userDomain };
  if (resolved.url !== undefined) options.url = resolved.url;
  if (resolved.auth.kind === 'bearer') options.token = resolved.auth.token;
  if (resolved.auth.kind === 'basic') options.basic = { user: resolved.auth.user, pass: resolved.auth.pass };
  if (Object.keys(resolved.headers).length) options.headers = resolved.headers;
  if (resolved.proxy !== undefined) options.proxy = resolved.proxy;
  // Okta waits 60 s: that, not run's 30 s, is the default here.
  if (resolved.origins.timeoutMs !== 'default') options.timeoutMs = resolved.timeoutMs;
  if (resolved.caFile !== undefined) {
    try {
      options.ca = readFileSync(resolved.caFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read --ca file ${resolved.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  const rateText = rate ?? section.rate;
  if (rateText !== undefined) {
    const value = Number(rateText);
    if (!(Number.isFinite(value) && value > 0)) throw new ConfigError(`--rate must be a positive number of requests per second (got "${String(rateText)}")`);
    options.ratePerS = value;
  }
  const durationText = duration ?? section.duration;
  if (durationText !== undefined) {
    const parsed = parseDuration(durationText);
    if (!parsed.ok) throw new ConfigError(`--duration: ${parsed.message}`);
    options.durationMs = parsed.value;
  }
  // --idp and SCIM_CHECK_IDP, then the load section, then the file's top-level idp (as for run).
  const idpOrigin = resolved.origins['idp'];
  const chosenIdp = idpOrigin === 'flag' || idpOrigin === 'env' ? resolved.idp : (section.idp ?? (idpOrigin === 'file' ? resolved.idp : undefined));
  if (chosenIdp !== undefined) options.idp = chosenIdp;
  return { options, specs: resolved.reporters, confirmed: yes === true || section.confirm === true };
}

/** "load 4.0/10 s · 200 req/s · p50 1.1 ms · p99 4 ms · in flight 2 · failed 0 · 429 0" */
function progressLine(p: Progress & { durationMs: number }, windowMs: number, formatLatency: (ms: number) => string): string {
  const rate = Math.round((p.window.count / windowMs) * 10_000) / 10;
  return `load ${(p.elapsedMs / 1000).toFixed(1)}/${p.durationMs / 1000} s · ${rate} answers/s · p50 ${formatLatency(p.window.percentile(50))} · p99 ${formatLatency(p.window.percentile(99))} · sent ${p.sent} · in flight ${p.inFlight} · failed ${p.failures} · 429 ${p.throttled}`;
}

async function execute(flags: LoadFlags): Promise<number> {
  const { finishReports, reportDestinations, startRunOutput } = await import('./report-output.js');
  let options: LoadOptions;
  let destinations: Destination[];
  let confirmed: boolean;
  try {
    let specs: ReporterSpec[];
    ({ options, specs, confirmed } = await loadOptionsFrom(flags));
    destinations = reportDestinations(specs, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`scim-check: ${terminalText(err.message, { multiline: true })}\n`);
    return 2;
  }
  const { formatLatency, isLoopback, plannedResources, runLoad, LOAD_DEFAULTS } = await import('../runner/loadgen/index.js');
  const auth = options.token ? { kind: 'bearer' as const, token: options.token } : options.basic ? { kind: 'basic' as const, ...options.basic } : { kind: 'none' as const };
  const redactor = createRedactor(secretsOf({ auth, ...(options.headers ? { headers: options.headers } : {}) }));
  const plan = plannedResources(options);
  const target = options.url ?? 'the built-in reference server';
  const idp = options.idp ?? LOAD_DEFAULTS.idp;
  process.stderr.write(
    `scim-check load: ${idp === 'okta' ? 'Okta' : 'Entra'} request mix at ${options.ratePerS ?? LOAD_DEFAULTS.ratePerS} requests/s for ${(options.durationMs ?? LOAD_DEFAULTS.durationMs) / 1000} s against ${terminalText(redactor.redact(target))}:\n` +
      `  about ${plan.requests} requests; creates up to ${plan.users} users and ${plan.groups} groups (named ${options.prefix ?? 'scim-check-'}…, all removed at the end)\n`,
  );
  if (options.url !== undefined && !isLoopback(options.url) && !confirmed) {
    process.stderr.write('scim-check: not started: this target is not on this machine; add --yes (or "load": {"confirm": true} in the config file) to go ahead\n');
    return 2;
  }

  const interrupts = watchInterrupts('stopping the load and removing what it created');
  options.signal = interrupts.signal;
  // A terminal gets one line rewritten in place; a log (CI) a line every 5 s.
  const tty = Boolean(process.stderr.isTTY);
  const everyMs = tty ? 500 : 5_000;
  options.progressEveryMs = everyMs;
  options.onProgress = (p) => process.stderr.write(tty ? `\r\x1b[K${progressLine(p, everyMs, formatLatency)}` : `${progressLine(p, everyMs, formatLatency)}\n`);
  let result;
  try {
    result = await runLoad(options);
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
    interrupts.release();
  }
  // The report output after the load: its spinner would fight the progress line.
  const colour = wantsColour(process.env, Boolean(process.stdout.isTTY));
  const output = await startRunOutput(destinations, { verbose: Boolean(flags.verbose), redactor, ...(colour ? { paint: await colourPaint() } : {}) });
  output.stopSpinner();
  return finishReports(output, result, redactor);
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description("drive an IdP's provisioning request mix at a fixed rate for a bounded time, and judge it against Okta's and Entra's contracts")
    .option('--url <url>', 'SCIM base URL (or SCIM_CHECK_URL); without it, the built-in reference server in a child process')
    .option('--token <token>', 'bearer token (or SCIM_CHECK_TOKEN)')
    .option('--basic <user:pass>', 'HTTP Basic credentials instead of a token')
    .option('--header <"Name: value">', 'extra header on every request (repeatable; values are treated as secrets)', collect)
    .option('--config <file>', 'config file (default ./scim-check.config.json when present; its "load" section too)')
    .option('--rate <n>', 'requests per second, sent on schedule whatever the answers take (default 25)')
    .option('--duration <time>', 'how long, e.g. 30s or 2m (default 30s)')
    .addOption(new Option('--idp <idp>', 'whose request mix and shapes: okta or entra (default okta)').choices(['okta', 'entra']))
    .option('--timeout <time>', 'per request from its due time, e.g. 60s (default 60s, when Okta gives up)')
    .option('--yes', 'go ahead against a target that is not on this machine (or "load": {"confirm": true} in the config)')
    .option('--insecure', 'do not verify the TLS certificate')
    .option('--ca <file>', 'trust this PEM CA certificate (private CAs)')
    .option('--proxy <url>', 'HTTP(S) proxy (default: HTTPS_PROXY / NO_PROXY from the environment)')
    .option('--prefix <prefix>', 'name prefix of created resources (default scim-check-)')
    .option('--user-domain <domain>', 'domain for generated userNames and e-mails (default example.com)')
    .option('--reporter <name[=file]>', 'pretty (default), json, junit, markdown, html (with a latency chart); to a file with =FILE (repeatable)', collect)
    .option('--verbose', 'print the redacted transcript of the failing exchanges')
    .addHelpText(
      'after',
      '\nThe mix: lookups by userName filter, creates, profile updates, deactivations and group membership PATCHes.\n' +
        'Latency counts from the time each request was due. Everything created is removed at the end (Ctrl-C too).\n' +
        'Exit codes: 0 every contract met, 1 a contract broken, 2 usage or configuration error (or not confirmed),\n3 the target could not be reached or rejected the credentials, 130 interrupted, 143 terminated.',
    )
    .action(async (flags: LoadFlags) => {
      process.exitCode = await execute(flags);
    });
}
