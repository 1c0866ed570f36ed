/**
 * The reference SCIM 2.0 server (`scim-check serve`), importable for tests:
 * `const srv = await startServer({ port: 0, token })` → `srv.url`, `srv.close()`.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { groupModel, userModel } from '../core/schema/index.js';
import type { ResourceModel } from '../core/schema/resolve.js';
import type { AttributeDef, SchemaDef } from '../core/schema/types.js';
import { ScimError } from '../core/scim-error.js';
import { ScimApp } from './app.js';
import { challenge, makeAuthenticator } from './auth.js';
import type { ServerContext } from './context.js';
import { Discovery } from './discovery.js';
import { mergedFlags, resolveFaults } from './faults/index.js';
import { checkContinue, createListener, onClientError } from './http.js';
import { DEFAULT_COMPACT_BYTES, attachData, isEmpty, openData, type OpenedData } from './persistence.js';
import { RecordingWriter } from '../recording/writer.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { loadSeed, readSeedFile, type SeedData } from './seed.js';
import { ScimStore } from './store.js';
import { uniqueKeys } from './uniqueness.js';
import { terminalText } from '../common/terminal-text.js';

export { allFaults, resolveFaults, UnknownFaultError } from './faults/index.js';
export type { Fault, FaultApi, BehaviourFlags } from './faults/index.js';
export type { ScimRequest, ScimResponse } from './exchange.js';
export type { RequestLogEntry } from './request-log.js';
export { SeedError, type SeedData } from './seed.js';
export { DataDirError } from './persistence.js';
export { RecordingFileError } from '../recording/writer.js';
export type { ScimStore } from './store.js';

export interface ServerOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  host?: string;
  /** Bearer token; when neither token nor basic is given, a random token is generated. */
  token?: string;
  basic?: { user: string; pass: string };
  basePath?: string;
  /** 'default' = fixtures/seed.json (the default), 'none' = empty, or a path to a seed JSON file. */
  seed?: 'default' | 'none' | string;
  quiet?: boolean;
  /** Receives one log line per request (default: stdout unless quiet). */
  log?: (line: string) => void;
  /** Fault ids (see `scim-check serve --list-faults`). */
  faults?: string[];
  latencyMs?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxBodyBytes?: number;
  /** Extra User extension schemas (custom attributes), served in /Schemas and accepted on Users. */
  extensions?: SchemaDef[];
  /** How many recent requests `requests()` keeps (default 100; 0 disables). */
  requestLogSize?: number;
  /** Appends every request (redacted) as one JSON line to this file. */
  requestLogFile?: string;
  /** Largest page a list returns, and the default `count` (default 1000). */
  maxResults?: number;
  /**
   * Keeps users and groups in this directory across restarts (created if missing; one server at a time). Every
   * change is on disk before any answer that shows it; the seed applies only while the directory holds no data.
   */
  data?: string;
  /** With `data`: the journal size from which it is compacted (default 16 MiB; again whenever it doubles). */
  dataCompactBytes?: number;
  /** `serve --record FILE`: writes every exchange to this new file in the recording format (src/recording). */
  recordFile?: string;
  /** With recordFile: replace names, e-mails and userNames by consistent pseudonyms. */
  recordPseudonymise?: boolean;
}

export interface RunningServer {
  /** Base URL including the base path, e.g. http://127.0.0.1:8080/scim/v2 */
  url: string;
  port: number;
  /** The bearer token in force (generated when none was given). */
  token: string | undefined;
  close(): Promise<void>;
  /** The data set, for tests and benchmarks (faults reach it too). */
  store: ScimStore;
  /** The most recent requests, oldest first, with credentials and passwords redacted. */
  requests(): RequestLogEntry[];
  /** Adds users and groups as a seed file would (validated; throws SeedError). With `data`, journalled too. */
  load(data: SeedData): void;
  /** What the server had to say on start: a recovered journal, a seed ignored for existing data, a stale lock. */
  notices: readonly string[];
}

const DEFAULT_BASE_PATH = '/scim/v2';
const DEFAULT_MAX_BODY = 1024 * 1024;

/** "/scim/v2/" → "/scim/v2"; "" or "/" → "" (SCIM at the root). */
export function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The users model, with userName made case-exact when a fault asks for it. */
function usersModel(extensions: SchemaDef[], userNameCaseExact: boolean): ResourceModel {
  const model = userModel(extensions);
  if (!userNameCaseExact) return model;
  const attributes = model.core.attributes.map((a) => (a.name === 'userName' ? { ...a, caseExact: true } : a));
  return { ...model, core: { ...model.core, attributes } };
}

