/** The suites a run without --suite selects: Okta's SPEC test, then its user and group flows. */
export const DEFAULT_SUITE_IDS = ['okta-spec', 'okta-users', 'okta-groups'];

/** Built-in suites that `--suite all` runs after the others: load-like bursts say most once the basics pass. */
export const RUN_LAST_IN_ALL = ['concurrency'];

/** Identity providers a run can model (`--idp`); Okta is the default. */
export const IDPS = ['okta', 'entra'] as const;
export type Idp = (typeof IDPS)[number];

/** The suites each --idp runs when no --suite is given. */
export const IDP_SUITE_IDS: Readonly<Record<Idp, readonly string[]>> = { okta: DEFAULT_SUITE_IDS, entra: ['entra'] };

/** Entra's aadOptscim062020 request shapes a run sends (`--entra-flag`); both by default. */
export const ENTRA_FLAGS = ['on', 'off', 'both'] as const;
export type EntraFlagOption = (typeof ENTRA_FLAGS)[number];
