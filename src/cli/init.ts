/** `scim-check init [FILE] [--force]`: writes a commented starter config file; never overwrites one unasked. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { starterConfig } from '../config/starter.js';

/** Writes the starter file; returns the message for the user. Throws an Error with a one-line reason. */
export function writeStarterConfig(file: string, force: boolean): string {
  try {
    // `init ci/prod.json` (the README's example) makes the folder.
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new Error(`cannot make the folder of ${file}: ${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : 'a file is in the way'}`);
  }
  try {
    // 'wx' fails if the file exists, atomically: no window between a check and the write.
    writeFileSync(file, starterConfig(), { flag: force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${file} already exists; use --force to overwrite it`);
    if (code === 'EISDIR') throw new Error(`cannot write ${file}: it is a directory`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot write ${file}: permission denied`);
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
  return `Wrote ${file}. Set SCIM_TOKEN (or edit the credentials in the file), then run: npx scim-check run${file === CONFIG_FILE_NAME ? '' : ` --config ${file}`}\n`;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write a commented starter config file (${CONFIG_FILE_NAME})`)
    .argument('[file]', 'where to write it', CONFIG_FILE_NAME)
    .option('--force', 'overwrite an existing file')
    .action((file: string, options: { force?: boolean }) => {
      try {
        process.stdout.write(writeStarterConfig(file, options.force === true));
      } catch (err) {
        process.stderr.write(`scim-check init: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
