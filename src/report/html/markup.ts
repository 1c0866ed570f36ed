/**
 * Escaping-by-default HTML building: every value interpolated into an `html` template is escaped unless it is
 * itself the output of `html` (or explicitly `trusted`). Report content comes from untrusted server responses,
 * so forgetting to escape must be impossible rather than merely unlikely.
 */
import { terminalText } from '../../common/terminal-text.js';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup characters as entities; control characters (from server text) as visible escapes (`\e`, `\u0007`). */
export function escapeHtml(text: string): string {
  return terminalText(text, { multiline: true }).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted markup, interpolations are escaped (null/undefined/false render nothing). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks markup produced by this module's own code (CSS, script, fixed SVG) as safe. Never use on report data. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
