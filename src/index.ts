/** Programmatic API: `import { run, startServer } from 'scim-check'`. */
export { run, type RunOptions } from './runner/run.js';
export { startServer, type ServerOptions, type RunningServer } from './server/index.js';
export type { RunResult, SuiteResult, CheckResult, CheckStatus, AssertionFailure, CleanupResult } from './runner/results.js';
export type { SuiteFile, CheckDef, StepDef, Assertion } from './runner/suite-format.js';
export type { Exchange } from './client/exchange.js';
export type { MappingFile, MappedAttributes } from './runner/mapping.js';
export type { SchemaDef, AttributeDef } from './core/schema/types.js';
export type { RequestLogEntry } from './server/request-log.js';
export { ScimError } from './core/scim-error.js';
