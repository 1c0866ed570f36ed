import { ConfigError } from '../common/errors.js';

/** One problem with one option: where it was set (flag, variable, file key) and what is wrong. */
export interface ConfigIssue {
  /** e.g. "--timeout", "SCIM_CHECK_TIMEOUT", "scim-check.config.json: oauth.clientId". */
  where: string;
  message: string;
}

/** Every problem found in the options at once, so a user fixes them in one go. The CLI exits 2 with it. */
export class ConfigIssuesError extends ConfigError {
  override name = 'ConfigIssuesError';
  readonly issues: ConfigIssue[];

  constructor(heading: string, issues: ConfigIssue[]) {
    super(`${heading}\n${issues.map((issue) => `  ${issue.where}: ${issue.message}`).join('\n')}`);
    this.issues = issues;
  }
}
