/**
 * The crash-safe append-only journal behind `scim-check serve --data DIR` (file format and I/O only; what the
 * records mean is src/server/persistence.ts).
 *
 * File: a header line `scim-check data 1\n` (the format version), then frames, one per transaction:
 *   magic "SCJ1" (4 bytes) | payload length (u32 LE) | CRC-32 of the payload (u32 LE) | payload (UTF-8 JSON).
 * A frame is appended and fdatasync'ed before the requests whose changes it holds are answered; frames of requests
 * handled in the same turn of the event loop share one write and one fdatasync (group commit). A crash can only
 * leave the last frame incomplete: on open such a tail is cut off (and reported), while a damaged frame followed by
 * intact ones (the disk, not a crash) refuses to start, as does a file of another format version.
 * Compaction writes the live state as frames to `FILE.compact` in the background, appends the frames written
 * meanwhile, fsyncs, and renames it over the journal.
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

export const FORMAT_VERSION = 1;
const HEADER_PREFIX = 'scim-check data ';
const HEADER = Buffer.from(`${HEADER_PREFIX}${FORMAT_VERSION}\n`);
const MAGIC = Buffer.from('SCJ1');
const FRAME_HEAD = 12;

/** A data directory that cannot be used (wrong version, damaged, locked, unreadable): one line for the user. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export function encodeFrame(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const frame = Buffer.allocUnsafe(FRAME_HEAD + length);
  MAGIC.copy(frame, 0);
  frame.writeUInt32LE(length, 4);
  frame.write(payload, FRAME_HEAD, 'utf8');
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEAD)), 8);
  return frame;
}

/** The end of the intact frame at `pos`, or a reason it is not one. */
function frameAt(buf: Buffer, pos: number): { end: number } | { bad: string } {
  if (buf.length - pos < FRAME_HEAD) return { bad: 'an incomplete record header' };
  if (!MAGIC.equals(buf.subarray(pos, pos + 4))) return { bad: 'no record marker' };
  const length = buf.readUInt32LE(pos + 4);
  if (length === 0) return { bad: 'an empty record' };
  const end = pos + FRAME_HEAD + length;
  if (end > buf.length) return { bad: `a record of ${length} bytes cut off after ${buf.length - pos - FRAME_HEAD}` };
  if (crc32(buf.subarray(pos + FRAME_HEAD, end)) !== buf.readUInt32LE(pos + 8)) return { bad: 'a checksum mismatch' };
  return { end };
}

/** Whether an intact frame starts anywhere after `from` (then the damage is not a torn tail). */
function intactFrameAfter(buf: Buffer, from: number): boolean {
  for (let at = buf.indexOf(MAGIC, from); at >= 0; at = buf.indexOf(MAGIC, at + 1)) {
    if ('end' in frameAt(buf, at)) return true;
  }
  return false;
}

export interface Recovered {
  /** The payloads of the intact frames, in order. */
  payloads: string[];
  /** Set when an incomplete tail was cut off. */
  torn?: { at: number; bytes: number; reason: string };
}

/**
 * Reads a journal, cutting off (in the file too) an incomplete last frame. Throws DataDirError for a file of
 * another version, not a journal at all, or damaged before its last intact frame.
 */
export function readJournal(file: string): Recovered {
  const buf = readFileSync(file);
  const newline = buf.indexOf(10);
  const first = buf.subarray(0, newline < 0 ? Math.min(buf.length, 64) : newline).toString('latin1');
  if (!first.startsWith(HEADER_PREFIX) || newline < 0) {
    throw new DataDirError(`${file} is not a scim-check data file (it does not start with "${HEADER_PREFIX}<version>"); refusing to use it`);
  }
  const version = first.slice(HEADER_PREFIX.length);
  if (version !== String(FORMAT_VERSION)) {
    throw new DataDirError(
      `${file} is in data format ${JSON.stringify(version)}, and this version of scim-check reads format ${FORMAT_VERSION} only; use the scim-check version that wrote it, or another --data directory`,
    );
  }
  const payloads: string[] = [];
  let pos = newline + 1;
  while (pos < buf.length) {
    const frame = frameAt(buf, pos);
    if ('end' in frame) {
      payloads.push(buf.toString('utf8', pos + FRAME_HEAD, frame.end));
      pos = frame.end;
      continue;
    }
    if (intactFrameAfter(buf, pos + 1)) {
      throw new DataDirError(
        `${file}: record ${payloads.length + 1} at byte ${pos} is damaged (${frame.bad}) and intact records follow it, so this is not a write cut off by a crash; refusing to start rather than drop them (to keep the ${payloads.length} records before it: truncate -s ${pos} ${file})`,
      );
    }
    const torn = { at: pos, bytes: buf.length - pos, reason: frame.bad };
    const fd = openSync(file, 'r+');
    try {
      ftruncateSync(fd, pos);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { payloads, torn };
  }
  return { payloads };
}

/** Creates an empty journal atomically (a crash never leaves a file without its header). */
export function createJournal(file: string): void {
  const tmp = `${file}.new`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, HEADER);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dirname(file));
}