/** Fault `immutable-writable`: the model with every immutable attribute and sub-attribute made readWrite. */
function withoutImmutable(model: ResourceModel): ResourceModel {
  const relax = (a: AttributeDef): AttributeDef => ({
    ...a,
    mutability: a.mutability === 'immutable' ? 'readWrite' : a.mutability,
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(relax) } : {}),
  });
  const schema = (s: SchemaDef): SchemaDef => ({ ...s, attributes: s.attributes.map(relax) });
  return { ...model, core: schema(model.core), extensions: model.extensions.map(schema) };
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const faults = resolveFaults(options.faults ?? []);
  const flags = mergedFlags(faults);
  const basic = options.basic;
  const token = options.token ?? (basic ? undefined : randomBytes(24).toString('base64url'));
  const credentials = { ...(token !== undefined ? { token } : {}), ...(basic ? { basic } : {}) };
  const basePath = normalizeBasePath(options.basePath ?? DEFAULT_BASE_PATH);
  const maxResults = options.maxResults ?? 1000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const seed = options.seed === undefined || options.seed === 'default' ? 'default' : options.seed;
  // Lock and read the data directory, and read the seed, before opening the port: a bad file fails fast.
  const opened: OpenedData | undefined = options.data === undefined ? undefined : openData(options.data);
  const notices = opened ? [...opened.notices] : [];
  let seedData: SeedData | undefined;
  if (opened && !isEmpty(opened)) {
    if (options.seed !== undefined && options.seed !== 'none') notices.push(`--seed ${options.seed} ignored: ${opened.dir} already holds data (to start again from the seed, remove the directory)`);
  } else {
    try {
      seedData = seed === 'none' ? undefined : readSeedFile(seed);
    } catch (err) {
      opened?.release();
      throw err;
    }
  }

  // The models the server serves in /Schemas, and (different only under a fault) the ones its handlers follow.
  const served = { Users: usersModel(options.extensions ?? [], flags.userNameCaseExact === true), Groups: groupModel() };
  const models = flags.immutableWritable ? { Users: withoutImmutable(served.Users), Groups: withoutImmutable(served.Groups) } : served;
  const store = new ScimStore({
    userNameCaseExact: flags.userNameCaseExact === true,
    userUniqueKeys: flags.extraUniquenessIgnored ? [] : uniqueKeys(models.Users, ['userName']),
    groupUniqueKeys: flags.extraUniquenessIgnored ? [] : uniqueKeys(models.Groups, ['displayName']),
  });
  const ctx: ServerContext = {
    store,
    url: '',
    models,
    maxResults,
    largeGroupMembers: 1000,
  };
  // The request line comes from the network: printed escaped (src/common/terminal-text.ts).
  const log = options.log ?? (options.quiet ? undefined : (line: string) => process.stdout.write(`${terminalText(line)}\n`));

  // The handler needs the base URL, known only once the port is bound; until then (microseconds) say so.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'content-type': 'application/scim+json; charset=utf-8', 'retry-after': '1' });
    res.end(JSON.stringify(new ScimError(503, 'The server is starting.').toJSON()));
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  server.on('clientError', onClientError);
  server.on('checkContinue', checkContinue(maxBodyBytes, listener));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      opened?.release();
      reject(err);
    });
    server.listen(options.port ?? 0, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.url = `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${port}${basePath}`;

  const discovery = new Discovery({
    url: ctx.url,
    models: [served.Users, served.Groups],
    maxResults,
    bearer: token !== undefined,
    basic: basic !== undefined,
  });
  const app = new ScimApp(ctx, discovery, { check: makeAuthenticator(credentials), challenge: challenge(credentials) }, faults);
  try {
    if (opened) {
      const warn = (line: string): boolean => process.stderr.write(`scim-check serve: ${line}\n`);
      ctx.data = await attachData(ctx, opened, { compactBytes: options.dataCompactBytes ?? DEFAULT_COMPACT_BYTES, warn });
    }
    if (seedData) loadSeed(ctx, seedData, seed === 'default' ? 'fixtures/seed.json' : `seed file ${seed}`);
    await ctx.data?.commit();
  } catch (err) {
    server.close();
    await ctx.data?.close();
    opened?.release();
    throw err;
  }
  const secrets = [token ?? '', basic?.pass ?? '', basic ? Buffer.from(`${basic.user}:${basic.pass}`).toString('base64') : ''];
  const requestLog = new RequestLog(options.requestLogSize ?? 100, secrets, options.requestLogFile);
  let recorder: RecordingWriter | undefined;
  if (options.recordFile !== undefined) {
    try {
      recorder = new RecordingWriter({ file: options.recordFile, source: 'serve', target: ctx.url, basePath, secrets, ...(options.recordPseudonymise ? { pseudonymise: true } : {}) });
    } catch (err) {
      server.close();
      throw err;
    }
  }
  handler = createListener(app, { basePath, maxBodyBytes, latencyMs: options.latencyMs ?? 0, log, requestLog, recorder });

  return {
    url: ctx.url,
    port,
    token,
    store,
    requests: () => requestLog.entries(),
    notices,
    load: (data) => {
      try {
        loadSeed(ctx, data);
      } finally {
        // Durable before the next answer (every request waits for what was journalled before it) and before close().
        void ctx.data?.commit()?.catch(() => undefined);
      }
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await requestLog.close();
      await ctx.data?.close();
      recorder?.close();
    },
  };
}

/** A host for URLs: wildcard addresses become loopback; IPv6 literals get brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
