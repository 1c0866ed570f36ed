import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { untilStopped } from './interrupts.js';

interface RecordFlags {
  target?: string;
  listen: string;
  host: string;
  out?: string;
  tlsCert?: string;
  tlsKey?: string;
  ca?: string;
  insecure?: boolean;
  pseudonymise?: boolean;
  redact?: string[];
  har?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** A bad flag: one line on stderr, exit 2. */
class RecordUsageError extends Error {}

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description('a recording proxy: point your identity provider at it; every exchange with the real SCIM server is written to a recording')
    .option('--target <url>', 'the real SCIM base URL the proxy forwards to, e.g. https://app.example.com/scim/v2')
    .option('--listen <port>', 'port to listen on (0 picks a free port)', '8443')
    .option('--host <host>', 'interface to listen on (0.0.0.0 to be reachable from other machines or a tunnel)', '127.0.0.1')
    .option('--out <file>', 'the recording file (JSON lines; never overwritten; default scim-check-recording-<time>.jsonl)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--ca <file>', "trust this PEM CA for the target's certificate")
    .option('--insecure', "do not verify the target's TLS certificate")
    .option('--pseudonymise', 'replace names, e-mails and userNames by consistent pseudonyms in the recording')
    .option('--redact <regex>', 'also mask every match of this regular expression in the recording (repeatable)', collect)
    .option('--har <file>', 'also write the recording as HAR 1.2 when the proxy stops')
    .option('--quiet', 'no line per exchange')
    .addHelpText(
      'after',
      '\nSecrets never reach the file: Authorization and cookies become placeholders (replay uses its own credentials),\n' +
        'password values and --redact matches are masked. Replay it with: scim-check replay FILE [--url … --token …]',
    )
    .action(async (flags: RecordFlags) => {
      process.exitCode = await record(flags);
    });
}

function patterns(sources: string[]): RegExp[] {
  return sources.map((source) => {
    try {
      return new RegExp(source, 'g');
    } catch {
      throw new RecordUsageError(`--redact ${JSON.stringify(source)} is not a valid regular expression`);
    }
  });
}

async function record(flags: RecordFlags): Promise<number> {
  const { startRecorder, readPem } = await import('../recorder/proxy.js');
  const { ConfigError } = await import('../common/errors.js');
  const { maskQuerySecrets } = await import('../recording/scrub.js');
  const { RecordingFileError } = await import('../recording/writer.js');
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const out = flags.out ?? `scim-check-recording-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  try {
    if (!flags.target) throw new RecordUsageError('--target is required: the SCIM base URL of the real server, e.g. --target https://app.example.com/scim/v2');
    if (!/^\d+$/.test(flags.listen) || Number(flags.listen) > 65535) throw new RecordUsageError(`--listen must be a port from 0 to 65535 (got "${flags.listen}")`);
    if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new RecordUsageError('--tls-cert and --tls-key go together');
    recorder = await startRecorder({
      target: flags.target,
      out,
      port: Number(flags.listen),
      host: flags.host,
      ...(flags.tlsCert && flags.tlsKey ? { tls: { cert: readPem('--tls-cert', flags.tlsCert), key: readPem('--tls-key', flags.tlsKey) } } : {}),
      ...(flags.ca ? { ca: readPem('--ca', flags.ca).toString('utf8') } : {}),
      ...(flags.insecure ? { insecure: true } : {}),
      ...(flags.pseudonymise ? { pseudonymise: true } : {}),
      ...(flags.redact?.length ? { redactPatterns: patterns(flags.redact) } : {}),
      ...(flags.quiet ? {} : { log: (line: string) => void process.stdout.write(`${line}\n`) }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const known = err instanceof RecordUsageError || err instanceof ConfigError || err instanceof RecordingFileError;
    if (!known && code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
    const message = code === 'EADDRINUSE' ? `port ${flags.listen} on ${flags.host} is already in use (try --listen 0)` : (err as Error).message;
    process.stderr.write(`scim-check record: ${message}\n`);
    return 2;
  }
  // Listening for the stop signal before the URL line: whoever reads that line may signal at once.
  const stopped = untilStopped('record', () => recorder.close());
  // A key in the target's query is the user's secret: shown masked (they have it; the IdP needs the same query).
  const shownUrl = maskQuerySecrets(recorder.url);
  process.stdout.write(`Recording proxy listening at ${shownUrl}\n`);
  if (shownUrl !== recorder.url) process.stdout.write("(the target's query is masked here: give the IdP the same query as --target)\n");
  process.stdout.write(`Forwarding to ${flags.target!.replace(/\?.*$/, '')}; writing ${out}${flags.pseudonymise ? ' (pseudonymised)' : ''}\n`);
  process.stdout.write("Point your identity provider's SCIM base URL at the address above. Press Ctrl+C to stop.\n");

  await stopped;
  process.stdout.write(`Recorded ${recorder.exchanges} exchange${recorder.exchanges === 1 ? '' : 's'} to ${out}\n`);
  if (flags.har) {
    const { readFileSync } = await import('node:fs');
    const { parseRecording } = await import('../recording/format.js');
    const { toHar } = await import('../recording/har.js');
    try {
      const { recording } = parseRecording(readFileSync(out, 'utf8'), out);
      writeFileSync(flags.har, `${JSON.stringify(toHar(recording), null, 2)}\n`);
      process.stdout.write(`Wrote HAR to ${flags.har}\n`);
    } catch (err) {
      process.stderr.write(`scim-check record: cannot write ${flags.har}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  return 0;
}