/** Makes a rename durable (not possible, nor needed, on Windows). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open directories; its renames are durable once done.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

function writeAllSync(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Chunks of journal record payloads describing the whole live state (for compaction). */
export type Snapshot = () => Iterable<string>;

export interface JournalOptions {
  /** Compaction starts once the file is larger than this and twice its size after the last compaction. */
  compactBytes: number;
  /** Records describing the live state, one payload per frame (for compaction). */
  snapshot: Snapshot;
  /** Told about a failed write (then every later append fails too, see `failed`) and a failed compaction. */
  onWarning(message: string): void;
}

/** An open journal: appends with group commit, and compacts itself. */
export class Journal {
  private handle: FileHandle;
  private size: number;
  private baseSize: number;
  /** Frames appended since the last write, and who waits for them. */
  private queue: Buffer[] = [];
  private queued: Waiter[] = [];
  /** Batches written and being synced, oldest first (a sync makes every batch written before it durable). */
  private syncing: { seq: number; waiters: Waiter[] }[] = [];
  /** The fdatasyncs in progress on the current file (waited for before closing it). */
  private syncs = new Set<Promise<unknown>>();
  private seq = 0;
  private scheduled = false;
  private failure: Error | undefined;
  private compaction: { handle: FileHandle | undefined; size: number; during: Buffer[]; ready: boolean } | undefined;
  private closed = false;

  private constructor(
    private readonly file: string,
    handle: FileHandle,
    size: number,
    private readonly options: JournalOptions,
  ) {
    this.handle = handle;
    this.size = size;
    // A journal opened at more than twice the threshold (history from earlier runs) is compacted on the first write.
    this.baseSize = Math.min(size, options.compactBytes);
  }

