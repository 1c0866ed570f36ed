/** Redirects, followed by hand so credentials never travel to another origin. */

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

export interface NextHop {
  method: string;
  url: URL;
  /** False when the method changed to GET and the body must not be sent again. */
  keepBody: boolean;
  crossOrigin: boolean;
}

export type HopDecision = { ok: true; hop: NextHop } | { ok: false; code: string; message: string };

/** Where a redirect leads, with the method rules browsers and curl apply (303 → GET; 301/302 turn POST into GET). */
export function nextHop(from: URL, method: string, status: number, location: string | null): HopDecision {
  if (!location) {
    return { ok: false, code: 'REDIRECT_WITHOUT_LOCATION', message: `${status} redirect without a Location header` };
  }
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return { ok: false, code: 'REDIRECT_INVALID', message: `${status} redirect to an invalid Location` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'REDIRECT_INVALID', message: `${status} redirect to a non-HTTP URL (${url.protocol})` };
  }
  const toGet = status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST';
  return {
    ok: true,
    hop: {
      method: toGet ? 'GET' : method,
      url,
      keepBody: !toGet,
      // Scheme, host and port: an https → http downgrade counts as another origin too.
      crossOrigin: url.origin !== from.origin,
    },
  };
}
