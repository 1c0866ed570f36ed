/** A configuration problem (bad suite file, unknown suite or check id, bad option): the CLI exits 2 with its message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A problem while interpreting one check (e.g. a variable without a value): it fails that check, not the run. */
export class CheckError extends Error {
  override name = 'CheckError';
}
