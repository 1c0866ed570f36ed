/** The one escaping helper every terminal output path uses (src/common/terminal-text.ts). */
import { describe, expect, it } from 'vitest';
import { terminalSafeJson, terminalText } from '../../src/common/terminal-text.js';

describe('terminalText', () => {
  it('shows each control character as an escape and leaves ordinary text (tabs, accents, emoji) alone', () => {
    expect(terminalText('\u001b]0;title\u0007\u001b[2J\r\u009b31m\u007f\u202eabc')).toBe('\\e]0;title\\u0007\\e[2J\\r\\u009b31m\\u007f\\u202eabc');
    expect(terminalText('Zoë\tJensen 😀 – ✓')).toBe('Zoë\tJensen 😀 – ✓');
  });

  it('keeps line breaks only when asked (bodies), so a one-line value cannot fake the lines after it', () => {
    expect(terminalText('a\nb')).toBe('a\\nb');
    expect(terminalText('a\nb\r\n', { multiline: true })).toBe('a\nb\\r\n');
  });
});

describe('terminalSafeJson', () => {
  it('writes the characters JSON leaves raw as \\u escapes: the same data, nothing a terminal obeys', () => {
    const value = { s: '\u009b2J \u202e \u2028 \u007f \u001b' };
    const json = terminalSafeJson(JSON.stringify(value));
    expect(json).toBe('{"s":"\\u009b2J \\u202e \\u2028 \\u007f \\u001b"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
