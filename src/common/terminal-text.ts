/**
 * Text from the network or a file, made safe to print on a terminal. A server (or a suite, payload or config file)
 * controls response bodies, header values, URLs, titles and error text; printed raw, ESC sequences in them would set
 * the window title (OSC), clear the screen, switch to the alternate screen or rewrite earlier lines (bare \r). Every
 * terminal output path runs such text through terminalText; our own colours are added afterwards.
 */

/**
 * Unsafe: C0 controls except tab (and newline, handled apart), and BEYOND_C0: DEL, C1 controls (0x80–0x9f: 8-bit
 * CSI/OSC on some terminals) and the Unicode bidirectional overrides that reorder what a line appears to say.
 */
/** A regex character-class body: the unsafe characters above the C0 range (for escapers of other formats). */
export const BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${BEYOND_C0}]`, 'g');
const UNSAFE_OR_NEWLINE = new RegExp(`[\\u0000-\\u0008\\u000a-\\u001f${BEYOND_C0}]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${BEYOND_C0}\\u2028\\u2029]`, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

const escapeOne = (ch: string): string => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The text with every control character shown as an escape (`\e`, `\r`, `\u0007`, …), so it prints as what it is.
 * `multiline` keeps line breaks (bodies, files shown whole); otherwise they are escaped too, so one value stays on
 * its one line and cannot fake the lines after it.
 */
export function terminalText(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE : UNSAFE_OR_NEWLINE, escapeOne);
}

/**
 * JSON text (or a YAML double-quoted scalar, which reads JSON's escapes) with the same characters written as
 * `\uXXXX` escapes: the same data, and nothing that acts on a terminal when the document is printed. JSON already
 * escapes C0 controls; this covers DEL, C1, the bidirectional overrides and U+2028/U+2029.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
