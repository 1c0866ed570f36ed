/**
 * A recording as HAR 1.2 (the HTTP Archive format browsers' developer tools, Postman, Insomnia and many API tools
 * import). Same content as the recording: placeholders and pseudonyms included, nothing more.
 */
import type { RecordedHttpMessage, Recording } from './format.js';

interface HarHeader {
  name: string;
  value: string;
}

function headerList(headers: Record<string, string>): HarHeader[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function headerValue(headers: Record<string, string>, wanted: string): string | undefined {
  return Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
}

function bodyText(message: RecordedHttpMessage): string | undefined {
  if (message.body !== undefined) return JSON.stringify(message.body);
  return message.bodyText;
}

export function toHar(recording: Recording): unknown {
  const { header, exchanges } = recording;
  const origin = /^[a-z]+:\/\/[^/?#]+/i.exec(header.target)?.[0] ?? 'http://recorded.invalid';
  return {
    log: {
      version: '1.2',
      creator: { name: 'scim-check', version: header.tool.replace(/^scim-check\s*/, '') },
      comment: `Recorded ${header.recordedAt} (${header.source}) from ${header.target}${header.pseudonymised ? '; pseudonymised' : ''}`,
      entries: exchanges.map((ex) => {
        const url = `${origin}${header.basePath}${ex.request.path}`;
        const q = ex.request.path.indexOf('?');
        const queryString = q < 0 ? [] : [...new URLSearchParams(ex.request.path.slice(q + 1))].map(([name, value]) => ({ name, value }));
        const requestText = bodyText(ex.request);
        const responseText = ex.response ? bodyText(ex.response) : undefined;
        return {
          startedDateTime: ex.time,
          time: ex.ms,
          request: {
            method: ex.request.method,
            url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: headerList(ex.request.headers),
            queryString,
            ...(requestText !== undefined ? { postData: { mimeType: headerValue(ex.request.headers, 'content-type') ?? 'application/scim+json', text: requestText } } : {}),
            headersSize: -1,
            bodySize: requestText === undefined ? 0 : Buffer.byteLength(requestText),
          },
          response: {
            status: ex.response?.status ?? 0,
            statusText: ex.error ?? '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: ex.response ? headerList(ex.response.headers) : [],
            content: {
              size: responseText === undefined ? 0 : Buffer.byteLength(responseText),
              mimeType: (ex.response && headerValue(ex.response.headers, 'content-type')) ?? '',
              ...(responseText !== undefined ? { text: responseText } : {}),
            },
            redirectURL: (ex.response && headerValue(ex.response.headers, 'location')) ?? '',
            headersSize: -1,
            bodySize: responseText === undefined ? 0 : Buffer.byteLength(responseText),
          },
          cache: {},
          timings: { send: 0, wait: ex.ms, receive: 0 },
        };
      }),
    },
  };
}
