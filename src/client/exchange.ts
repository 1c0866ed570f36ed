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
}

export interface Exchange {
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Transport failure in one clear line (timeout, refused, TLS, reset, body too large, …). */
  error?: { code: string; message: string };
  /** Time to the complete response (or to the error), in ms. */
  ms: number;
  startedAt: string;
}
