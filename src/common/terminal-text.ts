/**
 * Text from the network or a file, made safe to print on a terminal. A server (or a suite, payload or config file)
 * controls response bodies, header values, URLs, titles and error text; printed raw, ESC sequences in them would set
 * the window title (OSC), clear the screen, switch to the alternate screen or rewrite earlier lines (bare \r). Every
 * terminal output path runs such text through terminalText; our own colours are added afterwards.
 */

/**
 * C0 controls except tab (and newline, handled apart), DEL, C1 controls (0x80–0x9f: 8-bit CSI/OSC on some
 * terminals), and the Unicode bidirectional overrides that reorder what a line appears to say.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_OR_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

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
