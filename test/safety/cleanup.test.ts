// Issue 4, against the reference server: whatever happens to a run, nothing it made is left and nothing that was
// there before changes, byte for byte. The hard cases are the creates whose answer never arrives (the deadline or
// Ctrl-C cuts them off after the server acted), a server that refuses DELETE, and the naming flags.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/results.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { assertBuilt, startCli } from '../cli/spawn-cli.js';
import { resourcesMentioning, snapshotAll, startRecordingProxy, trapUnhandled, waitFor, type ProxiedRequest, type RecordingProxy } from './support.js';
import { tempDir } from '../helpers/temp-dir.js';
import { hostileServer, SEED_GROUP_ID, SEED_USER_ID } from '../client/hostile-servers.js';

trapUnhandled();

const TOKEN = 'safety-cleanup-token-4b1d';
const PREFIX = 'scim-check-';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function reference(options: ServerOptions = {}): Promise<{ server: RunningServer; before: Map<string, string> }> {
  const server = await startServer({ port: 0, token: TOKEN, quiet: true, requestLogSize: 5_000, ...options });
  closers.push(() => server.close());
  const before = await snapshotAll(server.url, TOKEN);
  expect(before.size).toBeGreaterThanOrEqual(5); // the default seed: two lists, users and a group
  return { server, before };
}

async function proxy(target: RunningServer, hooks: Parameters<typeof startRecordingProxy>[1]): Promise<RecordingProxy> {
  const p = await startRecordingProxy(target.url, hooks);
  closers.push(() => p.close());
  return p;
}

/** Nothing named with `prefix` is left, and every resource that existed before is exactly as it was. */
async function expectPristine(server: RunningServer, before: Map<string, string>, prefix = PREFIX): Promise<void> {
  expect(await resourcesMentioning(server.url, TOKEN, prefix)).toEqual([]);
  const after = await snapshotAll(server.url, TOKEN);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [path, text] of before) expect(after.get(path), path).toBe(text);
}

