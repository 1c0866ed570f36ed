/**
 * The conformance runner's HTTP client: undici's request API over a keep-alive dispatcher, with credentials,
 * timeouts, a body cap, hand-followed redirects, polite 429 waits, and a transcript redacted at capture time.
 *
 * Choices a reader of a transcript should know:
 * - A request carries exactly the headers it names, plus the configured extra headers and credentials (see
 *   SendRequest.headers); the HTTP library adds only Host, Connection and Content-Length.
 * - `send` never throws: every failure is `exchange.error` ({code, message}, one line; codes listed in
 *   transport-errors.ts plus DEADLINE_EXCEEDED, TIMEOUT, BODY_STALLED, BODY_TOO_LARGE, CLIENT_CLOSED, INVALID_URL,
 *   DOT_SEGMENT (a path with a "." or ".." segment is refused, never normalised), AUTH_TOKEN_FAILED, REDIRECT_LOOP, TOO_MANY_REDIRECTS, REDIRECT_INVALID, REDIRECT_WITHOUT_LOCATION).
 *   Invalid JSON is not an error: `response.body` holds the text, `json` stays undefined, `jsonError` says why.
 * - The base URL's query string (`…/scim/v2?aadOptscim062020`, `?api_key=K`) is kept on every request under the
 *   base; its parameter values are secrets.
 * - Redirects are followed (up to `maxRedirects`); to another origin (scheme, host or port differ) they are
 *   followed WITHOUT Authorization, cookies or the configured extra headers, and a note says so. The record's
 *   `request` is the first request; `redirects` lists the hops; `response` is the last answer.
 * - A 429 with a usable Retry-After is waited out (bounded per send by `rateLimit`, and by the deadline), then
 *   retried; each wait is in `retries` and `notes`. Without a usable Retry-After it is returned as is.
 * - Redaction only touches the record; what goes on the wire (an OAuth token read back from its endpoint
 *   included) never comes from a redacted copy.
 * - Only `createClient` throws, with ClientConfigError, for unusable options.
 */
import { setMaxListeners } from 'node:events';
import {
  createAuthenticator,
  tokenRequest,
  type AuthConfig,
  type AuthMode,
  type Authenticator,
  type OAuth2ClientCredentials,
} from './auth.js';
import { truncateForRecord } from './body.js';
import { checkClientOptions } from './config.js';
import { createDispatcher, proxyFor } from './dispatcher.js';
import type { Exchange, RedirectRecord, RetryRecord } from './exchange.js';
import { hasHeader, mergeHeaders, withoutHeaders } from './headers.js';
import { createRedactor, REDACTED, type Redactor } from './redact.js';
import { isRedirect, nextHop } from './redirects.js';
import { rateLimitDecision } from './rate-limit.js';
import { hasDotSegment, resolveUrl, shownUrl, targetOf, type Target } from './target.js';
import type { TransportError } from './transport-errors.js';
import { createWire, type Wire, type WireResult } from './wire.js';

export type { Exchange, RecordedRequest, RecordedResponse, RedirectRecord, RetryRecord } from './exchange.js';
export type { AuthConfig, AuthMode, OAuth2ClientCredentials } from './auth.js';
export { INVALID_PASSWORD, INVALID_TOKEN } from './auth.js';
export { MIN_SECRET_LENGTH, REDACTED } from './redact.js';
export { ClientConfigError } from './config.js';

export interface RateLimitOptions {
  /** Longest total time one send may spend waiting out 429s (default 10 s). */
  maxWaitMs?: number;
  /** Most 429 retries per send (default 5). */
  maxRetries?: number;
}

