/**
 * A small, strict XML 1.0 well-formedness checker and parser for the junit reporter tests (no XML package in the
 * project). It rejects what real CI parsers reject: characters XML cannot carry, unescaped "<" and "&", bad
 * entity or character references, duplicate attributes, mismatched tags, text outside the root, "]]>" in text.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded character data directly inside the element (text and CDATA), concatenated. */
  text: string;
}

// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (surrogates only as pairs)
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export class XmlError extends Error {}

/** Decodes references in text or an attribute value; throws on a raw "&" or an invalid reference. */
function decode(raw: string, where: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlError(`unescaped "&" in ${where}`);
    if (ref.startsWith('#')) {
      const cp = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!/^#(x[0-9A-Fa-f]+|[0-9]+)$/.test(ref) || !isXmlCodePoint(cp)) throw new XmlError(`invalid character reference &${ref}; in ${where}`);
      return String.fromCodePoint(cp);
    }
    const value = ENTITIES[ref];
    if (value === undefined) throw new XmlError(`unknown entity &${ref}; in ${where}`);
    return value;
  });
}

export function parseXml(xml: string): XmlElement {
  const bad = ILLEGAL_CHAR.exec(xml);
  if (bad) throw new XmlError(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML (offset ${bad.index})`);
  let pos = 0;
  const fail = (msg: string): never => {
    throw new XmlError(`${msg} at offset ${pos}`);
  };
  const skipSpace = (): void => {
    while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z][A-Za-z0-9._-]*")?( standalone="(yes|no)")?\s*\?>$/.test(xml.slice(0, end + 2))) fail('malformed XML declaration');
    pos = end + 2;
  }
  const readName = (): string => {
    const m = NAME.exec(xml.slice(pos, pos + 200));
    if (!m) return fail('expected a name');
    pos += m[0].length;
    return m[0];
  };
  const readElement = (): XmlElement => {
    if (xml[pos] !== '<') fail('expected "<"');
    pos++;
    const name = readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected whitespace before an attribute');
      const attr = readName();
      skipSpace();
      if (xml[pos] !== '=') fail(`expected "=" after ${attr}`);
      pos++;
      skipSpace();
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      const end = xml.indexOf(quote!, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = xml.slice(pos + 1, end);
      if (raw.includes('<')) fail(`"<" in the value of ${attr}`);
      if (attr in attrs) fail(`duplicate attribute ${attr}`);
      attrs[attr] = decode(raw, `attribute ${attr}`);
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (pos >= xml.length) fail(`unclosed <${name}>`);
      if (xml.startsWith('</', pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        if (xml[pos] !== '>') fail('expected ">"');
        pos++;
        return { name, attrs, children, text };
      }
      if (xml.startsWith('<![CDATA[', pos)) {
        const end = xml.indexOf(']]>', pos);
        if (end < 0) fail('unterminated CDATA section');
        text += xml.slice(pos + 9, end);
        pos = end + 3;
      } else if (xml.startsWith('<!--', pos)) {
        const end = xml.indexOf('-->', pos);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (xml[pos] === '<') {
        children.push(readElement());
      } else {
        const end = xml.indexOf('<', pos);
        const raw = xml.slice(pos, end < 0 ? xml.length : end);
        if (raw.includes(']]>')) fail('"]]>" in text');
        text += decode(raw, `text of <${name}>`);
        pos += raw.length;
      }
    }
  };
  skipSpace();
  const root = readElement();
  skipSpace();
  if (pos !== xml.length) fail('content after the root element');
  return root;
}
