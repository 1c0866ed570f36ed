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
    return new ProxyAgent({ ...common, uri: options.proxy, requestTls: tls });
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
      noProxy,
      ...(httpProxy ? { httpProxy } : {}),
      ...(httpsProxy ? { httpsProxy } : {}),
    });
  }
  const PlainAgent = plainAgentClass();
  return new PlainAgent(common);
}
