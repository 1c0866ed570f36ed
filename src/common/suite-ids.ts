/** The suites a run without --suite selects: Okta's SPEC test, then its user and group flows. */
export const DEFAULT_SUITE_IDS = ['okta-spec', 'okta-users', 'okta-groups'];

/** Built-in suites that `--suite all` runs after the others: load-like bursts say most once the basics pass. */
export const RUN_LAST_IN_ALL = ['concurrency'];
