// The recording format: every line of a real recording matches the published JSON Schema; a reader refuses other
// versions and foreign files whole, drops a cut-off last line with a note, and names file and line on errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/errors.js';
import { parseRecording, recordingSchema } from '../../src/recording/format.js';
import { toHar } from '../../src/recording/har.js';
import { RecordingFileError, RecordingWriter } from '../../src/recording/writer.js';
import { tempDir } from '../helpers/temp-dir.js';
import { thrownBy } from '../helpers/thrown.js';
import { recordRun, type Recorded } from './support.js';

let recorded: Recorded;
beforeAll(async () => {
  recorded = await recordRun({ suites: ['okta-spec'] });
});
afterAll(() => recorded.server.close());

describe('a recording file', () => {
  it('is JSON lines, each valid against recording.schema.json', () => {
    const validate = new Ajv({ strict: true }).compile(recordingSchema);
    const lines = recorded.text.trimEnd().split('\n');
    expect(lines.length).toBe(recorded.recording.exchanges.length + 1);
    for (const line of lines) expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps JSON bodies as JSON (diffable) and request paths relative to the base path', () => {
    const create = recorded.recording.exchanges.find((e) => e.request.method === 'POST' && e.request.path === '/Users');
    expect(create?.request.body).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] });
    expect(create?.response?.status).toBe(201);
    expect(typeof (create?.response?.body as { id?: unknown }).id).toBe('string');
  });

  it('is never overwritten', () => {
    const error = thrownBy(() => new RecordingWriter({ file: recorded.file, source: 'serve', target: 'x', basePath: '' }), RecordingFileError);
    expect(error.message).toMatch(/already exists/);
    expect(readFileSync(recorded.file, 'utf8')).toBe(recorded.text);
  });
});

describe('reading a recording', () => {
  const dir = tempDir('scim-check-recording-read-');
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('refuses another format version whole, saying which version it reads', () => {
    const text = recorded.text.replace('"version":1', '"version":2');
    const error = thrownBy(() => parseRecording(text, 'v2.jsonl'), ConfigError);
    expect(error.message).toBe('v2.jsonl: recording format version 2 is not supported by this scim-check (it reads version 1)');
  });

  it('refuses a file that is not a recording', () => {
    expect(thrownBy(() => parseRecording('{"id":"okta-spec"}\n', 'suite.json'), ConfigError).message).toMatch(/^suite\.json: not a scim-check recording/);
    expect(thrownBy(() => parseRecording('', 'empty.jsonl'), ConfigError).message).toMatch(/empty/);
  });

  it('drops a last line cut off mid-write (a crash) with a note, and keeps the rest', () => {
    const cut = recorded.text.slice(0, recorded.text.length - 40);
    const { recording, notes } = parseRecording(cut, write('cut.jsonl', cut));
    expect(recording.exchanges.length).toBe(recorded.recording.exchanges.length - 1);
    expect(notes).toEqual([expect.stringMatching(/line \d+ is cut off/)]);
  });

  it('names the line of a damaged exchange in the middle', () => {
    const lines = recorded.text.split('\n');
    lines[3] = '{"seq":"three"}';
    expect(thrownBy(() => parseRecording(lines.join('\n'), 'bad.jsonl'), ConfigError).message).toMatch(/^bad\.jsonl: line 4: /);
  });
});

describe('HAR export', () => {
  it('has one entry per exchange with method, absolute URL, headers, bodies and status', () => {
    const har = toHar(recorded.recording) as { log: { version: string; entries: { request: { method: string; url: string; headers: unknown[] }; response: { status: number; content: { text?: string } } }[] } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBe(recorded.recording.exchanges.length);
    const first = har.log.entries[0]!;
    expect(first.request.url.startsWith(`${recorded.server.url}/`)).toBe(true);
    expect(first.request.headers).toContainEqual({ name: 'Authorization', value: 'Bearer [REDACTED:1]' });
    expect(first.response.status).toBe(recorded.recording.exchanges[0]!.response!.status);
    expect(JSON.parse(first.response.content.text!)).toEqual(recorded.recording.exchanges[0]!.response!.body);
  });
});
