import type { Command } from 'commander';

// Placeholder until the 'list' command lands; replaced by its owner.
export function registerList(program: Command): void {
  program.command('list').description('(list: not built yet)').action(() => {
    process.stderr.write('scim-check: list is not built yet\n');
    process.exitCode = 2;
  });
}
