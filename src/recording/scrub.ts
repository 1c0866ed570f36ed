/**
 * Turns one exchange as it crossed the wire into the line a recording keeps: credentials replaced by numbered
 * placeholders, secrets echoed anywhere masked, `password` values masked, the user's --redact patterns masked,
 * and (--pseudonymise) personal data replaced consistently. Nothing secret is ever written: the raw exchange is
 * scrubbed in memory, and only the result reaches the file.
 */
import { createRedactor, type Redactor } from '../client/redact.js';
import { MASKED, maskPasswords } from '../core/password-mask.js';
import { RECORDED_BODY_LIMIT, type RecordedHttpExchange, type RecordedHttpMessage } from './format.js';
import { Pseudonymiser } from './pseudonymise.js';

/** A message as received: headers (names as sent), and the body as text or as an already parsed JSON value. */
export interface RawMessage {
  headers: Record<string, string>;
  text?: string;
  json?: unknown;
}

export interface RawExchange {
  time: number;
  ms: number;
  request: RawMessage & { method: string; path: string };
  response?: RawMessage & { status: number };
  error?: string;
}

export interface ScrubOptions {
  /** Replace names, e-mails and userNames by consistent pseudonyms. */
  pseudonymise?: boolean;
  /** The user's own patterns (--redact): every match in any header, path or body is masked. */
  redactPatterns?: RegExp[];
  /** Secrets known in advance (e.g. the server's own token under `serve --record`). */
  secrets?: string[];
}

/** Headers whose value is a credential: the recording keeps which credential it was, never the credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);
/** Headers masked whole (session state, or names that say they carry a key). */
const SECRET_HEADER = /^(cookie|set-cookie)$|api[-_]?key|token|secret|password|session/i;
/** Query parameters whose values are masked (API keys in URLs). */
const SECRET_PARAM = /key|token|secret|password|passwd|signature|^sig$|^code$|credential/i;

/** The placeholder a credential header gets: "Bearer [REDACTED:1]" (scheme kept, credential numbered). */
export function credentialPlaceholder(scheme: string | undefined, index: number): string {
  return scheme ? `${scheme} [REDACTED:${index}]` : `[REDACTED:${index}]`;
}

/** Reads a placeholder back: which credential a recorded Authorization header stood for. */
export function parseCredentialPlaceholder(value: string): { scheme: string | undefined; index: number } | undefined {
  const m = /^(?:([A-Za-z][A-Za-z0-9._~+/-]*) )?\[REDACTED:(\d+)\]$/.exec(value);
  return m ? { scheme: m[1], index: Number(m[2]) } : undefined;
}

export class Scrubber {
  private readonly redactor: Redactor;
  private readonly credentials = new Map<string, number>();
  private readonly pseudonymiser: Pseudonymiser | undefined;
  private readonly patterns: RegExp[];
  private seq = 0;

  constructor(options: ScrubOptions = {}) {
    this.redactor = createRedactor((options.secrets ?? []).filter((s) => s.length > 0));
    this.pseudonymiser = options.pseudonymise ? new Pseudonymiser() : undefined;
    this.patterns = (options.redactPatterns ?? []).map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
  }

  scrub(raw: RawExchange): RecordedHttpExchange {
    const requestHeaders = this.credentialHeaders(raw.request.headers);
    const request = { method: raw.request.method, path: this.text(maskQuerySecrets(raw.request.path)), ...this.message(raw.request, requestHeaders) };
    const out: RecordedHttpExchange = { seq: ++this.seq, time: new Date(raw.time).toISOString(), ms: Math.round(raw.ms * 10) / 10, request };
    if (raw.response) {
      out.response = { status: raw.response.status, ...this.message(raw.response, this.credentialHeaders(raw.response.headers)) };
    }
    if (raw.error !== undefined) out.error = this.text(raw.error);
    return this.pseudonymiser ? this.pseudonymised(out) : out;
  }

