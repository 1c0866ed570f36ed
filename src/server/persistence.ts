/**
 * `scim-check serve --data DIR`: users and groups kept across restarts in DIR/scim-check.journal
 * (src/server/journal.ts). Each request's changes to the store are one journal transaction, on disk before the
 * request — or any later request, so nobody sees data a crash could still take away — is answered.
 *
 * Records (one JSON object each): {"o":"u"|"g","id","r":resource[,"m":[[memberId,type]…]]} stores a user or group
 * (with "m": exactly these members), {"o":"d","id"} removes one (and its memberships), {"o":"m+","id","m","t"}
 * and {"o":"m-","id","m"} add and remove a member, {"o":"m0","id"} empties a group. A frame is
 * {"rev":versionCounter,"ops":[record…]}.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ScimResource } from '../core/schema/types.js';
import type { ServerContext } from './context.js';
import { DataDirError, Journal, createJournal, readJournal } from './journal.js';
import { jsonText } from './serialize.js';
import type { GroupEntry, MemberType, ScimStore } from './store.js';

export { DataDirError } from './journal.js';

const JOURNAL = 'scim-check.journal';
const LOCK = 'scim-check.lock';
/** Default journal size from which compaction runs (and again whenever it has doubled since). */
export const DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024;
const SNAPSHOT_CHUNK = 500;

type Op =
  | { o: 'u' | 'g'; id: string; r: ScimResource; m?: [string, MemberType][] }
  | { o: 'd' | 'm0'; id: string }
  | { o: 'm+'; id: string; m: string; t: MemberType }
  | { o: 'm-'; id: string; m: string };

interface Frame {
  rev: number;
  ops: Op[];
}

/** Data directories this process holds (a second server on one in the same process is refused too). */
const held = new Set<string>();

