/** Recording a run through `scim-check record`'s proxy in front of a reference server, for the replay tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRecorder } from '../../src/recorder/proxy.js';
import { parseRecording, type Recording } from '../../src/recording/format.js';
import { run, type RunOptions } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/results.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { tempDir } from '../helpers/temp-dir.js';

export const TOKEN = 'recording-test-token-4f1c9e';

export interface Recorded {
  file: string;
  text: string;
  recording: Recording;
  /** The run that produced the traffic. */
  result: RunResult;
  /** The server that answered (still running; close it). */
  server: RunningServer;
}

/**
 * Runs scim-check (the IdP stand-in) through a recording proxy in front of a fresh reference server and returns
 * the recording. The run's own result is returned too, so a test can say what the recorded traffic was.
 */
export async function recordRun(runOptions: Partial<RunOptions> = {}, recorder: { pseudonymise?: boolean; redactPatterns?: RegExp[] } = {}, server: ServerOptions = {}): Promise<Recorded> {
  const target = await startServer({ port: 0, token: TOKEN, quiet: true, ...server });
  const file = join(tempDir('scim-check-recording-'), 'run.jsonl');
  const proxy = await startRecorder({ target: target.url, out: file, ...recorder });
  let result: RunResult;
  try {
    result = await run({ url: proxy.url, token: TOKEN, ...runOptions });
  } finally {
    await proxy.close();
  }
  const text = readFileSync(file, 'utf8');
  return { file, text, recording: parseRecording(text, file).recording, result, server: target };
}

/** Failed check ids of a result. */
export function failedIds(result: RunResult): string[] {
  return result.suites.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => c.id));
}
