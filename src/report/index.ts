import type { RunResult } from '../runner/results.js';
import { REPORTER_NAMES, type ReporterName } from '../common/reporter-names.js';
import type { Paint } from './pretty.js';

/** What the CLI passes every reporter; simple reporters may ignore it. */
export interface ReporterOptions {
  /** Colours for terminal output (pretty only; files never get colour). */
  paint?: Paint;
  /** Include the transcript of every exchange, not only of failures. */
  verbose?: boolean;
}

/** A reporter renders a finished run as text (terminal, JSON, XML, Markdown, HTML). Pure: no I/O. */
export type Reporter = (result: RunResult, options: ReporterOptions) => string;

/**
 * The reporters `--reporter NAME[=FILE]` knows, loaded on demand (so a run only imports what it prints).
 * To add one: a module exporting a pure `(result: RunResult) => string`, an entry here and its name in
 * src/common/reporter-names.ts.
 */
export const reporters: Record<ReporterName, () => Promise<Reporter>> = {
  pretty: async () => (await import('./pretty.js')).renderPretty,
  html: async () => (await import('./html.js')).renderHtml,
  json: async () => (await import('./json.js')).renderJson,
  junit: async () => (await import('./junit.js')).renderJunit,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
  tap: async () => (await import('./tap.js')).renderTap,
};

export function reporterNames(): string[] {
  return [...REPORTER_NAMES];
}
