/** Run options from flags, SCIM_CHECK_* variables and scim-check.config.json (precedence in that order). */
export { CONFIG_FILE_NAME, loadConfig, parseConfigText, type LoadConfigOptions } from './load.js';
export { DEFAULTS, OPTION_SPECS, resolveOptions } from './resolve.js';
export type { ConfigFileData, LoadedConfig, Origin, ReporterSpec, ResolveInput, ResolvedOptions, RunFlags } from './resolve.js';
export { ConfigIssuesError, type ConfigIssue } from './errors.js';
export { configSchema, validateConfigData } from './schema.js';
export { starterConfig } from './starter.js';
