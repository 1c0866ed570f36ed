/**
 * The conformance runner's HTTP client: global fetch over a keep-alive undici dispatcher, with credentials,
 * timeouts, a body cap, hand-followed redirects, polite 429 waits, and a transcript redacted at capture time.
 *
 * Choices a reader of a transcript should know:
 * - `send` never throws: every failure is `exchange.error` ({code, message}, one line; codes listed in
 *   transport-errors.ts plus DEADLINE_EXCEEDED, TIMEOUT, BODY_STALLED, BODY_TOO_LARGE, CLIENT_CLOSED, INVALID_URL,
 *   DOT_SEGMENT (a path with a "." or ".." segment is refused, never normalised), AUTH_TOKEN_FAILED, REDIRECT_LOOP, TOO_MANY_REDIRECTS, REDIRECT_INVALID, REDIRECT_WITHOUT_LOCATION).
 *   Invalid JSON is not an error: `response.body` holds the text, `json` stays undefined, `jsonError` says why.
 * - Redirects are followed (up to `maxRedirects`); to another origin (scheme, host or port differ) they are
 *   followed WITHOUT Authorization, cookies or the configured extra headers, and a note says so. The record's
 *   `request` is the first request; `redirects` lists the hops; `response` is the last answer.
 * - A 429 with a usable Retry-After is waited out (bounded per send by `rateLimit`, and by the deadline), then
 *   retried; each wait is in `retries` and `notes`. Without a usable Retry-After it is returned as is.
 * - Only `createClient` throws, with ClientConfigError, for unusable options.
 */
import { setMaxListeners } from 'node:events';
import { toolVersion } from '../common/version.js';
import {
  createAuthenticator,
  tokenRequest,
  type AuthConfig,
  type AuthMode,
  type OAuth2ClientCredentials,
} from './auth.js';
import { truncateForRecord } from './body.js';
import { checkClientOptions } from './config.js';
import { createDispatcher } from './dispatcher.js';
import type { Exchange, RedirectRecord, RetryRecord } from './exchange.js';
import { createRedactor, type Redactor } from './redact.js';
import { isRedirect, nextHop } from './redirects.js';
import { rateLimitDecision } from './rate-limit.js';
import type { TransportError } from './transport-errors.js';
import { createWire, type WireResult } from './wire.js';

export type { Exchange, RecordedRequest, RecordedResponse, RedirectRecord, RetryRecord } from './exchange.js';
export type { AuthConfig, AuthMode, OAuth2ClientCredentials } from './auth.js';
export { INVALID_PASSWORD, INVALID_TOKEN } from './auth.js';
export { REDACTED } from './redact.js';
export { ClientConfigError } from './config.js';

export interface RateLimitOptions {
  /** Longest total time one send may spend waiting out 429s (default 10 s). */
  maxWaitMs?: number;
  /** Most 429 retries per send (default 5). */
  maxRetries?: number;
}

