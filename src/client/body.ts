/** Response bodies: read with a byte cap (stop reading, never buffer past it), then interpret as JSON. */

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
 * Reads `stream` until it ends or passes `maxBytes`; `progress` stays readable if the stream fails midway.
 * `signal` ends the read at once, even when the stream itself does not notice (undici's fetch leaves a read of a
 * gzip body pending after an abort when several such reads run at once).
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  progress: BodyProgress,
  signal?: AbortSignal,
): Promise<CappedBody> {
  if (!stream) return { data: Buffer.alloc(0), overflow: false };
  const reader = stream.getReader();
  const stopped = signal && abortedPromise(signal);
  const chunks: Uint8Array[] = [];
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await (stopped ? Promise.race([reader.read(), stopped]) : reader.read());
    } catch (error) {
      reader.cancel().catch(() => undefined);
      throw error;
    }
    const { done, value } = next;
    if (done) break;
    progress.bytes += value.byteLength;
    if (progress.bytes > maxBytes) {
      const keep = value.byteLength - (progress.bytes - maxBytes);
      chunks.push(value.subarray(0, keep));
      // Cancelling closes the connection: the rest of a 50 MB answer is never read.
      reader.cancel().catch(() => undefined);
      return { data: Buffer.concat(chunks), overflow: true };
    }
    chunks.push(value);
  }
  return { data: Buffer.concat(chunks), overflow: false };
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
  return `${text.slice(0, maxChars)}\n… [truncated for the record: ${totalBytes} bytes in total]`;
}