/** A data directory opened before the server listens: locked, its journal read and checked. */
export interface OpenedData {
  dir: string;
  file: string;
  frames: Frame[];
  /** Lines for the operator: recovery, a stale lock taken over. */
  notices: string[];
  release(): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validOp(op: unknown): op is Op {
  if (!isObject(op) || typeof op['id'] !== 'string') return false;
  switch (op['o']) {
    case 'u':
    case 'g':
      return isObject(op['r']) && (op['m'] === undefined || Array.isArray(op['m']));
    case 'd':
    case 'm0':
      return true;
    case 'm+':
      return typeof op['m'] === 'string' && (op['t'] === 'User' || op['t'] === 'Group');
    case 'm-':
      return typeof op['m'] === 'string';
    default:
      return false;
  }
}

function parseFrame(payload: string, index: number, file: string): Frame {
  let frame: unknown;
  try {
    frame = JSON.parse(payload);
  } catch {
    frame = undefined;
  }
  if (!isObject(frame) || typeof frame['rev'] !== 'number' || !Array.isArray(frame['ops']) || !frame['ops'].every(validOp)) {
    throw new DataDirError(`${file}: record ${index + 1} is intact but not understood by this version of scim-check; refusing to start rather than load part of it`);
  }
  return frame as unknown as Frame;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes DIR's lock file (refused while the server that wrote it runs); returns a line when a stale one was replaced. */
function lock(dir: string, key: string): string | undefined {
  const file = join(dir, LOCK);
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  const inUse = (pid: unknown): DataDirError =>
    new DataDirError(`data directory ${dir} is in use by another scim-check serve (process ${String(pid)}); stop it or use another --data directory`);
  if (held.has(key)) throw inUse(process.pid);
  try {
    writeFileSync(file, mine, { flag: 'wx' });
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let owner: { pid?: unknown; host?: unknown } = {};
  try {
    owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
  } catch {
    // An unreadable lock (cut off by a crash while being written) is stale.
  }
  const pid = typeof owner.pid === 'number' ? owner.pid : undefined;
  if (pid !== undefined && owner.host === hostname() && pid !== process.pid && processAlive(pid)) throw inUse(pid);
  if (pid !== undefined && owner.host !== undefined && owner.host !== hostname()) {
    throw new DataDirError(`data directory ${dir} is locked by a scim-check serve on host ${String(owner.host)}; if none runs there any more, delete ${file}`);
  }
  // The process that held it is gone (killed): take the lock over atomically.
  writeFileSync(`${file}.${process.pid}`, mine);
  renameSync(`${file}.${process.pid}`, file);
  return `took over the lock of process ${pid ?? '?'}, which is no longer running`;
}

/** Locks DIR (creating it if needed) and reads its journal; throws DataDirError with one line for the user. */
export function openData(dir: string): OpenedData {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new DataDirError(`--data ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    throw new DataDirError(`--data ${dir}: cannot create or open the directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const key = realpathSync(dir);
  const notices: string[] = [];
  let taken: string | undefined;
  try {
    taken = lock(dir, key);
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    throw new DataDirError(`--data ${dir}: cannot lock it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  held.add(key);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.delete(key);
    rmSync(join(dir, LOCK), { force: true });
  };
  if (taken) notices.push(`data ${dir}: ${taken}`);
  const file = join(dir, JOURNAL);
  try {
    for (const leftover of [`${file}.new`, `${file}.compact`]) rmSync(leftover, { force: true });
    if (!existsSync(file)) {
      createJournal(file);
      return { dir, file, frames: [], notices, release };
    }
    const recovered = readJournal(file);
    const frames = recovered.payloads.map((p, i) => parseFrame(p, i, file));
    if (recovered.torn) {
      const { at, bytes, reason } = recovered.torn;
      notices.push(
        `data ${dir}: the journal ended in an incomplete record (${bytes} bytes at byte ${at}: ${reason}), the trace of a write cut off by a crash and never acknowledged; recovered the ${frames.length} complete records before it`,
      );
    }
    return { dir, file, frames, notices, release };
  } catch (err) {
    release();
    if (err instanceof DataDirError) throw err;
    throw new DataDirError(`--data ${dir}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** The running side: commits each request's changes, keeps the journal compact, closes it. */
export interface DataStore {
  readonly failed: Error | undefined;
  /** Journals the changes made since the last call; resolves once they (and everything before) are on disk. */
  commit(): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Loads the journalled state into the (empty) store, then journals every further change. */
export async function attachData(
  ctx: ServerContext,
  opened: OpenedData,
  options: { compactBytes: number; warn: (line: string) => void },
): Promise<DataStore> {
  const store = ctx.store;
  for (const frame of opened.frames) {
    store.currentRevision = frame.rev;
    for (const op of frame.ops) apply(ctx, op);
  }
  opened.frames.length = 0;
  let journal: Journal;
  try {
    journal = await Journal.open(opened.file, {
      compactBytes: options.compactBytes,
      snapshot: () => snapshot(store),
      onWarning: (message) => options.warn(`data ${opened.dir}: ${message}`),
    });
  } catch (err) {
    opened.release();
    throw new DataDirError(`--data ${opened.dir}: cannot open ${opened.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  store.recordChanges(true);
  return {
    get failed() {
      return journal.failed;
    },
    commit() {
      const changes = store.takeChanges();
      if (changes === undefined) return journal.barrier();
      return journal.append(`{"rev":${store.currentRevision},"ops":[${changes.join(',')}]}`);
    },
    async close() {
      store.recordChanges(false);
      await journal.close();
      opened.release();
    },
  };
}

/** Replays one record (the store is not recording). */
function apply(ctx: ServerContext, op: Op): void {
  const store = ctx.store;
  switch (op.o) {
    case 'u': {
      const resource = located(ctx, 'Users', op.id, op.r);
      const entry = store.users.get(op.id);
      if (entry) store.updateUser(entry, resource);
      else store.addUser(op.id, resource);
      return;
    }
    case 'g': {
      const resource = located(ctx, 'Groups', op.id, op.r);
      let entry = store.groups.get(op.id);
      if (entry) store.updateGroup(entry, resource);
      else entry = store.addGroup(op.id, resource);
      if (op.m) {
        store.clearMembers(entry);
        for (const [id, type] of op.m) store.addMember(entry, id, type);
      }
      return;
    }
    case 'd':
      store.remove(op.id);
      return;
    default: {
      const group = store.groups.get(op.id);
      if (!group) return;
      if (op.o === 'm+') store.addMember(group, op.m, op.t);
      else if (op.o === 'm-') store.removeMember(group, op.m);
      else store.clearMembers(group);
    }
  }
}

/** meta.location follows the server's current URL (the port may differ from the one it was written with). */
function located(ctx: ServerContext, endpoint: 'Users' | 'Groups', id: string, resource: ScimResource): ScimResource {
  const meta = resource['meta'];
  if (!isObject(meta)) return resource;
  const location = `${ctx.url}/${endpoint}/${encodeURIComponent(id)}`;
  return meta['location'] === location ? resource : { ...resource, meta: { ...meta, location } };
}

/** The live state as journal frames of at most SNAPSHOT_CHUNK resources, produced lazily (between writes). */
function* snapshot(store: ScimStore): Iterable<string> {
  let ops: string[] = [];
  const frame = (): string => {
    const payload = `{"rev":${store.currentRevision},"ops":[${ops.join(',')}]}`;
    ops = [];
    return payload;
  };
  for (const entry of store.users.scan()) {
    ops.push(`{"o":"u","id":${JSON.stringify(entry.id)},"r":${jsonText(entry.resource)}}`);
    if (ops.length >= SNAPSHOT_CHUNK) yield frame();
  }
  for (const entry of store.groups.scan()) {
    const members = JSON.stringify([...(entry as GroupEntry).members]);
    ops.push(`{"o":"g","id":${JSON.stringify(entry.id)},"r":${jsonText(entry.resource)},"m":${members}}`);
    if (ops.length >= SNAPSHOT_CHUNK) yield frame();
  }
  if (ops.length > 0) yield frame();
}

/** Whether a data directory's journal holds no records yet (the seed then applies). */
export function isEmpty(opened: OpenedData): boolean {
  return opened.frames.length === 0;
}
