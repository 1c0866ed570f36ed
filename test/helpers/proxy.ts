/** An HTTP proxy on loopback for transport tests: CONNECT tunnels and absolute-form forwarding, recording what went through. */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';

export interface CountingProxy {
  url: string;
  /** CONNECT targets (host:port), one per tunnel opened. */
  tunnels: string[];
  /** Absolute-form requests forwarded without a tunnel (plain-HTTP proxying). */
  forwarded: string[];
  /** The Proxy-Authorization of every tunnel and forwarded request, in order. */
  proxyAuthorization: (string | undefined)[];
  /** Forgets what went through so far. */
  clear(): void;
  close(): Promise<void>;
}

export async function startProxy(): Promise<CountingProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const proxyAuthorization: (string | undefined)[] = [];
  const proxy = http.createServer((req, res) => {
    forwarded.push(`${req.method} ${req.url}`);
    proxyAuthorization.push(req.headers['proxy-authorization']);
    const { ['proxy-authorization']: _, ...headers } = req.headers;
    const upstream = http.request(req.url ?? '', { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    proxyAuthorization.push(req.headers['proxy-authorization']);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    tunnels,
    forwarded,
    proxyAuthorization,
    clear: () => {
      tunnels.length = 0;
      forwarded.length = 0;
      proxyAuthorization.length = 0;
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