  /** Credential headers become numbered placeholders; their secrets are learnt, so echoes elsewhere are masked. */
  private credentialHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (CREDENTIAL_HEADERS.has(lower)) {
        const scheme = /^([A-Za-z][A-Za-z0-9._~+/-]*)\s+(\S.*)$/.exec(value);
        const credential = scheme ? scheme[2]! : value;
        this.learnCredential(credential, scheme?.[1]);
        let index = this.credentials.get(value);
        if (index === undefined) this.credentials.set(value, (index = this.credentials.size + 1));
        out[name] = credentialPlaceholder(scheme?.[1], index);
      } else if (SECRET_HEADER.test(lower)) {
        if (lower !== 'set-cookie' && lower !== 'cookie') this.redactor.addSecret(value);
        out[name] = MASKED;
      } else {
        out[name] = value;
      }
    }
    return out;
  }

  private learnCredential(credential: string, scheme: string | undefined): void {
    this.redactor.addSecret(credential);
    if (scheme?.toLowerCase() !== 'basic') return;
    // Basic carries base64("user:pass"): the password alone must not show up anywhere either.
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0 && decoded.length - colon > 1) this.redactor.addSecret(decoded.slice(colon + 1));
  }

  private message(raw: RawMessage, headers: Record<string, string>): RecordedHttpMessage {
    const out: RecordedHttpMessage = { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, this.text(v)])) };
    let json = raw.json;
    if (json === undefined && raw.text !== undefined && raw.text.length <= RECORDED_BODY_LIMIT && /^\s*[[{]/.test(raw.text)) {
      try {
        json = JSON.parse(raw.text) as unknown;
      } catch {
        json = undefined;
      }
    }
    if (json !== undefined) out.body = this.value(maskPasswords(json));
    else if (raw.text !== undefined && raw.text !== '') {
      const cut = raw.text.length > RECORDED_BODY_LIMIT;
      out.bodyText = this.text(cut ? raw.text.slice(0, RECORDED_BODY_LIMIT) : raw.text);
      if (cut) out.bodyTruncated = true;
    }
    return out;
  }

  /** A string with known secrets and the user's patterns masked. */
  private text(value: string): string {
    let text = this.redactor.redact(value);
    for (const pattern of this.patterns) text = text.replace(pattern, MASKED);
    return text;
  }

  private value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (depth > 64 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, this.text(key), { value: this.value(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Learns the exchange's personal values first (a response may name what its request only filtered on), then replaces them. */
  private pseudonymised(exchange: RecordedHttpExchange): RecordedHttpExchange {
    const p = this.pseudonymiser!;
    const query = exchange.request.path.includes('?') ? exchange.request.path.slice(exchange.request.path.indexOf('?') + 1) : '';
    const group = /^\/Groups(\/|\?|$)/i.test(exchange.request.path);
    for (const [name, value] of new URLSearchParams(query)) if (name.toLowerCase() === 'filter') p.learnFilter(value, group);
    p.learnBody(exchange.request.body, group);
    p.learnBody(exchange.response?.body, group);
    const message = <M extends RecordedHttpMessage>(m: M): M => ({
      ...m,
      ...(m.body !== undefined ? { body: p.apply(m.body) } : {}),
      ...(m.bodyText !== undefined ? { bodyText: p.replaceIn(m.bodyText) } : {}),
    });
    return {
      ...exchange,
      request: { ...message(exchange.request), path: p.replaceIn(exchange.request.path) },
      ...(exchange.response ? { response: message(exchange.response) } : {}),
    };
  }
}

/** A path with the values of key-like query parameters masked (`?api_key=…`); everything else byte for byte. */
export function maskQuerySecrets(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const query = path.slice(q + 1).replace(/(^|&)([^=&]*)=([^&]*)/g, (whole, sep: string, name: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    return SECRET_PARAM.test(decoded) ? `${sep}${name}=${encodeURIComponent(MASKED)}` : whole;
  });
  return `${path.slice(0, q)}?${query}`;
}

/** Headers of a request as sent (node's rawHeaders: letter case and order kept), repeated ones joined with ", ". */
export function headersAsSent(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const firstSpelling = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const first = firstSpelling.get(name.toLowerCase());
    if (first !== undefined) out[first] = `${out[first]}, ${raw[i + 1]!}`;
    else {
      firstSpelling.set(name.toLowerCase(), name);
      out[name] = raw[i + 1]!;
    }
  }
  return out;
}