export interface ClientOptions {
  /** SCIM base URL, e.g. https://app.example.com/scim/v2 (a query string is kept on every request). */
  baseUrl: string;
  auth: AuthConfig;
  /**
   * Extra headers sent on every request (--header); their values are treated as secrets and redacted. A request's
   * own header of the same name wins.
   */
  headers?: Record<string, string>;
  /** Per-request timeout (ms): covers waiting for the head and reading the whole body (default 30 s). */
  timeoutMs?: number;
  /** Absolute time (epoch ms) after which no request is started and running ones are aborted. */
  deadline?: number;
  insecure?: boolean;
  /** Extra CA certificate(s), PEM. */
  ca?: string;
  /** Response bodies larger than this are cut off and the exchange fails (default 10 MiB). */
  maxBodyBytes?: number;
  /** Proxy URL for every request; without it HTTPS_PROXY/HTTP_PROXY/NO_PROXY from `env` apply. */
  proxy?: string;
  /** Environment for proxy variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  rateLimit?: RateLimitOptions;
  /** Most redirects followed per send (default 5); 0 returns the 3xx as it is. */
  maxRedirects?: number;
  /** Body text kept in the record, in characters (default 64 KiB); `json` always holds the full value. */
  recordBodyChars?: number;
  /** Deeper JSON is not parsed (default 256): later consumers recurse and would overflow the stack. */
  maxJsonDepth?: number;
}

export interface SendRequest {
  method: string;
  /** Absolute URL, or a path relative to the base URL ("/Users?x=1"). */
  url: string;
  /**
   * Every header of the request, exactly as it goes on the wire (names keep their spelling and order): the client
   * adds only the configured extra headers and, unless this names Authorization, the credentials. The HTTP
   * library adds Host, Connection and Content-Length; nothing else (no User-Agent, Accept or Content-Type).
   * An Authorization given here is sent as it is (e.g. Okta's `Authorization: non-token`) and shown in the record
   * (minus any known secret in it): it is the request's, not the run's credential.
   */
  headers?: Record<string, string>;
  body?: string;
  /** 'default' = configured credentials, 'none' = no Authorization, 'invalid' = a wrong credential. */
  auth?: AuthMode;
  /** Overrides the client's per-request timeout for this send. */
  timeoutMs?: number;
}

export interface ScimClient {
  send(request: SendRequest): Promise<Exchange>;
  /** Replaces every configured secret in `text` with a redaction marker. */
  redact(text: string): string;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
const DEFAULTS = {
  timeoutMs: 30_000,
  maxBodyBytes: 10 * MiB,
  maxRedirects: 5,
  recordBodyChars: 64 * 1024,
  maxJsonDepth: 256,
  rateLimitWaitMs: 10_000,
  rateLimitRetries: 5,
};

type Settings = ReturnType<typeof settingsOf>;

function settingsOf(options: ClientOptions) {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
    recordBodyChars: options.recordBodyChars ?? DEFAULTS.recordBodyChars,
    maxJsonDepth: options.maxJsonDepth ?? DEFAULTS.maxJsonDepth,
    rateLimitWaitMs: options.rateLimit?.maxWaitMs ?? DEFAULTS.rateLimitWaitMs,
    rateLimitRetries: options.rateLimit?.maxRetries ?? DEFAULTS.rateLimitRetries,
    extraHeaders: options.headers ?? {},
    env: options.env ?? process.env,
  };
}

class TokenFailure extends Error {}

/** A base URL as reports may show it: its query parameters' values masked. */
export function shownBaseUrl(url: string): string {
  return shownUrl(url, REDACTED);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => finish(true), ms);
    const onAbort = (): void => finish(false);
    function finish(completed: boolean): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Every string that must never appear in a record, known before the first request. */
function redactorFor(options: ClientOptions, settings: Settings, target: Target): Redactor {
  const { extraHeaders } = settings;
  const redactor = createRedactor([...Object.values(extraHeaders), ...target.secrets], Object.keys(extraHeaders));
  for (const secret of proxySecrets(options.proxy, settings.env)) redactor.addSecret(secret);
  return redactor;
}

/** OAuth tokens come through the same wire (dispatcher, TLS, proxy, timeouts) as SCIM requests. */
function tokenFetcher(wire: Wire, timeoutMs: number) {
  return async (config: OAuth2ClientCredentials): Promise<{ accessToken: string; expiresInS?: number }> => {
    const { headers, body } = tokenRequest(config);
    // The unredacted value: a token equal to one seen before is already a registered secret, and its redacted
    // copy must never be what goes on the wire.
    const attempt = await wire.send({ method: 'POST', url: new URL(config.tokenUrl), headers, body, timeoutMs, keepRawJson: true });
    if (attempt.error) throw new TokenFailure(`token request failed: ${attempt.error.message}`);
    const json = attempt.rawJson as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (attempt.response?.status !== 200 || typeof json?.access_token !== 'string') {
      const reason = typeof json?.error === 'string' ? ` (${json.error})` : '';
      throw new TokenFailure(`token endpoint answered ${attempt.response?.status ?? 'nothing'}${reason} without an access_token`);
    }
    const expires = Number(json.expires_in);
    return { accessToken: json.access_token, ...(Number.isFinite(expires) ? { expiresInS: expires } : {}) };
  };
}

