export { ConfigError } from '../common/errors.js';

/** A problem while interpreting one check (e.g. a variable without a value): it fails that check, not the run. */
export class CheckError extends Error {
  override name = 'CheckError';
}
