/**
 * A deliberately small SCIM server for runner tests: enough of /Users and /Groups for the okta-spec suite, with
 * switches that break it in specific ways. Independent of the reference server, so the runner is tested on its
 * own (and keeps working while the reference server changes).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Resource = Record<string, unknown> & { id: string };

export interface FakeSwitches {
  /** Status of POST /Users on success (201 when correct). */
  createStatus?: number;
  /** Status of DELETE on users (204 when correct; 405 = not supported). */
  userDeleteStatus?: number;
  /** userName filter compares case-sensitively (a defect). */
  caseSensitiveFilter?: boolean;
  /** Ignore count on lists (a defect). */
  ignoreCount?: boolean;
  /** Milliseconds before answering GET /Groups. */
  groupsDelayMs?: number;
  /** Answer 401 without a JSON body. */
  plain401?: boolean;
  /** Requests whose path matches are never answered (for deadline and interruption tests). */
  hangOn?: RegExp;
  /** Lists report totalResults as a string (a schema defect). */
  totalAsString?: boolean;
}

export interface FakeScim {
  url: string;
  token: string;
  users: Map<string, Resource>;
  groups: Map<string, Resource>;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  switches: FakeSwitches;
  close(): Promise<void>;
}

const BASE = '/scim/v2';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/scim+json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

const error = (res: ServerResponse, status: number, detail: string, scimType?: string): void =>
  send(res, status, { schemas: [ERROR], status: String(status), detail, ...(scimType ? { scimType } : {}) });

export async function startFakeScim(switches: FakeSwitches = {}, seedUsers = 1): Promise<FakeScim> {
  const token = `fake-token-${randomUUID()}`;
  const users = new Map<string, Resource>();
  const groups = new Map<string, Resource>();
  const requests: FakeScim['requests'] = [];
  let origin = '';

  const withMeta = (r: Resource, type: string): Resource => ({
    ...r,
    meta: { resourceType: type, location: `${origin}${BASE}/${type}s/${r.id}`, created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' },
  });
  const addUser = (body: Record<string, unknown>): Resource => {
    const user: Resource = { ...body, id: randomUUID(), schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] };
    delete user.password;
    users.set(user.id, user);
    return user;
  };
  for (let i = 0; i < seedUsers; i++) {
    addUser({ userName: `seed${i}@example.org`, name: { givenName: 'Seed', familyName: `User${i}` }, emails: [{ value: `seed${i}@example.org`, type: 'work', primary: true }], active: true });
  }

  const list = (res: ServerResponse, url: URL, all: Resource[], type: string): void => {
    let items = all;
    const filter = url.searchParams.get('filter');
    if (filter) {
      const m = /^(userName|displayName) eq "(.*)"$/.exec(filter);
      if (!m) return error(res, 400, 'unsupported filter', 'invalidFilter');
      const wanted = m[2]!;
      items = all.filter((r) => {
        const v = String(r[m[1]!] ?? '');
        return switches.caseSensitiveFilter ? v === wanted : v.toLowerCase() === wanted.toLowerCase();
      });
    }
    const startIndex = Math.max(1, Number(url.searchParams.get('startIndex') ?? 1));
    const count = url.searchParams.has('count') && !switches.ignoreCount ? Number(url.searchParams.get('count')) : 100;
    const page = items.slice(startIndex - 1, startIndex - 1 + count);
    send(res, 200, { schemas: [LIST], totalResults: switches.totalAsString ? String(items.length) : items.length, startIndex, itemsPerPage: page.length, Resources: page.map((r) => withMeta(r, type)) });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (switches.hangOn?.test(req.url ?? '')) return; // never answers
    if (req.headers.authorization !== `Bearer ${token}`) {
      if (switches.plain401) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('nope');
        return;
      }
      return error(res, 401, 'bad credentials');
    }
    const url = new URL(req.url ?? '/', origin);
    if (!url.pathname.startsWith(BASE)) return error(res, 404, 'not found');
    const [collection, id] = url.pathname.slice(BASE.length).split('/').filter(Boolean);
    const store = collection === 'Users' ? users : collection === 'Groups' ? groups : undefined;
    const type = collection === 'Users' ? 'User' : 'Group';
    if (!store) return error(res, 404, 'no such endpoint');
    let json: Record<string, unknown> = {};
    if (body) {
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return error(res, 400, 'invalid JSON', 'invalidSyntax');
      }
    }
    if (!id) {
      if (req.method === 'GET') {
        if (collection === 'Groups' && switches.groupsDelayMs) {
          setTimeout(() => list(res, url, [...store.values()], type), switches.groupsDelayMs);
          return;
        }
        return list(res, url, [...store.values()], type);
      }
      if (req.method === 'POST') {
        if (collection === 'Users') {
          const name = String(json.userName ?? '').toLowerCase();
          if ([...users.values()].some((u) => String(u.userName).toLowerCase() === name)) return error(res, 409, 'userName taken', 'uniqueness');
          return send(res, switches.createStatus ?? 201, withMeta(addUser(json), 'User'));
        }
        const group: Resource = { ...json, id: randomUUID(), schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] };
        groups.set(group.id, group);
        return send(res, 201, withMeta(group, 'Group'));
      }
      return error(res, 405, 'method not allowed');
    }
    const found = store.get(id);
    if (!found) return error(res, 404, `${type} ${id} not found`);
    if (req.method === 'GET') return send(res, 200, withMeta(found, type));
    if (req.method === 'DELETE') {
      const status = collection === 'Users' ? (switches.userDeleteStatus ?? 204) : 204;
      if (status >= 400) return error(res, status, 'DELETE is not supported');
      store.delete(id);
      return send(res, 204);
    }
    if (req.method === 'PATCH') {
      const ops = (json.Operations ?? []) as { op: string; value?: Record<string, unknown> }[];
      for (const op of ops) if (op.op.toLowerCase() === 'replace' && op.value) Object.assign(found, op.value);
      return send(res, 200, withMeta(found, type));
    }
    return error(res, 405, 'method not allowed');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${BASE}`,
    token,
    users,
    groups,
    requests,
    switches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
