/**
 * Where JSON text first goes wrong, as line and column. V8's JSON.parse messages only sometimes carry a position,
 * and a config-file error is only useful if it says where to look. A small recursive-descent scan of the JSON
 * grammar (RFC 8259); it only locates the error, JSON.parse still does the parsing.
 */
export interface JsonSyntaxError {
  line: number;
  column: number;
  /** What was found there: a quoted character, or "end of file". */
  found: string;
}

class Stop extends Error {
  constructor(readonly at: number) {
    super('json syntax');
  }
}

const MAX_DEPTH = 512;

export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i += 1;
    }
  };
  const string = () => {
    i += 1; // opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      if (ch === '"') {
        i += 1;
        return;
      }
      if (ch === '\\') {
        i += 1;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 0; k < 4; k += 1) {
            i += 1;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
          }
        } else if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail();
      }
      i += 1;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  /** An object or array body after its opening bracket: items separated by commas, then `close`. */
  const container = (close: string, item: () => void) => {
    i += 1;
    space();
    if (text[i] === close) {
      i += 1;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i += 1;
        return;
      }
      if (text[i] !== ',') fail();
      i += 1;
    }
  };
  const member = (depth: number) => {
    space();
    if (text[i] !== '"') fail();
    string();
    space();
    if (text[i] !== ':') fail();
    i += 1;
    value(depth);
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail();
    space();
    const ch = text[i];
    if (ch === '{') container('}', () => member(depth + 1));
    else if (ch === '[') container(']', () => value(depth + 1));
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  try {
    value(0);
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.at);
    const line = before.split('\n').length;
    const column = err.at - before.lastIndexOf('\n');
    const ch = text[err.at];
    return { line, column, found: ch === undefined ? 'end of file' : JSON.stringify(ch) };
  }
}
