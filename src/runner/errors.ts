export { ConfigError } from '../common/errors.js';

/** A problem while interpreting one check (e.g. a variable without a value): it fails that check, not the run. */
export class CheckError extends Error {
  override name = 'CheckError';
}

/** A step scim-check cannot judge faithfully (e.g. a Runscope script using an unknown function): the check is skipped with the reason. */
export class UnsupportedStepError extends Error {
  override name = 'UnsupportedStepError';
}
