// No secret, and with --pseudonymise no original name, e-mail or userName, ever reaches a recording file; the
// pseudonymised recording still replays (lookups match creates).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../src/recorder/proxy.js';
import { parseRecording } from '../../src/recording/format.js';
import { tempDir } from '../helpers/temp-dir.js';
import { recordingToSuite } from '../../src/runner/replay.js';
import { run } from '../../src/runner/run.js';
import { startServer } from '../../src/server/index.js';
import { failedIds, recordRun, TOKEN, type Recorded } from './support.js';

/** Every personal value the server saw in request bodies (creates, updates): userNames, names, e-mails. */
function personalValues(recorded: Recorded): string[] {
  const values = new Set<string>();
  const visit = (value: unknown, key = ''): void => {
    if (typeof value === 'string') {
      if (/^(userName|givenName|familyName|formatted|middleName|displayName|nickName)$/.test(key) || (key === 'value' && value.includes('@'))) values.add(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) visit(v, Array.isArray(value) ? key : k);
  };
  const requests = recorded.server.requests();
  // The server's log holds the whole run (a ring that dropped the creates would make this test vacuous).
  expect(requests.length).toBe(recorded.recording.exchanges.length);
  for (const entry of requests) if (/^\/scim\/v2\/Users/.test(entry.url)) visit(entry.requestBody);
  // The seed users are personal data too (they appear in list answers).
  for (const entry of recorded.server.store.users.scan()) visit(entry.resource);
  // Group names are not personal data; a group's displayName is left as it is.
  for (const entry of recorded.server.store.groups.scan()) values.delete(String(entry.resource.displayName));
  return [...values].filter((v) => v.length >= 3);
}

describe('secrets never reach a recording', () => {
  let recorded: Recorded;
  beforeAll(async () => {
    // Every password the suites send, every credential form, and a custom pattern.
    recorded = await recordRun({}, { redactPatterns: [/00u[0-9A-Za-z]{6,}/g] });
  });
  afterAll(() => recorded.server.close());

  it('the token in no spelling, Authorization only as a numbered placeholder, no password value', () => {
    const { text } = recorded;
    for (const form of [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString('base64')]) expect(text).not.toContain(form);
    const passwords = [...text.matchAll(/"password":"([^"]*)"/g)].map((m) => m[1]);
    expect(passwords.length).toBeGreaterThan(0); // Okta's create sends one: it is there, masked.
    expect(new Set(passwords)).toEqual(new Set(['[REDACTED]']));
    const authorizations = [...text.matchAll(/"Authorization":"([^"]*)"/gi)].map((m) => m[1]);
    expect(authorizations.length).toBeGreaterThan(0);
    expect(authorizations.every((a) => /^(\S+ )?\[REDACTED:\d+\]$/.test(a!))).toBe(true);
  });

  it('--redact patterns are masked wherever they occur (here: Okta-style externalIds)', () => {
    expect(recorded.text).not.toMatch(/00u[0-9A-Za-z]{6,}/);
    expect(recorded.text).toContain('[REDACTED]');
  });

  it('a Basic password is masked too (and its base64 user:pass)', async () => {
    const basic = { user: 'okta-app', pass: 'basic-Pa55word-77' };
    const viaBasic = await recordRun({ token: undefined, basic }, {}, { basic, token: undefined });
    await viaBasic.server.close();
    for (const form of [basic.pass, Buffer.from(`${basic.user}:${basic.pass}`).toString('base64')]) expect(viaBasic.text).not.toContain(form);
    expect(viaBasic.text).toContain('"Authorization":"Basic [REDACTED:1]"');
  });
});

describe('keys and cookies outside the Authorization header', () => {
  it('a key-like query parameter, an API-key header and cookies are masked; other parameters stay byte for byte', async () => {
    const server = await startServer({ port: 0, token: TOKEN, quiet: true });
    const file = join(tempDir('scim-check-recording-'), 'keys.jsonl');
    const proxy = await startRecorder({ target: server.url, out: file });
    try {
      const res = await fetch(`${proxy.url}/Users?api_key=K3y-${TOKEN}&count=1&startIndex=1`, {
        headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': 'HeaderKey-998877', cookie: 'session=Cookie-665544' },
      });
      expect(res.status).toBe(200);
    } finally {
      await proxy.close();
      await server.close();
    }
    const text = readFileSync(file, 'utf8');
    for (const secret of [`K3y-${TOKEN}`, TOKEN, 'HeaderKey-998877', 'Cookie-665544']) expect(text).not.toContain(secret);
    const [exchange] = parseRecording(text, file).recording.exchanges;
    expect(exchange!.request.path).toBe('/Users?api_key=%5BREDACTED%5D&count=1&startIndex=1');
    expect(exchange!.request.headers).toMatchObject({ 'x-api-key': '[REDACTED]', cookie: '[REDACTED]' });
  });
});

describe('--pseudonymise', () => {
  let recorded: Recorded;
  beforeAll(async () => {
    // No seed: data that existed before the recording is pseudonymised in the file but not on a fresh server.
    recorded = await recordRun({}, { pseudonymise: true }, { seed: 'none', requestLogSize: 5_000 });
  });
  afterAll(() => recorded.server.close());

  it('leaves no original userName, name or e-mail in the file', async () => {
    // The seed's people, listed by a server that has them: pseudonymised too.
    const seeded = await recordRun({ suites: ['okta-spec'] }, { pseudonymise: true });
    await seeded.server.close();
    for (const name of [/\bAda\b/, /Lovelace/, /\bGrace\b/, /Hopper/]) expect(seeded.text).not.toMatch(name);

    const originals = personalValues(recorded);
    expect(originals.length).toBeGreaterThan(10);
    // Standing alone: a given name "Pass" is not found inside "password"; names in their own letter case (a given
    // name "One" is not the word "one" in a server's error text), userNames and e-mails in any.
    const standing = (v: string): RegExp => new RegExp(`(?<![A-Za-z0-9])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, v.includes('@') ? 'i' : '');
    const found = originals.filter((v) => standing(v).test(recorded.text) || standing(encodeURIComponent(v)).test(recorded.text));
    expect(found).toEqual([]);
    expect(recorded.recording.header.pseudonymised).toBe(true);
  });

  it('replaces consistently: the pseudonymised recording replays with no differences', async () => {
    const server = await startServer({ port: 0, token: TOKEN, quiet: true, seed: 'none' });
    try {
      const result = await run({ url: server.url, token: TOKEN, suiteData: [recordingToSuite(recorded.recording, { file: recorded.file })] });
      expect(failedIds(result)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
