import { performance } from 'node:perf_hooks';
import type { Exchange } from '../client/exchange.js';
import { detached } from '../client/body.js';
import { collectGarbage } from '../client/memory.js';
import { mergeHeaders, withoutHeaders } from '../client/headers.js';
import type { ScimClient, SendRequest } from '../client/index.js';
import { validateScim } from '../core/json-schemas/index.js';
import { evaluateBurstCounts, evaluateResponseAssertion, evaluateValue, evaluateWalkAssertion, type Failure } from './assert.js';
import { resourceAt, type CleanupRegistry } from './cleanup.js';
import { CheckError, ConfigError, UnsupportedStepError } from './errors.js';
import type { StepGate } from './gate.js';
import { inferKind, isProjected, KIND_SOURCE } from './infer-kind.js';
import { evaluateMapped, mergeMapped, type Mapping } from './mapping.js';
import type { AssertionFailure, CheckResult } from './results.js';
import { evaluateRunscope, runscopeText } from './runscope-assert.js';
import { runRunscopeScript } from './runscope-script.js';
import { select, setPath, type SelectionSource, type WalkSummary } from './select.js';
import type { Assertion, CheckDef, StepDef, SuiteFile } from './suite-format.js';
import { DEFAULT_BURST, displayText, expandDeep, expandText, type TemplateContext } from './template.js';

const DEFAULT_MAX_PAGES = 100;

/** The headers a suite's requests carry unless a step overrides or omits them (suite-format.ts: `headers`). */
export interface SuiteHeaders {
  /** On every request. */
  all: Record<string, string>;
  /** Added on requests with a body. */
  withBody: Record<string, string>;
}

/** A suite's declared request headers; the `userAgent` shorthand sets User-Agent. */
export function suiteHeaders(suite: Pick<SuiteFile, 'headers' | 'bodyHeaders' | 'userAgent'>): SuiteHeaders {
  const all = mergeHeaders(suite.headers, suite.userAgent !== undefined ? { 'User-Agent': suite.userAgent } : undefined);
  return { all, withBody: { ...suite.bodyHeaders } };
}

/** What a check needs from the run around it. */
export interface CheckEnvironment {
  client: ScimClient;
  /** Template context of the suite (its variables map receives this check's captures). */
  template: TemplateContext;
  /** The suite's request headers (suiteHeaders). */
  headers: SuiteHeaders;
  registry: CleanupRegistry;
  /** Why the run must stop now (interrupted, deadline), or undefined to go on. */
  stopReason: () => string | undefined;
  /** The run's custom attributes (--mapping), templates expanded for this suite. */
  mapping?: Mapping;
  /** Shared by concurrently running suites (--concurrency > 1): walks pass it alone. */
  gate?: StepGate;
}

/** Collects a check's exchanges and failures as its steps run. */
class CheckRecorder {
  readonly exchanges: Exchange[] = [];
  readonly failures: AssertionFailure[] = [];
  readonly notes: string[] = [];
  /** Exchanges before this index have given up their large parsed bodies. */
  private released = 0;
  /**
   * @param oktaStep the check replays a step of Okta's SPEC test: what Okta's test does not have (schema
   *   validation, captures) is then a finding "beyond Okta's test".
   */
  constructor(
    private readonly defaultSource: string,
    readonly oktaStep = false,
  ) {}

  /**
   * Drops the parsed body (`response.json`) of every exchange before `before` whose body was larger than
   * KEPT_JSON_BYTES: steps read it through their assertions and captures, and once they are done only the record's
   * bounded text excerpt stays. Without this a server answering every list with 9 MB kept each parsed copy (tens
   * of MB apiece) for the whole run and in the JSON report.
   */
  release(before: number): void {
    let dropped = 0;
    for (; this.released < before; this.released++) {
      const response = this.exchanges[this.released]?.response;
      if (response && response.json !== undefined && (response.bodyBytes ?? 0) > KEPT_JSON_BYTES) {
        delete response.json;
        dropped += response.bodyBytes ?? 0;
      }
    }
    if (dropped >= COLLECT_AFTER_BYTES) collectGarbage();
  }

  record(exchange: Exchange): number {
    this.exchanges.push(exchange);
    return this.exchanges.length - 1;
  }