/** Throws ClientConfigError for unusable options; after that, `send` never throws. */
export function createClient(options: ClientOptions): ScimClient {
  checkClientOptions({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    ca: options.ca,
    proxy: options.proxy,
    headers: options.headers,
    ...(options.auth.kind === 'oauth2' ? { tokenUrl: options.auth.tokenUrl } : {}),
  });
  const settings = settingsOf(options);
  const target = targetOf(options.baseUrl);
  const redactor = redactorFor(options, settings, target);

  const dispatcher = createDispatcher({
    insecure: options.insecure ?? false,
    env: settings.env,
    timeoutMs: settings.timeoutMs,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  const closing = new AbortController();
  // Every concurrent 429 wait listens on it; that many listeners is expected, not a leak.
  setMaxListeners(0, closing.signal);
  const proxyOf = (url: URL): string | undefined => proxyFor(url, options.proxy, settings.env);
  const wire = createWire({ dispatcher, redactor, closing: closing.signal, deadline: options.deadline, proxyOf, ...settings });

  const auth = createAuthenticator(options.auth, tokenFetcher(wire, settings.timeoutMs), (secret) => redactor.addSecret(secret));
  for (const secret of auth.secrets) redactor.addSecret(secret);

  const sender = new Sender({ options, settings, target, redactor, wire, auth, closing: closing.signal });
  return {
    async send(request) {
      try {
        return await sender.send(request);
      } catch (error) {
        // A bug here must become a failed exchange, not a crashed run.
        return {
          request: { method: request.method, url: redactor.redact(request.url), headers: {} },
          error: { code: 'CLIENT_ERROR', message: redactor.redact(`internal client error: ${error instanceof Error ? error.message : String(error)}`) },
          ms: 0,
          startedAt: new Date().toISOString(),
        };
      }
    },
    redact: (text) => redactor.redact(text),
    async close() {
      closing.abort();
      wire.abortAll();
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}

interface SenderParts {
  options: ClientOptions;
  settings: Settings;
  target: Target;
  redactor: Redactor;
  wire: Wire;
  auth: Authenticator;
  closing: AbortSignal;
}

/** What one `send` accumulates for its record: the first request, then waits, hops and notes. */
class Transcript {
  readonly startedAt = new Date().toISOString();
  private readonly started = performance.now();
  readonly notes: string[] = [];
  readonly retries: RetryRecord[] = [];
  readonly redirects: RedirectRecord[] = [];
  /** Headers of the first request as sent; names in `ownHeaders` were given by the request itself. */
  headers: Record<string, string> = {};

  constructor(
    private readonly request: SendRequest,
    private readonly method: string,
    private readonly redactor: Redactor,
    private readonly recordBodyChars: number,
  ) {}

  finish(url: string, attempt: WireResult): Exchange {
    const { request, redactor } = this;
    const own = request.headers ?? {};
    const exchange: Exchange = {
      request: {
        method: this.method,
        url: redactor.redact(url),
        // The request's own values are shown (e.g. a literal `Authorization: non-token`), minus known secrets; the
        // credentials and --header values the client added are masked.
        headers: redactor.redactHeaders(this.headers, (name, value) => own[name] === value),
        ...(request.body !== undefined
          ? { body: truncateForRecord(redactor.redact(request.body), this.recordBodyChars, Buffer.byteLength(request.body)) }
          : {}),
      },
      ms: Math.round((performance.now() - this.started) * 100) / 100,
      startedAt: this.startedAt,
    };
    if (attempt.response) exchange.response = attempt.response;
    if (attempt.error) exchange.error = { code: attempt.error.code, message: redactor.redact(attempt.error.message) };
    if (attempt.response?.jsonError) this.notes.push(`response body is not usable JSON: ${attempt.response.jsonError}`);
    if (this.retries.length > 0) exchange.retries = this.retries;
    if (this.redirects.length > 0) exchange.redirects = this.redirects;
    if (this.notes.length > 0) exchange.notes = this.notes.map((note) => redactor.redact(note));
    return exchange;
  }
}

/** One hop of a send: what goes on the wire next. */
interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A send's steps: resolve the URL, build the headers, then deliver (refresh, 429 waits, redirects). */
class Sender {
  /** Credentials never follow a redirect to another origin: these headers are dropped there. */
  private readonly credentialHeaders: string[];

  constructor(private readonly parts: SenderParts) {
    this.credentialHeaders = ['authorization', 'proxy-authorization', 'cookie', ...Object.keys(parts.settings.extraHeaders)];
  }

  async send(request: SendRequest): Promise<Exchange> {
    const { redactor, closing, target } = this.parts;
    const method = request.method.toUpperCase();
    const transcript = new Transcript(request, method, redactor, this.parts.settings.recordBodyChars);
    if (hasDotSegment(request.url)) {
      return transcript.finish(request.url, { error: { code: 'DOT_SEGMENT', message: `refused to send ${method} ${request.url}: a "." or ".." path segment would address another resource` } });
    }
    let url: URL;
    try {
      url = resolveUrl(target, request.url);
    } catch {
      return transcript.finish(request.url, { error: { code: 'INVALID_URL', message: `not a valid URL: ${request.url}` } });
    }
    if (closing.aborted) {
      return transcript.finish(url.href, { error: { code: 'CLIENT_CLOSED', message: 'the client was closed before this request' } });
    }
    const headers = await this.headersFor(request);
    transcript.headers = headers.headers;
    if ('error' in headers) return transcript.finish(url.href, { error: headers.error });
    return this.deliver({ method, url, headers: headers.headers, body: request.body }, request, headers.credentialsAdded, transcript);
  }

  /**
   * The request's headers, then the configured extra headers (the request's own name wins), then the credentials
   * unless an Authorization is already there. A request meant to go without the credential, or with a wrong one,
   * never carries one given as an extra header (--header "Authorization: …") either.
   */
  private async headersFor(request: SendRequest): Promise<{ headers: Record<string, string>; credentialsAdded: boolean } | { headers: Record<string, string>; error: TransportError }> {
    const mode = request.auth ?? 'default';
    // Listed first so the request's order is the wire's order; listed last so its values win.
    let headers = mergeHeaders(request.headers, this.parts.settings.extraHeaders, request.headers);
    if (mode !== 'default' && !hasHeader(request.headers, 'authorization')) headers = withoutHeaders(headers, ['authorization']);
    if (hasHeader(headers, 'authorization')) return { headers, credentialsAdded: false };
    try {
      const authorization = await this.parts.auth.authorization(mode);
      if (authorization === undefined) return { headers, credentialsAdded: false };
      return { headers: mergeHeaders(headers, { Authorization: authorization }), credentialsAdded: mode === 'default' };
    } catch (error) {
      const message = error instanceof TokenFailure ? error.message : `could not obtain credentials: ${String(error)}`;
      return { headers, error: { code: 'AUTH_TOKEN_FAILED', message } };
    }
  }

  private async deliver(first: Hop, request: SendRequest, credentialsAdded: boolean, transcript: Transcript): Promise<Exchange> {
    const { wire, settings } = this.parts;
    const firstUrl = first.url.href;
    let hop = first;
    const visited = new Set<string>([`${hop.method} ${hop.url.href}`]);
    let rateLimitWaited = 0;
    let mayRefresh = credentialsAdded && this.parts.options.auth.kind === 'oauth2';
    const timeoutMs = request.timeoutMs ?? settings.timeoutMs;
    for (;;) {
      const attempt = await wire.send({ ...hop, timeoutMs });
      const status = attempt.response?.status;
      if (attempt.error || status === undefined) return transcript.finish(firstUrl, attempt);

      if (status === 401 && mayRefresh && this.parts.auth.invalidate()) {
        // The cached access token may have been revoked or expired early: fetch a new one, once.
        mayRefresh = false;
        try {
          const authorization = await this.parts.auth.authorization('default');
          if (authorization !== undefined) hop = { ...hop, headers: mergeHeaders(hop.headers, { Authorization: authorization }) };
        } catch (error) {
          transcript.notes.push(`401 with a cached OAuth token; refreshing it failed: ${error instanceof Error ? error.message : String(error)}`);
          return transcript.finish(firstUrl, attempt);
        }
        transcript.notes.push('401 with a cached OAuth token: fetched a new token and retried once');
        continue;
      }

      if (status === 429) {
        const waited = await this.waitOutRateLimit(attempt, transcript, rateLimitWaited);
        if (typeof waited !== 'number') return transcript.finish(firstUrl, waited);
        rateLimitWaited += waited;
        continue;
      }

      if (isRedirect(status) && settings.maxRedirects > 0) {
        const next = this.redirect(hop, status, attempt, visited, transcript);
        if ('error' in next) return transcript.finish(firstUrl, { ...attempt, error: next.error });
        hop = next;
        continue;
      }
      return transcript.finish(firstUrl, attempt);
    }
  }

  /** Waits a 429 out when allowed: the milliseconds waited, or the result to return as it is. */
  private async waitOutRateLimit(attempt: WireResult, transcript: Transcript, waitedSoFarMs: number): Promise<number | WireResult> {
    const { settings, options, closing } = this.parts;
    const decision = rateLimitDecision({
      retryAfter: attempt.retryAfter,
      retriesSoFar: transcript.retries.length,
      waitedSoFarMs,
      maxRetries: settings.rateLimitRetries,
      maxWaitMs: settings.rateLimitWaitMs,
      untilDeadlineMs: options.deadline !== undefined ? options.deadline - Date.now() : Infinity,
    });
    if ('giveUp' in decision) {
      transcript.notes.push(decision.giveUp);
      return attempt;
    }
    if (!(await sleep(decision.waitMs, closing))) {
      return { ...attempt, error: { code: 'CLIENT_CLOSED', message: 'the client was closed while waiting out a 429' } };
    }
    transcript.retries.push({ status: 429, retryAfter: attempt.retryAfter ?? '', waitedMs: decision.waitMs });
    transcript.notes.push(`429: waited ${decision.waitMs} ms as Retry-After asked, then retried`);
    return decision.waitMs;
  }

  /** The next hop of a redirect, or why it is not followed. */
  private redirect(hop: Hop, status: number, attempt: WireResult, visited: Set<string>, transcript: Transcript): Hop | { error: TransportError } {
    const { redactor, settings } = this.parts;
    const decision = nextHop(hop.url, hop.method, status, attempt.location ?? null);
    if (!decision.ok) return { error: { code: decision.code, message: decision.message } };
    const next = decision.hop;
    const key = `${next.method} ${next.url.href}`;
    if (visited.has(key)) return { error: { code: 'REDIRECT_LOOP', message: `redirect loop: ${redactor.redact(next.url.href)} was already visited` } };
    if (transcript.redirects.length >= settings.maxRedirects) return { error: { code: 'TOO_MANY_REDIRECTS', message: `more than ${settings.maxRedirects} redirects` } };
    visited.add(key);
    transcript.redirects.push({ status, from: redactor.redact(hop.url.href), to: redactor.redact(next.url.href), crossOrigin: next.crossOrigin });
    let headers = hop.headers;
    if (next.crossOrigin) {
      headers = withoutHeaders(headers, this.credentialHeaders);
      transcript.notes.push(`redirected to another origin (${next.url.origin}): Authorization and secret headers were not sent there`);
    }
    if (!next.keepBody) headers = withoutHeaders(headers, ['content-type']);
    return { method: next.method, url: next.url, headers, body: next.keepBody ? hop.body : undefined };
  }
}

/** Credentials embedded in a proxy URL (http://user:pass@proxy) are secrets too. */
function proxySecrets(proxy: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const urls = [proxy, env.HTTPS_PROXY, env.https_proxy, env.HTTP_PROXY, env.http_proxy].filter((u): u is string => !!u);
  const secrets: string[] = [];
  for (const raw of urls) {
    try {
      const parsed = new URL(raw);
      if (parsed.password) secrets.push(decodeURIComponent(parsed.password), parsed.password);
    } catch {
      // an unparsable proxy URL fails at connect time with its own error
    }
  }
  return secrets;
}
