/** Programmatic API: `import { run, startServer, toJUnit, toHtml, … } from 'scim-check'`. */
export { run, type RunOptions } from './runner/run.js';
export { startServer, type ServerOptions, type RunningServer } from './server/index.js';
export type { RunResult, SuiteResult, CheckResult, CheckStatus, AssertionFailure, CleanupResult } from './runner/results.js';
export type { SuiteFile, CheckDef, StepDef, Assertion } from './runner/suite-format.js';
export type { Exchange } from './client/exchange.js';
export type { MappingFile, MappedAttributes } from './runner/mapping.js';
export type { SchemaDef, AttributeDef } from './core/schema/types.js';
export type { RequestLogEntry } from './server/request-log.js';
export { ScimError } from './core/scim-error.js';
export type { ReporterOptions, Reporter } from './report/index.js';
export type { RunPlan } from './runner/run.js';
// The reporters the CLI's --reporter uses, as pure functions of a run's result: (result, options?) => text.
export { renderJson as toJson } from './report/json.js';
export { renderJunit as toJUnit } from './report/junit.js';
export { renderMarkdown as toMarkdown } from './report/markdown.js';
export { renderHtml as toHtml } from './report/html.js';
export { renderTap as toTap } from './report/tap.js';
export { renderPretty as toPretty } from './report/pretty.js';
/** The JSON Schema of the json report (also `scim-check/result.schema.json`). */
export { default as resultSchema } from './report/result.schema.json' with { type: 'json' };
