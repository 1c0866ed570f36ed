/**
 * `scim-check serve --data DIR` killed with SIGKILL at seeded random points of a stream of writes (creates, PATCHes,
 * PUTs, DELETEs, membership changes): on restart every acknowledged write is there, exactly as it was answered, and
 * the state is the acknowledged writes' — with or without the one write in flight when the server died. Also: the
 * CLI's one-line refusals (damaged journal, other format version, directory in use), exit 2.
 * The seed is random per run and printed in every failure; SCIM_DATA_CRASH_SEED=N replays one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from '../cli/spawn-cli.js';
import { seededRandom } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { GROUP, PATCH_OP, USER } from './helpers.js';
import { killServed, serveProcess, type Served } from './serve-process.js';

beforeAll(assertBuilt);
afterEach(killServed);

const TOKEN = 'crash-token';
const ROUNDS = 6;

interface Answer {
  status: number;
  body: any;
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * What the writes mean, independent of ids, versions and times: users by userName, groups by displayName with their
 * members' userNames. Both the acknowledged history and the server's state reduce to this.
 */
interface Meaning {
  users: Map<string, { active: boolean; displayName: string; title?: string }>;
  groups: Map<string, Set<string>>;
}

const copyMeaning = (m: Meaning): Meaning => ({
  users: new Map([...m.users].map(([k, v]) => [k, { ...v }])),
  groups: new Map([...m.groups].map(([k, v]) => [k, new Set(v)])),
});

const canonical = (m: Meaning): string =>
  JSON.stringify({
    users: [...m.users].sort(([a], [b]) => a.localeCompare(b)),
    groups: [...m.groups].map(([k, v]) => [k, [...v].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  });

/** A write: the request, and what it means once it took effect. */
interface Write {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  expect: number;
  effect(m: Meaning): void;
}

/** The stream's bookkeeping: the meaning of what was acknowledged, ids, and each user as its last answer showed it. */
class Model {
  meaning: Meaning = { users: new Map(), groups: new Map() };
  userIds = new Map<string, string>();
  groupIds = new Map<string, string>();
  /** userName → the user as the last acknowledged write answered it (without `groups`, location as a path). */
  answered = new Map<string, unknown>();
  private serial = 0;

  constructor(private readonly rand: () => number) {}

  private pick<T>(items: T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.rand() * items.length)];
  }

  /** A random write that is valid in the current state. */
  next(): Write {
    const users = [...this.meaning.users.keys()];
    const groups = [...this.meaning.groups.keys()];
    const roll = this.rand();
    const name = this.pick(users);
    const group = this.pick(groups);
    if (roll < 0.25 || !name) {
      const userName = `u${++this.serial}-${Math.floor(this.rand() * 1e6)}@example.com`;
      const displayName = `User ${this.serial}`;
      return {
        label: `POST user ${userName}`,
        method: 'POST',
        path: '/Users',
        body: { schemas: [USER], userName, displayName, active: true },
        expect: 201,
        effect: (m) => void m.users.set(userName, { active: true, displayName }),
      };
    }
    const id = this.userIds.get(name)!;
    if (roll < 0.4) {
      const active = this.rand() < 0.5;
      const title = `t${Math.floor(this.rand() * 1000)}`;
      return {
        label: `PATCH user ${name}`,
        method: 'PATCH',
        path: `/Users/${id}`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active, title } }] },
        expect: 200,
        effect: (m) => Object.assign(m.users.get(name)!, { active, title }),
      };
    }
    if (roll < 0.5) {
      const displayName = `Replaced ${Math.floor(this.rand() * 1000)}`;
      return {
        label: `PUT user ${name}`,
        method: 'PUT',
        path: `/Users/${id}`,
        body: { schemas: [USER], userName: name, displayName, active: false },
        expect: 200,
        effect: (m) => void m.users.set(name, { active: false, displayName }),
      };
    }
    if (roll < 0.6) {
      return {
        label: `DELETE user ${name}`,
        method: 'DELETE',
        path: `/Users/${id}`,
        expect: 204,
        effect: (m) => {
          m.users.delete(name);
          for (const members of m.groups.values()) members.delete(name);
        },
      };
    }
    if (roll < 0.7 || !group) {
      const displayName = `g${++this.serial}`;
      const members = [...new Set(Array.from({ length: Math.floor(this.rand() * 5) }, () => this.pick(users)!))];
      return {
        label: `POST group ${displayName}`,
        method: 'POST',
        path: '/Groups',
        body: { schemas: [GROUP], displayName, members: members.map((n) => ({ value: this.userIds.get(n) })) },
        expect: 201,
        effect: (m) => void m.groups.set(displayName, new Set(members)),
      };
    }
    const groupId = this.groupIds.get(group)!;
    if (roll < 0.93) {
      const add = !this.meaning.groups.get(group)!.has(name);
      return {
        label: `PATCH group ${group} ${add ? 'add' : 'remove'} ${name}`,
        method: 'PATCH',
        path: `/Groups/${groupId}`,
        body: {
          schemas: [PATCH_OP],
          Operations: [add ? { op: 'add', path: 'members', value: [{ value: id }] } : { op: 'remove', path: `members[value eq "${id}"]` }],
        },
        expect: 200,
        effect: (m) => void (add ? m.groups.get(group)!.add(name) : m.groups.get(group)!.delete(name)),
      };
    }
    return { label: `DELETE group ${group}`, method: 'DELETE', path: `/Groups/${groupId}`, expect: 204, effect: (m) => void m.groups.delete(group) };
  }

  /** Records an acknowledged write. */
  acknowledge(write: Write, answer: Answer, url: string): void {
    write.effect(this.meaning);
    const body = answer.body;
    if (write.path.startsWith('/Users')) {
      if (write.method === 'DELETE') {
        const name = [...this.userIds].find(([, id]) => write.path.endsWith(id))![0];
        this.userIds.delete(name);
        this.answered.delete(name);
      } else {
        this.userIds.set(body.userName, body.id);
        this.answered.set(body.userName, comparable(body, url));
      }
    } else if (write.method === 'DELETE') {
      const name = [...this.groupIds].find(([, id]) => write.path.endsWith(id))![0];
      this.groupIds.delete(name);
    } else {
      this.groupIds.set(body.displayName, body.id);
    }
  }

  /** Takes the server's state as the model's (after it was verified). */
  adopt(server: ServerState): void {
    this.meaning = server.meaning;
    this.userIds = new Map(server.users.map((u) => [u.userName, u.id]));
    this.groupIds = new Map(server.groups.map((g) => [g.displayName, g.id]));
    this.answered = new Map(server.users.map((u) => [u.userName, comparable(u, server.url)]));
  }
}

