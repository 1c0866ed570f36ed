import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepGate } from '../../src/runner/gate.js';
import { run } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

/** A step that records when it starts and ends, and finishes when told to. */
function step(log: string[], name: string): { work: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return {
    work: async () => {
      log.push(`${name}+`);
      await done;
      log.push(`${name}-`);
      return name;
    },
    finish: () => finish(),
  };
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('StepGate', () => {
  it('lets ordinary steps run together, and a walk only alone, first come first served', async () => {
    const gate = new StepGate();
    const log: string[] = [];
    const a = step(log, 'a');
    const b = step(log, 'b');
    const walk = step(log, 'walk');
    const c = step(log, 'c');
    const pa = gate.pass(false, a.work);
    const pb = gate.pass(false, b.work);
    const pw = gate.pass(true, walk.work);
    const pc = gate.pass(false, c.work); // arrives after the walk: waits for it
    await tick();
    expect(log).toEqual(['a+', 'b+']);
    a.finish();
    await tick();
    expect(log).toEqual(['a+', 'b+', 'a-']); // the walk still waits for b
    b.finish();
    await tick();
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'walk+']);
    walk.finish();
    await tick();
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'walk+', 'walk-', 'c+']);
    c.finish();
    expect(await Promise.all([pa, pb, pw, pc])).toEqual(['a', 'b', 'walk', 'c']);
  });

  it('releases the gate when a step throws', async () => {
    const gate = new StepGate();
    await expect(gate.pass(true, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.pass(false, () => Promise.resolve('after'))).toBe('after');
  });
});

describe('concurrent suites against the reference server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, token: 'gate-token', quiet: true });
  });
  afterAll(() => server.close());

  it('every suite at once still passes: walks see no other suite write between their pages', async () => {
    const result = await run({ url: server.url, token: 'gate-token', suites: ['all'], concurrency: 4 });
    const failed = result.suites.flatMap((s) => s.checks).filter((c) => c.status === 'failed');
    expect(failed.map((c) => ({ id: c.id, failures: c.failures.map((f) => f.assertion) }))).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});
