/**
 * Writes a recording as it happens: the header line when the file is opened, then one line per exchange, each
 * with a single synchronous write, so a line is whole in the file before the next request is recorded and a
 * crash loses at most the line being written (readers drop a cut-off last line).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { toolVersion } from '../common/version.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.js';
import { Scrubber, type RawExchange, type ScrubOptions } from './scrub.js';

export interface RecordingWriterOptions extends ScrubOptions {
  file: string;
  source: RecordingHeader['source'];
  target: string;
  basePath: string;
}

export class RecordingFileError extends Error {
  override name = 'RecordingFileError';
}

export class RecordingWriter {
  private fd: number | undefined;
  private readonly scrubber: Scrubber;
  private count = 0;

  /** Opens (creates) the file and writes the header. Refuses to overwrite an existing recording. */
  constructor(readonly options: RecordingWriterOptions) {
    this.scrubber = new Scrubber(options);
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      this.fd = openSync(options.file, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new RecordingFileError(
        code === 'EEXIST' ? `${options.file} already exists; choose another file (a recording is never overwritten)` : `cannot create ${options.file} (${code ?? (err as Error).message})`,
      );
    }
    const header: RecordingHeader = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      tool: `scim-check ${toolVersion()}`,
      recordedAt: new Date().toISOString(),
      source: options.source,
      target: options.target,
      basePath: options.basePath,
      pseudonymised: options.pseudonymise === true,
    };
    this.line(header);
  }

  /** Scrubs and appends one exchange. */
  record(raw: RawExchange): void {
    if (this.fd === undefined) return;
    this.line(this.scrubber.scrub(raw));
    this.count++;
  }

  /** Exchanges written so far. */
  get exchanges(): number {
    return this.count;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private line(value: unknown): void {
    writeSync(this.fd!, `${JSON.stringify(value)}\n`);
  }
}
