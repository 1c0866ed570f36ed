import type { Command } from 'commander';
import { terminalSafeJson, terminalText } from '../common/terminal-text.js';
import type { LoadedSuite } from '../runner/load.js';
import { displayText } from '../runner/template.js';

/** The listing: per suite its id, title and source, then per check id, level, title, what it asserts, source. */
export function renderList(suites: LoadedSuite[]): string {
  const out: string[] = [];
  for (const { suite } of suites) {
    const flags = [suite.variant ? `variant ${suite.variant}` : '', suite.always ? 'runs in every run' : ''].filter(Boolean).join(', ');
    out.push(`${suite.id} — ${suite.title}${flags ? ` (${flags})` : ''}`);
    out.push(`  source: ${suite.source}`);
    for (const check of suite.checks) {
      const tags = [
        check.level,
        check.writes ? 'writes' : 'read-only',
        check.variant ? `variant ${check.variant}` : '',
        check.entraFlag ? `Entra flag ${check.entraFlag === 'on' ? 'on (aadOptscim062020)' : 'off'} shape` : '',
        check.warnOnly ? 'warning only' : '',
        check.requires?.length ? `if advertised: ${check.requires.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(`  ${check.id}  [${tags}]`);
      out.push(`      ${displayText(check.title)}`);
      out.push(`      asserts: ${displayText(check.description)}`);
      out.push(`      source:  ${check.source}`);
      if (check.dependsOn?.length) out.push(`      after:   ${check.dependsOn.join(', ')}`);
    }
    out.push('');
  }
  const total = suites.reduce((n, s) => n + s.suite.checks.length, 0);
  out.push(`${suites.length} suites, ${total} checks`);
  return `${out.join('\n')}\n`;
}

/** The same listing as data (`list --json`): what tools need to pick checks, e.g. for --only or --allow-failure. */
export function listJson(suites: LoadedSuite[]): string {
  const data = {
    suites: suites.map(({ suite }) => ({
      id: suite.id,
      title: suite.title,
      description: suite.description,
      source: suite.source,
      ...(suite.variant ? { variant: suite.variant } : {}),
      ...(suite.always ? { always: true } : {}),
      checks: suite.checks.map((check) => ({
        id: check.id,
        title: displayText(check.title),
        description: displayText(check.description),
        level: check.level,
        source: check.source,
        writes: Boolean(check.writes),
        ...(check.variant ? { variant: check.variant } : {}),
        ...(check.dependsOn?.length ? { dependsOn: check.dependsOn } : {}),
        ...(check.requires?.length ? { requires: check.requires } : {}),
        ...(check.warnOnly ? { warnOnly: true } : {}),
        ...(check.entraFlag ? { entraFlag: check.entraFlag } : {}),
      })),
    })),
  };
  return `${terminalSafeJson(JSON.stringify(data, null, 2))}\n`;
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list every suite and check: id, title, level, what it asserts, its source')
    .option('--suite <name|file>', 'only this suite (repeatable; "all" = every built-in, the default)', (v: string, p: string[]) => [...p, v], [])
    .option('--json', 'print the suites and checks as JSON')
    .action(async (flags: { suite: string[]; json?: boolean }) => {
      const { resolveSuites } = await import('../runner/load.js');
      const { ConfigError } = await import('../runner/errors.js');
      try {
        const names = flags.suite.length ? flags.suite : ['all'];
        const suites = (await resolveSuites(names)).filter((s) => !s.suite.always || names.includes('all') || names.includes(s.suite.id));
        // Titles and descriptions may come from a suite file: shown, never obeyed by the terminal.
        process.stdout.write(flags.json ? listJson(suites) : terminalText(renderList(suites), { multiline: true }));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`scim-check: ${terminalText(err.message, { multiline: true })}\n`);
        process.exitCode = 2;
      }
    });
}
