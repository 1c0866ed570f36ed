import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigIssuesError } from './errors.js';
import { locateJsonError } from '../common/json-syntax.js';
import type { ConfigFileData, LoadedConfig } from './resolve.js';
import { validateConfigData } from './schema.js';

/** The file `scim-check run` reads from the working directory when no --config is given. */
export const CONFIG_FILE_NAME = 'scim-check.config.json';

/** Parses and validates config-file text; `label` names the file in messages. */
export function parseConfigText(text: string, label: string): ConfigFileData {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const at = locateJsonError(text.replace(/^\uFEFF/, ''));
    const message = at ? `unexpected ${at.found} at line ${at.line}, column ${at.column}` : err instanceof Error ? err.message : String(err);
    throw new ConfigIssuesError('Invalid config file:', [{ where: label, message: `is not valid JSON: ${message}` }]);
  }
  const issues = validateConfigData(data, label);
  if (issues.length > 0) throw new ConfigIssuesError('Invalid config file:', issues);
  return data as ConfigFileData;
}

export interface LoadConfigOptions {
  /** Directory searched for scim-check.config.json (and --config paths are relative to). */
  cwd: string;
  /** --config FILE: must exist. Without it, scim-check.config.json in cwd is used if present. */
  configPath?: string;
}

/**
 * Finds and loads the config file: the given --config path (an error if missing), else scim-check.config.json in
 * the working directory, else none (undefined).
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig | undefined {
  const explicit = options.configPath !== undefined;
  const path = explicit ? (isAbsolute(options.configPath!) ? options.configPath! : join(options.cwd, options.configPath!)) : join(options.cwd, CONFIG_FILE_NAME);
  const label = relative(options.cwd, path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigIssuesError('Cannot read the config file:', [{ where: label, message: reason }]);
  }
  return { path, label, data: parseConfigText(text, label) };
}
