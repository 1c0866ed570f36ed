/**
 * The names `--reporter NAME[=FILE]` accepts. Kept below config (which validates options) and report (which
 * renders): src/report/index.ts maps each to its module, and the type makes the two lists agree.
 */
export const REPORTER_NAMES = ['pretty', 'html', 'json', 'junit', 'markdown', 'tap'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];