export interface ClientOptions {
  /** SCIM base URL, e.g. https://app.example.com/scim/v2 */
  baseUrl: string;
  auth: AuthConfig;
  /** Extra headers sent on every request; their values are treated as secrets and redacted. */
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
  userAgent?: string;
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
  headers?: Record<string, string>;
  body?: string;
  /** 'default' = configured credentials, 'none' = no Authorization, 'invalid' = a wrong credential. */
  auth?: AuthMode;
  /** Overrides the client's per-request timeout for this send. */
  timeoutMs?: number;
  /**
   * Headers the client would add by default (accept, user-agent, content-type) that this request must not carry.
   * fetch may still add its own minimal default (e.g. `accept: *\/*`).
   */
  omitHeaders?: string[];
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

class TokenFailure extends Error {}

/** The base URL with a trailing slash, so relative paths append to it instead of replacing its last segment. */
function normalizedBase(baseUrl: string): URL {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/**
 * A "." or ".." segment (also spelt %2e) in the path: URL parsing would silently turn "/Users/.." into the base
 * path itself, so a server answering with id ".." could make a DELETE meant for one user hit "/scim/v2/".
 */
function hasDotSegment(target: string): boolean {
  const path = target.replace(/^https?:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

function resolveUrl(base: URL, target: string): URL {
  if (/^https?:\/\//i.test(target)) return new URL(target);
  return new URL(target.replace(/^\/+/, ''), base);
}

/** Header maps keyed case-insensitively; the last writer of a name wins. */
function mergeHeaders(...layers: (Record<string, string> | undefined)[]): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) byLower.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byLower.values());
}

function withoutHeaders(headers: Record<string, string>, lowerNames: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !lowerNames.has(name.toLowerCase())));
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
  const base = normalizedBase(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const recordBodyChars = options.recordBodyChars ?? DEFAULTS.recordBodyChars;
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULTS.maxJsonDepth;
  const rateLimitWaitMs = options.rateLimit?.maxWaitMs ?? DEFAULTS.rateLimitWaitMs;
  const rateLimitRetries = options.rateLimit?.maxRetries ?? DEFAULTS.rateLimitRetries;
  const extraHeaders = options.headers ?? {};
  const userAgent = options.userAgent ?? `scim-check/${toolVersion()}`;

  const redactor: Redactor = createRedactor(Object.values(extraHeaders), Object.keys(extraHeaders));
  for (const secret of proxySecrets(options.proxy, options.env ?? process.env)) redactor.addSecret(secret);
  const dispatcher = createDispatcher({
    insecure: options.insecure ?? false,
    env: options.env ?? process.env,
    timeoutMs,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
  });
  const closing = new AbortController();
  // Every concurrent 429 wait listens on it; that many listeners is expected, not a leak.
  setMaxListeners(0, closing.signal);

  const wire = createWire({
    dispatcher,
    redactor,
    closing: closing.signal,
    deadline: options.deadline,
    maxBodyBytes,
    recordBodyChars,
    maxJsonDepth,
  });

  /** Credentials never follow a redirect to another origin: these headers are dropped there. */
  const credentialHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', ...Object.keys(extraHeaders).map((n) => n.toLowerCase())]);

  const fetchToken = async (config: OAuth2ClientCredentials): Promise<{ accessToken: string; expiresInS?: number }> => {
    const { headers, body } = tokenRequest(config);
    const attempt = await wire.send({ method: 'POST', url: new URL(config.tokenUrl), headers, body, timeoutMs });
    if (attempt.error) throw new TokenFailure(`token request failed: ${attempt.error.message}`);
    const json = attempt.response?.json as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (attempt.response?.status !== 200 || typeof json?.access_token !== 'string') {
      const reason = typeof json?.error === 'string' ? ` (${json.error})` : '';
      throw new TokenFailure(`token endpoint answered ${attempt.response?.status ?? 'nothing'}${reason} without an access_token`);
    }
    const expires = Number(json.expires_in);
    return { accessToken: json.access_token, ...(Number.isFinite(expires) ? { expiresInS: expires } : {}) };
  };
  const auth = createAuthenticator(options.auth, fetchToken, (secret) => redactor.addSecret(secret));
  for (const secret of auth.secrets) redactor.addSecret(secret);

  function redactError(error: TransportError): TransportError {
    return { code: error.code, message: redactor.redact(error.message) };
  }

  async function send(request: SendRequest): Promise<Exchange> {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const method = request.method.toUpperCase();
    const mode = request.auth ?? 'default';
    const notes: string[] = [];
    const retries: RetryRecord[] = [];
    const redirects: RedirectRecord[] = [];
    let sentHeaders: Record<string, string> = mergeHeaders(
      { accept: 'application/scim+json, application/json;q=0.9', 'user-agent': userAgent },
      request.body !== undefined ? { 'content-type': 'application/scim+json; charset=utf-8' } : undefined,
      extraHeaders,
      request.headers,
    );
    if (request.omitHeaders?.length) sentHeaders = withoutHeaders(sentHeaders, new Set(request.omitHeaders.map((h) => h.toLowerCase())));
    const finish = (firstUrl: string, attempt: WireResult): Exchange => {
      const exchange: Exchange = {
        request: {
          method,
          url: redactor.redact(firstUrl),
          headers: redactor.redactHeaders(sentHeaders),
          ...(request.body !== undefined
            ? { body: truncateForRecord(redactor.redact(request.body), recordBodyChars, Buffer.byteLength(request.body)) }
            : {}),
        },
        ms: Math.round((performance.now() - started) * 100) / 100,
        startedAt,
      };
      if (attempt.response) exchange.response = attempt.response;
      if (attempt.error) exchange.error = redactError(attempt.error);
      if (attempt.response?.jsonError) notes.push(`response body is not usable JSON: ${attempt.response.jsonError}`);
      if (retries.length > 0) exchange.retries = retries;
      if (redirects.length > 0) exchange.redirects = redirects;
      if (notes.length > 0) exchange.notes = notes.map((note) => redactor.redact(note));
      return exchange;
    };

    if (hasDotSegment(request.url)) {
      return finish(request.url, { error: { code: 'DOT_SEGMENT', message: `refused to send ${method} ${request.url}: a "." or ".." path segment would address another resource` } });
    }
    let url: URL;
    try {
      url = resolveUrl(base, request.url);
    } catch {
      return finish(request.url, { error: { code: 'INVALID_URL', message: `not a valid URL: ${request.url}` } });
    }
    const firstUrl = url.href;
    if (closing.signal.aborted) {
      return finish(firstUrl, { error: { code: 'CLIENT_CLOSED', message: 'the client was closed before this request' } });
    }
    const isAuthorization = (name: string): boolean => name.toLowerCase() === 'authorization';
    if (mode !== 'default' && !Object.keys(request.headers ?? {}).some(isAuthorization)) {
      // A credential given as an extra header (--header "Authorization: …") is still the run's credential: a
      // request meant to go without it, or with a wrong one, must not carry it.
      sentHeaders = Object.fromEntries(Object.entries(sentHeaders).filter(([name]) => !isAuthorization(name)));
    }
    try {
      const explicitAuthorization = Object.keys(sentHeaders).some(isAuthorization);
      if (!explicitAuthorization) {
        const authorization = await auth.authorization(mode);
        if (authorization !== undefined) sentHeaders = mergeHeaders(sentHeaders, { authorization });
      }
    } catch (error) {
      const message = error instanceof TokenFailure ? error.message : `could not obtain credentials: ${String(error)}`;
      return finish(firstUrl, { error: redactError({ code: 'AUTH_TOKEN_FAILED', message }) });
    }

    let hopMethod = method;
    let hopBody = request.body;
    let hopHeaders = sentHeaders;
    const visited = new Set<string>([`${hopMethod} ${url.href}`]);
    let rateLimitWaited = 0;
    let refreshedToken = false;
    const perRequestTimeout = request.timeoutMs ?? timeoutMs;
    for (;;) {
      const attempt = await wire.send({ method: hopMethod, url, headers: hopHeaders, body: hopBody, timeoutMs: perRequestTimeout });
      const status = attempt.response?.status;
      if (attempt.error || status === undefined) return finish(firstUrl, attempt);

      if (status === 401 && options.auth.kind === 'oauth2' && mode === 'default' && !refreshedToken && auth.invalidate()) {
        // The cached access token may have been revoked or expired early: fetch a new one, once.
        refreshedToken = true;
        try {
          const authorization = await auth.authorization('default');
          if (authorization !== undefined) hopHeaders = mergeHeaders(hopHeaders, { authorization });
        } catch (error) {
          notes.push(`401 with a cached OAuth token; refreshing it failed: ${error instanceof Error ? error.message : String(error)}`);
          return finish(firstUrl, attempt);
        }
        notes.push('401 with a cached OAuth token: fetched a new token and retried once');
        continue;
      }

      if (status === 429) {
        const decision = rateLimitDecision({
          retryAfter: attempt.retryAfter,
          retriesSoFar: retries.length,
          waitedSoFarMs: rateLimitWaited,
          maxRetries: rateLimitRetries,
          maxWaitMs: rateLimitWaitMs,
          untilDeadlineMs: options.deadline !== undefined ? options.deadline - Date.now() : Infinity,
        });
        if ('giveUp' in decision) {
          notes.push(decision.giveUp);
          return finish(firstUrl, attempt);
        }
        if (!(await sleep(decision.waitMs, closing.signal))) {
          return finish(firstUrl, { ...attempt, error: { code: 'CLIENT_CLOSED', message: 'the client was closed while waiting out a 429' } });
        }
        rateLimitWaited += decision.waitMs;
        retries.push({ status, retryAfter: attempt.retryAfter ?? '', waitedMs: decision.waitMs });
        notes.push(`429: waited ${decision.waitMs} ms as Retry-After asked, then retried`);
        continue;
      }

      if (isRedirect(status) && maxRedirects > 0) {
        const decision = nextHop(url, hopMethod, status, attempt.location ?? null);
        if (!decision.ok) return finish(firstUrl, { ...attempt, error: { code: decision.code, message: decision.message } });
        const { hop } = decision;
        const key = `${hop.method} ${hop.url.href}`;
        if (visited.has(key)) {
          return finish(firstUrl, { ...attempt, error: { code: 'REDIRECT_LOOP', message: `redirect loop: ${redactor.redact(hop.url.href)} was already visited` } });
        }
        if (redirects.length >= maxRedirects) {
          return finish(firstUrl, { ...attempt, error: { code: 'TOO_MANY_REDIRECTS', message: `more than ${maxRedirects} redirects` } });
        }
        visited.add(key);
        redirects.push({ status, from: redactor.redact(url.href), to: redactor.redact(hop.url.href), crossOrigin: hop.crossOrigin });
        if (hop.crossOrigin) {
          hopHeaders = withoutHeaders(hopHeaders, credentialHeaders);
          notes.push(`redirected to another origin (${hop.url.origin}): Authorization and secret headers were not sent there`);
        }
        if (!hop.keepBody) {
          hopBody = undefined;
          hopHeaders = withoutHeaders(hopHeaders, new Set(['content-type']));
        }
        hopMethod = hop.method;
        url = hop.url;
        continue;
      }
      return finish(firstUrl, attempt);
    }
  }

  return {
    async send(request) {
      try {
        return await send(request);
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
