/**
 * A recording (src/recording) as a suite in our own format: one check per recorded exchange, in order, that
 * sends the request the identity provider sent (its headers and body) and compares the answer with the recorded
 * one at the level the IdP cares about — the status class, a schema-valid body, and the attribute values it
 * reads back. `scim-check replay` runs that suite like any other (same reporters, cleanup and safety rules);
 * `--save-suite` writes it out for people to edit and commit.
 *
 * What is mapped so the replay works on another server:
 * - ids: an id the target assigned in a recorded response (a create's `id`, a list's `Resources[i].id`) is
 *   captured from the same place in the replayed response and substituted wherever later requests used it
 *   (paths, bodies, filters such as `members[value eq "…"]`); later responses are expected to carry it;
 * - absolute URLs: the recorded base URL becomes `{{$baseUrl}}` (member `$ref`s);
 * - names: unless asRecorded, every userName / group displayName the recording created is given the run's
 *   prefix and a run-unique tag, so a replay never collides with existing data and cleanup can prove it is ours;
 * - credentials: the recorded placeholder of the main credential becomes the replay's own credentials, any other
 *   credential an invalid one, and no Authorization header stays none.
 * Writes never reach what the replay did not create: a PUT/PATCH/DELETE of a resource that existed before the
 * recording is left out (reported as skipped, with the reason); one the recording showed missing (404) is sent
 * to a made-up id that cannot exist.
 */
import { basename } from 'node:path';
import type { RecordedHttpExchange, RecordedHttpMessage, Recording } from '../recording/format.js';
import { parseCredentialPlaceholder } from '../recording/scrub.js';
import type { Assertion, CheckDef, RequestDef, StatusClass, StepDef, SuiteFile } from './suite-format.js';

export interface ReplayOptions {
  /** Send userNames and displayNames exactly as recorded (default: prefixed and made run-unique). */
  asRecorded?: boolean;
  /** The recording's file name, for sources and titles. */
  file: string;
  /** Suite id (default "replay"). */
  suiteId?: string;
}

/** Headers the HTTP layer owns (or that name the recorded connection): never replayed from the recording. */
const CONNECTION_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'expect']);
/** Ids shorter than this are replaced only where they stand whole (a path segment, a whole string). */
const MIN_ID_FOR_TEXT = 6;
/** List items compared per response (the rest only through totalResults). */
const MAX_LIST_ITEMS = 50;
/** Attribute values compared per exchange, so a huge body cannot make a huge check. */
const MAX_ASSERTIONS = 200;

const BRACES = '{{';

type Methodish = RequestDef['method'];

