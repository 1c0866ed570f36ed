/**
 * One request and its response on the wire: no retries, no redirects; bounded in time and bytes; never throws.
 *
 * Sent with undici's own `request` on the dispatcher, not fetch: fetch adds headers of its own (accept,
 * accept-language, sec-fetch-mode, user-agent, accept-encoding) that an IdP does not send. Here the request
 * carries exactly `headers`; undici adds only Host, Connection and Content-Length.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { decodedBody, interpretBody, readCapped, truncateForRecord, type BodyProgress } from './body.js';
import type { RecordedResponse } from './exchange.js';
import type { Redactor } from './redact.js';
import { classifyFailure, type Phase, type TransportError } from './transport-errors.js';

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  /** Also return the parsed body unredacted (`rawJson`), for values the client itself must use (OAuth tokens). */
  keepRawJson?: boolean;
}

export interface WireResult {
  /** Redacted record of what came back (status and headers at least, when the head arrived). */
  response?: RecordedResponse;
  error?: TransportError;
  /** Raw headers the retry and redirect logic reads. */
  location?: string | null;
  retryAfter?: string | null;
  /** The parsed body before redaction, only when the request asked for it (never recorded). */
  rawJson?: unknown;
}

export interface WireOptions {
  dispatcher: Dispatcher;
  redactor: Redactor;
  /** Set when the client closes: nothing new starts. */
  closing: AbortSignal;
  deadline: number | undefined;
  maxBodyBytes: number;
  recordBodyChars: number;
  maxJsonDepth: number;
  /** host:port of the proxy a URL goes through (undefined: direct), so failures to reach it blame it. */
  proxyOf?: (url: URL) => string | undefined;
}

/** Why an in-flight request was aborted by the client itself. */
type AbortCause = 'timeout' | 'deadline' | 'closed';

type RequestFunction = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

const require = createRequire(import.meta.url);
/**
 * undici's `request` by its own module: the package index (which installs it on every dispatcher) also loads
 * fetch, WebSocket and the cache layers, ~150 ms of start-up. Falls back to the index if a future undici moves it.
 */
function loadRequest(): RequestFunction {
  try {
    return require('undici/lib/api/api-request.js') as RequestFunction;
  } catch {
    const { Dispatcher: Base } = require('undici') as typeof import('undici');
    return Base.prototype.request as unknown as RequestFunction;
  }
}
let requestFunction: RequestFunction | undefined;

