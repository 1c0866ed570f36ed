/**
 * Shared helpers of the production-safety tests (issue 4): an unhandled-rejection trap, a byte-for-byte snapshot of
 * everything a SCIM server holds, and a recording proxy that can bend the reference server's answers.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCli, type CliOutcome } from '../cli/spawn-cli.js';

/** Fails the file if anything rejected or threw without a handler while its tests ran. */
export function trapUnhandled(): void {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    seen.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });
  afterAll(async () => {
    // Late socket errors from closed servers surface on the next turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    expect(seen, 'no unhandled rejection or uncaught exception').toEqual([]);
  });
}

async function getText(baseUrl: string, token: string, path: string): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`snapshot: GET ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/**
 * Every User and Group as the server serves them: the full list responses and each resource by id, as raw text
 * (so any change at all, down to meta.lastModified or member order, shows).
 */
export async function snapshotAll(baseUrl: string, token: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const endpoint of ['/Users', '/Groups']) {
    const listPath = `${endpoint}?startIndex=1&count=1000`;
    const list = await getText(baseUrl, token, listPath);
    texts.set(listPath, list);
    const parsed = JSON.parse(list) as { totalResults: number; Resources?: { id: string }[] };
    if (parsed.totalResults > 1000) throw new Error('snapshot: more than 1000 resources; page through them');
    for (const { id } of parsed.Resources ?? []) {
      const path = `${endpoint}/${encodeURIComponent(id)}`;
      texts.set(path, await getText(baseUrl, token, path));
    }
  }
  return texts;
}

/** Users and Groups whose representation mentions `marker` anywhere (e.g. the name prefix "scim-check-"). */
export async function resourcesMentioning(baseUrl: string, token: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const endpoint of ['/Users', '/Groups']) {
    const list = JSON.parse(await getText(baseUrl, token, `${endpoint}?startIndex=1&count=1000`)) as { Resources?: unknown[] };
    for (const resource of list.Resources ?? []) {
      const text = JSON.stringify(resource);
      if (text.includes(marker)) found.push(`${endpoint}: ${text.slice(0, 200)}`);
    }
  }
  return found;
}

export interface ProxiedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ProxiedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyHooks {
  /** Change the request before it is forwarded (e.g. swap the credentials); what arrived is still recorded. */
  forward?: (request: ProxiedRequest) => ProxiedRequest;
  /** Answer without forwarding (e.g. a failing DELETE); undefined forwards the request. */
  instead?: (request: ProxiedRequest) => ProxiedAnswer | undefined;
  /** Change (or hold back) the target's answer before it goes to the client. */
  after?: (request: ProxiedRequest, answer: ProxiedAnswer) => ProxiedAnswer | Promise<ProxiedAnswer>;
}

export interface RecordingProxy {
  /** The target's URL with the proxy's origin, e.g. http://127.0.0.1:PORT/scim/v2 */
  url: string;
  /** Every request as it arrived, credentials included (this is what the target was sent). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Headers that describe one hop, not the message: never copied across the proxy. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'content-encoding']);

/** An HTTP proxy in front of `targetUrl` that records what it was sent and lets a test bend the answers. */
export async function startRecordingProxy(targetUrl: string, hooks: ProxyHooks = {}): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      void answer(request).then(
        (out) => {
          if (res.destroyed) return;
          res.writeHead(out.status, out.headers);
          res.end(out.body);
        },
        () => res.destroy(),
      );
    });
  });
  server.on('connection', (socket) => socket.on('error', () => undefined));

  async function answer(request: ProxiedRequest): Promise<ProxiedAnswer> {
    const canned = hooks.instead?.(request);
    if (canned) return canned;
    const sent = hooks.forward ? hooks.forward(request) : request;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(sent.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const res = await fetch(`${target.origin}${sent.url}`, {
      method: sent.method,
      headers,
      ...(sent.body !== '' ? { body: sent.body } : {}),
      redirect: 'manual',
    });
    const answerHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!HOP_HEADERS.has(name)) answerHeaders[name] = value;
    });
    const forwarded = { status: res.status, headers: answerHeaders, body: await res.text() };
    return hooks.after ? hooks.after(request, forwarded) : forwarded;
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Waits until `condition` holds (polling), failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Peak resident memory (VmHWM) of a spawned CLI run, read from /proc while it lives. */
export async function cliPeakRssMb(args: string[], timeoutMs?: number): Promise<{ mb: number; outcome: CliOutcome }> {
  const { child, done } = startCli(args, {}, timeoutMs === undefined ? {} : { timeoutMs });
  let peakKb = 0;
  const sample = (): void => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kb) peakKb = Math.max(peakKb, Number(kb));
    } catch {
      // the process has just exited
    }
  };
  const timer = setInterval(sample, 2);
  child.on('exit', sample);
  try {
    const outcome = await done;
    return { mb: peakKb / 1024, outcome };
  } finally {
    clearInterval(timer);
  }
}
