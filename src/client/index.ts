// PLACEHOLDER (owned by the client helper): signatures are the contract; bodies get replaced.
import type { Exchange } from './exchange.js';

export type { Exchange, RecordedRequest, RecordedResponse } from './exchange.js';

export type AuthConfig =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; pass: string }
  | { kind: 'none' };

export interface ClientOptions {
  /** SCIM base URL, e.g. https://app.example.com/scim/v2 */
  baseUrl: string;
  auth: AuthConfig;
  /** Extra headers sent on every request; their values are treated as secrets and redacted. */
  headers?: Record<string, string>;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** Absolute time (epoch ms) after which no request is started and running ones are aborted. */
  deadline?: number;
  insecure?: boolean;
  /** Extra CA certificate(s), PEM. */
  ca?: string;
  /** Response bodies larger than this are cut off and the exchange fails (default 10 MiB). */
  maxBodyBytes?: number;
  userAgent?: string;
}

export interface SendRequest {
  method: string;
  /** Absolute URL, or a path relative to the base URL ("/Users?x=1"). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** 'default' = configured credentials, 'none' = no Authorization, 'invalid' = a wrong credential. */
  auth?: 'default' | 'none' | 'invalid';
}

export interface ScimClient {
  send(request: SendRequest): Promise<Exchange>;
  /** Replaces every configured secret in `text` with a redaction marker. */
  redact(text: string): string;
  close(): Promise<void>;
}

export function createClient(options: ClientOptions): ScimClient {
  throw new Error(`createClient not implemented (${options.baseUrl})`);
}
