import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScimError } from '../../core/scim-error.js';
import type { ScimResource } from '../../core/schema/types.js';
import { header, type ScimRequest, type ScimResponse } from '../exchange.js';
import { routeOf } from '../route.js';
import type { Fault, FaultApi } from './types.js';

/**
 * Fault modes for the concurrency suite and `scim-check load`: the defects that only show under simultaneous
 * requests or sustained load. The race faults put an await (a stand-in for a database round trip) between a
 * check and the write that relies on it; the window is wide enough that a burst of simultaneous requests all
 * land inside it, so each concurrency check fails against them every time.
 */

/** How long a race fault's check and its write are apart. */
export const RACE_WINDOW_MS = 500;
/** Longer than Okta's 60 s: a request that slow is one Okta has given up on. */
export const SPIKE_MS = 61_000;
/** Every SPIKE_EVERY-th request gets the spike, every THROTTLE_EVERY-th a 429 (primes: no request mix keeps missing them). */
const SPIKE_EVERY = 23;
const THROTTLE_EVERY = 11;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A request counter per server (fault objects are shared by every server in the process). */
const counters = new WeakMap<object, Map<string, number>>();
function nth(api: FaultApi, faultId: string): number {
  let perServer = counters.get(api);
  if (!perServer) counters.set(api, (perServer = new Map()));
  const n = (perServer.get(faultId) ?? 0) + 1;
  perServer.set(faultId, n);
  return n;
}

/** A timer that does not keep the process alive (a spike outlives most clients). */
const unrefSleep = (ms: number): Promise<void> => sleep(ms, undefined, { ref: false });

/** The version tags of an If-Match header match the stored version (weak comparison). */
function ifMatchHolds(value: string, version: string): boolean {
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return value.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(version));
}

export const loadFaults: Fault[] = [
  {
    id: 'create-uniqueness-race',
    description: `POST /Users checks that the userName is free, then waits ${RACE_WINDOW_MS} ms (a database round trip) before inserting: simultaneous creates of one userName all succeed.`,
    async onRequest(req, api) {
      const route = routeOf(req);
      if (req.method !== 'POST' || route.kind !== 'collection' || route.endpoint !== 'Users' || !isObject(req.body)) return;
      const userName = req.body['userName'];
      if (typeof userName !== 'string' || api.store.users.getByKey(req.body as ScimResource)) return; // taken: the handler answers 409
      await sleep(RACE_WINDOW_MS);
      // Insert without looking again: under a stand-in name the handler accepts, then renamed to the one sent.
      const created = await api.dispatch({ ...req, body: { ...req.body, userName: `${userName}-race-${randomUUID()}` } }, { skipAuth: true });
      const id = isObject(created.body) ? created.body['id'] : undefined;
      const entry = typeof id === 'string' ? api.store.users.get(id) : undefined;
      if (created.status !== 201 || !entry) return created;
      api.store.updateUser(entry, { ...entry.resource, userName });
      return { ...created, body: { ...(created.body as Json), userName } };
    },
  },
  {
    id: 'membership-lost-update',
    description: `PATCH /Groups/{id} reads the member list, waits ${RACE_WINDOW_MS} ms, then writes it back with its own change: of simultaneous membership changes only the last survives.`,
    async onRequest(req, api) {
      const route = routeOf(req);
      if (req.method !== 'PATCH' || route.kind !== 'resource' || route.endpoint !== 'Groups') return;
      const before = api.store.groups.get(route.id);
      if (!before) return;
      const read = new Map(before.members);
      await sleep(RACE_WINDOW_MS);
      // Write back what was read: whatever other requests changed in the meantime is undone.
      const group = api.store.groups.get(route.id);
      if (!group) return;
      api.store.clearMembers(group);
      for (const [id, type] of read) if (api.store.member(id)) api.store.addMember(group, id, type);
    },
  },
  {
    id: 'if-match-race',
    description: `PUT, PATCH and DELETE compare If-Match with the current version, then wait ${RACE_WINDOW_MS} ms before writing: several writers holding the same version all succeed.`,
    async onRequest(req, api) {
      const route = routeOf(req);
      const ifMatch = header(req, 'if-match');
      if (route.kind !== 'resource' || ifMatch === undefined || !['PUT', 'PATCH', 'DELETE'].includes(req.method)) return;
      const entry = (route.endpoint === 'Users' ? api.store.users : api.store.groups).get(route.id);
      const version = (entry?.resource['meta'] as { version?: unknown } | undefined)?.version;
      if (typeof version !== 'string' || !ifMatchHolds(ifMatch, version)) return; // stale: the handler answers 412
      await sleep(RACE_WINDOW_MS);
      const headers = { ...req.headers };
      delete headers['if-match'];
      return { ...req, headers };
    },
  },
  {
    id: 'latency-spikes',
    description: `Every ${SPIKE_EVERY}th request is answered after ${SPIKE_MS / 1000} s, longer than Okta waits (60 s).`,
    async onResponse(_req, res, api) {
      if (nth(api, 'latency-spikes') % SPIKE_EVERY === 0) await unrefSleep(SPIKE_MS);
      return res;
    },
  },
  {
    id: '429-without-retry-after',
    description: `Every ${THROTTLE_EVERY}th request is answered 429 Too Many Requests without a Retry-After header (Okta then waits 5 minutes).`,
    onRequest(req: ScimRequest, api): ScimResponse | void {
      if (nth(api, '429-without-retry-after') % THROTTLE_EVERY !== 0) return;
      return { status: 429, body: new ScimError(429, 'Too many requests.').toJSON() };
    },
  },
];
