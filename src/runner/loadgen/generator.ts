/**
 * The open-model load generator: request i is due at start + i / rate, whatever happened to the ones before, so a
 * slow server cannot slow the load down (a closed loop of N workers would wait for each answer and quietly send
 * less). Latency is measured from the time a request was due, not from when it was sent: if the generator itself
 * falls behind, that lateness is in the figures instead of hidden (no coordinated omission), and the send lag is
 * reported on its own.
 *
 * Requests go straight through undici's `request` on the run's dispatcher (TLS, CA and proxy settings as in
 * src/client) rather than through ScimClient.send: at thousands of requests a second the client's per-request
 * transcript (redaction of every body, header maps, parsed JSON kept) costs more than the request itself, and a
 * load run keeps figures, not transcripts. Only the first failure of each operation is kept, redacted.
 */
import type { Dispatcher } from 'undici';
import type { Exchange } from '../../client/exchange.js';
import type { Redactor } from '../../client/redact.js';
import { LatencyHistogram } from './histogram.js';
import { schedule, type LoadRequest, type Mix, type MixState, type Operation, type OperationKind, type PlannedRequest } from './mix.js';

/** Most 429s one request waits out (Okta retries too, with growing waits). */
const MAX_RATE_LIMIT_RETRIES = 3;
/** Characters of a failing answer's body kept for the report. */
const SAMPLE_BODY_CHARS = 2000;

export interface OperationStats {
  kind: OperationKind;
  label: string;
  /** Requests due (and sent) during the run. */
  sent: number;
  /** Answered with one of the operation's success statuses. */
  ok: number;
  /** Answered with another status, or a transport error (timeouts counted apart). */
  errors: number;
  /** Not answered within the timeout (counted in the latency at the timeout, a lower bound). */
  timeouts: number;
  /** Ended by an interruption, not by the server. */
  cancelled: number;
  /** 429 answers seen, and of those with an integer Retry-After, and without one. */
  throttled: number;
  retryAfterPresent: number;
  retryAfterMissing: number;
  /** Requests retried after waiting Retry-After whose retry was not rate-limited again. */
  honoured: number;
  statuses: Record<string, number>;
  latency: LatencyHistogram;
  /** The first failing exchange (redacted), for the report. */
  sample?: Exchange;
}

export interface GeneratorOptions {
  baseUrl: URL;
  dispatcher: Dispatcher;
  /** Authorization and --header values: on every request. */
  credentials: Record<string, string>;
  redactor: Redactor;
  mix: Mix;
  state: MixState;
  ratePerS: number;
  durationMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** A create's body, and its answer (undefined when none came): the cleanup registry learns what was made. */
  onCreate?(body: string, status: number | undefined, json: unknown): void;
}

export interface Progress {
  elapsedMs: number;
  sent: number;
  done: number;
  inFlight: number;
  failures: number;
  throttled: number;
  /** Answers and their latency since the previous call. */
  window: LatencyHistogram;
}

export interface GeneratorResult {
  operations: OperationStats[];
  /** How late requests were sent after their due time (the generator's own lag). */
  sendLag: LatencyHistogram;
  /** Requests that were due: rate × duration. */
  due: number;
  elapsedMs: number;
  interrupted: boolean;
  /** CPU time this process spent per request sent (user + system), in µs: what one request costs the generator. */
  cpuPerRequestUs: number;
}

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  text?: string;
  error?: string;
  timedOut?: boolean;
  cancelled?: boolean;
}

