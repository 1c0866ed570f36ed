/** Response bodies: decoded (gzip/deflate/br), read with a byte cap (stop reading, never buffer past it), then interpreted as JSON. */
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface BodyProgress {
  /** Bytes received so far (after content decoding). */
  bytes: number;
}

export interface CappedBody {
  data: Buffer;
  /** True when the body went past the cap; reading stopped there and the rest was discarded unread. */
  overflow: boolean;
}

/**
 * The body decoded by its Content-Encoding. The HTTP client decodes nothing by itself (it sends exactly the
 * request's headers, so it cannot know whether an encoding was asked for); a server may compress anyway, and
 * the cap then applies to the decoded bytes, which is what keeps a gzip bomb small. Unknown codings pass as they are.
 */
export function decodedBody(body: Readable, contentEncoding: string | undefined): Readable {
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  let stream = body;
  // Codings are listed in the order they were applied: undo them from the last.
  for (const coding of codings.reverse()) {
    const decoder = coding === 'gzip' || coding === 'x-gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : coding === 'br' ? createBrotliDecompress() : undefined;
    if (!decoder) return stream;
    // pipeline destroys every stage on an error, so a reset mid-body surfaces on the last one.
    stream = pipeline(stream, decoder, () => undefined);
  }
  return stream;
}

/**
 * Reads `stream` until it ends or passes `maxBytes`; `progress` stays readable if the stream fails midway.
 * `signal` ends the read at once, even when the stream itself does not notice. With `expectedBytes` (a declared
 * Content-Length) the chunks are copied into one buffer of that size as they come, instead of being kept and
 * concatenated: a 9 MB body then costs 9 MB of buffers, not 18.
 */
export async function readCapped(stream: Readable, maxBytes: number, progress: BodyProgress, signal?: AbortSignal, expectedBytes?: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  const whole = expectedBytes !== undefined && expectedBytes > 0 && expectedBytes <= maxBytes ? Buffer.allocUnsafe(expectedBytes) : undefined;
  let filled = 0;
  /** Cleared for good once a chunk does not fit: from then on the pieces are kept in order. */
  let intoWhole = whole !== undefined;
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stopped = signal && abortedPromise(signal);
  try {
    for (;;) {
      const next = await (stopped ? Promise.race([iterator.next(), stopped]) : iterator.next());
      if (next.done) break;
      const value = next.value;
      progress.bytes += value.byteLength;
      if (progress.bytes > maxBytes) {
        if (intoWhole && whole && filled > 0) chunks.push(whole.subarray(0, filled));
        chunks.push(value.subarray(0, value.byteLength - (progress.bytes - maxBytes)));
        return { data: Buffer.concat(chunks), overflow: true };
      }
      if (intoWhole && whole && filled + value.byteLength <= whole.length) {
        value.copy(whole, filled);
        filled += value.byteLength;
      } else {
        // More than declared (undici refuses that anyway) or no declaration: keep the pieces.
        if (intoWhole && whole && filled > 0) chunks.push(whole.subarray(0, filled));
        intoWhole = false;
        chunks.push(value);
      }
    }
    if (chunks.length === 0) return { data: whole ? whole.subarray(0, filled) : Buffer.alloc(0), overflow: false };
    return { data: Buffer.concat(chunks), overflow: false };
  } finally {
    // Destroying closes the connection: the rest of a 50 MB answer is never read.
    if (!stream.readableEnded) stream.destroy();
  }
}

/** Rejects with the signal's reason once it aborts (never resolves). */
function abortedPromise(signal: AbortSignal): Promise<never> {
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  promise.catch(() => undefined); // observed by the race; never an unhandled rejection when the read ends first
  return promise;
}

const JSON_MEDIA_TYPE = /^\s*[\w.+-]+\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** JSON by its Content-Type, or by its look (servers often send JSON as text/plain or with no type). */
export function looksLikeJson(contentType: string | undefined, text: string): boolean {
  if (contentType && JSON_MEDIA_TYPE.test(contentType)) return text.trim().length > 0;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

/** Deepest nesting of objects/arrays in a JSON text, in one linear pass that skips string contents. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
  }
  return deepest;
}

export interface InterpretedBody {
  json?: unknown;
  jsonError?: string;
}

/**
 * Parses a JSON-looking body. Invalid JSON is recorded, not thrown; nesting beyond `maxDepth` is refused
 * because every later consumer (schema validation, printing) recurses and would overflow the stack.
 */
export function interpretBody(contentType: string | undefined, text: string, maxDepth: number): InterpretedBody {
  if (!looksLikeJson(contentType, text)) return {};
  const depth = jsonNestingDepth(text);
  if (depth > maxDepth) {
    return { jsonError: `JSON nested ${depth} levels deep (limit ${maxDepth}); not parsed` };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (error) {
    return { jsonError: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Shortens `text` for a record, saying how much there was. */
export function truncateForRecord(text: string, maxChars: number, totalBytes: number): string {
  if (text.length <= maxChars) return text;
  return `${detached(text.slice(0, maxChars))}\n… [truncated for the record: ${totalBytes} bytes in total]`;
}

/**
 * A copy of `slice` that does not keep its parent alive: V8 represents a slice of a long string as a view into it,
 * so a 64 KiB excerpt kept in a record would otherwise hold the whole 9 MB body it was cut from.
 */
export function detached(slice: string): string {
  return Buffer.from(slice, 'utf8').toString('utf8');
}
