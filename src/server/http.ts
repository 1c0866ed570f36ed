/**
 * node:http(s) adapter: base path, body limit, content types and JSON parsing, then the app pipeline; writes
 * the answer, the per-request log line and the request log entry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScimError } from '../core/scim-error.js';
import type { ScimApp } from './app.js';
import type { ScimRequest, ScimResponse } from './exchange.js';
import { headersAsSent } from '../recording/scrub.js';
import type { RecordingWriter } from '../recording/writer.js';
import type { RequestLog } from './request-log.js';
import { errorResponse, quoted } from './respond.js';
import { serialize } from './serialize.js';

export interface HttpOptions {
  basePath: string;
  maxBodyBytes: number;
  latencyMs: number;
  log: ((line: string) => void) | undefined;
  requestLog: RequestLog;
  /** `serve --record FILE`: every exchange, scrubbed, in the recording format (src/recording). */
  recorder?: RecordingWriter | undefined;
}

const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const JSON_MEDIA_TYPES = new Set(['application/scim+json', 'application/json']);

export function createListener(app: ScimApp, options: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { basePath, maxBodyBytes } = options;

  const finish = (req: IncomingMessage, res: ServerResponse, started: number, scimReq: ScimRequest | undefined, answer: ScimResponse): void => {
    const write = (): void => {
      const status = writeResponse(req, res, answer);
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const url = req.url ?? '/';
      options.log?.(`${req.method} ${options.requestLog.redact(url)} ${status} ${ms}ms`);
      options.requestLog.record({
        time: Date.now(),
        method: req.method ?? '',
        url,
        status,
        ms,
        headers: req.headers,
        requestBody: scimReq?.body,
        responseBody: answer.raw !== undefined ? String(answer.raw) : answer.body,
      });
      options.recorder?.record({
        time: Date.now() - ms,
        ms,
        request: { method: req.method ?? '', path: belowBase(originForm(url).split('?')[0]!, options.basePath) !== undefined ? originForm(url).slice(options.basePath.length) || '/' : originForm(url), headers: headersAsSent(req.rawHeaders), ...(scimReq?.body !== undefined ? { json: scimReq.body } : {}) },
        response: {
          status,
          headers: Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])),
          ...(answer.raw !== undefined ? { text: String(answer.raw) } : answer.body !== undefined ? { json: answer.body } : {}),
        },
      });
    };
    if (options.latencyMs > 0) void sleep(options.latencyMs).then(write);
    else write();
  };

  const run = (req: IncomingMessage, res: ServerResponse, started: number, scimReq: ScimRequest): void => {
    const failed = (err: unknown): void => {
      process.stderr.write(`scim-check serve: internal error on ${req.method} ${scimReq.path}: ${err instanceof Error ? err.message : String(err)}\n`);
      finish(req, res, started, scimReq, errorResponse(new ScimError(500, 'Internal server error.')));
    };
    let answer: ScimResponse | Promise<ScimResponse>;
    try {
      answer = app.handle(scimReq);
    } catch (err) {
      return failed(err);
    }
    // Most answers are ready at once (no fault, no journal to wait for): written now, without a promise turn.
    if (answer instanceof Promise) answer.then((a) => finish(req, res, started, scimReq, a), failed);
    else finish(req, res, started, scimReq, answer);
  };

  return (req, res) => {
    const started = performance.now();
    const url = originForm(req.url ?? '/');
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const path = belowBase(rawPath, basePath);
    const fail = (err: ScimError, close = false): void => {
      if (close) res.setHeader('connection', 'close');
      finish(req, res, started, undefined, errorResponse(err));
    };
    if (path === undefined) return fail(new ScimError(404, `No SCIM endpoint at ${quoted(rawPath)}; the base path is "${basePath || '/'}".`));
    const scimReq: ScimRequest = { method: req.method ?? 'GET', path, query, headers: req.headers };

    const length = req.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return run(req, res, started, scimReq);

    const tooLarge = (): ScimError => new ScimError(413, `The request body is larger than the limit of ${maxBodyBytes} bytes.`);
    // A refused body is still read (and discarded) before the answer goes out: a client that sends the whole body
    // before reading (no Expect: 100-continue, as fetch and most SDKs do) would otherwise see its unread data turn
    // the close into a connection reset and never get the 413. Past a bound, the connection is cut instead.
    const refuse = (err: ScimError): void => {
      if (req.readableEnded || req.complete) return fail(err, true);
      let drained = 0;
      const drainLimit = Math.max(maxBodyBytes * 4, MIN_DRAIN_BYTES);
      req.removeAllListeners('data');
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > drainLimit) req.socket.destroy();
      });
      req.once('end', () => fail(err, true));
      req.resume();
    };
    if (length !== undefined && Number(length) > maxBodyBytes) {
      // With Expect: 100-continue the body has not been sent (no 100 went out): nothing to drain.
      return /100-continue/i.test(req.headers.expect ?? '') ? fail(tooLarge(), true) : refuse(tooLarge());
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!JSON_MEDIA_TYPES.has(mediaType)) {
      return refuse(new ScimError(415, `Unsupported Content-Type ${quoted(req.headers['content-type'] ?? '')}: send application/scim+json or application/json.`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        refuse(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      if (text.trim() === '') return run(req, res, started, scimReq);
      try {
        scimReq.body = JSON.parse(text) as unknown;
      } catch (err) {
        return fail(new ScimError(400, `The request body is not valid JSON: ${(err as Error).message}`, 'invalidSyntax'));
      }
      // SCIM bodies are a few levels deep; refusing deep ones here keeps every recursive walk downstream safe.
      if (nestedDeeperThan(scimReq.body, MAX_BODY_DEPTH)) {
        return fail(new ScimError(400, `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`, 'invalidSyntax'));
      }
      run(req, res, started, scimReq);
    });
    req.on('error', () => req.socket.destroy());
  };
}

