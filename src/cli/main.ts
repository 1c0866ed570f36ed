import { Command, CommanderError } from 'commander';
import { registerInit } from './init.js';
import { registerList } from './list.js';
import { registerLoad } from './load.js';
import { registerRecord } from './record.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';
import { registerValidate } from './validate.js';
import { toolVersion } from '../common/version.js';

/** Builds the command tree. Each command lives in its own file and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('scim-check')
    .description('SCIM 2.0 conformance tester for Okta/Entra provisioning, and a reference SCIM server')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run scim-check --help for usage)')
    .addHelpText('after', '\n`run` is the default command: `scim-check --url URL --token T` tests a SCIM server, and plain `scim-check`\ntests the built-in reference server. `scim-check run --help` lists its options.');
  registerRun(program);
  registerServe(program);
  registerLoad(program);
  registerList(program);
  registerValidate(program);
  registerRecord(program);
  registerReplay(program);
  registerInit(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed the message).
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
}
