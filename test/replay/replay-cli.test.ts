// The record / serve --record / replay commands as a user runs them: record a run, replay it (embedded server and
// a URL), save it as a suite and run that, and the one-line errors for bad input.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from '../cli/spawn-cli.js';
import { listeningCli, serveProcess } from '../server/serve-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'cli-recording-token-7d2e41';

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = tempDir('scim-check-replay-cli-');
});

describe('scim-check record → replay', () => {
  it('records an Okta run through the proxy (with --har), replays it on the embedded server and on a URL, saves it as a suite', async () => {
    const serve = await serveProcess(['--quiet', '--token', TOKEN]);
    const serverUrl = serve.url;
    const out = join(dir, 'okta.jsonl');
    const har = join(dir, 'okta.har');
    const record = await listeningCli(['record', '--target', serverUrl, '--listen', '0', '--out', out, '--har', har, '--quiet']);
    const proxyUrl = record.url;
    const ran = await cli(['--url', proxyUrl, '--token', TOKEN, '--suite', 'okta-spec']);
    expect(ran.code).toBe(0);
    record.child.kill('SIGINT');
    expect(await record.exited).toBe(0);
    expect(record.stdout()).toMatch(/Recorded \d+ exchanges to /);
    expect(JSON.parse(readFileSync(har, 'utf8')).log.entries.length).toBe(readFileSync(out, 'utf8').trimEnd().split('\n').length - 1);
    expect(readFileSync(out, 'utf8')).not.toContain(TOKEN);

    const embedded = await cli(['replay', out]);
    expect(embedded.stdout).toMatch(/replay\s+Replay of okta\.jsonl/);
    expect(embedded.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(embedded.code).toBe(0);

    const onUrl = await cli(['replay', out, '--url', serverUrl, '--token', TOKEN, '--reporter', `junit=${join(dir, 'replay.xml')}`]);
    expect(onUrl.code).toBe(0);
    expect(readFileSync(join(dir, 'replay.xml'), 'utf8')).toMatch(/<testcase [^>]*name="[^"]*#1 GET/);

    const saved = join(dir, 'suites', 'my-okta-flows.json');
    const save = await cli(['replay', out, '--save-suite', saved]);
    expect(save.code).toBe(0);
    expect(save.stdout).toMatch(/^Wrote \d+ checks \(suite "replay"\) to .*my-okta-flows\.json; run it with: scim-check --suite /);
    const asSuite = await cli(['--suite', saved]);
    expect(asSuite.code).toBe(0);
    expect(asSuite.stdout).toMatch(/\d+ passed, 0 failed/);
    serve.child.kill('SIGTERM');
    await serve.exited;
  });

  it('serve --record --pseudonymise writes what arrives at the reference server; the replay passes on another one', async () => {
    const out = join(dir, 'served.jsonl');
    const serve = await serveProcess(['--quiet', '--token', TOKEN, '--seed', 'none', '--record', out, '--pseudonymise']);
    const serverUrl = serve.url;
    const ran = await cli(['--url', serverUrl, '--token', TOKEN, '--suite', 'okta-users']);
    expect(ran.code).toBe(0);
    serve.child.kill('SIGTERM');
    await serve.exited;
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ source: 'serve', pseudonymised: true });
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/"userName":"scim-check-/);

    const fresh = await serveProcess(['--quiet', '--token', TOKEN, '--seed', 'none']);
    const replayed = await cli(['replay', out, '--url', fresh.url, '--token', TOKEN]);
    fresh.child.kill('SIGTERM');
    await fresh.exited;
    expect(replayed.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(replayed.code).toBe(0);
  });
});

describe('a key in the target URL', () => {
  it('is masked where record prints the proxy URL, and written to no recording', async () => {
    const key = 'Target-Query-Key-5521aa';
    const out = join(dir, 'keyed.jsonl');
    const record = await listeningCli(['record', '--target', `http://127.0.0.1:9/scim/v2?api_key=${key}&aadOptscim062020`, '--listen', '0', '--out', out]);
    expect(record.url).toMatch(/\?api_key=%5BREDACTED%5D&aadOptscim062020$/);
    record.child.kill('SIGINT');
    expect(await record.exited).toBe(0);
    expect(record.stdout()).toMatch(/the target's query is masked here/);
    expect(record.stdout() + record.stderr()).not.toContain(key);
    expect(readFileSync(out, 'utf8')).not.toContain(key);
  });
});

describe('bad input: one line, exit 2', () => {
  it.each([
    [['record'], /^scim-check record: --target is required/],
    [['record', '--target', 'ftp://x/scim'], /^scim-check record: --target must be http:\/\/ or https:\/\//],
    [['replay', 'no-such-file.jsonl'], /^scim-check: cannot read recording no-such-file\.jsonl: no such file/],
  ])('%j', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a file that is not a recording, or of another version', async () => {
    const suite = join(dir, 'not-a-recording.json');
    writeFileSync(suite, '{"id":"x","checks":[]}\n');
    const foreign = await cli(['replay', suite]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not a scim-check recording/);
    const v9 = join(dir, 'v9.jsonl');
    writeFileSync(v9, '{"format":"scim-check-recording","version":9}\n');
    const newer = await cli(['replay', v9]);
    expect(newer.code).toBe(2);
    expect(newer.stderr).toMatch(/version 9 is not supported/);
  });

  it('an existing recording is never overwritten', async () => {
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, 'keep me\n');
    const result = await cli(['record', '--target', 'http://127.0.0.1:9/scim/v2', '--listen', '0', '--out', existing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(existsSync(existing)).toBe(true);
  });
});
