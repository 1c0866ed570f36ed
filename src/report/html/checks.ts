import type { Exchange } from '../../client/exchange.js';
import type { AssertionFailure, CheckResult } from '../../runner/results.js';
import { createRedactor } from '../../client/redact.js';
import { STATUS_LABEL, formatMs } from './charts.js';
import { html, type SafeHtml } from './markup.js';
import { assertionText } from '../failure-text.js';

/** Bodies longer than this are cut in the report (the json reporter keeps the full record). */
const BODY_DISPLAY_LIMIT = 64 * 1024;

/**
 * Exchanges are redacted when the client records them; the report masks credential headers once more so a
 * record built by other means (a user's own RunResult, a future client bug) cannot leak through this file.
 */
const credentialHeaders = createRedactor([]);

/** A value as JSON, so "1" and 1, or "" and an absent value, are told apart. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function prettyBody(text: string | undefined, parsed?: unknown): string | undefined {
  if (parsed !== undefined) return showValue(parsed);
  if (text === undefined || text === '') return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function bodyBlock(text: string | undefined, note?: string): SafeHtml | null {
  if (text === undefined || text === '') return null;
  const cut = text.length > BODY_DISPLAY_LIMIT;
  const shown = cut ? text.slice(0, BODY_DISPLAY_LIMIT) : text;
  const notes = [note, cut ? `${text.length - BODY_DISPLAY_LIMIT} more characters not shown` : undefined].filter(Boolean);
  return html`<pre class="body">${shown}</pre>${notes.length ? html`<p class="note">${notes.join('; ')}</p>` : null}`;
}

function headerBlock(headers: Record<string, string>): SafeHtml | null {
  const entries = Object.entries(credentialHeaders.redactHeaders(headers));
  if (entries.length === 0) return null;
  return html`<pre class="headers">${entries.map(([name, value]) => `${name}: ${value}\n`)}</pre>`;
}

export function exchangeBlock(exchange: Exchange, anchor: string, showsFailure: boolean): SafeHtml {
  const { request, response, error } = exchange;
  const responsePart = response
    ? html`<div class="response"><div class="line"><span class="arrow">←</span> <span class="http-status s${String(response.status).charAt(0)}xx">${response.status}</span> <span class="ms">${formatMs(exchange.ms)}</span></div>${headerBlock(response.headers)}${bodyBlock(prettyBody(response.body, response.json), response.bodyTruncated ? 'body exceeded the size cap and was cut off' : undefined)}</div>`
    : null;
  const history = [
    ...(exchange.redirects ?? []).map((r) => `followed ${r.status} redirect from ${r.from} to ${r.to}${r.crossOrigin ? ' (another origin: credentials not sent)' : ''}`),
    ...(exchange.retries ?? []).map((r) => `got ${r.status} with Retry-After ${r.retryAfter}; waited ${formatMs(r.waitedMs)} and asked again`),
    ...(exchange.notes ?? []),
  ];
  const historyPart = history.length ? html`<ul class="exchange-notes">${history.map((note) => html`<li>${note}</li>`)}</ul>` : null;
  const errorPart = error ? html`<p class="transport-error"><strong>${error.code}</strong>: ${error.message} <span class="ms">after ${formatMs(exchange.ms)}</span></p>` : null;
  return html`<div class="exchange${showsFailure ? ' shows-failure' : ''}" id="${anchor}"><div class="request"><div class="line"><span class="arrow">→</span> <span class="method">${request.method}</span> <span class="url">${request.url}</span></div>${headerBlock(request.headers)}${bodyBlock(prettyBody(request.body))}</div>${historyPart}${responsePart}${errorPart}</div>`;
}

function failureBlock(failure: AssertionFailure, checkAnchor: string, exchangeCount: number): SafeHtml {
  const exchangeLink =
    failure.exchange !== undefined && failure.exchange >= 0 && failure.exchange < exchangeCount
      ? html`<a href="#${checkAnchor}-x${failure.exchange}">request ${failure.exchange + 1}</a>`
      : null;
  const rows: [string, SafeHtml | string][] = [];
  if (failure.message) rows.push(['why', failure.message]);
  if (failure.expected !== undefined || failure.actual !== undefined) {
    rows.push(['expected', html`<pre>${showValue(failure.expected)}</pre>`]);
    rows.push(['actual', html`<pre>${showValue(failure.actual)}</pre>`]);
  }
  if (failure.source) rows.push(['source', failure.source]);
  if (exchangeLink) rows.push(['shown by', exchangeLink]);
  return html`<div class="failure"><p class="assertion">✗ ${assertionText(failure)}</p>${rows.length ? html`<table class="failure-detail">${rows.map(([key, value]) => html`<tr><th>${key}</th><td>${value}</td></tr>`)}</table>` : null}</div>`;
}

/** One check as an expandable row: summary line, then description, failures and the transcript proving them. */
export function checkBlock(check: CheckResult, anchor: string): SafeHtml {
  const failingExchanges = new Set(check.failures.map((f) => f.exchange).filter((i): i is number => i !== undefined));
  const meta = html`<p class="meta"><span class="level">${check.level}</span> · <span class="source">${check.source}</span></p>`;
  return html`<details class="check status-${check.status}" data-status="${check.status}" id="${anchor}"><summary><span class="badge badge-${check.status}">${STATUS_LABEL[check.status]}</span> <span class="check-title">${check.title}</span> <span class="check-id mono">${check.id}</span> <span class="ms">${formatMs(check.ms)}</span></summary><div class="check-body"><p class="description">${check.description}</p>${meta}${check.skipReason ? html`<p class="skip-reason">Skipped: ${check.skipReason}</p>` : null}${check.notes?.length ? html`<ul class="notes">${check.notes.map((note) => html`<li>${note}</li>`)}</ul>` : null}${check.failures.map((failure) => failureBlock(failure, anchor, check.exchanges.length))}${check.exchanges.length ? html`<h4>Transcript (${check.exchanges.length} request${check.exchanges.length === 1 ? '' : 's'}, redacted)</h4>${check.exchanges.map((exchange, i) => exchangeBlock(exchange, `${anchor}-x${i}`, failingExchanges.has(i)))}` : null}</div></details>`;
}
