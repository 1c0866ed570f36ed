/**
 * The recording format: what `scim-check record` and `scim-check serve --record` write and `scim-check replay`
 * reads. JSON lines, so a recording is written as it happens, survives a crash up to its last line, and diffs
 * line by line:
 *
 *   line 1      a header: {"format": "scim-check-recording", "version": 1, …} (RecordingHeader)
 *   lines 2…    one exchange each (RecordedHttpExchange), in the order the requests arrived
 *
 * recording.schema.json (beside this file) is the JSON Schema of both kinds of line. Secrets never reach a
 * recording: credential headers hold a placeholder naming which credential was used ("Bearer [REDACTED:1]"),
 * `password` values and the user's --redact patterns are masked, and (with --pseudonymise) names, e-mails and
 * userNames are replaced consistently across the whole file.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from '../common/errors.js';
import recordingSchema from './recording.schema.json' with { type: 'json' };

export { recordingSchema };

export const RECORDING_FORMAT = 'scim-check-recording';
/** Bumped on any change a reader of version 1 would misread; readers refuse versions they do not know. */
export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** The tool and version that wrote the file, e.g. "scim-check 0.2.0". */
  tool: string;
  recordedAt: string;
  /** "proxy": `scim-check record` in front of a real server; "serve": the reference server's own traffic. */
  source: 'proxy' | 'serve';
  /** Where the requests went (proxy: the --target URL, query values masked; serve: the server's URL). */
  target: string;
  /** The SCIM base path the exchanges' paths are relative to, e.g. "/scim/v2" ("" = the root). */
  basePath: string;
  /** True when names, e-mails and userNames were replaced by consistent pseudonyms. */
  pseudonymised: boolean;
}

export interface RecordedHttpMessage {
  /** Header names as received (their letter case kept), in order; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body, parsed, when it was JSON. */
  body?: unknown;
  /** The body as text when it was not JSON (or not parsable). */
  bodyText?: string;
  /** Set when the body was larger than the recording keeps (its start is in bodyText). */
  bodyTruncated?: boolean;
}

export interface RecordedHttpRequest extends RecordedHttpMessage {
  method: string;
  /** Below the base path, with the query exactly as received, e.g. "/Users?filter=userName%20eq%20%22a%22". */
  path: string;
}

export interface RecordedHttpResponse extends RecordedHttpMessage {
  status: number;
}

export interface RecordedHttpExchange {
  /** 1, 2, 3, … in arrival order. */
  seq: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  /** Milliseconds from the request's arrival to the end of the response. */
  ms: number;
  request: RecordedHttpRequest;
  /** Absent when no answer came (the target could not be reached); `error` says why. */
  response?: RecordedHttpResponse;
  error?: string;
}

export interface Recording {
  header: RecordingHeader;
  exchanges: RecordedHttpExchange[];
}

/** Largest body kept whole in a recording; longer ones keep their start and `bodyTruncated`. */
export const RECORDED_BODY_LIMIT = 1024 * 1024;

let validators: { header: (v: unknown) => boolean; exchange: (v: unknown) => boolean; errors: () => ErrorObject[] } | undefined;

function compiled(): NonNullable<typeof validators> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: true });
    ajv.addSchema(recordingSchema);
    const header = ajv.getSchema(`${recordingSchema.$id}#/$defs/header`)!;
    const exchange = ajv.getSchema(`${recordingSchema.$id}#/$defs/exchange`)!;
    let last: ErrorObject[] = [];
    validators = {
      header: (v) => (header(v) ? true : ((last = header.errors ?? []), false)),
      exchange: (v) => (exchange(v) ? true : ((last = exchange.errors ?? []), false)),
      errors: () => last,
    };
  }
  return validators;
}

function schemaError(errors: ErrorObject[]): string {
  const first = errors[0];
  if (!first) return 'does not match the recording format';
  const where = first.instancePath === '' ? 'the line' : first.instancePath.slice(1).replaceAll('/', '.');
  return `${where} ${first.message ?? 'is invalid'}`;
}

/** True when `text` starts like a recording (its first line is a recording header of any version). */
export function looksLikeRecording(text: string): boolean {
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  try {
    return (JSON.parse(firstLine) as { format?: unknown })?.format === RECORDING_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Parses and validates a recording. Throws ConfigError naming the file and line: a version this reader does not
 * know is refused whole (never half-read); a last line cut off mid-write (a crash) is dropped with a note.
 */
export function parseRecording(text: string, file: string): { recording: Recording; notes: string[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const notes: string[] = [];
  const check = compiled();
  let header: RecordingHeader | undefined;
  const exchanges: RecordedHttpExchange[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 && header) {
        notes.push(`${file}: line ${i + 1} is cut off (the recording stopped mid-write); it was left out`);
        continue;
      }
      throw new ConfigError(`${file}: line ${i + 1} is not JSON`);
    }
    if (!header) {
      const format = (value as { format?: unknown } | null)?.format;
      if (format !== RECORDING_FORMAT) throw new ConfigError(`${file}: not a scim-check recording (its first line has no "format": "${RECORDING_FORMAT}")`);
      const version = (value as { version?: unknown }).version;
      if (version !== RECORDING_VERSION) {
        throw new ConfigError(`${file}: recording format version ${JSON.stringify(version)} is not supported by this scim-check (it reads version ${RECORDING_VERSION})`);
      }
      if (!check.header(value)) throw new ConfigError(`${file}: line 1: ${schemaError(check.errors())}`);
      header = value as RecordingHeader;
      continue;
    }
    if (!check.exchange(value)) throw new ConfigError(`${file}: line ${i + 1}: ${schemaError(check.errors())}`);
    exchanges.push(value as RecordedHttpExchange);
  }
  if (!header) throw new ConfigError(`${file}: empty; a recording starts with a header line`);
  return { recording: { header, exchanges }, notes };
}
