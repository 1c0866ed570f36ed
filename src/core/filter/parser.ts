/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 * Precedence: or < and < not; `and`/`or` associate to the left. Names, operators and keywords are
 * case-insensitive (operators are stored in lower case; names keep the case they were written in).
 * Bounded by FILTER_LIMITS (length, nesting depth, AST node count), so any input costs linear time.
 */
import { ScimError, type ScimType } from '../scim-error.js';
import { type AttrPath, type CompareOp, FILTER_LIMITS, type Filter, type FilterValue, type PatchPath } from './ast.js';
import { at, quote, type Token, tokenize } from './lexer.js';

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

/** Parses a filter string. Throws ScimError(400, invalidFilter) on malformed or over-limit input. */
export function parseFilter(text: string): Filter {
  const parser: Parser = new Parser(text, 'invalidFilter', 'filter');
  const filter = parser.parseOr(false);
  parser.expectEnd("'and', 'or' or the end of the filter");
  return filter;
}

/** Parses a PATCH path: attrPath | valuePath | valuePath "." subAttr. Throws ScimError(400, invalidPath). */
export function parsePatchPath(text: string): PatchPath {
  const parser: Parser = new Parser(text, 'invalidPath', 'PATCH path');
  const path = parser.leadingPath();
  if (parser.peek()?.kind !== '[') {
    parser.expectEnd('the end of the path or a value filter "[...]"');
    return { path };
  }
  const filter = parser.valueFilter(path);
  const sub = parser.subAfterFilter();
  parser.expectEnd(sub === undefined ? "the end of the path or '.subAttribute'" : 'the end of the path');
  return sub === undefined ? { path, filter } : { path, filter, subAfterFilter: sub };
}

/**
 * Parses a lone attribute path ([schemaURI:]name[.subAttribute]), e.g. a sortBy parameter.
 * Throws ScimError(400, scimType) (invalidPath unless told otherwise).
 */
