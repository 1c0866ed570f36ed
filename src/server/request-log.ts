/**
 * The last N requests (for people building SCIM clients against this server), and optionally a JSON-lines file.
 * Entries keep references at record time and are redacted when read or written: credentials (Authorization,
 * the configured token or password) and password attribute values never leave the server.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createRedactor, type Redactor } from '../client/redact.js';
import { maskPasswords } from '../core/password-mask.js';

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query as received. */
  url: string;
  status: number;
  ms: number;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  responseBody?: unknown;
}

interface RawEntry {
  /** Epoch milliseconds (formatted only when the entry is read). */
  time: number;
  method: string;
  url: string;
  status: number;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  responseBody: unknown;
}

export class RequestLog {
  private readonly ring: (RawEntry | undefined)[];
  private next = 0;
  private readonly redactor: Redactor;
  private readonly file: WriteStream | undefined;

  constructor(
    private readonly limit: number,
    secrets: string[],
    filePath?: string,
  ) {
    this.ring = new Array<RawEntry | undefined>(Math.max(0, limit));
    this.redactor = createRedactor(secrets.filter((s) => s.length > 0));
    this.file = filePath === undefined ? undefined : createWriteStream(filePath, { flags: 'a' });
    // A bad path must not take the server down; report it once and keep serving.
    this.file?.on('error', (err) => process.stderr.write(`scim-check serve: request log ${filePath}: ${err.message}\n`));
  }

  record(entry: RawEntry): void {
    if (this.limit > 0) {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.limit;
    }
    if (this.file) this.file.write(`${JSON.stringify(this.redacted(entry))}\n`);
  }

  /** `text` with the server's own secrets masked (for log lines). */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Recorded requests, oldest first, redacted. */
  entries(): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    for (let i = 0; i < this.limit; i++) {
      const raw = this.ring[(this.next + i) % this.limit];
      if (raw) out.push(this.redacted(raw));
    }
    return out;
  }

  close(): Promise<void> {
    const file = this.file;
    return file ? new Promise((resolve) => file.end(resolve)) : Promise.resolve();
  }

  private redacted(raw: RawEntry): RequestLogEntry {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const entry: RequestLogEntry = {
      time: new Date(raw.time).toISOString(),
      method: raw.method,
      url: this.redactor.redact(raw.url),
      status: raw.status,
      ms: raw.ms,
      requestHeaders: this.redactor.redactHeaders(headers),
    };
    if (raw.requestBody !== undefined) entry.requestBody = this.redactor.redactValue(maskPasswords(raw.requestBody));
    if (raw.responseBody !== undefined) entry.responseBody = this.redactor.redactValue(maskPasswords(raw.responseBody));
    return entry;
  }
}
