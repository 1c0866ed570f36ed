/** Turns whatever fetch/undici/TLS threw into one clear line: a stable code and a message naming the cause. */

export interface TransportError {
  code: string;
  message: string;
}

/** Where the exchange was when it failed: waiting for the response head, or reading the body. */
export type Phase = 'head' | 'body';

export interface FailureContext {
  phase: Phase;
  /** host:port of the target, for messages. */
  target: string;
  bodyBytes: number;
  /** host:port of the proxy the request went through, if any: failures to reach it are the proxy's. */
  proxy?: string;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Every error in the cause chain (and inside AggregateErrors), outermost first. */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 20) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null) continue;
    const item = next as ErrorLike;
    chain.push(item);
    if (item.cause !== undefined) queue.push(item.cause);
    if (Array.isArray(item.errors)) queue.push(...item.errors);
  }
  return chain;
}

const TLS_FAILURES: Record<string, (target: string, detail: string) => TransportError> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: (t) => ({
    code: 'TLS_SELF_SIGNED',
    message: `${t} presented a self-signed certificate; trust it with --ca FILE or skip verification with --insecure`,
  }),
  SELF_SIGNED_CERT_IN_CHAIN: (t) => ({
    code: 'TLS_SELF_SIGNED',
    message: `${t}'s certificate chain ends in a self-signed CA that is not trusted; add it with --ca FILE or use --insecure`,
  }),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (t) => ({
    code: 'TLS_UNTRUSTED',
    message: `${t}'s certificate is signed by an unknown authority; add the issuing CA with --ca FILE or use --insecure`,
  }),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (t) => ({
    code: 'TLS_UNTRUSTED',
    message: `${t}'s certificate issuer is not trusted; add the issuing CA with --ca FILE or use --insecure`,
  }),
  UNABLE_TO_GET_ISSUER_CERT: (t) => ({
    code: 'TLS_UNTRUSTED',
    message: `${t}'s certificate chain is incomplete (issuer missing); the server should send its intermediate certificates`,
  }),
  ERR_TLS_CERT_ALTNAME_INVALID: (t, detail) => ({
    code: 'TLS_HOSTNAME_MISMATCH',
    message: `${t}'s certificate is not valid for this host name (${detail})`,
  }),
  CERT_HAS_EXPIRED: (t) => ({ code: 'TLS_EXPIRED', message: `${t}'s certificate has expired` }),
  CERT_NOT_YET_VALID: (t) => ({ code: 'TLS_NOT_YET_VALID', message: `${t}'s certificate is not valid yet` }),
  CERT_REVOKED: (t) => ({ code: 'TLS_REVOKED', message: `${t}'s certificate has been revoked` }),
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The most specific (innermost coded) error of the chain. */
function innermostCoded(chain: ErrorLike[]): ErrorLike | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const item = chain[i];
    if (item && typeof item.code === 'string') return item;
  }
  return undefined;
}

/** Failures that happen on the way to the proxy (the client never connects to the target itself through one). */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** A failure of the proxy itself, in its terms; undefined when the proxy did its part. */
function proxyFailure(proxy: string, target: string, code: string, chain: ErrorLike[]): TransportError | undefined {
  const messages = chain.map((item) => text(item.message)).join(' ');
  const refusedTunnel = /Proxy response \((\d+)\) !== 200/.exec(messages);
  if (/Proxy Authentication Required/i.test(messages) || refusedTunnel?.[1] === '407') {
    return { code: 'PROXY_AUTH_REQUIRED', message: `the proxy ${proxy} asks for credentials (407); give them in the proxy URL: http://user:password@proxy:port` };
  }
  if (refusedTunnel) {
    return { code: 'PROXY_REFUSED', message: `the proxy ${proxy} refused to open a tunnel to ${target} (it answered ${refusedTunnel[1]})` };
  }
  if (!CONNECT_FAILURES.has(code)) return undefined;
  const why =
    code === 'ECONNREFUSED'
      ? 'refused the connection (is it running on that port?)'
      : code === 'UND_ERR_CONNECT_TIMEOUT'
        ? 'did not accept a connection in time'
        : ['ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'EAI_AGAIN'].includes(code)
          ? 'has a host name that could not be resolved'
          : `is unreachable from this machine (${code})`;
  return { code: 'PROXY_UNREACHABLE', message: `the proxy ${proxy} ${why}; the request to ${target} went nowhere` };
}

export function classifyFailure(error: unknown, context: FailureContext): TransportError {
  const { phase, target, bodyBytes } = context;
  const chain = causeChain(error);
  const coded = innermostCoded(chain);
  const code = text(coded?.code);
  const detail = text(coded?.reason) || text(coded?.message) || text(chain.at(-1)?.message) || String(error);
  const ofProxy = context.proxy && phase === 'head' ? proxyFailure(context.proxy, target, code, chain) : undefined;
  if (ofProxy) return ofProxy;
  const tls = TLS_FAILURES[code];
  if (tls) return tls(target, detail);
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
    return { code: 'TLS_ERROR', message: `TLS handshake with ${target} failed (${detail})` };
  }
  // undici's parser errors carry an HPE_ code only sometimes; their class name is stable.
  if (code.startsWith('HPE_') || chain.some((item) => item.name === 'HTTPParserError')) {
    return { code: 'INVALID_HTTP', message: `${target} did not answer valid HTTP/1.1 (${detail})` };
  }
  const received = `${bodyBytes} bytes of body received`;
  switch (code) {
    case 'ECONNREFUSED':
      return { code: 'CONNECTION_REFUSED', message: `connection refused by ${target} (is the server running on that port?)` };
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return { code: 'DNS_FAILURE', message: `host name of ${target} could not be resolved (DNS lookup failed)` };
    case 'EAI_AGAIN':
      return { code: 'DNS_FAILURE', message: `DNS lookup for ${target} failed temporarily (no answer from the resolver)` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code: 'HOST_UNREACHABLE', message: `${target} is unreachable from this machine (${code})` };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: 'CONNECT_TIMEOUT', message: `could not open a connection to ${target} in time` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { code: 'TIMEOUT', message: `${target} sent no response headers in time` };
    case 'UND_ERR_BODY_TIMEOUT':
      return { code: 'BODY_STALLED', message: `${target} stopped sending the response body (${received})` };
    case 'UND_ERR_HEADERS_OVERFLOW':
      return { code: 'HEADERS_TOO_LARGE', message: `${target} sent response headers larger than the client accepts` };
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return { code: 'BODY_INCOMPLETE', message: `${target} sent a body that does not match its Content-Length (${received})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return phase === 'head'
        ? { code: 'CONNECTION_RESET', message: `${target} reset the connection before answering` }
        : { code: 'CONNECTION_RESET', message: `${target} reset the connection in the middle of the body (${received})` };
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return phase === 'head'
        ? { code: 'CONNECTION_CLOSED', message: `${target} closed the connection without answering` }
        : { code: 'CONNECTION_CLOSED', message: `${target} closed the connection before the body was complete (${received})` };
    default:
      break;
  }
  if (/bad port/i.test(detail)) {
    return { code: 'BLOCKED_PORT', message: `the port of ${target} is on fetch's list of blocked ports; serve SCIM on another port` };
  }
  if (phase === 'body' && /terminated/i.test(detail)) {
    return { code: 'CONNECTION_CLOSED', message: `${target} ended the connection before the body was complete (${received})` };
  }
  return { code: 'NETWORK_ERROR', message: `request to ${target} failed: ${detail}` };
}