/** A user as compared: derived `groups` left out, the server's URL cut off (the port changes on restart). */
function comparable(user: any, url: string): unknown {
  const { groups: _groups, ...rest } = user;
  return JSON.parse(JSON.stringify(rest).replaceAll(url, ''));
}

interface ServerState {
  url: string;
  users: any[];
  groups: any[];
  meaning: Meaning;
}

/** Every resource of an endpoint, page by page. */
async function all(url: string, endpoint: string): Promise<any[]> {
  const out: any[] = [];
  for (;;) {
    const page = (await call(url, 'GET', `/${endpoint}?startIndex=${out.length + 1}&count=1000`)).body;
    out.push(...page.Resources);
    if (page.Resources.length === 0 || out.length >= page.totalResults) return out;
  }
}

async function readState(url: string): Promise<ServerState> {
  const users = await all(url, 'Users');
  const groups = await all(url, 'Groups');
  const nameOf = new Map(users.map((u) => [u.id as string, u.userName as string]));
  const meaning: Meaning = {
    users: new Map(users.map((u) => [u.userName, { active: u.active, displayName: u.displayName, ...(u.title !== undefined ? { title: u.title } : {}) }])),
    groups: new Map(groups.map((g) => [g.displayName, new Set(((g.members ?? []) as { value: string }[]).map((m) => nameOf.get(m.value) ?? `missing:${m.value}`))])),
  };
  return { url, users, groups, meaning };
}

const start = (dir: string, compactBytes?: number, seed = 'none'): Promise<Served> =>
  serveProcess(['--data', dir, '--token', TOKEN, '--seed', seed, '--quiet'], compactBytes ? { SCIM_CHECK_DATA_COMPACT_BYTES: String(compactBytes) } : {});

/** A seed of 2,000 users: enough that a compaction takes a while (several frames), so kills also land during one. */
function bigSeed(): string {
  const file = join(tempDir('scim-crash-seed-'), 'seed.json');
  const users = Array.from({ length: 2000 }, (_, i) => ({ schemas: [USER], userName: `seed${i}@example.com`, displayName: `Seed ${i}`, active: true }));
  writeFileSync(file, JSON.stringify({ users }));
  return file;
}

