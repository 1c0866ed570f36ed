import { ConfigError } from './errors.js';

/**
 * A target URL given as an option (`--url`, `--target`): it must parse, be http(s), and carry no credentials (they
 * would be sent and shown as part of the URL). `credentialsHint` says where credentials go instead.
 */
export function parseHttpUrl(flag: string, value: string, credentialsHint: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${flag} is not a valid URL: ${value}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${flag} must be http:// or https:// (got ${parsed.protocol})`);
  if (parsed.username || parsed.password) throw new ConfigError(`${flag} must not carry credentials; ${credentialsHint}`);
  return parsed;
}
