/** The conformance runner: load suites, run their checks against a SCIM server, clean up. */
export { run, type RunOptions } from './run.js';
export { resolveSuites, loadSuiteFile, builtInSuiteIds, DEFAULT_SUITE_IDS, type LoadedSuite } from './load.js';
export { ConfigError } from './errors.js';
export type * from './results.js';
export type * from './suite-format.js';
