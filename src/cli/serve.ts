import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { untilStopped } from './interrupts.js';

/** A bad flag or configuration: one line on stderr, exit 2. */
class ServeUsageError extends Error {}

interface ServeFlags {
  port: string;
  host: string;
  token?: string;
  basic?: string;
  basePath: string;
  seed?: string;
  quiet?: boolean;
  fault?: string[];
  listFaults?: boolean;
  latency?: string;
  tlsCert?: string;
  tlsKey?: string;
  requestLog?: string;
  maxBody?: string;
  data?: string;
  record?: string;
  pseudonymise?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function wholeNumber(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) > max) throw new ServeUsageError(`${flag} must be a whole number from 0 to ${max} (got "${value}")`);
  return Number(value);
}

function readFileFlag(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ServeUsageError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the reference SCIM 2.0 server (Users, Groups, discovery) — a passing baseline and a mock target')
    .option('--port <n>', 'port to listen on (0 picks a free port)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--token <token>', 'bearer token clients must send (default: $SCIM_CHECK_TOKEN, else a random one, printed once)')
    .option('--basic <user:pass>', 'accept HTTP Basic credentials (instead of, or besides, a token)')
    .option('--base-path <path>', 'path the SCIM endpoints live under', '/scim/v2')
    .option('--seed <file|none>', 'data to start with: a seed JSON file, or none (default: fixtures/seed.json); with --data, only while the directory holds no data')
    .option('--data <dir>', 'keep users and groups in this directory across restarts (a crash-safe journal; created if missing)')
    .option('--quiet', 'no per-request log lines')
    .option('--fault <id>', 'break the server in a named way (repeatable; see --list-faults)', collect)
    .option('--list-faults', 'list the fault modes and exit')
    .option('--latency <ms>', 'delay every response by this many milliseconds')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--request-log <file>', 'append every request and response (redacted) to this file as JSON lines')
    .option('--record <file>', 'write every exchange to a new recording file, for scim-check replay (secrets never reach it)')
    .option('--pseudonymise', 'with --record: replace names, e-mails and userNames by consistent pseudonyms')
    .option('--max-body <bytes>', 'largest request body accepted (default 1048576)')
    .action(async (flags: ServeFlags) => {
      try {
        await serve(flags);
      } catch (err) {
        const { DataDirError, RecordingFileError, SeedError, UnknownFaultError } = await import('../server/index.js');
        const known = err instanceof ServeUsageError || err instanceof SeedError || err instanceof UnknownFaultError || err instanceof DataDirError || err instanceof RecordingFileError;
        const code = (err as NodeJS.ErrnoException).code;
        if (!known && code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
        const message = code === 'EADDRINUSE' ? `port ${flags.port} on ${flags.host} is already in use (try --port 0)` : (err as Error).message;
        process.stderr.write(`scim-check serve: ${message}\n`);
        process.exitCode = 2;
      }
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  const server = await import('../server/index.js');
  if (flags.listFaults) {
    const faults = server.allFaults();
    const width = Math.max(...faults.map((f) => f.id.length));
    for (const fault of faults) process.stdout.write(`${fault.id.padEnd(width)}  ${fault.description}\n`);
    return;
  }
  const port = wholeNumber('--port', flags.port, 65535);
  const latencyMs = flags.latency === undefined ? undefined : wholeNumber('--latency', flags.latency, 600_000);
  const maxBodyBytes = flags.maxBody === undefined ? undefined : wholeNumber('--max-body', flags.maxBody, 1024 ** 3);
  let basic: { user: string; pass: string } | undefined;
  if (flags.basic !== undefined) {
    const colon = flags.basic.indexOf(':');
    if (colon <= 0) throw new ServeUsageError('--basic must be user:password');
    basic = { user: flags.basic.slice(0, colon), pass: flags.basic.slice(colon + 1) };
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new ServeUsageError('--tls-cert and --tls-key go together');
  const tls = flags.tlsCert && flags.tlsKey ? { cert: readFileFlag('--tls-cert', flags.tlsCert), key: readFileFlag('--tls-key', flags.tlsKey) } : undefined;
  const faults = flags.fault ?? [];
  const envToken = process.env['SCIM_CHECK_TOKEN'] || undefined;
  const token = flags.token ?? (basic ? undefined : envToken);
  // A tuning knob, not an option: how large the journal grows before it is compacted (tests make it tiny).
  const compactEnv = process.env['SCIM_CHECK_DATA_COMPACT_BYTES'];
  const dataCompactBytes = compactEnv ? wholeNumber('SCIM_CHECK_DATA_COMPACT_BYTES', compactEnv, 2 ** 40) : undefined;

  const running = await server.startServer({
    port,
    host: flags.host,
    ...(token !== undefined ? { token } : {}),
    ...(basic ? { basic } : {}),
    basePath: flags.basePath,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(dataCompactBytes !== undefined ? { dataCompactBytes } : {}),
    quiet: flags.quiet === true,
    faults,
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    ...(tls ? { tls } : {}),
    ...(flags.requestLog !== undefined ? { requestLogFile: flags.requestLog } : {}),
    ...(flags.record !== undefined ? { recordFile: flags.record, ...(flags.pseudonymise ? { recordPseudonymise: true } : {}) } : {}),
  });

  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  for (const notice of running.notices) process.stderr.write(`scim-check serve: ${notice}\n`);
  // Listening for the stop signal before the URL line: whoever reads that line may signal at once.
  const stopped = untilStopped('serve', () => running.close());
  out(`SCIM server listening at ${running.url}`);
  if (token === undefined && running.token !== undefined) out(`Bearer token (generated; shown only now): ${running.token}`);
  else if (token !== undefined) out(`Auth: bearer token${flags.token === undefined ? ' from SCIM_CHECK_TOKEN' : ''}${basic ? ', or HTTP Basic' : ''}`);
  else out('Auth: HTTP Basic');
  if (faults.length > 0) out(`Fault modes on: ${faults.join(', ')}`);
  if (flags.data !== undefined) out(`Data: ${flags.data} (${running.store.users.size} users, ${running.store.groups.size} groups; every acknowledged write is on disk)`);
  out('Press Ctrl+C to stop.');

  await stopped;
}
