import type { Command } from 'commander';

// Placeholder until the 'serve' command lands; replaced by its owner.
export function registerServe(program: Command): void {
  program.command('serve').description('(serve: not built yet)').action(() => {
    process.stderr.write('scim-check: serve is not built yet\n');
    process.exitCode = 2;
  });
}