/** Holds the answer to requests matching `match` (after the server acted on them) until `release()`. */
function holdAnswers(match: (r: ProxiedRequest) => boolean) {
  const held: ProxiedRequest[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  closers.push(async () => release());
  return {
    held,
    release: () => release(),
    after: async (request: ProxiedRequest, answer: { status: number; headers: Record<string, string>; body: string }) => {
      if (match(request)) {
        held.push(request);
        await released;
      }
      return answer;
    },
  };
}

const isCreate = (collection: string) => (r: ProxiedRequest) => r.method === 'POST' && new RegExp(`/${collection}$`).test(r.url);

const allChecks = (result: RunResult) => result.suites.flatMap((s) => s.checks);

beforeAll(assertBuilt);

describe('no leftovers, nothing else touched', () => {
  it('after a passing run of every suite', async () => {
    const { server, before } = await reference();
    const result = await run({ url: server.url, token: TOKEN, suites: ['all'] });
    expect(result.exitCode).toBe(0);
    expect(result.cleanup.removed.length).toBeGreaterThan(20);
    expect(result.cleanup.left).toEqual([]);
    await expectPristine(server, before);
  });

  it('after a failing run (a server that merges PUTs and applies only the first PATCH operation)', async () => {
    const { server, before } = await reference({ faults: ['put-merges', 'patch-applies-first-operation-only'] });
    const result = await run({ url: server.url, token: TOKEN, suites: ['all'] });
    expect(result.exitCode).toBe(1);
    expect(allChecks(result).filter((c) => c.status === 'failed').length).toBeGreaterThan(2);
    expect(result.cleanup.left).toEqual([]);
    await expectPristine(server, before);
  });

  it('after the deadline cut off a create the server had already carried out', async () => {
    const { server, before } = await reference();
    const hold = holdAnswers(isCreate('Groups'));
    const p = await proxy(server, { after: hold.after });
    const result = await run({ url: p.url, token: TOKEN, suites: ['okta-groups'], deadlineMs: 1_500, timeoutMs: 30_000 });
    expect(hold.held.length).toBe(1);
    expect(result.deadlineReached).toBe(true);
    expect(result.exitCode).toBe(1);
    // The group was created on the server, though the run never learned its id: cleanup found it by name.
    const held = JSON.parse(hold.held[0]!.body) as { displayName: string };
    expect(held.displayName.startsWith(PREFIX)).toBe(true);
    expect(p.requests.some((r) => r.method === 'GET' && decodeURIComponent(r.url).includes(`displayName eq "${held.displayName}"`))).toBe(true);
    expect(result.cleanup.left).toEqual([]);
    await expectPristine(server, before);
  });

  it('after Ctrl-C (SIGINT) mid-suite while a create is in flight: exit 130, nothing left', async () => {
    const { server, before } = await reference();
    // Hold the create of the run's third user: two users exist by then, and the third though its answer is held back.
    // Counted by userName: a suite may POST a user twice on purpose (the duplicate-create checks, which get 409).
    const userNames = new Set<string>();
    const hold = holdAnswers((r) => {
      if (!isCreate('Users')(r)) return false;
      const before = userNames.size;
      userNames.add(String((JSON.parse(r.body) as { userName?: unknown }).userName));
      return userNames.size === 3 && before === 2;
    });
    const p = await proxy(server, { after: hold.after });
    const { child, done } = startCli(['--url', p.url, '--token', TOKEN, '--suite', 'all']);
    await waitFor(() => hold.held.length > 0, 'the run to create its third user');
    expect((await resourcesMentioning(server.url, TOKEN, PREFIX)).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const outcome = await done;
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toContain('interrupted; cleaning up');
    expect(outcome.stdout).toContain('Interrupted: the remaining checks were not run');
    await expectPristine(server, before);
  });

  it('after SIGTERM (a cancelled CI job, docker stop) mid-suite: cleans up the same way, exit 143', async () => {
    const { server, before } = await reference();
    const hold = holdAnswers(isCreate('Groups'));
    const p = await proxy(server, { after: hold.after });
    const { child, done } = startCli(['--url', p.url, '--token', TOKEN, '--suite', 'okta-users', '--suite', 'okta-groups']);
    await waitFor(() => hold.held.length > 0, 'the run to create a group');
    child.kill('SIGTERM');
    const outcome = await done;
    expect(outcome.code).toBe(143);
    expect(outcome.stderr).toContain('terminated (SIGTERM); cleaning up');
    await expectPristine(server, before);
  });

  it('after Ctrl-C during cleanup itself: still exit 130, and cleanup still finishes', async () => {
    const { server, before } = await reference();
    const hold = holdAnswers((r) => r.method === 'DELETE');
    const p = await proxy(server, { after: hold.after });
    const { child, done } = startCli(['--url', p.url, '--token', TOKEN, '--suite', 'okta-spec', '--only', 'okta-spec/create-user']);
    await waitFor(() => hold.held.length > 0, 'cleanup to start');
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    hold.release();
    const outcome = await done;
    expect(outcome.code).toBe(130);
    await expectPristine(server, before);
  });
});

describe('a server that answers a create with a resource that existed before', () => {
  it('never writes to it (checks and cleanup alike), reports it, and still removes what it really created', async () => {
    const { server, before } = await reference();
    const existing = JSON.parse(before.get('/Users?startIndex=1&count=1000')!) as { Resources: { id: string; userName: string }[] };
    const victim = existing.Resources.find((u) => !u.userName.startsWith(PREFIX))!;
    const victimText = before.get(`/Users/${victim.id}`)!;
    // An upserting server gone wrong: every user create is carried out, but answered with the pre-existing user.
    const p = await proxy(server, { after: (r, answer) => (isCreate('Users')(r) && answer.status === 201 ? { ...answer, body: victimText } : answer) });
    const result = await run({ url: p.url, token: TOKEN, suites: ['all'] });
    expect(result.exitCode).toBe(1);
    const writesToVictim = server.requests().filter((r) => r.method !== 'GET' && r.url.includes(victim.id));
    expect(writesToVictim.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const reported = result.cleanup.left.filter((l) => l.id === victim.id);
    expect(reported).toHaveLength(1);
    expect(reported[0]!.reason).toContain(`with User "${victim.userName}"; not removed`);
    const refusedChecks = allChecks(result).filter((c) => c.exchanges.some((e) => e.error?.code === 'NOT_OURS'));
    expect(refusedChecks.length).toBeGreaterThan(0);
    await expectPristine(server, before);
  });
});

describe('creates answered with only an id, or with a resource of another kind (issue 9 item 1)', () => {
  /** A suite that creates, then writes to and deletes what the answer named, without asserting anything. */
  function writeThenDelete(collection: 'Users' | 'Groups'): string {
    const body = collection === 'Users' ? { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: '{{$prefix}}w-{{$lower:8}}@example.com' } : { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: '{{$prefix}}w-{{$lower:8}}' };
    const file = join(tempDir('scim-check-safety-'), 'suite.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'writes-what-it-was-told',
        title: 'Writes to the id a create answered',
        description: 'Create, then PATCH and DELETE the id the answer named.',
        source: 'test',
        headers: { Accept: 'application/scim+json' },
        bodyHeaders: { 'Content-Type': 'application/scim+json; charset=utf-8' },
        checks: [
          {
            id: 'writes-what-it-was-told/create-write-delete',
            title: 'create, write, delete',
            description: 'x',
            level: 'MUST',
            source: 'test',
            writes: true,
            steps: [
              { request: { method: 'POST', path: `/${collection}`, body }, autoValidate: false, capture: { id: 'body.id' } },
              { request: { method: 'PATCH', path: `/${collection}/{{id}}`, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'hijacked' }] } } },
              { request: { method: 'DELETE', path: `/${collection}/{{id}}` } },
            ],
          },
        ],
      }),
    );
    return file;
  }

  it.each([
    ['user-create-answers-existing-id', 'Users', SEED_USER_ID, /which the run had already seen before it sent the create/],
    ['group-create-answers-existing-id', 'Groups', SEED_GROUP_ID, /with only an id \(c4f2b8d6-[^)]+\); read back, it is named "Engineering"/],
    ['group-create-answers-a-user', 'Groups', SEED_USER_ID, /with a User "ada.lovelace@example.com"/],
  ] as const)('%s: the PATCH and DELETE to the id it named are refused, not sent; what was really created is removed', async (id, collection, victim, why) => {
    const running = await hostileServer(id).start();
    closers.push(() => running.close());
    const reference = running.reference!;
    const before = await snapshotAll(reference.url, reference.token);
    const result = await run({ url: running.baseUrl, token: TOKEN, suites: [writeThenDelete(collection)] });
    const [check] = allChecks(result);
    expect(check!.status).toBe('failed');
    expect(check!.exchanges.map((e) => e.error?.code)).toEqual([undefined, 'NOT_OURS']);
    expect(check!.exchanges[1]!.error!.message).toMatch(why);
    expect(check!.exchanges[0]!.notes?.join(' ') ?? '').toMatch(collection === 'Groups' && id.endsWith('existing-id') ? /read back, it is named "Engineering": .*never written to or removed/ : /^$/);
    const writes = reference.requests().filter((r) => r.method !== 'GET' && r.method !== 'POST');
    expect(writes.filter((r) => r.url.includes(victim))).toEqual([]);
    expect(writes).toHaveLength(1); // cleanup's DELETE of what the create really made, found by its name
    expect(result.cleanup.left.map((l) => [l.id, l.reason])).toEqual([[victim, expect.stringMatching(why)]]);
    expect(result.cleanup.removed).toHaveLength(1);
    expect(result.cleanup.removed[0]!.id).not.toBe(victim);
    expect(await resourcesMentioning(reference.url, reference.token, PREFIX)).toEqual([]);
    const after = await snapshotAll(reference.url, reference.token);
    for (const [path, text] of before) expect(after.get(path), path).toBe(text);
  });
});