describe('serve --data under SIGKILL', () => {
  it('every acknowledged write survives kill -9 at random points, and nothing but them (± the one in flight)', async () => {
    const seed = Number(process.env['SCIM_DATA_CRASH_SEED'] ?? Math.floor(Math.random() * 1e9));
    const rand = seededRandom(seed);
    const dir = join(tempDir('scim-crash-'), 'data');
    const model = new Model(rand);
    const seedFile = bigSeed();
    let acknowledged = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Every other round compacts the journal at its first write and again whenever it doubles (2,000 seeded users
      // make that several frames written while the stream goes on), so kills also land in and around compactions.
      const served = await start(dir, round % 2 === 1 ? 2048 : undefined, round === 0 ? seedFile : 'none');
      const context = (what: string): string => `seed ${seed} (SCIM_DATA_CRASH_SEED=${seed} replays it), round ${round}: ${what}`;
      const verified = await readState(served.url);
      if (round > 0) expect(canonical(verified.meaning), context('state after restart')).toBe(canonical(model.meaning));
      model.adopt(verified);

      // Rounds that compact write little before the kill, so that it tends to land while the first compaction runs.
      const writes = round % 2 === 1 ? Math.floor(rand() * 3) : 3 + Math.floor(rand() * 25);
      for (let i = 0; i < writes; i++) {
        const write = model.next();
        const answer = await call(served.url, write.method, write.path, write.body);
        expect(answer.status, context(`${write.label}: ${JSON.stringify(answer.body)}`)).toBe(write.expect);
        model.acknowledge(write, answer, served.url);
        acknowledged++;
      }
      // One more write, and SIGKILL at a random moment while it is under way (before, during or after its fsync).
      const last = model.next();
      const outcome = call(served.url, last.method, last.path, last.body).then(
        (a) => a,
        () => undefined,
      );
      await sleep(rand() * 6);
      served.child.kill('SIGKILL');
      await served.exited;
      const answer = await outcome;
      const pending = answer === undefined ? last : undefined;
      if (answer) {
        expect(answer.status, context(last.label)).toBe(last.expect);
        model.acknowledge(last, answer, served.url);
        acknowledged++;
      }

      const restarted = await start(dir);
      const state = await readState(restarted.url);
      const without = canonical(model.meaning);
      let withPending: string | undefined;
      if (pending) {
        const applied = copyMeaning(model.meaning);
        pending.effect(applied);
        withPending = canonical(applied);
      }
      const actual = canonical(state.meaning);
      expect([without, withPending].includes(actual), context(`after the kill (in flight: ${pending?.label ?? 'none, answered'})\nexpected ${without}${withPending ? `\n   or ${withPending}` : ''}\n   got ${actual}`)).toBe(true);
      // Each user the in-flight write did not touch is exactly as its last acknowledged answer showed it.
      const touched = pending && pending.method !== 'POST' && pending.path.startsWith('/Users/') ? pending.path.slice('/Users/'.length) : undefined;
      for (const user of state.users) {
        if (user.id === touched || !model.answered.has(user.userName)) continue;
        expect(comparable(user, restarted.url), context(`user ${user.userName}`)).toEqual(model.answered.get(user.userName));
      }
      // The state is verified; the restarted server carries on from it (and is killed by the next round's start).
      model.adopt(state);
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
    // The stream did what it claims: writes were acknowledged in every round.
    expect(acknowledged, `seed ${seed}`).toBeGreaterThanOrEqual((ROUNDS / 2) * 3);
  });

  it('refuses a damaged journal, another format version and a directory in use with one line and exit 2', async () => {
    const dir = join(tempDir('scim-crash-'), 'data');
    const served = await start(dir);
    for (let i = 0; i < 3; i++) expect((await call(served.url, 'POST', '/Users', { schemas: [USER], userName: `r${i}@example.com` })).status).toBe(201);

    const busy = await cli(['serve', '--port', '0', '--data', dir, '--seed', 'none']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`^scim-check serve: data directory .* is in use by another scim-check serve \\(process ${served.child.pid}\\); stop it or use another --data directory\\n$`));
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);

    const file = join(dir, 'scim-check.journal');
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    // The first record's payload: two intact ones follow it.
    const at = original.indexOf(10) + 1 + 12 + 5;
    damaged[at] = damaged[at]! ^ 0x01;
    writeFileSync(file, damaged);
    const refused = await cli(['serve', '--port', '0', '--data', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^scim-check serve: .*scim-check\.journal: record 1 at byte \d+ is damaged \(a checksum mismatch\) and intact records follow it.*\n$/);
    expect(refused.stderr.split('\n')).toHaveLength(2);

    writeFileSync(file, Buffer.concat([Buffer.from('scim-check data 7\n'), original.subarray(original.indexOf(10) + 1)]));
    const newer = await cli(['serve', '--port', '0', '--data', dir]);
    expect(newer.code).toBe(2);
    expect(newer.stderr).toMatch(/^scim-check serve: .*scim-check\.journal is in data format "7", and this version of scim-check reads format 1 only; .*\n$/);
    expect(newer.stderr.split('\n')).toHaveLength(2);

    // Cut off mid-record (as by a power loss): the restarted server says what it recovered, and serves it.
    writeFileSync(file, original.subarray(0, original.length - 7));
    const recovered = await start(dir);
    for (let i = 0; i < 100 && !recovered.stderr().includes('recovered'); i++) await sleep(20);
    expect(recovered.stderr()).toMatch(/the journal ended in an incomplete record .* recovered the 2 complete records before it/);
    const users = (await call(recovered.url, 'GET', '/Users')).body;
    expect(users.Resources.map((u: { userName: string }) => u.userName)).toEqual(['r0@example.com', 'r1@example.com']);
  });
});
