/** Up-front validation of client options, so a bad flag is one clear error instead of a late network failure. */
import { X509Certificate } from 'node:crypto';

/** Thrown by createClient for unusable options (the CLI maps it to exit code 2). */
export class ClientConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientConfigError';
  }
}

export interface CheckedOptions {
  baseUrl: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
  ca?: string;
  proxy?: string;
  headers?: Record<string, string>;
  tokenUrl?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function httpUrl(what: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ClientConfigError(`${what} is not a valid absolute URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClientConfigError(`${what} must start with http:// or https:// (got ${url.protocol})`);
  }
  return url;
}

function positive(what: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new ClientConfigError(`${what} must be a positive number (got ${String(value)})`);
  }
}

/** Every PEM certificate in `pem` must parse; at least one must be there. */
export function checkCaPem(pem: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ClientConfigError('the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new ClientConfigError(`certificate ${index + 1} in the CA file is not a valid PEM certificate`);
    }
  });
}

export function checkClientOptions(options: CheckedOptions): void {
  const base = httpUrl('the SCIM base URL', options.baseUrl);
  // fetch refuses URLs with user:password@, and they would be secrets in every record: ask for --basic instead.
  if (base.username || base.password) {
    throw new ClientConfigError('the SCIM base URL must not contain user:password@; pass Basic credentials with --basic user:pass');
  }
  positive('timeoutMs', options.timeoutMs);
  positive('maxBodyBytes', options.maxBodyBytes);
  if (options.ca !== undefined) checkCaPem(options.ca);
  // The proxy URL may carry a password: never echo it back.
  if (options.proxy !== undefined) {
    try {
      httpUrl('the proxy URL', options.proxy);
    } catch {
      throw new ClientConfigError('the proxy URL must be an absolute http:// or https:// URL');
    }
  }
  if (options.tokenUrl !== undefined) httpUrl('the OAuth token URL', options.tokenUrl);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new ClientConfigError(`invalid header name ${JSON.stringify(name)}`);
    // Header values are secrets: say what is wrong without printing them.
    if (/[\r\n\0]/.test(value)) throw new ClientConfigError(`the value of header ${name} contains a line break or NUL`);
  }
}