  fail(failure: Failure, exchange: number | undefined, source?: string, message?: string, beyondOkta = false): void {
    if (this.repeatsSchemaFailure(failure, exchange)) return;
    const entry: AssertionFailure = { ...failure, source: source ?? failure.source ?? this.defaultSource };
    if ('actual' in failure) entry.actual = boundedActual(failure.actual);
    if (message ?? failure.message) entry.message = message ?? failure.message;
    if (exchange !== undefined) entry.exchange = exchange;
    if (beyondOkta && this.oktaStep) entry.beyondOkta = true;
    this.failures.push(entry);
  }

  /**
   * True when `failure` is a schema failure whose every error an earlier one on the same response already lists
   * (the automatic validation, then the step's own `schema` assertion of the same kind): reported once.
   */
  private repeatsSchemaFailure(failure: Failure, exchange: number | undefined): boolean {
    const errors = schemaErrors(failure);
    if (!errors) return false;
    return this.failures.some((f) => f.exchange === exchange && errors.every((e) => schemaErrors(f)?.includes(e)));
  }
}

/** The error list of a schema-validation failure ("… is a valid SCIM X"), or undefined for any other failure. */
function schemaErrors(failure: Failure): unknown[] | undefined {
  return /\bis a valid SCIM \w+$/.test(failure.assertion) && Array.isArray(failure.actual) ? failure.actual : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parsed bodies up to this size stay in the record (reports show them formatted); larger ones keep only the text excerpt. */
const KEPT_JSON_BYTES = 16 * 1024;
/** Dropping parsed bodies this large collects at once (src/client/memory.ts). */
const COLLECT_AFTER_BYTES = 1024 * 1024;
/** A failure's `actual` beyond this much JSON is summarised: it may be a whole 9 MB list. */
const MAX_ACTUAL_CHARS = 2_000;
/** Resources of one list checked against the RFC schema (the rest are not: see validatedPart). */
const MAX_VALIDATED_RESOURCES = 1_000;
/** A walk stops collecting after this many ids (a server ignoring `count` can return every resource on every page). */
const MAX_WALK_IDS = 100_000;

/** `actual` as it is kept in a failure: as is when small, else what it is and how it begins. */
function boundedActual(actual: unknown): unknown {
  if (Array.isArray(actual) && actual.length > MAX_ACTUAL_CHARS) return `an array of ${actual.length} items (not kept in the report)`;
  let text: string | undefined;
  try {
    text = JSON.stringify(actual);
  } catch {
    return String(actual);
  }
  if (text === undefined || text.length <= MAX_ACTUAL_CHARS) return actual;
  const what = Array.isArray(actual) ? `an array of ${actual.length} items` : typeof actual === 'string' ? `a string of ${actual.length} characters` : 'a value';
  return `${what}, ${text.length} characters as JSON, beginning ${detached(text.slice(0, MAX_ACTUAL_CHARS))}…`;
}

/**
 * The request the step describes, with templates expanded. Its headers are exactly the suite's (with the
 * body headers when there is a body), then the step's own, minus the step's `omitHeaders`; the client adds only
 * the run's credentials and --header values.
 */
function buildRequest(step: StepDef, env: CheckEnvironment, extraQuery: Record<string, string> = {}): SendRequest {
  const req = step.request;
  const ctx = env.template;
  const [rawPath, rawQuery] = splitQuery(req.path);
  let url = expandText(rawPath, ctx, encodeURIComponent);
  const params: string[] = [];
  if (rawQuery) params.push(expandText(rawQuery, ctx, encodeURIComponent));
  const query = { ...(req.query ?? {}), ...extraQuery };
  for (const [k, v] of Object.entries(query)) params.push(`${encodeURIComponent(k)}=${encodeURIComponent(expandText(v, ctx))}`);
  if (params.length) url += `?${params.join('&')}`;

  let body: string | undefined;
  if (req.body !== undefined) {
    let json = expandDeep(req.body, ctx);
    // Changes merged into the object (usually one read back: Okta PUTs what it read with its changes).
    for (const [path, value] of Object.entries(req.bodyMerge ?? {})) json = setPath(json, path, expandDeep(value, ctx));
    body = JSON.stringify(req.mapped ? mergeMapped(json, env.mapping, req.mapped) : json);
  }
  else if (req.rawBody !== undefined) body = req.rawBody;
  else if (req.bodyText !== undefined) body = expandText(req.bodyText, ctx);

  const stepHeaders = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k, expandText(v, ctx)]));
  const headers = mergeHeaders(env.headers.all, body !== undefined ? env.headers.withBody : undefined, stepHeaders);
  const send: SendRequest = { method: req.method, url, headers: withoutHeaders(headers, req.omitHeaders ?? []) };
  if (body !== undefined) send.body = body;
  if (req.auth) send.auth = req.auth;
  return send;
}

