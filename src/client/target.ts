/** The SCIM base URL and how a request's URL is resolved against it. */

export interface Target {
  /** The base URL without its query, ending in "/" so relative paths append to it. */
  base: URL;
  /**
   * The base URL's own query (e.g. Entra's `aadOptscim062020`, or `api_key=K`), without "?": kept on every
   * request under the base, ahead of the request's own parameters.
   */
  query: string;
  /** Values of the base URL's query parameters: secrets (a key in the URL is a credential). */
  secrets: string[];
}

export function targetOf(baseUrl: string): Target {
  const base = new URL(baseUrl);
  const query = base.search.slice(1);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const secrets: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    // A bare flag (`?aadOptscim062020`) carries no value; a `name=value` pair's value may be a key.
    if (eq < 0 || eq === part.length - 1) continue;
    const raw = part.slice(eq + 1);
    secrets.push(raw);
    try {
      secrets.push(decodeURIComponent(raw.replace(/\+/g, ' ')));
    } catch {
      // a malformed escape is sent as is; its raw spelling is already a secret
    }
  }
  return { base, query, secrets };
}

/**
 * A "." or ".." segment (also spelt %2e) in the path: URL parsing would silently turn "/Users/.." into the base
 * path itself, so a server answering with id ".." could make a DELETE meant for one user hit "/scim/v2/".
 */
export function hasDotSegment(target: string): boolean {
  const path = target.replace(/^https?:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/**
 * The URL of a request: a path relative to the base, or an absolute URL. Either way, a URL under the base gets
 * the base's query first (unless it already starts with it), so a key or flag there reaches every endpoint.
 * Throws for an invalid URL.
 */
export function resolveUrl(target: Target, requested: string): URL {
  const url = /^https?:\/\//i.test(requested) ? new URL(requested) : new URL(requested.replace(/^\/+/, ''), target.base);
  if (target.query && url.origin === target.base.origin && `${url.pathname}/`.startsWith(target.base.pathname)) {
    const own = url.search.slice(1);
    if (own !== target.query && !own.startsWith(`${target.query}&`)) url.search = own ? `${target.query}&${own}` : target.query;
  }
  return url;
}

/** `url` as it may be shown: the values of its query parameters masked (they may be keys). */
export function shownUrl(url: string, marker: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 || eq === part.length - 1 ? part : `${part.slice(0, eq + 1)}${marker}`;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${masked}`;
}
