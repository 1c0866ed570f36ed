/** Programmatic API: `import { run, startServer } from 'scim-check'`. */
export type { RunResult, SuiteResult, CheckResult, CheckStatus } from './runner/results.js';
export type { SuiteFile, CheckDef, StepDef, Assertion } from './runner/suite-format.js';
export { ScimError } from './core/scim-error.js';