function splitQuery(path: string): [string, string | undefined] {
  const q = path.indexOf('?');
  return q < 0 ? [path, undefined] : [path.slice(0, q), path.slice(q + 1)];
}

/** The request path relative to the SCIM base URL, without its query (for kind inference and cleanup). */
function endpointOf(send: SendRequest, baseUrl: string): string {
  let path = send.url.startsWith(baseUrl) ? send.url.slice(baseUrl.length) : send.url;
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  return path;
}

/** True for assertions evaluated once over a whole walk rather than on each page. */
function isWalkLevel(a: Assertion): boolean {
  return 'walk' in a || ('that' in a && a.that.startsWith('walk.'));
}

/**
 * Sends one request, records it, and applies the checks every response gets: the transport worked, the body
 * was not cut off, and a JSON body is a valid RFC payload of its inferred kind. Keeps the cleanup registry in
 * step with what was created or deleted. Returns the exchange index.
 */
async function sendAndCheck(step: StepDef, send: SendRequest, env: CheckEnvironment, rec: CheckRecorder): Promise<{ index: number; delivered: boolean; valid: boolean }> {
  const endpoint = endpointOf(send, env.template.baseUrl);
  const refusal = env.registry.refusal(send.method, endpoint);
  // Taken before sending: an id seen before this moment cannot be one this create made.
  const sentAt = env.registry.mark();
  const exchange: Exchange = refusal
    ? { request: { method: send.method, url: send.url, headers: {} }, ms: 0, startedAt: new Date().toISOString(), error: { code: 'NOT_OURS', message: refusal } }
    : await env.client.send(send);
  const index = rec.record(exchange);
  noteRateLimits(exchange, env.template.rateLimits);
  if (send.method === 'POST') await settleCreate(send, endpoint, exchange, sentAt, env);
  env.registry.noteSeen(send.method, endpoint, exchange);
  if (exchange.error || !exchange.response) {
    rec.fail({ assertion: `${send.method} ${endpoint} gets an HTTP response`, expected: 'a response', actual: exchange.error ? `${exchange.error.code}: ${exchange.error.message}` : 'no response' }, index, 'RFC 7644 §3 (HTTP protocol)');
    return { index, delivered: false, valid: false };
  }
  const response = exchange.response;
  if (response.bodyTruncated) {
    rec.fail({ assertion: 'the response body fits the size cap', expected: 'a bounded body', actual: 'body too large (cut off)' }, index, 'scim-check transport limits');
    return { index, delivered: false, valid: false };
  }
  trackResources(send.method, endpoint, response.status, env.registry);
  let valid = true;
  if (step.autoValidate !== false && response.jsonError !== undefined) {
    // Otherwise the failure would surface later as a confusing "body.x is missing".
    valid = false;
    rec.fail({ assertion: 'response body is usable JSON', expected: 'valid JSON', actual: response.jsonError }, index, 'RFC 7644 §3.1 (SCIM messages are JSON)', undefined, true);
  } else if (step.autoValidate !== false) {
    const kind = inferKind(send.method, endpoint, response.status, response.json);
    if (kind) {
      const verdict = validateScim(kind, validatedPart(kind, response.json, rec), { partial: isProjected(send.url) });
      if (!verdict.valid) {
        valid = false;
        rec.fail({ assertion: `response body is a valid SCIM ${kind}`, expected: `a valid ${kind}`, actual: verdict.errors.slice(0, 10) }, index, KIND_SOURCE[kind], undefined, true);
      }
    }
  }
  return { index, delivered: true, valid };
}

/**
 * Registers what a POST created; a create answered with an id but no name is read back first (GET by id), so that
 * nothing the run cannot prove it made is ever written to or deleted. The read-back is told in the POST's notes.
 */
