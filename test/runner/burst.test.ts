import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/runner/run.js';
import { evaluateBurstCounts } from '../../src/runner/assert.js';
import type { CheckResult, RunResult } from '../../src/runner/results.js';
import { followPath, parsePath } from '../../src/runner/select.js';
import type { CheckDef, SuiteFile } from '../../src/runner/suite-format.js';
import { caseVariant, displayText } from '../../src/runner/template.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function suiteFile(checks: CheckDef[], extra: Partial<SuiteFile> = {}): string {
  const suite: SuiteFile = { id: 'burst-test', title: 't', description: 'd', source: 's', headers: { Accept: 'application/scim+json' }, bodyHeaders: { 'Content-Type': 'application/scim+json' }, ...extra, checks };
  const file = join(tempDir('scim-check-burst-'), 'burst-test.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

const check = (name: string, steps: CheckDef['steps'], extra: Partial<CheckDef> = {}): CheckDef => ({
  id: `burst-test/${name}`,
  title: name,
  description: 'd',
  level: 'MUST',
  source: 's',
  writes: true,
  steps,
  ...extra,
});

const checks = (result: RunResult): CheckResult[] => result.suites.flatMap((s) => s.checks).filter((c) => c.suite === 'burst-test');

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runSuite(file: string, extra: Parameters<typeof run>[0] = {}): Promise<RunResult> {
  server = await startServer({ port: 0, quiet: true, seed: 'none' });
  return run({ url: server.url, token: server.token!, suites: [file], ...extra });
}

describe('burst steps: the same request sent several times at once', () => {
  it('sends every request of the burst before any answer arrives (a server that answers only once all have come)', async () => {
    const expected = 4;
    const waiting: ServerResponse[] = [];
    const barrier = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.includes('/Widgets')) {
        res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }));
        return;
      }
      waiting.push(res);
      if (waiting.length < expected) return;
      for (const r of waiting.splice(0)) r.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => barrier.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(barrier.address() as AddressInfo).port}/scim/v2`;
      const file = suiteFile([check('barrier', [{ request: { method: 'GET', path: '/Widgets' }, burst: { count: expected }, autoValidate: false, expect: [{ burst: { '200': 'all' } }] }])]);
      // Sent one after another, the first would wait for the others until the timeout and fail.
      const result = await run({ url, token: 'tok', suites: [file], timeoutMs: 5_000 });
      const [c] = checks(result);
      expect(c!.failures).toEqual([]);
      expect(c!.status).toBe('passed');
      expect(c!.exchanges).toHaveLength(expected);
    } finally {
      barrier.closeAllConnections();
      await new Promise((r) => barrier.close(r));
    }
  });

  it('gives each copy its own {{$index}} and templates, captures each.<selector> in request order, and sends one request per element with each/{{$item}}', async () => {
    const file = suiteFile([
      check('create-then-read', [
        {
          request: { method: 'POST', path: '/Users', body: { schemas: [USER], userName: '{{$prefix}}b{{$lower:6}}-{{$index}}@{{$domain}}' } },
          burst: { count: 3 },
          capture: { ids: 'each.body.id', names: 'each.body.userName' },
          expect: [{ burst: { '201': 'all' } }, { that: 'each.status', equals: [201, 201, 201] }],
        },
        {
          request: { method: 'GET', path: '/Users/{{$item}}' },
          burst: { each: 'ids' },
          expect: [{ burst: { '2xx': 3 } }, { that: 'each.body.id', containsAll: '{{ids}}' }, { status: 200 }],
        },
      ]),
    ]);
    const result = await runSuite(file);
    const [c] = checks(result);
    expect(c!.failures).toEqual([]);
    const posts = c!.exchanges.filter((e) => e.request.method === 'POST').map((e) => JSON.parse(String(e.request.body)) as { userName: string });
    expect(posts.map((p) => p.userName.replace(/^.*-(\d)@.*$/, '$1')).sort()).toEqual(['0', '1', '2']);
    expect(new Set(posts.map((p) => p.userName)).size).toBe(3);
    const gets = c!.exchanges.filter((e) => e.request.method === 'GET').map((e) => e.request.url.split('/').pop());
    expect(gets.sort()).toEqual(c!.exchanges.filter((e) => e.request.method === 'POST').map((e) => (e.response!.json as { id: string }).id).sort());
    expect(result.cleanup.removed).toHaveLength(3);
  });

  it('counts statuses with "rest", judges per-response assertions only where ifStatus matches, and reports how many responses failed', async () => {
    const same = { schemas: [USER], userName: '{{$prefix}}same-{{n}}@{{$domain}}' };
    const file = suiteFile(
      [
        check('one-wins', [{ request: { method: 'POST', path: '/Users', body: same }, burst: { count: 5 }, expect: [{ burst: { '201': 1, '409': 'rest' } }, { ifStatus: 409, that: 'body.scimType', equals: 'uniqueness' }] }]),
        check('all-win', [
          {
            request: { method: 'POST', path: '/Users', body: { schemas: [USER], userName: '{{$prefix}}{{$lower:8}}@{{$domain}}' } },
            burst: { count: 4 },
            expect: [{ burst: { '201': 1, '409': 'rest' } }, { that: 'body.userName', equals: 'nobody' }],
          },
        ]),
      ],
      { variables: { n: '{{$digits:6}}' } },
    );
    const result = await runSuite(file);
    const [oneWins, allWin] = checks(result);
    expect(oneWins!.status).toBe('passed');
    expect(allWin!.status).toBe('failed');
    const lines = allWin!.failures.map((f) => `${f.assertion} → ${String(f.actual)}`);
    expect(lines).toContain('the 4 responses of the burst are 201: 1, 409: rest → 201 ×4');
    expect(allWin!.failures[0]!.expected).toBe('201 ×1, 409 ×3');
    expect(lines.some((l) => l.startsWith('body.userName equals "nobody" (all 4 responses)'))).toBe(true);
    expect(result.cleanup.removed).toHaveLength(5);
  });

  it('shows the run\'s --burst and --burst-spread in titles, and spreads the starts', async () => {
    const file = suiteFile([
      check('sized', [{ request: { method: 'GET', path: '/Users' }, burst: {}, expect: [{ burst: { '200': 'all' } }] }], { title: '{{$burst}} reads {{$burstTiming}}', writes: false }),
    ]);
    const result = await runSuite(file, { burst: 3, burstSpreadMs: 40 });
    const [c] = checks(result);
    expect(c!.title).toBe('3 reads within 40 ms');
    expect(c!.exchanges).toHaveLength(3);
    const starts = c!.exchanges.map((e) => Date.parse(e.startedAt)).sort((a, b) => a - b);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(35);
  });

  it('refuses burst-only selectors, assertions and built-ins outside a burst step, and a burst over something that is not a list', async () => {
    const bad = async (steps: CheckDef['steps']): Promise<string | undefined> => (await run({ suites: [suiteFile([check('bad', steps)])] })).fatal;
    expect(await bad([{ request: { method: 'GET', path: '/Users' }, expect: [{ that: 'each.status', equals: [] }] }])).toMatch(/selector "each\.status" reads a burst's responses, but the step has no "burst"/);
    expect(await bad([{ request: { method: 'GET', path: '/Users' }, expect: [{ burst: { '200': 'all' } }] }])).toMatch(/a "burst" assertion needs a step with "burst"/);
    expect(await bad([{ request: { method: 'GET', path: '/Users/{{$index}}' } }])).toMatch(/\{\{\$index\}\} is only defined in a burst step/);
    expect(await bad([{ request: { method: 'GET', path: '/Users/{{$item}}' }, burst: { count: 2 } }])).toMatch(/\{\{\$item\}\} needs a burst with "each"/);
    expect(await bad([{ request: { method: 'GET', path: '/Users' }, burst: { count: 2, each: 'x' } as never }])).toMatch(/burst/);
    const result = await runSuite(suiteFile([check('not-a-list', [{ request: { method: 'GET', path: '/Users/{{$item}}' }, burst: { each: 'n' } }], { writes: false })], { variables: { n: 'text' } }));
    expect(checks(result)[0]!.failures[0]!.actual).toMatch(/one request per element of \{\{n\}\}, which is not a list \(string\)/);
  });
});

describe('burst helpers', () => {
  it('counts statuses by code, class and missing response', () => {
    expect(evaluateBurstCounts({ burst: { '2xx': 2, none: 1 } }, [200, 204, undefined])).toEqual([]);
    expect(evaluateBurstCounts({ burst: { '2xx': 'all' } }, [200, 500])[0]).toMatchObject({ expected: '2xx ×2', actual: '200 ×1, 500 ×1' });
    expect(evaluateBurstCounts({ burst: { '200': 1, '412': 'rest' } }, [412, 200, 412])).toEqual([]);
    expect(evaluateBurstCounts({ burst: { '200': 1, '412': 'rest' } }, [200, 200, 412])).toHaveLength(1);
  });

  it('case variants: as is, UPPER, lower, then alternating; letters only change', () => {
    const name = 'Ada.Lovelace-7@example.com';
    const variants = [0, 1, 2, 3, 4].map((n) => caseVariant(name, n));
    expect(variants.slice(0, 3)).toEqual([name, name.toUpperCase(), name.toLowerCase()]);
    expect(variants[3]).toBe('AdA.lOvElAcE-7@eXaMpLe.CoM');
    expect(variants[4]).toBe('aDa.LoVeLaCe-7@ExAmPlE.cOm');
    expect(new Set(variants.map((v) => v.toLowerCase()))).toEqual(new Set([name.toLowerCase()]));
    expect(caseVariant(name, 5)).toBe(name);
  });

  it('[*] maps the rest of a path over an array, leaving out elements without it', () => {
    const body = { members: [{ value: 'a' }, { display: 'x' }, { value: 'c' }] };
    expect(followPath(body, parsePath('.members[*].value'))).toEqual(['a', 'c']);
    expect(followPath(body, parsePath('.missing[*].value'))).toBeUndefined();
  });

  it('fills in only the burst placeholders of a title', () => {
    expect(displayText('{{$burst}} at {{$burstTiming}} {{other}}')).toBe('10 at at once {{other}}');
    expect(displayText('{{ $burst }} {{$burstTiming}}', { burst: 4, burstSpreadMs: 100 })).toBe('4 within 100 ms');
  });
});
