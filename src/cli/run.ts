import type { Command } from 'commander';

// Placeholder until the 'run' command lands; replaced by its owner.
export function registerRun(program: Command): void {
  program.command('run').description('(run: not built yet)').action(() => {
    process.stderr.write('scim-check: run is not built yet\n');
    process.exitCode = 2;
  });
}