const MAX_BODY_DEPTH = 32;
/** A refused body is drained up to max(4 × the body limit, this) before the connection is cut instead. */
const MIN_DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * The origin-form of a request target (RFC 9112 §3.2): an absolute-form target (`GET http://host/scim/v2/Users`,
 * which a server MUST accept, §3.2.2) loses its scheme and authority; anything else is returned as it is.
 */
export function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const match = /^https?:\/\/[^/?#]*/i.exec(target);
  if (!match) return target;
  const rest = target.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): the client is told to go on unless its body is over the limit, in
 * which case the listener answers 413 at once, before the body is sent (see the listener).
 */
export function checkContinue(maxBodyBytes: number, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!(Number(req.headers['content-length'] ?? 0) > maxBodyBytes)) res.writeContinue();
    handle(req, res);
  };
}

/** Whether a parsed JSON value nests objects/arrays deeper than `limit` (iterative: no stack to exhaust). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The path below the base path, or undefined when the request is outside it. */
function belowBase(rawPath: string, basePath: string): string | undefined {
  if (basePath === '') return rawPath === '' ? '/' : rawPath;
  if (rawPath === basePath) return '/';
  return rawPath.startsWith(basePath) && rawPath.charCodeAt(basePath.length) === 47 /* "/" */ ? rawPath.slice(basePath.length) : undefined;
}

/** Writes a ScimResponse; returns the status sent (0 when the connection was dropped on purpose). */
function writeResponse(req: IncomingMessage, res: ServerResponse, answer: ScimResponse): number {
  if (answer.destroy) {
    req.socket.destroy();
    return 0;
  }
  const headers: Record<string, string | number> = { ...answer.headers };
  let payload: string | Buffer | undefined;
  if (answer.raw !== undefined) payload = answer.raw;
  else if (answer.body !== undefined && answer.status !== 204 && answer.status !== 304) {
    payload = serialize(answer.body);
    headers['content-type'] = CONTENT_TYPE;
  }
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(answer.status, headers);
  res.end(payload);
  return answer.status;
}

/** Malformed HTTP (bad request line, oversized headers): answer with a SCIM Error before closing. */
export function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Stray bytes after valid requests on a keep-alive connection: their answers (still being produced or sent) go
  // out first, then the 400 for the rest. node:http keeps the response on the socket in `_httpMessage` until its
  // 'finish' has been handled (then the next queued one takes its place), so waiting while it is set is enough;
  // `writableFinished` is not: it turns true before 'finish', while a queued answer still waits to be written.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight) {
    inFlight.once('finish', () => onClientError(err, socket));
    inFlight.once('close', () => {
      if (!inFlight.writableFinished) socket.destroy();
    });
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail = status === 431 ? 'The request headers are too large.' : 'Malformed HTTP request.';
  const body = JSON.stringify(new ScimError(status, detail).toJSON());
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
