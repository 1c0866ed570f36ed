/** The suites a run without --suite selects: Okta's SPEC test, then its user and group flows. */
export const DEFAULT_SUITE_IDS = ['okta-spec', 'okta-users', 'okta-groups'];