function headersToRecord(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function single(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
}

function abortFailure(cause: AbortCause, phase: Phase, target: string, budgetMs: number, bytes: number): TransportError {
  if (cause === 'closed') return { code: 'CLIENT_CLOSED', message: 'the client was closed while this request was running' };
  if (cause === 'deadline') {
    return {
      code: 'DEADLINE_EXCEEDED',
      message: `the run deadline passed while ${phase === 'head' ? `waiting for ${target} to answer` : `reading ${target}'s body`}`,
    };
  }
  return phase === 'head'
    ? { code: 'TIMEOUT', message: `${target} sent no response headers within ${budgetMs} ms` }
    : { code: 'BODY_STALLED', message: `${target} sent headers but not the whole body within ${budgetMs} ms (${bytes} bytes received; stalled or too slow)` };
}

export interface Wire {
  send(request: WireRequest): Promise<WireResult>;
  /** Aborts every request in flight (they end as CLIENT_CLOSED). */
  abortAll(): void;
}

export function createWire(options: WireOptions): Wire {
  const { dispatcher, redactor, closing, deadline, maxBodyBytes, recordBodyChars, maxJsonDepth, proxyOf } = options;
  // A set rather than one listener per request on a shared signal: many concurrent sends would trip Node's
  // listener-leak warning.
  const inFlight = new Set<() => void>();

  async function send(request: WireRequest): Promise<WireResult> {
    const remaining = deadline !== undefined ? deadline - Date.now() : Infinity;
    if (remaining <= 0) return { error: { code: 'DEADLINE_EXCEEDED', message: 'the run deadline passed before this request could start' } };
    if (closing.aborted) return { error: { code: 'CLIENT_CLOSED', message: 'the client was closed before this request' } };
    // One timer covers the head and the whole body: a server dripping a byte at a time cannot outlast it.
    const budget = Math.min(request.timeoutMs, remaining);
    const cause: AbortCause = budget < request.timeoutMs ? 'deadline' : 'timeout';
    const controller = new AbortController();
    let abortedBy: AbortCause | undefined;
    const abort = (why: AbortCause): void => {
      abortedBy ??= why;
      controller.abort(new Error(`scim-check ${why}`));
    };
    const timer = setTimeout(() => abort(cause), budget);
    const onClose = (): void => abort('closed');
    inFlight.add(onClose);
    const progress: BodyProgress = { bytes: 0 };
    let phase: Phase = 'head';
    let response: RecordedResponse | undefined;
    const target = request.url.host;
    let body: Readable | undefined;
    try {
      requestFunction ??= loadRequest();
      const res = await requestFunction.call(dispatcher, {
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as Dispatcher.HttpMethod,
        // A fresh object: a proxy wrapper adds Host to it.
        headers: { ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: controller.signal,
      });
      phase = 'body';
      body = res.body;
      const headers = headersToRecord(res.headers);
      response = { status: res.statusCode, headers: redactor.redactHeaders(headers) };
      const result: WireResult = { response, location: single(res.headers.location), retryAfter: single(res.headers['retry-after']) };
      const declared = Number(headers['content-length'] ?? NaN);
      if (declared > maxBodyBytes) {
        response.bodyTruncated = true;
        result.error = { code: 'BODY_TOO_LARGE', message: `${target} announced a ${declared}-byte body, over the ${maxBodyBytes}-byte cap; not read` };
        return result;
      }
      const encoded = (headers['content-encoding'] ?? 'identity').trim().toLowerCase() !== 'identity';
      const { data, overflow } = await readCapped(decodedBody(res.body, headers['content-encoding']), maxBodyBytes, progress, controller.signal, encoded ? undefined : declared);
      response.bodyBytes = progress.bytes;
      if (overflow) {
        // Only the start goes on record: decoding and redacting every capped byte would multiply the memory held.
        // (A secret crossing the record's end lies well inside this slice, so it is still redacted whole.)
        response.body = truncateForRecord(redactor.redact(data.subarray(0, recordBodyChars * 4).toString('utf8')), recordBodyChars, progress.bytes);
        response.bodyTruncated = true;
        result.error = { code: 'BODY_TOO_LARGE', message: `${target} sent a body over the ${maxBodyBytes}-byte cap; stopped reading there` };
        return result;
      }
      const text = data.toString('utf8');
      if (text.length === 0) return result;
      const redacted = redactor.redact(text);
      response.body = truncateForRecord(redacted, recordBodyChars, progress.bytes);
      const { json, jsonError } = interpretBody(headers['content-type'], text, maxJsonDepth);
      // A body that echoes a credential gets it masked in the parsed value too (walked only then).
      if (json !== undefined) response.json = redacted === text ? json : redactor.redactValue(json);
      if (request.keepRawJson) result.rawJson = json;
      if (jsonError !== undefined) response.jsonError = jsonError;
      return result;
    } catch (error) {
      const failure = abortedBy
        ? abortFailure(abortedBy, phase, target, budget, progress.bytes)
        : classifyFailure(error, { phase, target, bodyBytes: progress.bytes, ...(proxyOf ? { proxy: proxyOf(request.url) } : {}) });
      return { ...(response ? { response: { ...response, bodyBytes: progress.bytes } } : {}), error: failure };
    } finally {
      // Whatever was not read is dropped with its connection (undici would otherwise keep the socket busy).
      if (body && !body.readableEnded) body.destroy();
      clearTimeout(timer);
      inFlight.delete(onClose);
    }
  }

  return {
    send,
    abortAll() {
      for (const abortOne of [...inFlight]) abortOne();
    },
  };
}