  static async open(file: string, options: JournalOptions): Promise<Journal> {
    const handle = await open(file, 'r+');
    return new Journal(file, handle, fstatSync(handle.fd).size, options);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues one transaction; resolves once it is on disk. */
  append(payload: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.queue.push(encodeFrame(payload));
    const done = new Promise<void>((resolve, reject) => this.queued.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // After the other requests of this turn of the event loop, so that they share the write and the fdatasync.
      setImmediate(() => this.flush());
    }
    return done;
  }

  /** Resolves once everything appended so far is on disk; undefined when it already is. */
  barrier(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    const waiters = this.queued.length > 0 ? this.queued : this.syncing.at(-1)?.waiters;
    if (!waiters) return undefined;
    return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /**
   * Writes the queued frames (synchronously: an append to the page cache, in order) and starts their fdatasync
   * without waiting for the ones already under way, so that a slow sync does not hold the next batches back; a
   * batch is acknowledged once a sync started after its write has completed.
   */
  private flush(): void {
    this.scheduled = false;
    if (this.failure || this.queue.length === 0) return;
    if (this.compaction?.ready) {
      this.switchToCompacted();
      if (this.queue.length === 0) return;
    }
    const batch = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    const waiters = this.queued;
    this.queue = [];
    this.queued = [];
    try {
      writeAllSync(this.handle.fd, batch, this.size);
    } catch (err) {
      waiters.forEach((w) => w.reject(err as Error));
      this.fail(err as Error);
      return;
    }
    this.size += batch.length;
    this.compaction?.during.push(batch);
    const seq = ++this.seq;
    this.syncing.push({ seq, waiters });
    const handle = this.handle;
    const sync = handle.datasync().then(
      () => {
        this.syncs.delete(sync);
        while (this.syncing.length > 0 && this.syncing[0]!.seq <= seq) for (const w of this.syncing.shift()!.waiters) w.resolve();
        this.afterSync();
      },
      (err: unknown) => {
        this.syncs.delete(sync);
        // A sync of a file that compaction has replaced meanwhile no longer matters.
        if (handle === this.handle) this.fail(err as Error);
      },
    );
    this.syncs.add(sync);
  }

  private afterSync(): void {
    if (this.compaction?.ready && this.queue.length === 0) this.switchToCompacted();
    if (!this.failure && !this.closed && !this.compaction && this.size > this.options.compactBytes && this.size > 2 * this.baseSize) {
      void this.compact();
    }
  }

  private fail(err: Error): void {
    const first = this.failure === undefined;
    this.failure ??= err;
    const waiters = [...this.syncing.flatMap((b) => b.waiters), ...this.queued];
    this.syncing = [];
    this.queued = [];
    this.queue = [];
    for (const w of waiters) w.reject(this.failure);
    if (first) this.options.onWarning(`cannot write ${this.file} (${this.failure.message}); every request is now refused`);
  }

  /**
   * Writes the live state to FILE.compact, then the frames flushed meanwhile; the switch itself (remaining
   * frames, fsync, rename) happens between two flushes, so no frame is written to the old file after it.
   */
  private async compact(): Promise<void> {
    // Set before the first await: every frame flushed from now on must reach the new file too.
    const state: NonNullable<Journal['compaction']> = { handle: undefined, size: 0, during: [], ready: false };
    this.compaction = state;
    try {
      const handle = (state.handle = await open(`${this.file}.compact`, 'w'));
      await writeAll(handle, HEADER, 0);
      state.size = HEADER.length;
      for (const payload of this.options.snapshot()) {
        if (this.closed || this.failure) throw new Error('journal closed during compaction');
        const frame = encodeFrame(payload);
        await writeAll(handle, frame, state.size);
        state.size += frame.length;
      }
      // Catch up with what was flushed meanwhile, so that the switch has little left to do synchronously.
      for (let round = 0; round < 3 && state.during.length > 0; round++) {
        const batch = Buffer.concat(state.during.splice(0));
        await writeAll(handle, batch, state.size);
        state.size += batch.length;
      }
      await handle.datasync();
      if (this.closed || this.failure) throw new Error('journal closed during compaction');
      state.ready = true;
      if (this.queue.length === 0) this.switchToCompacted();
    } catch (err) {
      if (this.compaction === state) this.compaction = undefined;
      await state.handle?.close().catch(() => undefined);
      if (!this.closed && !this.failure) this.options.onWarning(`compaction failed, the journal goes on growing: ${(err as Error).message}`);
    }
  }

  /**
   * Synchronous: the compacted file gets every frame written or queued so far, is synced, then replaces the journal;
   * every batch still waiting for a sync of the old file is durable in the new one.
   */
  private switchToCompacted(): void {
    const state = this.compaction!;
    const handle = state.handle!;
    this.compaction = undefined;
    try {
      const rest = Buffer.concat([...state.during, ...this.queue]);
      writeAllSync(handle.fd, rest, state.size);
      state.size += rest.length;
      fdatasyncSync(handle.fd);
      renameSync(`${this.file}.compact`, this.file);
      syncDir(dirname(this.file));
    } catch (err) {
      void handle.close().catch(() => undefined);
      this.options.onWarning(`compaction failed, the journal goes on growing: ${(err as Error).message}`);
      return;
    }
    const old = this.handle;
    this.handle = handle;
    this.size = state.size;
    this.baseSize = state.size;
    const waiters = [...this.syncing.flatMap((b) => b.waiters), ...this.queued];
    this.syncing = [];
    this.queue = [];
    this.queued = [];
    for (const w of waiters) w.resolve();
    const syncs = [...this.syncs];
    this.syncs.clear();
    void Promise.allSettled(syncs).then(() => old.close().catch(() => undefined));
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.barrier()?.catch(() => undefined);
    await Promise.allSettled([...this.syncs]);
    if (this.compaction) await this.compaction.handle?.close().catch(() => undefined);
    this.compaction = undefined;
    await this.handle.close().catch(() => undefined);
  }
}