async function settleCreate(send: SendRequest, endpoint: string, exchange: Exchange, sentAt: number, env: CheckEnvironment): Promise<void> {
  const pending = env.registry.noteCreate(endpoint, send.body, exchange, env.template.prefix, sentAt);
  if (!pending) return;
  const readBack = await env.client.send({
    method: 'GET',
    url: `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(pending.id)}`,
    // Sent as the suite's own GETs are (its declared headers), like any other read.
    headers: env.headers.all,
  });
  (exchange.notes ??= []).push(env.registry.settleReadBack(pending, readBack, send.body, env.template.prefix));
}

/**
 * What of a response the schema check reads: a ListResponse's first MAX_VALIDATED_RESOURCES resources (with its
 * envelope), noted when there were more. Validating every one of 23,000 resources of a server that ignores `count`
 * took over a second and ~150 MB of short-lived garbage per list.
 */
function validatedPart(kind: string, json: unknown, rec: CheckRecorder): unknown {
  const resources = kind.endsWith('ListResponse') ? (json as { Resources?: unknown } | null)?.Resources : undefined;
  if (!Array.isArray(resources) || resources.length <= MAX_VALIDATED_RESOURCES) return json;
  rec.notes.push(`a list of ${resources.length} resources: the schema check covered its first ${MAX_VALIDATED_RESOURCES}`);
  return { ...(json as object), Resources: resources.slice(0, MAX_VALIDATED_RESOURCES) };
}

/** Records the Retry-After of every 429 behind this exchange (waited out, or returned as the answer). */
function noteRateLimits(exchange: Exchange, into: string[] | undefined): void {
  if (!into) return;
  for (const retry of exchange.retries ?? []) if (retry.status === 429) into.push(retry.retryAfter);
  const response = exchange.response;
  if (response?.status === 429) {
    const value = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    into.push(value ?? '(missing)');
  }
}

/** Forgets what a DELETE removed (creates are registered by `registry.noteCreate`, which sees the request too). */
function trackResources(method: string, endpoint: string, status: number, registry: CleanupRegistry): void {
  if (method === 'DELETE' && ((status >= 200 && status < 300) || status === 404)) {
    const target = resourceAt(endpoint);
    if (target) registry.remove(target.resourceType, target.id);
  }
}

/** Runs one walk step: pages of `pageSize` from startIndex 1 until past totalResults (or maxPages). */
async function runWalk(step: StepDef, env: CheckEnvironment, rec: CheckRecorder, source: string): Promise<{ ok: boolean; last?: SelectionSource }> {
  const walkDef = step.walk!;
  const maxPages = walkDef.maxPages ?? DEFAULT_MAX_PAGES;
  const walk: WalkSummary = { ids: [], totals: [], pages: 0, pageSize: walkDef.pageSize, starts: [] };
  const perPage = (step.expect ?? []).filter((a) => !isWalkLevel(a));
  let ok = true;
  let last: SelectionSource | undefined;
  let next = 1;
  for (let startIndex = 1; walk.pages < maxPages; startIndex = next) {
    const stop = env.stopReason();
    if (stop) throw new CheckError(stop);
    const send = buildRequest(step, env, { startIndex: String(startIndex), count: String(walkDef.pageSize) });
    const sent = await sendAndCheck(step, send, env, rec);
    walk.pages++;
    last = { exchange: rec.exchanges[sent.index], vars: env.template.vars, walk };
    if (!sent.delivered) return { ok: false, last };
    ok = applyAssertions(perPage, last, rec, sent.index, source, env.mapping) && sent.valid && ok;
    const json = last.exchange?.response?.json as { totalResults?: unknown; Resources?: unknown; startIndex?: unknown } | undefined;
    walk.totals.push(json?.totalResults);
    walk.starts!.push({ asked: startIndex, answered: json?.startIndex });
    const resources = Array.isArray(json?.Resources) ? json.Resources : [];
    for (const r of resources.slice(0, Math.max(0, MAX_WALK_IDS - walk.ids.length))) {
      const id = r !== null && typeof r === 'object' ? (r as { id?: unknown }).id : undefined;
      walk.ids.push(typeof id === 'string' ? id : JSON.stringify(id));
    }
    // Earlier pages are summarised in `walk`; only this one's parsed body is still needed.
    rec.release(sent.index);
    const total = typeof json?.totalResults === 'number' ? json.totalResults : 0;
    // "returned": the next page starts after what this page says it held (Microsoft's validation workflow).
    const answeredStart = typeof json?.startIndex === 'number' && Number.isInteger(json.startIndex) && json.startIndex > 0 ? json.startIndex : startIndex;
    next = walkDef.advance === 'returned' ? answeredStart + resources.length : startIndex + walkDef.pageSize;
    if (!ok || resources.length === 0 || next > total || next <= startIndex) break;
    if (walk.ids.length >= MAX_WALK_IDS) {
      walk.truncated = true;
      rec.notes.push(`the walk stopped after ${walk.pages} pages holding ${MAX_WALK_IDS} or more resources; completeness was judged on those pages`);
      break;
    }
    if (walk.pages >= maxPages) {
      // A big tenant: judge completeness on the pages walked, and say so.
      walk.truncated = true;
      rec.notes.push(`the walk stopped after ${maxPages} pages of ${walkDef.pageSize} (totalResults ${total}); completeness was judged on those pages`);
    }
  }
  for (const a of (step.expect ?? []).filter(isWalkLevel)) {
    const failures =
      'walk' in a
        ? evaluateWalkAssertion(a, last!, (a.includes ?? []).map((id) => expandText(id, env.template)))
        : evaluateValue(expandAssertion(a, env) as Extract<Assertion, { that: string }>, last!);
    for (const f of failures) rec.fail(f, rec.exchanges.length - 1, a.source ?? source, a.message, a.beyondOkta);
    if (failures.length) ok = false;
  }
  return { ok, last };
}

