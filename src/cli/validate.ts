/**
 * `scim-check validate FILE…`: lints SCIM JSON payloads offline with the same AJV schemas the runner uses.
 * Exit 0 all valid, 1 some payload invalid (including "not JSON" and "kind unknown"), 2 usage error or a file
 * that could not be read.
 */
import { readFile, stat } from 'node:fs/promises';
import chalk from 'chalk';
import { Option, type Command } from 'commander';
import { terminalText } from '../common/terminal-text.js';
import { detectSchemaName, SCHEMA_NAMES, validateScim, type ValidateOptions } from '../core/json-schemas/index.js';
import type { SchemaName } from '../runner/suite-format.js';

/** Payloads are request/response bodies; anything this large is a mistake, not a payload. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ValidateCommandOptions extends ValidateOptions {
  as?: SchemaName;
}

export type PayloadOutcome =
  | { status: 'valid'; kind: SchemaName }
  | { status: 'invalid'; kind?: SchemaName; errors: string[] };

/** Lints one payload's text: parse, pick the kind (forced or detected), validate. */
export function lintPayload(text: string, options: ValidateCommandOptions): PayloadOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { status: 'invalid', errors: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const kind = options.as ?? detectSchemaName(value);
  if (!kind) {
    return {
      status: 'invalid',
      errors: [`cannot tell the kind: "schemas" lists no known SCIM URN (use --as ${SCHEMA_NAMES.join('|')})`],
    };
  }
  const verdict = validateScim(kind, value, { request: options.request, partial: options.partial });
  if (verdict.valid) return { status: 'valid', kind };
  const hint = !options.request && (kind === 'User' || kind === 'Group') && verdict.errors.includes('/id: is required but missing')
    ? ['(a request body has no id yet: use --request to lint POST/PUT bodies)']
    : [];
  return { status: 'invalid', kind, errors: [...verdict.errors, ...hint] };
}

async function readPayload(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  const info = await stat(file);
  if (info.isDirectory()) throw new Error('is a directory');
  if (info.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  return readFile(file, 'utf8');
}

function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

/** Lints every file and prints one verdict per file plus a summary; returns the exit code. */
export async function runValidate(files: string[], options: ValidateCommandOptions): Promise<0 | 1 | 2> {
  let valid = 0;
  let invalid = 0;
  let unreadable = 0;
  for (const file of files) {
    // File names and payload text are shown, never obeyed by the terminal (src/common/terminal-text.ts).
    const name = file === '-' ? '(stdin)' : terminalText(file);
    let text: string;
    try {
      text = await readPayload(file);
    } catch (err) {
      unreadable++;
      process.stderr.write(`${chalk.yellow('!')} ${name}: cannot read: ${terminalText(reasonOf(err))}\n`);
      continue;
    }
    const outcome = lintPayload(text, options);
    if (outcome.status === 'valid') {
      valid++;
      process.stdout.write(`${chalk.green('✓')} ${name}: valid ${outcome.kind}\n`);
    } else {
      invalid++;
      const kind = outcome.kind ? `invalid ${outcome.kind}` : 'invalid';
      process.stdout.write(`${chalk.red('✗')} ${name}: ${terminalText(kind)}\n${outcome.errors.map((e) => `    ${terminalText(e)}\n`).join('')}`);
    }
  }
  const summary = [`${valid} valid`, `${invalid} invalid`, ...(unreadable > 0 ? [`${unreadable} unreadable`] : [])];
  process.stdout.write(`${summary.join(', ')}\n`);
  return unreadable > 0 ? 2 : invalid > 0 ? 1 : 0;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('lint SCIM JSON payloads offline (resources, ListResponse, PatchOp, Error, discovery) against the RFC 7643/7644 schemas')
    .argument('<files...>', 'JSON files to check ("-" reads standard input)')
    .addOption(new Option('--as <kind>', 'validate every file as this kind instead of detecting it from "schemas"').choices(SCHEMA_NAMES))
    .option('--request', 'User/Group files are request bodies (POST/PUT): no id needed, password allowed')
    .option('--partial', 'User/Group files answer a request with attributes/excludedAttributes: only id is required')
    .addHelpText('after', '\nExit codes: 0 all valid, 1 some payload invalid, 2 usage error or unreadable file.')
    .action(async (files: string[], options: ValidateCommandOptions) => {
      process.exitCode = await runValidate(files, options);
    });
}
