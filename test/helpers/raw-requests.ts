/**
 * A loopback HTTP/1.1 server that records every request byte for byte (head and body) before answering it, so a
 * test can assert exactly which headers went on the wire, in which order and spelling.
 */
import { once } from 'node:events';
import net from 'node:net';

export interface RawRequest {
  /** The request head as received, e.g. "GET /scim/v2/Users HTTP/1.1\r\nAccept: …\r\n…" (without the blank line). */
  head: string;
  /** The request line, e.g. "GET /scim/v2/Users HTTP/1.1". */
  line: string;
  /** Header lines in wire order, exactly as sent ("Name: value"). */
  headerLines: string[];
  body: string;
}

export interface RawAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawCapture {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RawRequest[];
  close(): Promise<void>;
}

/** Header lines other than the ones the HTTP library adds (Host, Connection, Content-Length, Transfer-Encoding). */
export function ownHeaderLines(request: RawRequest): string[] {
  return request.headerLines.filter((line) => !/^(host|connection|content-length|transfer-encoding):/i.test(line));
}

/** Answers each request with `answer(request)` (default 200 with an empty SCIM list), keeping connections alive. */
export async function startRawCapture(answer: (request: RawRequest) => RawAnswer = () => emptyList()): Promise<RawCapture> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
        buffered = buffered.subarray(end + 4 + length);
        const [line = '', ...headerLines] = head.split('\r\n');
        const request: RawRequest = { head, line, headerLines, body };
        requests.push(request);
        const out = answer(request);
        const text = out.body ?? '';
        const headers = { ...out.headers, 'content-length': String(Buffer.byteLength(text)) };
        socket.write(`HTTP/1.1 ${out.status} X\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${text}`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function emptyList(): RawAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }),
  };
}