/** An assertion with the templates in its expected values expanded (selectors stay literal). */
function expandAssertion(a: Assertion, env: CheckEnvironment): Assertion {
  if ('runscope' in a) return typeof a.value === 'string' ? { ...a, value: expandText(a.value, env.template) } : a;
  if (!('that' in a)) return a;
  const { that, ...rest } = a;
  return { that, ...(expandDeep(rest, env.template) as object) } as Assertion;
}

/** True when an assertion with `ifStatus` does not concern this response. */
const notForThisStatus = (a: Assertion, src: SelectionSource): boolean => a.ifStatus !== undefined && src.exchange?.response?.status !== a.ifStatus;

/** Applies per-response assertions to one response; returns whether all held. */
function applyAssertions(assertions: Assertion[], src: SelectionSource, rec: CheckRecorder, index: number, source: string, mapping: Mapping | undefined): boolean {
  let ok = true;
  for (const a of assertions) {
    if (notForThisStatus(a, src)) continue;
    const failures = 'mapped' in a ? evaluateMapped(a, src, mapping) : 'burst' in a ? [] : 'runscope' in a ? evaluateRunscope(a, src) : evaluateResponseAssertion(a, src);
    for (const f of failures) {
      ok = false;
      rec.fail(f, index, a.source ?? source, a.message, a.beyondOkta);
    }
  }
  return ok;
}

/** Resolves after `ms` (at once for 0). */
const pause = (ms: number): Promise<void> => (ms > 0 ? sleep(ms) : Promise.resolve());

/**
 * Runs a burst step: the request built once per copy (each with its own {{$index}}, {{$item}}, random values),
 * then all sent at once (or spread over `spreadMs`) and awaited together. Set-level assertions (`burst` counts,
 * `each.` selectors) are judged once; the others on every response, a failure reported on the first response
 * that shows it with how many did.
 */
