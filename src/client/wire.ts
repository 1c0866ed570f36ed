/** One request and its response on the wire: no retries, no redirects; bounded in time and bytes; never throws. */
import type { Dispatcher } from 'undici';
import { interpretBody, readCapped, truncateForRecord, type BodyProgress } from './body.js';
import type { RecordedResponse } from './exchange.js';
import type { Redactor } from './redact.js';
import { classifyFailure, type Phase, type TransportError } from './transport-errors.js';

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export interface WireResult {
  /** Redacted record of what came back (status and headers at least, when the head arrived). */
  response?: RecordedResponse;
  error?: TransportError;
  /** Raw headers the retry and redirect logic reads. */
  location?: string | null;
  retryAfter?: string | null;
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
}

/** Why an in-flight request was aborted by the client itself. */
type AbortCause = 'timeout' | 'deadline' | 'closed';

function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
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
  const { dispatcher, redactor, closing, deadline, maxBodyBytes, recordBodyChars, maxJsonDepth } = options;
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
    try {
      const res = await globalThis.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        redirect: 'manual',
        signal: controller.signal,
        // Node's fetch takes the undici package's dispatcher; its types are those of Node's bundled undici.
        dispatcher,
      } as unknown as RequestInit);
      phase = 'body';
      response = { status: res.status, headers: redactor.redactHeaders(headersToRecord(res.headers)) };
      const result: WireResult = { response, location: res.headers.get('location'), retryAfter: res.headers.get('retry-after') };
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > maxBodyBytes) {
        res.body?.cancel().catch(() => undefined);
        response.bodyTruncated = true;
        result.error = { code: 'BODY_TOO_LARGE', message: `${target} announced a ${declared}-byte body, over the ${maxBodyBytes}-byte cap; not read` };
        return result;
      }
      const { data, overflow } = await readCapped(res.body, maxBodyBytes, progress, controller.signal);
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
      const { json, jsonError } = interpretBody(res.headers.get('content-type') ?? undefined, text, maxJsonDepth);
      // A body that echoes a credential gets it masked in the parsed value too (walked only then).
      if (json !== undefined) response.json = redacted === text ? json : redactor.redactValue(json);
      if (jsonError !== undefined) response.jsonError = jsonError;
      return result;
    } catch (error) {
      const failure = abortedBy
        ? abortFailure(abortedBy, phase, target, budget, progress.bytes)
        : classifyFailure(error, { phase, target, bodyBytes: progress.bytes });
      return { ...(response ? { response: { ...response, bodyBytes: progress.bytes } } : {}), error: failure };
    } finally {
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
