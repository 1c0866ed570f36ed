/** A configuration problem (bad suite file, unknown suite or check id, bad option): the CLI exits 2 with its message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