async function runBurst(step: StepDef, env: CheckEnvironment, rec: CheckRecorder, source: string): Promise<{ ok: boolean; last?: SelectionSource }> {
  const def = step.burst!;
  let items: unknown[] | undefined;
  if (def.each !== undefined) {
    const list = env.template.vars.get(def.each);
    if (!Array.isArray(list)) throw new CheckError(`the burst sends one request per element of {{${def.each}}}, which is not a list (${list === undefined ? 'no value' : typeof list})`);
    items = list;
  }
  const count = items ? items.length : (def.count ?? env.template.burst ?? DEFAULT_BURST);
  if (count === 0) throw new CheckError(`the burst has no request to send ({{${def.each ?? ''}}} is an empty list)`);
  const spreadMs = def.spreadMs ?? env.template.burstSpreadMs ?? 0;
  // Built before the first is sent, so the sends are not spaced out by template expansion.
  const sends = Array.from({ length: count }, (_, index) => {
    const burstRequest = items ? { index, item: items[index] } : { index };
    return buildRequest(step, { ...env, template: { ...env.template, burstRequest } });
  });
  const sent = await Promise.all(sends.map(async (send, i) => {
    await pause(count > 1 ? Math.round((spreadMs * i) / (count - 1)) : 0);
    return sendAndCheck(step, send, env, rec);
  }));
  const burst = sent.map((s) => rec.exchanges[s.index]!);
  const vars = env.template.vars;
  const last: SelectionSource = { exchange: burst[0], burst, vars };
  let ok = sent.every((s) => s.delivered && s.valid);
  for (const a of (step.expect ?? []).map((x) => expandAssertion(x, env))) {
    const setLevel = 'burst' in a || ('that' in a && a.that.startsWith('each.'));
    if (setLevel) {
      const failures = 'burst' in a ? evaluateBurstCounts(a, burst.map((e) => e.response?.status)) : evaluateValue(a as Extract<Assertion, { that: string }>, last);
      for (const f of failures) rec.fail(f, sent[0]!.index, a.source ?? source, a.message);
      if (failures.length) ok = false;
      continue;
    }
    const failing = sent.map((s) => ({ s, failures: perResponse(a, { exchange: rec.exchanges[s.index], vars }, env.mapping) })).filter((r) => r.failures.length > 0);
    if (!failing.length) continue;
    ok = false;
    const share = failing.length === count ? `all ${count} responses` : `${failing.length} of ${count} responses`;
    for (const f of failing[0]!.failures) rec.fail({ ...f, assertion: `${f.assertion} (${share})` }, failing[0]!.s.index, a.source ?? source, a.message);
  }
  return { ok, last };
}

/** One per-response assertion on one response (none when `ifStatus` leaves the response out). */
function perResponse(a: Assertion, src: SelectionSource, mapping: Mapping | undefined): Failure[] {
  if (notForThisStatus(a, src)) return [];
  return 'mapped' in a ? evaluateMapped(a, src, mapping) : evaluateResponseAssertion(a, src);
}

/** Runs one step; false when it failed (later steps of the check are then not run). */
async function runStep(step: StepDef, env: CheckEnvironment, rec: CheckRecorder, previous: SelectionSource | undefined, source: string): Promise<{ ok: boolean; last?: SelectionSource }> {
  if (step.onlyIf) {
    const condition = expandAssertion(step.onlyIf, env) as Extract<Assertion, { that: string }>;
    if (evaluateValue(condition, previous ?? { vars: env.template.vars }).length > 0) return { ok: true, ...(previous ? { last: previous } : {}) };
  }
  if (step.delayMs) await sleep(step.delayMs);
  const perform = async (): Promise<{ ok: boolean; last?: SelectionSource }> => {
    if (step.walk) return runWalk(step, env, rec, source);
    if (step.burst) return runBurst(step, env, rec, source);
    const send = buildRequest(step, env);
    const sent = await sendAndCheck(step, send, env, rec);
    const last: SelectionSource = { exchange: rec.exchanges[sent.index], vars: env.template.vars };
    // An assertion whose expected value names a variable that was never captured fails by itself (as it would in
    // Runscope, comparing against the unexpanded text); the step's other assertions are still judged.
    const assertions: Assertion[] = [];
    let expanded = true;
    for (const a of step.expect ?? []) {
      try {
        assertions.push(expandAssertion(a, env));
      } catch (err) {
        if (!(err instanceof CheckError)) throw err;
        expanded = false;
        rec.fail({ assertion: `the expected value can be worked out`, expected: 'a value', actual: err.message }, sent.index, a.source ?? source, a.message, a.beyondOkta);
      }
    }
    // An invalid SCIM body still gets the step's own assertions, so the report says everything wrong with it.
    let ok = sent.delivered && applyAssertions(assertions, last, rec, sent.index, source, env.mapping) && sent.valid && expanded;
    if (step.script !== undefined && sent.delivered) ok = runScript(step.script, send, last, env, rec, sent.index, source) && ok;
    return { ok, last };
  };
  // Concurrent suites: a walk runs alone, so no other suite's writes land between its pages.
  const outcome = env.gate ? await env.gate.pass(Boolean(step.walk), perform) : await perform();
  if (outcome.last) capture(step, outcome, env, rec);
  if (step.register && outcome.ok) {
    env.registry.add(step.register.resourceType, expandText(step.register.id, env.template));
  }
  return outcome;
}

