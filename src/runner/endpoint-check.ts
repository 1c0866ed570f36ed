/**
 * Is the base URL a SCIM endpoint at all? A wrong URL (missing /v2, a web app's home page, another API) would
 * otherwise give hundreds of failed checks; the first answer already shows it, and the run stops with one line
 * (exit 3) that says what came back and, when it can tell, the base URL that would work.
 */
import type { Exchange, RecordedResponse } from '../client/exchange.js';
import type { ScimClient } from '../client/index.js';

/** Attributes only a SCIM answer (a ListResponse, a resource or a SCIM error) carries at its top level. */
const SCIM_MARKERS = ['schemas', 'Resources', 'totalResults', 'itemsPerPage', 'startIndex', 'id', 'userName', 'displayName', 'meta'];
const EXCERPT_CHARS = 120;
const LIST_PROBE = '/Users?startIndex=1&count=1';

/** One line of server text, safe for any terminal: control characters become spaces, long text is cut. */
function excerpt(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

/** An HTML page: the body is no JSON, and is labelled or shaped as HTML (JSON mislabelled text/html is not). */
function isHtml(response: RecordedResponse): boolean {
  if (response.json !== undefined) return false;
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  return type.includes('text/html') || /^\s*<(!doctype|html|head|body)\b/i.test(response.body ?? '');
}

/** True for JSON that could be a SCIM answer (lenient: a broken SCIM server is still worth checking). */
function looksScim(json: unknown): boolean {
  return json !== null && typeof json === 'object' && !Array.isArray(json) && SCIM_MARKERS.some((k) => k in json);
}

function describeJson(json: unknown): string {
  if (Array.isArray(json)) return 'a JSON array';
  if (json === null) return 'JSON null';
  if (typeof json !== 'object') return `a JSON ${typeof json}`;
  const keys = Object.keys(json);
  return keys.length ? `JSON without any SCIM attribute (keys: ${excerpt(keys.slice(0, 5).join(', '))})` : 'an empty JSON object';
}

/** What the 404 said: a SCIM error's detail, an HTML page's title, or the start of the text. */
function whatItSaid(response: RecordedResponse): string | undefined {
  const json = response.json as { detail?: unknown; message?: unknown; error?: unknown } | undefined;
  const said = json && typeof json === 'object' ? [json.detail, json.message, json.error].find((v) => typeof v === 'string') : undefined;
  if (typeof said === 'string') return excerpt(said);
  const body = response.body ?? '';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  if (title) return excerpt(title);
  return body.trim() && !isHtml(response) ? excerpt(body) : undefined;
}

/**
 * Why the answer to the first request (GET /Users) shows that `baseUrl` is no SCIM endpoint, or undefined.
 * Only answers that no SCIM server gives: 404, an HTML page (not for 5xx: a proxy's error page says nothing about
 * the path), or 2xx JSON with none of SCIM's attributes. 401/403 and 429 are judged elsewhere.
 */
export function notScimAnswer(response: RecordedResponse): string | undefined {
  const { status } = response;
  if (status === 404) {
    const said = whatItSaid(response);
    return `GET ${LIST_PROBE} answered 404${said ? ` ("${said}")` : ''}`;
  }
  if (status >= 500 || status === 401 || status === 403 || status === 429) return undefined;
  if (isHtml(response)) {
    const said = whatItSaid(response);
    return `GET ${LIST_PROBE} answered ${status} with an HTML page${said ? ` ("${said}")` : ''}, not SCIM JSON`;
  }
  if (status >= 200 && status < 300 && response.json !== undefined && response.jsonError === undefined && !looksScim(response.json)) {
    return `GET ${LIST_PROBE} answered ${status} with ${describeJson(response.json)}, not a SCIM ListResponse`;
  }
  return undefined;
}

/** A base path the server's own 404 names (the reference server says 'the base path is "/scim/v2"'). */
function namedInAnswer(response: RecordedResponse, base: URL): string | undefined {
  const text = `${whatItSaid(response) ?? ''} ${response.body ?? ''}`;
  const named = /base (?:path|url) is "([^"]+)"/i.exec(text)?.[1] ?? /(?:^|[\s"'(])(\/[\w.~-]+(?:\/[\w.~-]+)*\/v2)(?=[\s"').,;]|$)/.exec(text)?.[1];
  if (!named) return undefined;
  try {
    const url = new URL(named, base.origin);
    return url.origin === base.origin && url.pathname.replace(/\/+$/, '') !== base.pathname.replace(/\/+$/, '') ? url.href.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Base URLs on the same origin that a wrong URL most likely meant: …/v2 added, or the usual /scim/v2. */
function candidates(base: URL): string[] {
  const path = base.pathname.replace(/\/+$/, '');
  const list = [/\/v2$/i.test(path) ? undefined : `${path}/v2`, /\/scim$/i.test(path) ? undefined : `${path}/scim/v2`, '/scim/v2'];
  return [...new Set(list.filter((p): p is string => p !== undefined && p !== path))].map((p) => `${base.origin}${p}`);
}

/**
 * The base URL to suggest: the one the server's 404 names, else the first candidate (same origin only, so the
 * credentials go nowhere new) whose GET /Users answers like SCIM. Undefined when none does.
 */
export async function likelyBaseUrl(client: ScimClient, baseUrl: string, first: Exchange, headers: Record<string, string>): Promise<string | undefined> {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const named = first.response && namedInAnswer(first.response, base);
  if (named) return named;
  for (const candidate of candidates(base)) {
    const ex = await client.send({ method: 'GET', url: `${candidate}${LIST_PROBE}`, headers });
    const response = ex.response;
    if (!response) continue;
    const scimError = (response.status === 401 || response.status === 403) && looksScim(response.json);
    if (scimError || (response.status === 200 && looksScim(response.json) && !notScimAnswer(response))) return candidate;
  }
  return undefined;
}
