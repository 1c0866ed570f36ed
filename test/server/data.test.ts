/**
 * `startServer({ data })`: users and groups kept across restarts in a crash-safe journal. The journal's recovery
 * (a cut-off tail), its refusals (a damaged middle record, another format version, a locked directory), compaction
 * and the seed's interaction with existing data. SIGKILL of a running `scim-check serve --data`: data-crash.test.ts.
 */
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirError, startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { seededRandom } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { GROUP, PATCH_OP, USER } from './helpers.js';

const TOKEN = 'data-token';
const JOURNAL = 'scim-check.journal';
const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function start(dir: string, options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, token: TOKEN, quiet: true, seed: 'none', data: dir, ...options });
  running.push(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

async function call(server: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Every user and group as served, with meta.location and $refs cut to their path (the port changes on restart). */
async function state(server: RunningServer): Promise<unknown> {
  const users = (await call(server, 'GET', '/Users?count=1000')).body;
  const groups = (await call(server, 'GET', '/Groups?count=1000')).body;
  return JSON.parse(JSON.stringify({ users: users.Resources, groups: groups.Resources }).replaceAll(server.url, ''));
}

const user = (name: string): Record<string, unknown> => ({ schemas: [USER], userName: `${name}@example.com`, displayName: name, active: true });
const patch = (ops: unknown[]): Record<string, unknown> => ({ schemas: [PATCH_OP], Operations: ops });

/** A short history of writes of every kind, one request at a time; calls `after(i)` once request i is answered. */
async function history(server: RunningServer, after: (i: number) => Promise<void>): Promise<void> {
  const ids: string[] = [];
  let i = 0;
  const step = async (method: string, path: string, body: unknown, expected: number): Promise<any> => {
    const res = await call(server, method, path, body);
    expect(res.status, `${method} ${path}`).toBe(expected);
    await after(i++);
    return res.body;
  };
  for (const name of ['ann', 'bob', 'cy', 'dee']) ids.push((await step('POST', '/Users', user(name), 201)).id);
  const group = (await step('POST', '/Groups', { schemas: [GROUP], displayName: 'crew', members: [{ value: ids[0] }] }, 201)).id;
  await step('PATCH', `/Users/${ids[1]}`, patch([{ op: 'replace', value: { active: false } }]), 200);
  await step('PATCH', `/Groups/${group}`, patch([{ op: 'add', path: 'members', value: [{ value: ids[1] }, { value: ids[2] }] }]), 200);
  await step('PUT', `/Users/${ids[2]}`, { ...user('cy'), displayName: 'Cy Replaced', title: 'boss' }, 200);
  await step('DELETE', `/Users/${ids[0]}`, undefined, 204);
  await step('PATCH', `/Groups/${group}`, patch([{ op: 'remove', path: `members[value eq "${ids[1]}"]` }]), 200);
  await step('PUT', `/Groups/${group}`, { schemas: [GROUP], displayName: 'crew 2', members: [{ value: ids[3] }] }, 200);
  await step('POST', '/Users', user('eve'), 201);
}

describe('serve --data', () => {
  it('keeps users, groups, memberships and versions across a restart; the seed applies only to an empty directory', async () => {
    const dir = join(tempDir('scim-data-'), 'nested', 'data');
    const first = await start(dir, { seed: 'default' });
    expect(first.notices).toEqual([]);
    expect(first.store.users.size).toBe(2); // the default seed
    await history(first, async () => undefined);
    const before = await state(first);
    await stop(first);

    const second = await start(dir, { seed: 'default' });
    expect(second.notices.join('\n')).toMatch(/--seed default ignored: .* already holds data/);
    expect(await state(second)).toEqual(before);
    // Versions stay unique after the restart: a new one differs from every stored one.
    const versions = new Set([...second.store.users.scan(), ...second.store.groups.scan()].map((e) => (e.resource['meta'] as { version: string }).version));
    const created = await call(second, 'POST', '/Users', user('fresh'));
    expect(versions.has(created.body.meta.version)).toBe(false);
    expect(created.body.meta.location).toBe(`${second.url}/Users/${created.body.id}`);
    await stop(second);

    // Without an explicit seed there is no notice; an empty directory gets the seed.
    const third = await start(dir, { seed: undefined });
    expect(third.notices).toEqual([]);
    expect(third.store.users.size).toBe(7);
    const empty = await start(tempDir('scim-data-'), { seed: 'default' });
    expect(empty.store.users.size).toBe(2);
  });

  it('a journal cut off anywhere recovers the requests answered before the cut, says so, and goes on from there', async () => {
    const dir = tempDir('scim-data-');
    const server = await start(dir);
    const file = join(dir, JOURNAL);
    const boundaries = [statSync(file).size];
    const states: unknown[] = [await state(server)];
    await history(server, async () => {
      // Answered means on disk: the file ends at a record boundary now.
      boundaries.push(statSync(file).size);
      states.push(await state(server));
    });
    await stop(server);
    const seed = 14;
    const rand = seededRandom(seed);
    for (let round = 0; round < 6; round++) {
      // A cut strictly inside request k's record: requests before k are there, k and later are not.
      const k = 1 + Math.floor(rand() * (boundaries.length - 1));
      const cut = boundaries[k - 1]! + 1 + Math.floor(rand() * (boundaries[k]! - boundaries[k - 1]! - 1));
      const copy = join(tempDir('scim-data-cut-'), 'd');
      mkdirSync(copy);
      copyFileSync(file, join(copy, JOURNAL));
      truncateSync(join(copy, JOURNAL), cut);
      const recovered = await start(copy);
      const context = `seed ${seed} round ${round}: cut at byte ${cut} inside request ${k}`;
      expect(recovered.notices.join('\n'), context).toMatch(
        new RegExp(`incomplete record \\(${cut - boundaries[k - 1]!} bytes at byte ${boundaries[k - 1]}: .*recovered the ${k - 1} complete records`),
      );
      expect(await state(recovered), context).toEqual(states[k - 1]);
      // The tail is gone from the file, and writing goes on after the last intact record.
      expect(statSync(join(copy, JOURNAL)).size, context).toBe(boundaries[k - 1]);
      expect((await call(recovered, 'POST', '/Users', user('after-cut'))).status).toBe(201);
      const expected = await state(recovered);
      await stop(recovered);
      const again = await start(copy);
      expect(again.notices, context).toEqual([]);
      expect(await state(again), context).toEqual(expected);
      await stop(again);
    }
  });

  it('a damaged record followed by intact ones, another format version or a foreign file is refused with one clear line', async () => {
    const dir = tempDir('scim-data-');
    const server = await start(dir);
    const file = join(dir, JOURNAL);
    const boundaries = [statSync(file).size];
    await history(server, async () => void boundaries.push(statSync(file).size));
    await stop(server);
    const original = readFileSync(file);

    const damaged = Buffer.from(original);
    damaged[boundaries[2]! + 40] = damaged[boundaries[2]! + 40]! ^ 0x20; // inside the third record's payload
    writeFileSync(file, damaged);
    const refused = await startServer({ port: 0, token: TOKEN, quiet: true, data: dir }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DataDirError);
    const message = (refused as Error).message;
    expect(message).toMatch(new RegExp(`record 3 at byte ${boundaries[2]} is damaged \\(a checksum mismatch\\) and intact records follow it`));
    expect(message).toContain(`truncate -s ${boundaries[2]} `);
    expect(message).not.toContain('\n');
    expect(readFileSync(file).equals(damaged)).toBe(true); // left as it was

    writeFileSync(file, Buffer.concat([Buffer.from('scim-check data 2\n'), original.subarray(original.indexOf(10) + 1)]));
    await expect(startServer({ port: 0, quiet: true, data: dir })).rejects.toThrow(/is in data format "2", and this version of scim-check reads format 1 only/);
    writeFileSync(file, '{"users": []}\n');
    await expect(startServer({ port: 0, quiet: true, data: dir })).rejects.toThrow(/is not a scim-check data file/);

    // Each refusal released the lock: the repaired directory opens.
    writeFileSync(file, original);
    const repaired = await start(dir);
    expect(repaired.store.users.size).toBe(4);
  });

  it('a directory in use by a running server is refused; once it stops, the directory opens', async () => {
    const dir = tempDir('scim-data-');
    const first = await start(dir);
    await expect(startServer({ port: 0, quiet: true, data: dir })).rejects.toThrow(
      new RegExp(`data directory .* is in use by another scim-check serve \\(process ${process.pid}\\)`),
    );
    await stop(first);
    await start(dir);
  });

  it('compacts the journal while writes go on, losing none of them', async () => {
    const dir = tempDir('scim-data-');
    const server = await start(dir, { dataCompactBytes: 8 * 1024 });
    const file = join(dir, JOURNAL);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await call(server, 'POST', '/Users', user(`c${i}`))).body.id);
    const group = (await call(server, 'POST', '/Groups', { schemas: [GROUP], displayName: 'all', members: ids.map((value) => ({ value })) })).body.id;
    let largest = 0;
    let appended = 0;
    for (let round = 0; round < 30; round++) {
      const before = statSync(file).size;
      // Concurrent writes, so that some land while a compaction is under way.
      const answers = await Promise.all(
        ids.map((id, i) =>
          i % 5 === 0
            ? call(server, 'PATCH', `/Groups/${group}`, patch([{ op: round % 2 ? 'add' : 'remove', path: 'members', value: [{ value: id }] }]))
            : call(server, 'PATCH', `/Users/${id}`, patch([{ op: 'replace', value: { active: round % 2 === 0, title: `t${round}` } }])),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
      const after = statSync(file).size;
      appended += Math.max(0, after - before);
      largest = Math.max(largest, after);
      // Every answered write is in the journal as it is on disk now (a later round's writes would hide a loss).
      const copy = join(tempDir('scim-data-copy-'), 'd');
      mkdirSync(copy);
      copyFileSync(file, join(copy, JOURNAL));
      const check = await start(copy);
      expect(await state(check), `round ${round}`).toEqual(await state(server));
      await stop(check);
    }
    const expected = await state(server);
    await stop(server);
    // It was compacted (the file is far smaller than what was appended) and stays bounded.
    expect(appended).toBeGreaterThan(100 * 1024);
    expect(largest).toBeLessThan(128 * 1024);
    const reopened = await start(dir);
    expect(reopened.notices).toEqual([]);
    expect(await state(reopened)).toEqual(expected);
  });
});