/** Stores the step's captures; a capture that finds nothing fails the step (when it has not failed already). */
function capture(step: StepDef, outcome: { ok: boolean; last?: SelectionSource }, env: CheckEnvironment, rec: CheckRecorder): void {
  for (const [name, selector] of Object.entries(step.capture ?? {})) {
    const value = select(selector, outcome.last!);
    if (value !== undefined) {
      env.template.vars.set(name, value);
    } else if (step.captureOptional) {
      // Runscope leaves a variable it could not extract unset; a later use of it fails that step instead.
      env.template.vars.delete(name);
    } else if (outcome.ok) {
      outcome.ok = false;
      rec.fail({ assertion: `${selector} is present (captured as {{${name}}})`, expected: 'a value', actual: '(missing)' }, rec.exchanges.length - 1, undefined, undefined, true);
    }
  }
}

/**
 * Runs a step's Runscope script against its response (src/runner/runscope-script.ts). An assertion the script
 * makes that fails is a failure of the step; a script scim-check cannot judge makes the check skipped.
 */
function runScript(script: string, send: SendRequest, last: SelectionSource, env: CheckEnvironment, rec: CheckRecorder, index: number, source: string): boolean {
  const response = last.exchange!.response!;
  const variables: Record<string, string> = {};
  for (const [name, value] of env.template.vars) variables[name] = runscopeText(value) ?? '';
  const outcome = runRunscopeScript(script, {
    response: { status: response.status, body: response.body ?? '', headers: response.headers, response_time: last.exchange!.ms, size: response.bodyBytes ?? 0 },
    request: { method: send.method, url: last.exchange!.request.url, headers: last.exchange!.request.headers, body: last.exchange!.request.body ?? '' },
    variables,
  });
  if (outcome.kind === 'unsupported') throw new UnsupportedStepError(`its script uses something scim-check does not provide (${outcome.reason}), so its verdict is unknown`);
  for (const line of outcome.logs) rec.notes.push(`script log: ${line}`);
  for (const [name, value] of Object.entries(outcome.variables)) if (variables[name] !== value && value !== undefined) env.template.vars.set(name, value);
  if (outcome.kind === 'passed') return true;
  rec.fail({ assertion: 'the step\'s script passes', expected: 'no failed assertion', actual: outcome.message }, index, source);
  return false;
}

/** Runs a check's steps in order, stopping at the first failing step; never throws. */
export async function runCheck(check: CheckDef, suiteId: string, env: CheckEnvironment): Promise<CheckResult> {
  const started = performance.now();
  const rec = new CheckRecorder(check.source, check.oktaStep !== undefined);
  let previous: SelectionSource | undefined;
  let unsupported: string | undefined;
  try {
    for (const step of check.steps) {
      const stop = env.stopReason();
      if (stop) throw new CheckError(stop);
      const outcome = await runStep(step, env, rec, previous, check.source);
      previous = outcome.last ?? previous;
      // Only the latest exchange (`previous`, for the next step's onlyIf) may still be read.
      rec.release(rec.exchanges.length - 1);
      if (!outcome.ok) break;
    }
  } catch (err) {
    if (err instanceof UnsupportedStepError) unsupported = err.message;
    else if (!(err instanceof CheckError || err instanceof ConfigError)) throw err;
    else rec.fail({ assertion: 'the check runs to completion', expected: 'all steps run', actual: err.message }, rec.exchanges.length ? rec.exchanges.length - 1 : undefined);
  }
  rec.release(rec.exchanges.length);
  const failed = rec.failures.length > 0;
  const result: CheckResult = {
    id: check.id,
    suite: suiteId,
    title: displayText(check.title, env.template),
    description: displayText(check.description, env.template),
    level: check.level,
    source: check.source,
    status: failed ? (check.warnOnly ? 'warning' : 'failed') : 'passed',
    ms: Math.round((performance.now() - started) * 100) / 100,
    failures: rec.failures,
    exchanges: rec.exchanges,
  };
  if (check.oktaStep !== undefined) result.oktaStep = check.oktaStep;
  if (unsupported) {
    // Never a silent pass: what ran is kept in the transcript, the verdict is "not judged".
    result.status = 'skipped';
    result.skipReason = unsupported;
    result.failures = [];
  }
  const notes = [...rec.notes, ...(failed && check.impact ? [check.impact] : [])];
  if (notes.length) result.notes = notes;
  if (check.entraFlag) result.entraFlag = check.entraFlag;
  return result;
}
