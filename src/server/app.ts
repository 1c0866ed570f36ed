/**
 * The request pipeline, independent of sockets: faults' request rewrites → authentication → routing → handlers
 * → faults' response rewrites. Every failure becomes a SCIM Error response here.
 */
import { ScimError } from '../core/scim-error.js';
import type { ServerContext } from './context.js';
import type { Discovery } from './discovery.js';
import { header, type ScimRequest, type ScimResponse } from './exchange.js';
import type { Fault, FaultApi } from './faults/types.js';
import type { DataStore } from './persistence.js';
import { listFromQuery, listFromRootSearch, listFromSearch } from './list.js';
import { createResource, deleteResource, getResource, patchResource, replaceResource } from './resources.js';
import { errorResponse, methodNotAllowed, quoted } from './respond.js';
import { parseRoute } from './route.js';
import type { ScimStore } from './store.js';

export interface Authentication {
  check(authorization: string | undefined): boolean;
  challenge: string;
}

export class ScimApp implements FaultApi {
  constructor(
    private readonly ctx: ServerContext,
    private readonly discovery: Discovery,
    private readonly auth: Authentication,
    private readonly faults: readonly Fault[],
  ) {}

  get store(): ScimStore {
    return this.ctx.store;
  }

  get url(): string {
    return this.ctx.url;
  }

  /**
   * One request through faults and the real handlers. The answer comes synchronously when nothing is awaited (no
   * fault, no journal); a non-SCIM error (a bug) is thrown or rejected.
   */
  handle(req: ScimRequest): ScimResponse | Promise<ScimResponse> {
    const data = this.ctx.data;
    if (!data) return this.faults.length === 0 ? this.answer(req, false) : this.handleWithFaults(req);
    if (data.failed) return errorResponse(new ScimError(503, 'The server can no longer write its data directory; restart it.'));
    return this.handleDurably(req, data);
  }

  private async handleDurably(req: ScimRequest, data: DataStore): Promise<ScimResponse> {
    try {
      return this.faults.length === 0 ? this.answer(req, false) : await this.handleWithFaults(req);
    } finally {
      // Journalled and on disk before the answer, even a read's (nobody sees what a crash could still take away),
      // and even a failed request's (whatever it changed in memory is journalled too).
      await data.commit();
    }
  }

  private async handleWithFaults(req: ScimRequest): Promise<ScimResponse> {
    let current = req;
    let res: ScimResponse | undefined;
    for (const fault of this.faults) {
      if (!fault.onRequest) continue;
      const out = await fault.onRequest(current, this);
      if (out && 'status' in out) {
        res = out;
        break;
      }
      if (out) current = out;
    }
    res ??= this.answer(current, false);
    for (const fault of this.faults) {
      if (!fault.onResponse) continue;
      const out = await fault.onResponse(current, res, this);
      if (out) res = out;
    }
    return res;
  }

  dispatch(req: ScimRequest, options: { skipAuth?: boolean } = {}): Promise<ScimResponse> {
    return Promise.resolve(this.answer(req, options.skipAuth === true));
  }

  private answer(req: ScimRequest, skipAuth: boolean): ScimResponse {
    if (!skipAuth && !this.auth.check(header(req, 'authorization'))) {
      const detail = header(req, 'authorization') === undefined ? 'Authentication required.' : 'The credentials are not valid.';
      return errorResponse(new ScimError(401, detail), { 'www-authenticate': this.auth.challenge });
    }
    try {
      return this.route(req);
    } catch (err) {
      if (err instanceof ScimError) return errorResponse(err);
      throw err;
    }
  }

  private route(req: ScimRequest): ScimResponse {
    const ctx = this.ctx;
    const route = parseRoute(req.path);
    // HEAD is GET without the body (RFC 9110 §9.3.2); node:http leaves the body out of a HEAD response itself.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    switch (route.kind) {
      case 'collection':
        if (method === 'GET') return listFromQuery(ctx, route.endpoint, req);
        if (method === 'POST') return createResource(ctx, route.endpoint, req);
        return methodNotAllowed(req.method, ['GET', 'HEAD', 'POST']);
      case 'search':
        if (method === 'POST') return listFromSearch(ctx, route.endpoint, req);
        return methodNotAllowed(req.method, ['POST']);
      case 'rootSearch':
        if (method === 'POST') return listFromRootSearch(ctx, req);
        return methodNotAllowed(req.method, ['POST']);
      case 'resource':
        switch (method) {
          case 'GET':
            return getResource(ctx, route.endpoint, route.id, req);
          case 'PUT':
            return replaceResource(ctx, route.endpoint, route.id, req);
          case 'PATCH':
            return patchResource(ctx, route.endpoint, route.id, req);
          case 'DELETE':
            return deleteResource(ctx, route.endpoint, route.id, req);
          default:
            return methodNotAllowed(req.method, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
        }
      case 'discovery':
        if (method === 'GET') return this.discovery.get(route.endpoint, route.id);
        return methodNotAllowed(req.method, ['GET', 'HEAD']);
      case 'unsupported':
        throw new ScimError(501, `/${route.endpoint} is not supported by this server (see /ServiceProviderConfig).`);
      case 'unknown':
        throw new ScimError(404, `No SCIM endpoint at ${quoted(req.path)}.`);
    }
  }
}
