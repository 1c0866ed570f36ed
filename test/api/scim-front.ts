/**
 * A loopback HTTP front for a reference server, for tests that need a server misbehaving in one precise way or
 * checking credentials the reference server does not know (e.g. OAuth access tokens issued by a test endpoint).
 * It forwards each request to the target, lets the test decide on the Authorization header, and rewrites JSON
 * response bodies.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FrontOptions {
  /**
   * Maps the incoming Authorization header to the one forwarded to the target; undefined answers 401 with a
   * SCIM error. Default: forwarded as is.
   */
  authorize?: (authorization: string | undefined) => string | undefined;
  /** Rewrites a JSON response body (e.g. drops an attribute); return the body to send. */
  rewrite?: (json: unknown) => unknown;
  /** Rewrites a JSON request body before it is forwarded (e.g. a server ignoring part of a PUT). */
  rewriteRequest?: (method: string, json: unknown) => unknown;
}

export interface Front {
  /** Base URL: the target's base URL with the front's host and port. */
  url: string;
  /** Every request seen: method, path and query, and the Authorization it carried. */
  seen: { method: string; url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

export async function startFront(targetBaseUrl: string, options: FrontOptions = {}): Promise<Front> {
  const target = new URL(targetBaseUrl);
  const seen: Front['seen'] = [];
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const authorization = req.headers.authorization;
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', authorization });
      const forwardedAuth = options.authorize ? options.authorize(authorization) : authorization;
      if (options.authorize && forwardedAuth === undefined) {
        res.writeHead(401, { 'content-type': 'application/scim+json' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'invalid or expired token' }));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (HOP_BY_HOP.has(name) || name === 'authorization' || value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      if (forwardedAuth !== undefined) headers.set('authorization', forwardedAuth);
      let body = await readBody(req);
      if (options.rewriteRequest && body.length) body = Buffer.from(JSON.stringify(options.rewriteRequest(req.method ?? 'GET', JSON.parse(body.toString('utf8')))));
      const upstream = await fetch(new URL(req.url ?? '/', target.origin), {
        method: req.method ?? 'GET',
        headers,
        ...(body.length ? { body } : {}),
        redirect: 'manual',
      });
      // The front stands in for the target, so the URLs it hands out (Location, meta.location) name the front.
      const ownUrls = (s: string): string => s.split(target.origin).join(origin);
      let text = ownUrls(await upstream.text());
      const type = upstream.headers.get('content-type') ?? '';
      if (options.rewrite && text && type.includes('json')) text = JSON.stringify(options.rewrite(JSON.parse(text)));
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = ownUrls(value);
      });
      res.writeHead(upstream.status, out);
      res.end(text);
    })().catch((err: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`front: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${target.pathname.replace(/\/+$/, '')}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