type RequestFunction = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/** Loads undici's `request` (the package index installs it on every dispatcher). */
async function requestFunction(): Promise<RequestFunction> {
  const { Dispatcher: Base } = await import('undici');
  return Base.prototype.request as unknown as RequestFunction;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export class LoadGenerator {
  readonly operations: Map<Operation, OperationStats>;
  private readonly inFlight = new Set<AbortController>();
  private readonly window = new LatencyHistogram();
  private readonly sendLag = new LatencyHistogram();
  private sent = 0;
  private done = 0;
  private failures = 0;
  private throttled = 0;
  private startedAt = 0;
  private stopped = false;
  private send!: RequestFunction;
  private readonly basePath: string;

  constructor(private readonly o: GeneratorOptions) {
    this.operations = new Map(o.mix.operations.map((op) => [op, emptyStats(op)]));
    this.basePath = o.baseUrl.pathname.replace(/\/+$/, '');
  }

  /** One request outside the measured run (setup): its status and body text, or an error. */
  async once(request: LoadRequest): Promise<Outcome> {
    this.send ??= await requestFunction();
    return this.exchange(request, performance.now() + this.o.timeoutMs);
  }

  progress(): Progress {
    const window = new LatencyHistogram();
    window.merge(this.window);
    this.window.reset();
    return {
      elapsedMs: this.startedAt ? performance.now() - this.startedAt : 0,
      sent: this.sent,
      done: this.done,
      inFlight: this.inFlight.size,
      failures: this.failures,
      throttled: this.throttled,
      window,
    };
  }

  /** Runs the load for the configured duration, then waits for the answers still due (at most the timeout). */
  async run(): Promise<GeneratorResult> {
    this.send ??= await requestFunction();
    const order = schedule(this.o.mix.operations);
    const due = Math.max(1, Math.round((this.o.ratePerS * this.o.durationMs) / 1000));
    const interval = 1000 / this.o.ratePerS;
    const pending = new Set<Promise<void>>();
    const onAbort = (): void => {
      this.stopped = true;
      for (const controller of this.inFlight) controller.abort();
    };
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    this.startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    let next = 0;
    try {
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const now = performance.now();
          // Every request whose time has come goes now, with its due time: a late tick sends them late, not fewer.
          while (next < due && !this.stopped && this.startedAt + next * interval <= now) {
            const dueAt = this.startedAt + next * interval;
            this.sendLag.record(now - dueAt);
            const p = this.launch(order[next % order.length]!, dueAt);
            pending.add(p);
            void p.finally(() => pending.delete(p));
            next++;
          }
          if (next >= due || this.stopped) return resolve();
          setTimeout(tick, Math.max(0, Math.min(10, this.startedAt + next * interval - performance.now())));
        };
        tick();
      });
      await Promise.all([...pending]);
    } finally {
      this.o.signal?.removeEventListener('abort', onAbort);
    }
    const cpu = process.cpuUsage(cpuBefore);
    return {
      cpuPerRequestUs: this.sent ? (cpu.user + cpu.system) / this.sent : 0,
      operations: [...this.operations.values()],
      sendLag: this.sendLag,
      due,
      elapsedMs: performance.now() - this.startedAt,
      interrupted: this.stopped,
    };
  }

  private async launch(op: Operation, dueAt: number): Promise<void> {
    const stats = this.operations.get(op)!;
    stats.sent++;
    this.sent++;
    let planned: PlannedRequest | undefined;
    try {
      planned = op.plan(this.o.state);
      const deadline = dueAt + this.o.timeoutMs;
      let outcome = await this.exchange(planned.request, deadline);
      let retries = 0;
      while (outcome.status === 429 && retries < MAX_RATE_LIMIT_RETRIES) {
        stats.throttled++;
        this.throttled++;
        const retryAfter = single(outcome.headers?.['retry-after'])?.trim();
        if (retryAfter === undefined || !/^\d+$/.test(retryAfter)) {
          stats.retryAfterMissing++;
          break;
        }
        stats.retryAfterPresent++;
        const waitMs = Number(retryAfter) * 1000;
        // A wait past the timeout would end as a timeout anyway: the IdP gives up then too.
        if (performance.now() + waitMs >= deadline || !(await this.pause(waitMs))) break;
        retries++;
        outcome = await this.exchange(planned.request, deadline);
        if (outcome.status !== 429) stats.honoured++;
      }
      if (outcome.status === 429 && retries === MAX_RATE_LIMIT_RETRIES) {
        stats.throttled++;
        this.throttled++;
      }
      this.settle(op, stats, planned, outcome, dueAt);
    } finally {
      planned?.release?.();
    }
  }

  private settle(op: Operation, stats: OperationStats, planned: PlannedRequest, outcome: Outcome, dueAt: number): void {
    if (outcome.cancelled) {
      stats.cancelled++;
      return;
    }
    const latency = outcome.timedOut ? this.o.timeoutMs : performance.now() - dueAt;
    stats.latency.record(latency);
    this.window.record(latency);
    this.done++;
    const key = outcome.timedOut ? 'timeout' : outcome.status !== undefined ? String(outcome.status) : 'error';
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
    const success = outcome.status !== undefined && op.ok.includes(outcome.status);
    let json: unknown;
    if (success && planned.onSuccess) {
      try {
        json = outcome.text ? JSON.parse(outcome.text) : undefined;
      } catch {
        json = undefined;
      }
      planned.onSuccess(json);
    }
    if (op.kind === 'create') this.o.onCreate?.(planned.request.body ?? '', outcome.status, json);
    if (success) {
      stats.ok++;
      return;
    }
    this.failures++;
    if (outcome.timedOut) stats.timeouts++;
    else stats.errors++;
    stats.sample ??= this.sample(planned.request, outcome, latency);
  }

  /** Resolves true after `ms`, false at once when the run is interrupted. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve(false);
      const controller = new AbortController();
      this.inFlight.add(controller);
      const timer = setTimeout(() => finish(true), ms);
      controller.signal.addEventListener('abort', () => finish(false), { once: true });
      const finish = (completed: boolean): void => {
        clearTimeout(timer);
        this.inFlight.delete(controller);
        resolve(completed);
      };
    });
  }

  private async exchange(request: LoadRequest, deadline: number): Promise<Outcome> {
    if (this.stopped) return { cancelled: true };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.max(0, deadline - performance.now()));
    this.inFlight.add(controller);
    const headers: Record<string, string> = { ...this.o.mix.headers, ...(request.body !== undefined ? this.o.mix.bodyHeaders : {}), ...this.o.credentials };
    try {
      const res = await this.send.call(this.o.dispatcher, {
        origin: this.o.baseUrl.origin,
        path: `${this.basePath}${request.path}`,
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: controller.signal,
      });
      // Bodies are read only where something needs them: a create's id, a failure's sample; the rest is drained.
      const text = request.method === 'POST' || res.statusCode >= 300 ? await res.body.text() : (await res.body.dump(), undefined);
      return { status: res.statusCode, headers: res.headers, ...(text !== undefined ? { text } : {}) };
    } catch (err) {
      if (timedOut) return { timedOut: true };
      if (this.stopped) return { cancelled: true };
      return { error: err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private sample(request: LoadRequest, outcome: Outcome, ms: number): Exchange {
    const redact = (text: string): string => this.o.redactor.redact(text);
    const sentHeaders = { ...this.o.mix.headers, ...(request.body !== undefined ? this.o.mix.bodyHeaders : {}), ...this.o.credentials };
    const exchange: Exchange = {
      request: {
        method: request.method,
        url: redact(`${this.o.baseUrl.origin}${this.basePath}${request.path}`),
        headers: this.o.redactor.redactHeaders(sentHeaders),
        ...(request.body !== undefined ? { body: redact(request.body) } : {}),
      },
      ms: Math.round(ms * 100) / 100,
      startedAt: new Date().toISOString(),
    };
    if (outcome.status !== undefined) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(outcome.headers ?? {})) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      exchange.response = { status: outcome.status, headers: this.o.redactor.redactHeaders(headers), ...(outcome.text ? { body: redact(outcome.text.slice(0, SAMPLE_BODY_CHARS)) } : {}) };
    } else {
      exchange.error = outcome.timedOut
        ? { code: 'TIMEOUT', message: `no answer within ${this.o.timeoutMs} ms of the time the request was due` }
        : { code: 'TRANSPORT', message: redact(outcome.error ?? 'no response') };
    }
    return exchange;
  }
}

function emptyStats(op: Operation): OperationStats {
  return {
    kind: op.kind,
    label: op.label,
    sent: 0,
    ok: 0,
    errors: 0,
    timeouts: 0,
    cancelled: 0,
    throttled: 0,
    retryAfterPresent: 0,
    retryAfterMissing: 0,
    honoured: 0,
    statuses: {},
    latency: new LatencyHistogram(),
  };
}
