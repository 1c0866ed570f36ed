/**
 * One HTTP exchange as recorded by the client. Redacted at capture time (credentials never reach this
 * record), so every reporter can print it as is.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body as sent (text), possibly truncated for the record. */
  body?: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Body text as received, truncated for the record past a limit. */
  body?: string;
  /** Parsed JSON when the body was JSON (full, not truncated; bounded by the client's body cap). */
  json?: unknown;
  /** True when the body exceeded the client's cap and was cut off (the exchange then counts as failed). */
  bodyTruncated?: boolean;
  /** Bytes of body received (after content decoding); larger than `body` when the record was shortened. */
  bodyBytes?: number;
  /** Why a body that looked like JSON could not be parsed (invalid JSON is not a transport error). */
  jsonError?: string;
}

/** A 429 (or 503) answered with Retry-After that the client waited out before asking again. */
export interface RetryRecord {
  status: number;
  /** The Retry-After header as received. */
  retryAfter: string;
  waitedMs: number;
}

/** A redirect the client followed by hand. */
export interface RedirectRecord {
  status: number;
  from: string;
  to: string;
  /** True when the target was another origin, so credentials and secret headers were not sent there. */
  crossOrigin: boolean;
}

export interface Exchange {
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Transport failure in one clear line (timeout, refused, TLS, reset, body too large, …). */
  error?: { code: string; message: string };
  /** Time to the complete response (or to the error), in ms. */
  ms: number;
  startedAt: string;
  /** Rate-limit waits before the recorded response (absent when there were none). */
  retries?: RetryRecord[];
  /** Redirects followed before the recorded response (absent when there were none). */
  redirects?: RedirectRecord[];
  /** Things a reader should know about this exchange (waits, stripped credentials, unparsable JSON, …). */
  notes?: string[];
}
