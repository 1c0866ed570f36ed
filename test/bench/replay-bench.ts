/**
 * Replay speed (part of `npm run bench`): records the default Okta run through `scim-check record`'s proxy in front
 * of a reference server, then replays the recording several times against a fresh in-process server and prints
 * exchanges per second (recording → suite conversion included; server start-up not). Not a test: prints and exits 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecorder } from '../../src/recorder/proxy.js';
import { parseRecording } from '../../src/recording/format.js';
import { recordingToSuite } from '../../src/runner/replay.js';
import { run } from '../../src/runner/run.js';
import { startServer } from '../../src/server/index.js';

const TOKEN = 'replay-bench-token-0001';
const ROUNDS = Number(process.env['BENCH_REPLAY_ROUNDS'] ?? 5);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-replay-bench-'));
  try {
    const file = join(dir, 'okta.jsonl');
    const source = await startServer({ port: 0, token: TOKEN, quiet: true });
    const proxy = await startRecorder({ target: source.url, out: file });
    await run({ url: proxy.url, token: TOKEN });
    await proxy.close();
    await source.close();

    const rates: number[] = [];
    let exchanges = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const target = await startServer({ port: 0, token: TOKEN, quiet: true });
      const started = performance.now();
      const { recording } = parseRecording(readFileSync(file, 'utf8'), file);
      const result = await run({ url: target.url, token: TOKEN, suiteData: [recordingToSuite(recording, { file })] });
      const seconds = (performance.now() - started) / 1000;
      await target.close();
      if (result.counts.failed > 0) throw new Error(`replay round ${round + 1} had ${result.counts.failed} differences`);
      exchanges = recording.exchanges.length;
      rates.push(exchanges / seconds);
    }
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)]!;
    process.stdout.write(
      `\nreplay: ${exchanges} recorded exchanges (the default Okta run), ${ROUNDS} rounds against a fresh reference server\n` +
        `  median ${Math.round(median)} exchanges/s (min ${Math.round(rates[0]!)}, max ${Math.round(rates.at(-1)!)}); load average ${loadavg()[0]!.toFixed(1)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