interface Mapping {
  /** Recorded id → variable holding the replay's id. */
  ids: Map<string, string>;
  /** Ids the replay itself creates (writes to them are allowed). */
  created: Set<string>;
  /**
   * Ids captured by the step being built: its own assertions cannot use them yet (captures are made after the
   * step's assertions), so there they stay literal.
   */
  pending: Set<string>;
  /** Lower-cased recorded name → variable holding the replay's name. */
  names: Map<string, { variable: string; original: string }>;
  /** "variable:case variant" → the variable holding that variant of the replay's name. */
  variants: Map<string, string>;
  variables: Record<string, string>;
  recordedBase: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Literal text made safe for the template engine: a recorded "{{" must not become a placeholder. */
function literal(text: string): string {
  return text.includes(BRACES) ? text.replaceAll(BRACES, '{{$braces}}') : text;
}

function resourceOf(path: string): { collection: 'Users' | 'Groups' | undefined; id: string | undefined } {
  const bare = path.split('?')[0]!;
  const m = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/i.exec(bare);
  if (!m) return { collection: undefined, id: undefined };
  const collection = m[1]!.toLowerCase() === 'users' ? 'Users' : 'Groups';
  let id: string | undefined;
  try {
    id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  } catch {
    id = m[2];
  }
  return { collection, id: id === '.search' ? undefined : id };
}

function headerOf(message: RecordedHttpMessage | undefined, name: string): string | undefined {
  if (!message) return undefined;
  return Object.entries(message.headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** The credential index used most often: the recording's "own" credential. */
function mainCredential(exchanges: RecordedHttpExchange[]): number | undefined {
  const counts = new Map<number, number>();
  for (const ex of exchanges) {
    const auth = headerOf(ex.request, 'authorization');
    const placeholder = auth === undefined ? undefined : parseCredentialPlaceholder(auth);
    if (placeholder) counts.set(placeholder.index, (counts.get(placeholder.index) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [index, count] of counts) if (best === undefined || count > counts.get(best)!) best = index;
  return best;
}

/** A selector path for a key: `.key`, or `["key"]` when the key holds a dot, bracket or quote. */
function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function recordingToSuite(recording: Recording, options: ReplayOptions): SuiteFile {
  const { header, exchanges } = recording;
  const suiteId = options.suiteId ?? 'replay';
  const file = basename(options.file);
  const mapping: Mapping = {
    ids: new Map(),
    created: new Set(),
    pending: new Set(),
    names: new Map(),
    variants: new Map(),
    variables: {},
    recordedBase: [],
  };
  const origin = /^[a-z]+:\/\/[^/?#]+/i.exec(header.target)?.[0];
  if (origin) {
    mapping.recordedBase.push(`${origin}${header.basePath}`);
    // A server behind a proxy may name itself by another origin; any absolute URL ending in the base path counts.
  }
  if (!options.asRecorded) {
    mapping.variables.replayTag = '{{$lower:6}}';
    for (const ex of exchanges) learnCreatedName(ex, mapping);
  }
  const main = mainCredential(exchanges);

  const checks: CheckDef[] = exchanges.map((ex) => exchangeCheck(ex, { suiteId, file, main, mapping, recordedAt: header.recordedAt }));
  return {
    id: suiteId,
    title: `Replay of ${file}`,
    description: `${exchanges.length} exchanges recorded ${header.recordedAt} (${header.source === 'proxy' ? `through scim-check record in front of ${header.target}` : `by scim-check serve --record`}${header.pseudonymised ? ', pseudonymised' : ''}), replayed in order and compared with what was recorded.`,
    source: `recording ${file}`,
    ...(Object.keys(mapping.variables).length ? { variables: mapping.variables } : {}),
    checks,
  };
}

/** A create's name (userName of a User, displayName of a Group) gets a run-unique, prefixed stand-in. */
function learnCreatedName(ex: RecordedHttpExchange, mapping: Mapping): void {
  if (ex.request.method.toUpperCase() !== 'POST') return;
  const { collection, id } = resourceOf(ex.request.path);
  if (!collection || id !== undefined) return;
  const body = ex.request.body as Record<string, unknown> | undefined;
  const name = body?.[collection === 'Users' ? 'userName' : 'displayName'];
  if (typeof name !== 'string' || name === '' || mapping.names.has(name.toLowerCase())) return;
  const variable = `name${mapping.names.size + 1}`;
  mapping.names.set(name.toLowerCase(), { variable, original: name });
  mapping.variables[variable] = `{{$prefix}}{{replayTag}}-${literal(name)}`;
}

interface CheckContext {
  suiteId: string;
  file: string;
  main: number | undefined;
  mapping: Mapping;
  recordedAt: string;
}

function exchangeCheck(ex: RecordedHttpExchange, ctx: CheckContext): CheckDef {
  const { mapping } = ctx;
  const method = ex.request.method.toUpperCase();
  const path = ex.request.path;
  const { collection, id } = resourceOf(path);
  const slug = `${method.toLowerCase()}-${(collection ?? path.split('?')[0]!.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')) || 'root'}`.toLowerCase();
  const recordedStatus = ex.response?.status;
  const check: CheckDef = {
    id: `${ctx.suiteId}/${String(ex.seq).padStart(4, '0')}-${slug}`.slice(0, 120),
    title: `#${ex.seq} ${method} ${shorten(path)} → ${recordedStatus ?? 'no answer'} as recorded`,
    description: `Replays exchange ${ex.seq} of ${ctx.file} and compares the answer with the recorded one (status class, attribute values).`,
    level: 'MUST',
    source: `recording ${ctx.file}, exchange ${ex.seq} (recorded ${ex.time})`,
    impact: 'The identity provider sent this request and relied on this answer when it was recorded; a different answer changes what it does next.',
    writes: !['GET', 'HEAD', 'OPTIONS'].includes(method),
    steps: [],
  };
  if (!ex.response) {
    check.skip = `the recording has no answer to this request (${ex.error ?? 'none recorded'}), so there is nothing to compare with`;
    check.steps.push({ request: { method: 'GET', path: '/' } });
    return check;
  }
  const writes = method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  let madeUp: string | undefined;
  if (collection && id !== undefined) {
    if (!mapping.ids.has(id) && recordedStatus === 404) {
      // The recording shows nothing was there: a made-up id that cannot exist keeps that true on any server.
      madeUp = `missing${Object.keys(mapping.variables).length + 1}`;
      mapping.variables[madeUp] = '{{$prefix}}missing-{{$lower:12}}';
    } else if (writes && !mapping.created.has(id)) {
      check.skip = `${method} of ${collection.slice(0, -1)} ${id}, which the recording did not create (it existed before): a replay writes only to what it created`;
      check.steps.push({ request: { method: 'GET', path: '/' } });
      return check;
    }
  }

  const request = replayRequest(ex, ctx, madeUp !== undefined ? { id: id!, variable: madeUp } : undefined);
  const step: StepDef = { request };
  const expect: Assertion[] = [{ status: `${Math.floor(recordedStatus! / 100)}xx` as StatusClass, message: `recorded: ${recordedStatus}` }];
  const capture: Record<string, string> = {};
  if (recordedStatus! < 300 && ex.response.body !== undefined) {
    // A create's id is ours: writes may follow. Registered by the runner as it registers every create.
    if (method === 'POST' && collection && id === undefined) noteCreatedId(ex.response.body, mapping);
    expect.push(...responseAssertions(ex.response.body, mapping, capture));
  }
  step.expect = expect;
  mapping.pending.clear();
  if (Object.keys(capture).length) step.capture = capture;
  check.steps.push(step);
  return check;
}

function shorten(path: string): string {
  let shown = path;
  try {
    shown = decodeURIComponent(path);
  } catch {
    // keep it encoded
  }
  return shown.length > 90 ? `${shown.slice(0, 87)}…` : shown;
}

function noteCreatedId(body: unknown, mapping: Mapping): void {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id !== '') mapping.created.add(id);
}

/** The replayed request: recorded method, path, headers and body, with ids, names and base URLs mapped. */
function replayRequest(ex: RecordedHttpExchange, ctx: CheckContext, madeUp: { id: string; variable: string } | undefined): RequestDef {
  const { mapping } = ctx;
  const [rawPath, rawQuery] = splitQuery(ex.request.path);
  let path = rawPath
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // a segment that is not valid percent-encoding stays as it is
      }
      if (madeUp && decoded === madeUp.id) return `{{${madeUp.variable}}}`;
      const variable = mapping.ids.get(decoded);
      return variable ? `{{${variable}}}` : literal(segment);
    })
    .join('/');
  if (rawQuery !== undefined) path += `?${mapText(literal(rawQuery), mapping, true)}`;
  const request: RequestDef = { method: ex.request.method.toUpperCase() as Methodish, path };

  const headers: Record<string, string> = {};
  let auth: RequestDef['auth'] = 'none';
  for (const [name, value] of Object.entries(ex.request.headers)) {
    const lower = name.toLowerCase();
    if (CONNECTION_HEADERS.has(lower)) continue;
    if (lower === 'authorization') {
      const placeholder = parseCredentialPlaceholder(value);
      auth = placeholder && placeholder.index === ctx.main ? 'default' : 'invalid';
      continue;
    }
    // Other masked credentials (an API-key header) come from the replay's own --header options.
    if (value === '[REDACTED]') continue;
    headers[name] = literal(value);
  }
  if (auth !== 'default') request.auth = auth;
  // The suite declares no headers of its own, so these are exactly what goes on the wire (plus credentials).
  if (Object.keys(headers).length) request.headers = headers;

  if (ex.request.body !== undefined) request.body = mapValue(ex.request.body, mapping);
  else if (ex.request.bodyText !== undefined) request.rawBody = ex.request.bodyText;
  return request;
}

function splitQuery(path: string): [string, string | undefined] {
  const q = path.indexOf('?');
  return q < 0 ? [path, undefined] : [path.slice(0, q), path.slice(q + 1)];
}

/**
 * Maps ids, names and the recorded base URL inside free text (a query string, a filter, a PATCH path). In a
 * query the values appear percent-encoded; the placeholders are encoded by the runner when it expands them.
 */
function mapText(text: string, mapping: Mapping, encoded = false): string {
  // Ids and the base URL exactly as recorded; names in any letter case (a lookup may change it, as Okta's does).
  const exact = new Map<string, string>();
  for (const base of mapping.recordedBase) exact.set(base, '{{$baseUrl}}');
  for (const [id, variable] of mapping.ids) if (id.length >= MIN_ID_FOR_TEXT && !mapping.pending.has(id)) exact.set(id, `{{${variable}}}`);
  const names = new Set<string>();
  for (const { original } of mapping.names.values()) names.add(original);
  const withEncodings = (forms: Iterable<string>): string[] => {
    const out = new Set<string>();
    for (const form of forms) {
      out.add(form);
      if (encoded) {
        out.add(encodeURIComponent(form));
        out.add(encodeURIComponent(form).replace(/%20/g, '+'));
      }
    }
    return [...out].sort((a, b) => b.length - a.length).map(escapeRegExp);
  };
  // Standing alone: not inside a longer word, where a percent-escape (%22, %20) before it counts as a boundary.
  const standing = (alternatives: string[], flags: string): RegExp =>
    new RegExp(`(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))(?:${alternatives.join('|')})(?![A-Za-z0-9])`, flags);
  let out = text;
  if (exact.size) {
    const byText = new Map<string, string>();
    for (const [from, to] of exact) for (const form of encoded ? [from, encodeURIComponent(from)] : [from]) byText.set(form, to);
    out = out.replace(standing(withEncodings(exact.keys()), 'g'), (found) => byText.get(found) ?? byText.get(decodeOrSelf(found)) ?? found);
  }
  if (names.size) out = out.replace(standing(withEncodings(names), 'gi'), (found) => nameTemplate(encoded ? decodeOrSelf(found.replace(/\+/g, ' ')) : found, mapping) ?? found);
  return out;
}

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The template for a recorded name, in the letter case it was written: the name itself → its variable; a case
 * variant (Okta looks users up in other cases) → a variable of its own, the same prefix and tag before the variant,
 * so it still equals the replay's name case-insensitively.
 */
function nameTemplate(found: string, mapping: Mapping): string | undefined {
  const name = mapping.names.get(found.toLowerCase());
  if (!name) return undefined;
  if (found === name.original) return `{{${name.variable}}}`;
  const key = `${name.variable}:${found}`;
  let variable = mapping.variants.get(key);
  if (!variable) {
    variable = `${name.variable}v${mapping.variants.size + 1}`;
    mapping.variants.set(key, variable);
    mapping.variables[variable] = `{{$prefix}}{{replayTag}}-${literal(found)}`;
  }
  return `{{${variable}}}`;
}

/** Maps a JSON value of a request (or an expected value): whole strings first, then text inside strings. */
function mapValue(value: unknown, mapping: Mapping, depth = 0): unknown {
  if (typeof value === 'string') {
    const variable = mapping.pending.has(value) ? undefined : mapping.ids.get(value);
    if (variable) return `{{${variable}}}`;
    return nameTemplate(value, mapping) ?? mapText(literal(value), mapping);
  }
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => mapValue(item, mapping, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: mapValue(item, mapping, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Values that differ on every server or every run, never compared: server metadata and masked values. */
function comparable(key: string, value: unknown): boolean {
  if (key === 'meta' || key === 'password') return false;
  return !(typeof value === 'string' && value.startsWith('[REDACTED'));
}

/**
 * The assertions comparing a replayed 2xx body with the recorded one, and the captures of ids it assigned:
 * resources attribute by attribute, lists by totalResults and by the items they held (in any order).
 */
function responseAssertions(body: unknown, mapping: Mapping, capture: Record<string, string>): Assertion[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const out: Assertion[] = [];
  if (Array.isArray(record.Resources)) {
    if (typeof record.totalResults === 'number') out.push({ that: 'body.totalResults', equals: record.totalResults, message: 'recorded totalResults' });
    record.Resources.slice(0, MAX_LIST_ITEMS).forEach((item, i) => {
      const wanted = itemFields(item, mapping, `body.Resources[${i}]`, capture);
      if (wanted) out.push({ that: 'body.Resources', contains: wanted, message: `recorded item ${i + 1} of the list` });
    });
    return out;
  }
  captureOrExpectId(record, 'body', mapping, capture, out);
  flatten(record, 'body', mapping, out);
  return out.slice(0, MAX_ASSERTIONS);
}

/** The id of a resource in a response: known → expected; new → captured from the same place. */
function captureOrExpectId(record: Record<string, unknown>, at: string, mapping: Mapping, capture: Record<string, string>, out: Assertion[]): void {
  const id = record.id;
  if (typeof id !== 'string' || id === '') return;
  const known = mapping.ids.get(id);
  if (known) {
    out.push({ that: `${at}.id`, equals: `{{${known}}}`, message: 'the id this replay got for the same resource' });
    return;
  }
  const variable = `id${mapping.ids.size + 1}`;
  mapping.ids.set(id, variable);
  mapping.pending.add(id);
  capture[variable] = `${at}.id`;
}

/** A list item as the fields to look for (scalars and nested objects; its id mapped or captured). */
function itemFields(item: unknown, mapping: Mapping, at: string, capture: Record<string, string>): Record<string, unknown> | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const wanted: Record<string, unknown> = {};
  const id = record.id;
  if (typeof id === 'string' && id !== '') {
    const known = mapping.ids.get(id);
    if (known) wanted.id = `{{${known}}}`;
    else {
      const variable = `id${mapping.ids.size + 1}`;
      mapping.ids.set(id, variable);
      mapping.pending.add(id);
      capture[variable] = `${at}.id`;
    }
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id' || !comparable(key, value) || Array.isArray(value)) continue;
    wanted[key] = mapValue(value, mapping);
  }
  return Object.keys(wanted).length ? wanted : undefined;
}

/** Equality assertions for every recorded scalar; arrays compared element by element in any order. */
function flatten(value: Record<string, unknown>, at: string, mapping: Mapping, out: Assertion[], depth = 0): void {
  for (const [key, item] of Object.entries(value)) {
    if (out.length >= MAX_ASSERTIONS) return;
    if ((depth === 0 && key === 'id') || !comparable(key, item)) continue;
    const selector = `${at}${keyPath(key)}`;
    if (Array.isArray(item)) {
      if (key === 'schemas') {
        for (const urn of item) out.push({ that: selector, contains: urn });
        continue;
      }
      if (item.length === 0) {
        out.push({ that: selector, length: 0, message: 'recorded as an empty list' });
        continue;
      }
      for (const element of item) {
        const wanted = element !== null && typeof element === 'object' && !Array.isArray(element) ? withoutUncomparable(element as Record<string, unknown>) : element;
        out.push({ that: selector, contains: mapValue(wanted, mapping) });
      }
    } else if (item !== null && typeof item === 'object') {
      flatten(item as Record<string, unknown>, selector, mapping, out, depth + 1);
    } else {
      out.push({ that: selector, equals: mapValue(item, mapping) });
    }
  }
}

function withoutUncomparable(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (comparable(key, value) && !Array.isArray(value)) out[key] = value;
  return out;
}