export function parseAttrPath(text: string, scimType: ScimType = 'invalidPath'): AttrPath {
  const parser: Parser = new Parser(text, scimType, 'attribute path');
  const path = parser.leadingPath();
  parser.expectEnd('the end of the attribute path');
  return path;
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;
  private nodes = 0;

  constructor(
    private readonly input: string,
    private readonly errorType: ScimType,
    private readonly what: string,
  ) {
    if (input.length > FILTER_LIMITS.maxLength) {
      this.fail(`is ${input.length} characters long; the limit is ${FILTER_LIMITS.maxLength}`);
    }
    this.tokens = tokenize(input, errorType);
    if (this.tokens.length === 0) this.fail('is empty');
  }

  fail(detail: string, token?: Token): never {
    const where = token ? ` ${at(token.start)}` : '';
    throw new ScimError(400, `Invalid ${this.what}: ${detail}${where}`, this.errorType);
  }

  describe(token: Token | undefined): string {
    return token ? quote(token.text) : 'the end of the input';
  }

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  expectEnd(expected: string): void {
    const extra = this.peek();
    if (extra) this.fail(`unexpected ${this.describe(extra)}; expected ${expected}`, extra);
  }

  private node<T extends Filter>(filter: T): T {
    if (++this.nodes > FILTER_LIMITS.maxNodes) this.fail(`has more than ${FILTER_LIMITS.maxNodes} terms`);
    return filter;
  }

  private enter(token: Token): void {
    if (++this.depth > FILTER_LIMITS.maxDepth) this.fail(`nests deeper than ${FILTER_LIMITS.maxDepth} levels`, token);
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  parseOr(inBrackets: boolean): Filter {
    return this.chain('or', () => this.parseAnd(inBrackets));
  }

  private parseAnd(inBrackets: boolean): Filter {
    return this.chain('and', () => this.parseUnary(inBrackets));
  }

  /** operand (keyword operand)*, associating to the left. */
  private chain(keyword: 'and' | 'or', operand: () => Filter): Filter {
    let left = operand();
    while (this.isKeyword(this.peek(), keyword)) {
      this.pos++;
      left = this.node({ kind: keyword, left, right: operand() });
    }
    return left;
  }

  private parseUnary(inBrackets: boolean): Filter {
    const token = this.next();
    if (token === undefined) this.fail("unexpected end; expected an attribute path, 'not' or '('");
    if (token.kind === '(') return this.group(token, inBrackets);
    if (token.kind === 'string') {
      this.fail(`expected an attribute path, found the string ${quote(token.text)} (the attribute comes first)`, token);
    }
    if (token.kind !== 'word') this.fail(`unexpected ${quote(token.text)}; expected an attribute path, 'not' or '('`, token);
    const lower = token.text.toLowerCase();
    if (lower === 'not') {
      const open = this.next();
      if (open?.kind !== '(') this.fail(`'not' must be followed by '(', found ${this.describe(open)}`, open ?? token);
      return this.node({ kind: 'not', filter: this.group(open, inBrackets) });
    }
    if (lower === 'and' || lower === 'or') {
      this.fail(`unexpected '${token.text}'; expected an attribute path, 'not' or '('`, token);
    }
    return this.attrExpression(token, inBrackets);
  }

  /** A parenthesized filter; `open` is the '(' already consumed. */
  private group(open: Token, inBrackets: boolean): Filter {
    this.enter(open);
    const inner = this.parseOr(inBrackets);
    const close = this.next();
    if (close?.kind !== ')') {
      this.fail(`missing ')' for the '(' ${at(open.start)}; found ${this.describe(close)}`, close);
    }
    this.depth--;
    return inner;
  }

  private attrExpression(word: Token, inBrackets: boolean): Filter {
    const path = this.attrPath(word);
    if (this.peek()?.kind === '[') {
      if (inBrackets) this.fail('value filters cannot be nested', this.peek());
      const filter = this.valueFilter(path);
      const sub = this.subAfterFilter();
      if (sub === undefined) return this.node({ kind: 'valuePath', path, filter });
      // Entra's emails[type eq "work"].value eq "x": both conditions must hold for the same element.
      const condition = this.condition({ attr: sub }, this.tokens[this.pos - 1]!);
      return this.node({ kind: 'valuePath', path, filter: this.node({ kind: 'and', left: filter, right: condition }) });
    }
    return this.condition(path, word);
  }

  /** `pr` or `op value` after an attribute path (`after` is the path's token, for error positions). */
  private condition(path: AttrPath, after: Token): Filter {
    const opToken = this.next();
    if (opToken?.kind !== 'word') {
      this.fail(`expected an operator (${OPERATOR_LIST}) after ${quote(after.text)}, found ${this.describe(opToken)}`, opToken ?? after);
    }
    const op = opToken.text.toLowerCase();
    if (op === 'pr') {
      const following = this.peek();
      if (following && following.kind !== ')' && following.kind !== ']' && !this.isKeyword(following, 'and') && !this.isKeyword(following, 'or')) {
        this.fail(`'pr' takes no value, found ${quote(following.text)}`, following);
      }
      return this.node({ kind: 'present', path });
    }
    if (!COMPARE_OPS.has(op)) this.fail(`unknown operator ${quote(opToken.text)}; expected ${OPERATOR_LIST}`, opToken);
    return this.node({ kind: 'compare', path, op: op as CompareOp, value: this.compValue(opToken) });
  }

  private compValue(opToken: Token): FilterValue {
    const token = this.next();
    if (token === undefined) this.fail(`missing value after '${opToken.text}'`, opToken);
    if (token.kind === 'string') return this.decodeString(token);
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      const number = parseJsonNumber(token.text);
      if (number !== undefined) {
        if (!Number.isFinite(number)) this.fail(`number ${quote(token.text)} is out of range`, token);
        return number === 0 ? 0 : number; // no -0: it would not survive a round trip through text
      }
    }
    this.fail(
      `value ${quote(token.text)} must be a double-quoted JSON string, a number, true, false or null`,
      token,
    );
  }

  private decodeString(token: Token): string {
    try {
      // The lexer has found the closing quote; JSON.parse of the slice decodes escapes exactly as RFC 8259 says.
      return JSON.parse(token.text) as string;
    } catch {
      this.fail(`malformed string ${quote(token.text)} (check its escapes; control characters must be escaped)`, token);
    }
  }

  /** The attribute path a PATCH path or sortBy starts with. */
  leadingPath(): AttrPath {
    const token = this.next();
    if (token?.kind !== 'word') this.fail(`expected an attribute path, found ${this.describe(token)}`, token);
    return this.attrPath(token);
  }

  attrPath(token: Token): AttrPath {
    const text = token.text;
    let rest = text;
    let uri: string | undefined;
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      uri = text.slice(0, colon);
      rest = text.slice(colon + 1);
      if (uri === '') this.fail(`attribute path ${quote(text)} has an empty schema URI`, token);
    }
    const dot = rest.indexOf('.');
    const attr = dot < 0 ? rest : rest.slice(0, dot);
    const sub = dot < 0 ? undefined : rest.slice(dot + 1);
    if (!isAttrName(attr) || (sub !== undefined && !isAttrName(sub))) {
      this.fail(`${quote(text)} is not a valid attribute path (expected [schemaURI:]name[.subAttribute])`, token);
    }
    const path: AttrPath = { attr };
    if (uri !== undefined) path.uri = uri;
    if (sub !== undefined) path.sub = sub;
    return path;
  }

  /** `[valFilter]` after a multi-valued attribute path; the '[' is the next token. */
  valueFilter(path: AttrPath): Filter {
    const open = this.next()!;
    if (path.sub !== undefined) this.fail(`a value filter "[...]" cannot follow the sub-attribute '${path.sub}'`, open);
    this.enter(open);
    const filter = this.parseOr(true);
    const close = this.next();
    if (close?.kind !== ']') this.fail(`missing ']' for the '[' ${at(open.start)}; found ${this.describe(close)}`, close);
    this.depth--;
    return filter;
  }

  /** The optional `.subAttribute` right after a value filter's ']'. */
  subAfterFilter(): string | undefined {
    const token = this.peek();
    if (token?.kind !== 'word' || !token.text.startsWith('.')) return undefined;
    this.pos++;
    const name = token.text.slice(1);
    if (!isAttrName(name)) this.fail(`${quote(token.text)} is not a valid '.subAttribute' after ']'`, token);
    return name;
  }
}

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar), plus the "$ref" form of reference sub-attributes. */
function isAttrName(name: string): boolean {
  const first = name.startsWith('$') ? 1 : 0;
  if (name.length <= first || !isAlpha(name.charCodeAt(first))) return false;
  for (let i = first + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c !== 0x2d && c !== 0x5f) return false; // - _
  }
  return true;
}

/** Parses a JSON number (RFC 8259 §6 grammar, checked character by character); undefined if `text` is not one. */
function parseJsonNumber(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const digits = (): number => {
    const from = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    return i - from;
  };
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (digits() === 0) return undefined;
  if (text[i] === '.') {
    i++;
    if (digits() === 0) return undefined;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (digits() === 0) return undefined;
  }
  return i === n ? Number(text) : undefined;
}
