import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../common/errors.js';
import { addRunOptions, executeRun } from './run.js';

interface ReplayFlags {
  asRecorded?: boolean;
  saveSuite?: string;
  suite?: string[];
}

export function registerReplay(program: Command): void {
  addRunOptions(
    program
      .command('replay <recording>')
      .description('replay a recording (scim-check record / serve --record) against a SCIM server and report every difference (without --url, against the built-in reference server)'),
  )
    .option('--as-recorded', 'send userNames and group names exactly as recorded (default: prefixed and made unique per run)')
    .option('--save-suite <file>', 'write the recording as a suite file (scim-check suite format) to edit and commit, then exit')
    .addHelpText(
      'after',
      '\nEach recorded exchange becomes one check: the same request (headers and body), ids the target assigns mapped\n' +
        'into later requests, and the answer compared with the recorded one (status class, schema, attribute values).\n' +
        'Everything the replay creates is removed at the end; it never writes to resources it did not create.\n' +
        'Exit codes as for run: 0 no differences, 1 differences, 2 usage or a bad recording, 3 target unreachable.',
    )
    .action(async (file: string, flags: ReplayFlags) => {
      process.exitCode = await replay(file, flags);
    });
}

async function replay(file: string, flags: ReplayFlags): Promise<number> {
  const { parseRecording } = await import('../recording/format.js');
  const { recordingToSuite } = await import('../runner/replay.js');
  let suite;
  try {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`cannot read recording ${file}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`);
    }
    const { recording, notes } = parseRecording(text, file);
    for (const note of notes) process.stderr.write(`scim-check: ${note}\n`);
    if (recording.exchanges.length === 0) throw new ConfigError(`${file}: the recording holds no exchanges`);
    suite = recordingToSuite(recording, { file, ...(flags.asRecorded ? { asRecorded: true } : {}) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`scim-check: ${err.message}\n`);
    return 2;
  }
  if (flags.saveSuite !== undefined) {
    try {
      mkdirSync(dirname(flags.saveSuite), { recursive: true });
      writeFileSync(flags.saveSuite, `${JSON.stringify(suite, null, 2)}\n`);
    } catch (err) {
      process.stderr.write(`scim-check: cannot write ${flags.saveSuite}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      return 2;
    }
    process.stdout.write(`Wrote ${suite.checks.length} checks (suite "${suite.id}") to ${flags.saveSuite}; run it with: scim-check --suite ${flags.saveSuite}\n`);
    return 0;
  }
  return executeRun(flags as Parameters<typeof executeRun>[0], { suiteData: [suite], onlyGivenSuites: true });
}