describe('a server that answers its own creates with only their id', () => {
  it('each is read back, carries the name sent, and is written to and removed as usual: nothing refused, nothing left', async () => {
    const { server, before } = await reference();
    const idOnly = (r: ProxiedRequest, answer: { status: number; headers: Record<string, string>; body: string }) =>
      r.method === 'POST' && /\/(Users|Groups)$/.test(r.url) && answer.status === 201 ? { ...answer, body: JSON.stringify({ id: (JSON.parse(answer.body) as { id: string }).id }) } : answer;
    const p = await proxy(server, { after: idOnly });
    const result = await run({ url: p.url, token: TOKEN, suites: ['okta-users', 'okta-groups'] });
    const exchanges = allChecks(result).flatMap((c) => c.exchanges);
    const readBacks = exchanges.filter((e) => e.notes?.some((n) => n.includes('carries the name sent, so this run made it')));
    const creates = server.requests().filter((r) => r.method === 'POST' && /\/(Users|Groups)$/.test(r.url) && r.status === 201);
    expect(creates.length).toBeGreaterThan(2);
    expect(readBacks).toHaveLength(creates.length);
    expect(exchanges.filter((e) => e.error?.code === 'NOT_OURS')).toEqual([]);
    expect(result.cleanup.left).toEqual([]);
    expect(result.cleanup.removed).toHaveLength(creates.length);
    await expectPristine(server, before);
  });
});

