/**
 * `scim-check record`: a recording reverse proxy. An identity provider is pointed at the proxy's URL; every
 * request is forwarded unchanged (hop-by-hop headers aside, as RFC 9110 §7.6.1 requires of any proxy) to the real
 * SCIM server, the answer goes back unchanged, and the exchange is scrubbed and appended to the recording as it
 * happens. The proxy serves the target's own base path, so the URL the IdP is given differs only in its origin.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import { ScimError } from '../core/scim-error.js';
import { RecordingWriter } from '../recording/writer.js';
import { headersAsSent, maskQuerySecrets } from '../recording/scrub.js';
import { ConfigError } from '../common/errors.js';
import { parseHttpUrl } from '../common/http-url.js';

export interface RecorderOptions {
  /** The real SCIM server's base URL, e.g. https://app.example.com/scim/v2 */
  target: string;
  /** The recording file (JSON lines; never overwritten). */
  out: string;
  port?: number;
  host?: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  pseudonymise?: boolean;
  redactPatterns?: RegExp[];
  /** Trust this CA for the target (PEM), or do not verify its certificate at all. */
  ca?: string;
  insecure?: boolean;
  /** Longest wait for the target's whole answer (default 120 s; Okta itself gives up after 60 s). */
  timeoutMs?: number;
  /** Largest request or response body forwarded (default 64 MiB); the recording keeps the first 1 MiB. */
  maxBodyBytes?: number;
  /** One line per exchange (method, path, status, ms); never credentials. */
  log?: (line: string) => void;
}

export interface RunningRecorder {
  /** Where to point the identity provider, e.g. http://127.0.0.1:8443/scim/v2 */
  url: string;
  port: number;
  /** Exchanges recorded so far. */
  readonly exchanges: number;
  close(): Promise<void>;
}

/** Connection-specific headers a proxy must not forward (RFC 9110 §7.6.1), plus Host, which names the proxy. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

function responseHeaderRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** The body as text for the recording: content-encoded bodies decoded (bounded), others as UTF-8. */
function recordedText(body: Buffer, encoding: string | undefined, limit: number): string {
  if (body.length === 0) return '';
  try {
    const options = { maxOutputLength: limit };
    const decoded = /gzip/i.test(encoding ?? '') ? gunzipSync(body, options) : /deflate/i.test(encoding ?? '') ? inflateSync(body, options) : /br/i.test(encoding ?? '') ? brotliDecompressSync(body, options) : body;
    return decoded.toString('utf8');
  } catch {
    return `[${body.length} bytes of ${encoding ?? 'unknown'}-encoded data that could not be decoded]`;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startRecorder(options: RecorderOptions): Promise<RunningRecorder> {
  const target = parseHttpUrl('--target', options.target, 'the identity provider sends its own');
  const basePath = target.pathname.replace(/\/+$/, '');
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const shownTarget = `${target.origin}${basePath}${target.search ? maskQuerySecrets(`/${target.search}`).slice(1) : ''}`;
  const writer = new RecordingWriter({
    file: options.out,
    source: 'proxy',
    target: shownTarget,
    basePath,
    ...(options.pseudonymise ? { pseudonymise: true } : {}),
    ...(options.redactPatterns ? { redactPatterns: options.redactPatterns } : {}),
  });
  const dispatcher: Dispatcher = new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { ...(options.ca ? { ca: options.ca } : {}), ...(options.insecure ? { rejectUnauthorized: false } : {}) },
  });

  const answerError = (res: ServerResponse, status: number, detail: string): void => {
    if (res.headersSent) return void res.destroy();
    const body = JSON.stringify(new ScimError(status, detail).toJSON());
    res.writeHead(status, { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const time = Date.now();
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const requestHeaders = headersAsSent(req.rawHeaders);
    const relative = path.startsWith(basePath) ? path.slice(basePath.length) || '/' : path;
    const body = await readBody(req, maxBody);
    const recordedRequest = { method, path: relative.startsWith('/') ? relative : `/${relative}`, headers: requestHeaders, ...(body && body.length ? { text: body.toString('utf8') } : {}) };
    if (body === undefined) {
      answerError(res, 413, `The request body is larger than the recording proxy forwards (${maxBody} bytes).`);
      writer.record({ time, ms: performance.now() - started, request: { ...recordedRequest }, error: `request body over ${maxBody} bytes; not forwarded` });
      return;
    }
    const forwardHeaders: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) forwardHeaders.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    try {
      const upstream = await dispatcher.request({
        origin: target.origin,
        path,
        method: method as Dispatcher.HttpMethod,
        headers: forwardHeaders,
        ...(body.length ? { body } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of upstream.body) {
        size += (chunk as Buffer).length;
        if (size > maxBody) throw new Error(`the target's answer is larger than ${maxBody} bytes`);
        chunks.push(chunk as Buffer);
      }
      const answer = Buffer.concat(chunks);
      const headers = responseHeaderRecord(upstream.headers);
      const outHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) outHeaders[name] = value;
      res.writeHead(upstream.statusCode, { ...outHeaders, 'content-length': String(answer.length) });
      res.end(method === 'HEAD' ? undefined : answer);
      const ms = performance.now() - started;
      writer.record({
        time,
        ms,
        request: recordedRequest,
        response: { status: upstream.statusCode, headers, text: recordedText(answer, headers['content-encoding'], maxBody) },
      });
      options.log?.(`${method} ${maskQuerySecrets(path)} ${upstream.statusCode} ${Math.round(ms)}ms`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      answerError(res, 502, `The recording proxy could not get an answer from ${target.origin}: ${reason}`);
      const ms = performance.now() - started;
      writer.record({ time, ms, request: recordedRequest, error: `no answer from the target: ${reason}` });
      options.log?.(`${method} ${maskQuerySecrets(path)} 502 (target: ${reason})`);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => answerError(res, 500, `The recording proxy failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    writer.close();
    await dispatcher.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    // The target's query (Entra's ?aadOptscim062020, a key) is part of what the IdP must be given.
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}${basePath}${target.search}`,
    port,
    get exchanges() {
      return writer.exchanges;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dispatcher.close();
      writer.close();
    },
  };
}

/** Reads a PEM file for --tls-cert/--tls-key/--ca, with a clear error. */
export function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
