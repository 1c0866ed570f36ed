/** Redaction of secrets (tokens, passwords, Basic credentials, secret header values) in recorded text. */

export const REDACTED = '[REDACTED]';

/**
 * Secrets at least this long are masked wherever they occur. Shorter ones (`--token test`) are also ordinary
 * words: they are masked only as a whole token (not inside a longer run of letters and digits), and only in what
 * came over the wire or went onto it (the client's records), never in scim-check's own text such as check titles,
 * so "Okta SPEC test" keeps its last word. Credential headers are masked whole by name at any length.
 */
export const ANYWHERE_SECRET_LENGTH = 8;

/** Shorter secrets cannot be told apart from text at all: run() refuses them as credentials. */
export const MIN_SECRET_LENGTH = 3;

/** Headers whose whole value is a credential whatever it contains. */
const ALWAYS_SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

export interface Redactor {
  /** Replaces every known secret (and its URL-, form- and JSON-escaped forms) in `text`. */
  redact(text: string): string;
  /**
   * Copy of `headers` with credential headers masked and secrets removed from every other value and from every
   * name (a server can name a header after the token it received). `shown(name, value)` true: the value is
   * not a credential of the run (a request's literal `Authorization: non-token`), so it is only cleared of secrets.
   */
  redactHeaders(headers: Record<string, string>, shown?: (name: string, value: string) => boolean): Record<string, string>;
  /** Copy of a parsed JSON value with secrets removed from every string (keys included). */
  redactValue(value: unknown): unknown;
  /** Registers a secret learnt later (e.g. an OAuth access token). */
  addSecret(secret: string): void;
  /** Registers a header name whose values are always masked. */
  addSecretHeader(name: string): void;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The spellings under which a secret can show up in a URL, a form body, a JSON string or an HTML/XML page. */
function spellings(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  // A server's HTML error page echoing the request escapes it.
  forms.add(secret.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!));
  return [...forms].filter((form) => form.length > 0);
}

export function createRedactor(secrets: Iterable<string>, secretHeaderNames: Iterable<string> = []): Redactor {
  const known = new Set<string>();
  const headerNames = new Set<string>(ALWAYS_SECRET_HEADERS);
  let pattern: RegExp | undefined;

  const rebuild = (): void => {
    const forms = new Map<string, boolean>();
    for (const secret of known) for (const form of spellings(secret)) forms.set(form, (forms.get(form) ?? false) || secret.length >= ANYWHERE_SECRET_LENGTH);
    // Longest first, so a secret containing another secret is replaced whole.
    const alternatives = [...forms.entries()]
      .sort(([a], [b]) => b.length - a.length)
      .map(([form, anywhere]) => (anywhere ? escapeRegExp(form) : `(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`));
    pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  };

  const addSecret = (secret: string): void => {
    if (secret.length === 0 || known.has(secret)) return;
    known.add(secret);
    rebuild();
  };
  for (const secret of secrets) addSecret(secret);
  for (const name of secretHeaderNames) headerNames.add(name.toLowerCase());

  const redact = (text: string): string => (pattern ? text.replace(pattern, REDACTED) : text);

  const maskHeaderValue = (name: string, value: string): string => {
    if (name === 'authorization' || name === 'proxy-authorization') {
      // Keep the scheme: "Bearer [REDACTED]" still tells the reader which kind of credential went out.
      const scheme = /^([A-Za-z][A-Za-z0-9._~+/-]*)\s+\S/.exec(value)?.[1];
      return scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
    return REDACTED;
  };

  const redactValue = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return value.map(redactValue);
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(out, redact(key), { value: redactValue(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  };

  return {
    redact,
    redactValue,
    redactHeaders(headers, shown) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        const lower = name.toLowerCase();
        out[redact(name)] = headerNames.has(lower) && !shown?.(name, value) ? maskHeaderValue(lower, value) : redact(value);
      }
      return out;
    },
    addSecret,
    addSecretHeader(name) {
      headerNames.add(name.toLowerCase());
    },
  };
}
