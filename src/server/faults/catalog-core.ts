import { routeOf } from '../route.js';
import type { Fault } from './types.js';
import { isSuccess } from './types.js';

/** The server's own examples of fault modes (the suites' catalogs add the rest). */
export const coreFaults: Fault[] = [
  {
    id: 'create-returns-200',
    description: 'POST /Users and POST /Groups answer 200 instead of 201 Created.',
    onResponse(req, res) {
      if (req.method === 'POST' && res.status === 201 && routeOf(req).kind === 'collection') return { ...res, status: 200 };
    },
  },
  {
    id: '401-without-scim-body',
    description: 'Rejected credentials get a bare 401 with a text body instead of a SCIM Error.',
    onResponse(_req, res) {
      if (res.status !== 401) return;
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      const challenge = res.headers?.['www-authenticate'];
      if (challenge) headers['www-authenticate'] = challenge;
      return { status: 401, headers, raw: 'Unauthorized' };
    },
  },
  {
    id: 'userName-case-sensitive',
    description: 'userName is compared case-sensitively in filters and in the uniqueness check.',
    flags: { userNameCaseExact: true },
  },
  {
    id: 'deactivate-deletes',
    description: 'Setting active=false (PATCH or PUT) deletes the user instead of keeping it retrievable.',
    async onResponse(req, res, api) {
      const route = routeOf(req);
      if (route.kind !== 'resource' || route.endpoint !== 'Users' || !isSuccess(res)) return;
      if (req.method !== 'PATCH' && req.method !== 'PUT') return;
      const body = res.body as Record<string, unknown> | undefined;
      if (body?.['active'] !== false) return;
      await api.dispatch({ method: 'DELETE', path: req.path, query: '', headers: {} }, { skipAuth: true });
    },
  },
  {
    id: 'list-ignores-count',
    description: 'List and search requests ignore the count parameter and return every match.',
    onRequest(req) {
      const route = routeOf(req);
      if (route.kind === 'collection' && req.method === 'GET') {
        const params = new URLSearchParams(req.query);
        for (const name of [...params.keys()]) if (name.toLowerCase() === 'count') params.delete(name);
        return { ...req, query: params.toString() };
      }
      if (route.kind === 'search' && req.method === 'POST' && req.body && typeof req.body === 'object') {
        const body = { ...(req.body as Record<string, unknown>) };
        delete body['count'];
        return { ...req, body };
      }
    },
  },
];
