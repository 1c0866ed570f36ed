import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../src/common/json-syntax.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('locateJsonError', () => {
  it('points at the first offending character', () => {
    expect(locateJsonError('{\n  "a": 1,\n}')).toEqual({ line: 3, column: 1, found: '"}"' });
    expect(locateJsonError('{"a": 1 "b": 2}')).toEqual({ line: 1, column: 9, found: '"\\""' });
    expect(locateJsonError('{\n  // comment\n}')).toEqual({ line: 2, column: 3, found: '"/"' });
    expect(locateJsonError('{"a": "open')).toEqual({ line: 1, column: 12, found: 'end of file' });
    expect(locateJsonError("{'a': 1}")).toEqual({ line: 1, column: 2, found: '"\'"' });
    expect(locateJsonError('[01]')).toEqual({ line: 1, column: 3, found: '"1"' });
    expect(locateJsonError('')).toEqual({ line: 1, column: 1, found: 'end of file' });
    expect(locateJsonError('{} x')).toEqual({ line: 1, column: 4, found: '"x"' });
  });

  it('finds nothing wrong in any JSON that JSON.stringify writes', () => {
    fc.assert(fc.property(fc.json(), (text) => locateJsonError(text) === undefined));
    fc.assert(fc.property(fc.jsonValue(), (value) => locateJsonError(JSON.stringify(value, null, 2)) === undefined));
  });

  it('agrees with JSON.parse on arbitrary JSON-like text', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"\\u00e9"', '"\\x"', '1', '-0.5e3', '01', 'true', 'nul', 'null', ' ', '\n', '"');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (tokens) => {
        const text = tokens.join('');
        expect(locateJsonError(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });
});