describe('when cleanup cannot remove something, and --keep', () => {
  it('a server that refuses DELETE: the report lists each resource left, and how to remove it', async () => {
    const { server, before } = await reference();
    const p = await proxy(server, {
      instead: (r) =>
        r.method === 'DELETE'
          ? { status: 500, headers: { 'content-type': 'application/scim+json' }, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"nope"}' }
          : undefined,
    });
    const dir = tempDir('scim-check-safety-');
    const { done } = startCli(['--url', p.url, '--token', TOKEN, '--suite', 'okta-spec', '--reporter', 'pretty', '--reporter', `json=${join(dir, 'r.json')}`]);
    const outcome = await done;
    expect(outcome.code).toBe(0); // every check passed; what is left is reported, not a failed check
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
    const leftOnServer = (await resourcesMentioning(server.url, TOKEN, PREFIX)).length;
    expect(leftOnServer).toBeGreaterThan(0);
    expect(result.cleanup.left).toHaveLength(leftOnServer);
    expect(outcome.stdout).toContain(`Cleanup could not remove ${leftOnServer} resource`);
    for (const left of result.cleanup.left) {
      expect(left.reason).toBe('DELETE answered HTTP 500');
      expect(left.howToRemove).toBe(`curl -X DELETE -H "Authorization: <your credentials>" ${p.url}/Users/${left.id}`);
      expect(outcome.stdout).toContain(`User ${left.id}: DELETE answered HTTP 500\n    to remove it: ${left.howToRemove}`);
      // The advice works: the same DELETE against the real server removes it.
      expect((await fetch(`${server.url}/Users/${left.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(204);
    }
    expect(outcome.stdout + outcome.stderr).not.toContain(TOKEN);
    await expectPristine(server, before);
  });

  it('a server whose DELETE never answers: cleanup gives up per request and reports each resource, in bounded time', async () => {
    const { server } = await reference();
    const hold = holdAnswers((r) => r.method === 'DELETE');
    const p = await proxy(server, { after: hold.after });
    const t0 = Date.now();
    const result = await run({ url: p.url, token: TOKEN, suites: ['okta-spec'], timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(hold.held.length).toBeGreaterThan(0);
    expect(result.cleanup.removed).toEqual([]);
    expect(result.cleanup.left.length).toBe(hold.held.length);
    for (const left of result.cleanup.left) expect(left.reason).toMatch(/^DELETE answered .*no response headers within 300 ms/);
  });

  it('--keep: leaves what the run created, prints every id, and lists them in the report', async () => {
    const { server, before } = await reference();
    const dir = tempDir('scim-check-safety-');
    const { done } = startCli(['--url', server.url, '--token', TOKEN, '--suite', 'okta-users', '--suite', 'okta-groups', '--keep', '--reporter', 'pretty', '--reporter', `json=${join(dir, 'r.json')}`]);
    const outcome = await done;
    expect(outcome.code).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
    const onServer = await resourcesMentioning(server.url, TOKEN, PREFIX);
    expect(result.cleanup.removed).toEqual([]);
    expect(result.cleanup.kept.length).toBeGreaterThan(3);
    expect(onServer).toHaveLength(result.cleanup.kept.length);
    expect(outcome.stdout).toContain(`Kept (--keep) ${result.cleanup.kept.length} resources created by this run:`);
    for (const kept of result.cleanup.kept) {
      expect(outcome.stdout).toContain(`  ${kept.resourceType} ${kept.id}\n`);
      const endpoint = kept.resourceType === 'User' ? 'Users' : 'Groups';
      expect((await fetch(`${server.url}/${endpoint}/${kept.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    }
    // Nothing that existed before was touched even so.
    const after = await snapshotAll(server.url, TOKEN);
    for (const [path, text] of before) if (!path.includes('?')) expect(after.get(path), path).toBe(text);
  });
});

describe('--prefix and --user-domain', () => {
  it('every name and address the run sends uses them (as the server received it); cleanup removes them all', async () => {
    const { server, before } = await reference();
    const result = await run({ url: server.url, token: TOKEN, suites: ['all'], prefix: 'qa-probe-', userDomain: 'example.org' });
    expect(result.exitCode).toBe(0);
    const writes = server.requests().filter((r) => r.method !== 'GET' && r.requestBody !== undefined);
    const userCreates = writes.filter((r) => r.method === 'POST' && /\/Users$/.test(r.url) && r.status === 201);
    const groupCreates = writes.filter((r) => r.method === 'POST' && /\/Groups$/.test(r.url) && r.status === 201);
    expect(userCreates.length).toBeGreaterThan(5);
    expect(groupCreates.length).toBeGreaterThan(2);
    for (const create of userCreates) {
      const body = create.requestBody as { userName: string; emails?: { value: string }[] };
      expect(body.userName).toMatch(/^qa-probe-.*@example\.org$/i);
      for (const email of body.emails ?? []) expect(email.value).toMatch(/@example\.org$/i);
    }
    for (const create of groupCreates) expect((create.requestBody as { displayName: string }).displayName).toMatch(/^qa-probe-/i);
    for (const write of writes) {
      // A bulkId only names an operation inside one request; it is no resource name.
      const text = JSON.stringify(write.requestBody).replace(/"bulkId":"[^"]*"/g, '');
      expect(text, `${write.method} ${write.url}`).not.toContain('scim-check-');
      expect(text, `${write.method} ${write.url}`).not.toContain('example.com');
    }
    await expectPristine(server, before, 'qa-probe-');
  });
});

describe('--read-only', () => {
  it('sends nothing but GET (checked on the server), leaves everything as it was, and says what it left out', async () => {
    const { server, before } = await reference();
    const result = await run({ url: server.url, token: TOKEN, suites: ['all'], readOnly: true });
    expect(result.exitCode).toBe(0);
    const sent = server.requests();
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const leftOut = allChecks(result).filter((c) => c.skipReason?.includes('--read-only'));
    expect(leftOut.length).toBeGreaterThan(30);
    const notes = (result.notes ?? []).join('\n');
    for (const check of leftOut) expect(notes).toContain(check.id);
    expect(allChecks(result).filter((c) => c.status === 'passed').length).toBeGreaterThan(10);
    expect(result.cleanup).toEqual({ removed: [], left: [], kept: [] });
    await expectPristine(server, before);
  });
});
