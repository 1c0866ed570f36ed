/** The undici dispatcher behind every request: keep-alive pool, TLS trust, optional proxy. */
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import type { Agent, Dispatcher } from 'undici';

const require = createRequire(import.meta.url);

/**
 * The plain Agent is loaded by its own module: undici's index also loads its fetch, WebSocket, cache and mock
 * layers, ~150 ms of start-up that a sub-second run cannot spare. Proxy agents need the request API the index
 * installs on every dispatcher (ProxyAgent tunnels with `connect`), so they come from the index. Falls back to
 * the index if a future undici moves the file.
 */
function plainAgentClass(): typeof Agent {
  try {
    return require('undici/lib/dispatcher/agent.js') as typeof Agent;
  } catch {
    return (require('undici') as typeof import('undici')).Agent;
  }
}

export interface DispatcherOptions {
  insecure: boolean;
  /** Extra trusted CA certificate(s), PEM; added to (not replacing) the system roots. */
  ca?: string;
  /** Explicit proxy URL; otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment are honoured. */
  proxy?: string;
  env: NodeJS.ProcessEnv;
  /** Backstop for undici's own head/body timers; the client's abort normally fires first. */
  timeoutMs: number;
  /** Most connections per origin (default: no limit); further requests wait in the pool's queue. */
  connections?: number;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function hasEnvironmentProxy(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

/**
 * host:port of the proxy a request to `url` goes through, or undefined when it goes direct: the explicit proxy, else
 * HTTPS_PROXY/HTTP_PROXY by scheme unless NO_PROXY names the host (a name, a domain suffix, host:port, or "*").
 * Used to blame the proxy, not the target, when the proxy cannot be reached.
 */
export function proxyFor(url: URL, proxy: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const hostOf = (raw: string | undefined): string | undefined => {
    if (!raw) return undefined;
    try {
      return new URL(raw).host;
    } catch {
      return undefined;
    }
  };
  if (proxy) return hostOf(proxy);
  if (!hasEnvironmentProxy(env)) return undefined;
  const httpProxy = env.HTTP_PROXY || env.http_proxy;
  const chosen = url.protocol === 'https:' ? env.HTTPS_PROXY || env.https_proxy || httpProxy : httpProxy;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(/[\s,]+/).filter(Boolean);
  const host = url.hostname.toLowerCase();
  const bypassed = noProxy.some((entry) => {
    if (entry === '*') return true;
    const [name = '', port] = entry.toLowerCase().replace(/^\*?\./, '.').split(':');
    if (port && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
    return name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name || host.endsWith(`.${name}`);
  });
  return bypassed ? undefined : hostOf(chosen);
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = {
    rejectUnauthorized: !options.insecure,
    ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
  };
  const common = {
    keepAliveTimeout: 10_000,
    // Never let undici's defaults (300 s) outlive the client's own timeout.
    headersTimeout: options.timeoutMs + 1_000,
    bodyTimeout: options.timeoutMs + 1_000,
    connect: { ...tls, timeout: Math.min(options.timeoutMs, 10_000) },
    ...(options.connections ? { connections: options.connections } : {}),
  };
  if (options.proxy) {
    const { ProxyAgent } = require('undici') as typeof import('undici');
    // proxyTunnel false: plain http:// targets go as ordinary proxied requests (absolute-form), as curl does; some
    // proxies refuse CONNECT to port 80. https:// targets are still tunnelled, TLS verified end to end.
    return new ProxyAgent({ ...common, uri: options.proxy, requestTls: tls, proxyTunnel: false });
  }
  if (hasEnvironmentProxy(options.env)) {
    // Passed explicitly: EnvHttpProxyAgent would otherwise read process.env, not the environment we were given.
    const { env } = options;
    const httpProxy = env.HTTP_PROXY || env.http_proxy;
    const httpsProxy = env.HTTPS_PROXY || env.https_proxy || httpProxy;
    const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
    const { EnvHttpProxyAgent } = require('undici') as typeof import('undici');
    return new EnvHttpProxyAgent({
      ...common,
      requestTls: tls,
      proxyTunnel: false,
      noProxy,
      ...(httpProxy ? { httpProxy } : {}),
      ...(httpsProxy ? { httpsProxy } : {}),
    });
  }
  const PlainAgent = plainAgentClass();
  return new PlainAgent(common);
}
