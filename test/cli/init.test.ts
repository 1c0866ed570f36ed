import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeStarterConfig } from '../../src/cli/init.js';
import { CONFIG_FILE_NAME, loadConfig, starterConfig } from '../../src/config/index.js';
import { assertBuilt, cli as spawnCli, type CliOutcome } from './spawn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The CLI in the working directory `cwd`. */
const cli = (args: string[], cwd: string): Promise<CliOutcome> => spawnCli(args, {}, { cwd });

let dir: string;
beforeEach(() => {
  dir = tempDir('scim-check-init-');
});

describe('writeStarterConfig', () => {
  it('writes the starter file, which then loads as the working directory config', () => {
    const message = writeStarterConfig(join(dir, CONFIG_FILE_NAME), false);
    expect(message).toContain('Wrote');
    expect(readFileSync(join(dir, CONFIG_FILE_NAME), 'utf8')).toBe(starterConfig());
    expect(loadConfig({ cwd: dir })?.data.token).toBe('$env:SCIM_TOKEN');
  });

  it('refuses to overwrite an existing file unless forced', () => {
    const file = join(dir, CONFIG_FILE_NAME);
    writeFileSync(file, '{"url": "https://mine.example"}');
    expect(() => writeStarterConfig(file, false)).toThrow(`${file} already exists; use --force to overwrite it`);
    expect(readFileSync(file, 'utf8')).toBe('{"url": "https://mine.example"}');
    writeStarterConfig(file, true);
    expect(readFileSync(file, 'utf8')).toBe(starterConfig());
  });

  it('makes the folder when it does not exist (init ci/prod.json); a file in its way is a clear error', () => {
    writeStarterConfig(join(dir, 'ci', 'deep', 'prod.json'), false);
    expect(readFileSync(join(dir, 'ci', 'deep', 'prod.json'), 'utf8')).toBe(starterConfig());
    writeFileSync(join(dir, 'blocker'), 'x');
    expect(() => writeStarterConfig(join(dir, 'blocker', 'x.json'), false)).toThrow(`cannot make the folder of ${join(dir, 'blocker', 'x.json')}: a file is in the way`);
  });
});

describe('scim-check init (CLI)', () => {
  beforeAll(assertBuilt);

  it('writes scim-check.config.json in the working directory, then exits 2 without --force', async () => {
    const first = await cli(['init'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Wrote ${CONFIG_FILE_NAME}`);
    expect(existsSync(join(dir, CONFIG_FILE_NAME))).toBe(true);
    const second = await cli(['init'], dir);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(`scim-check init: ${CONFIG_FILE_NAME} already exists; use --force to overwrite it\n`);
    const forced = await cli(['init', '--force'], dir);
    expect(forced.code).toBe(0);
  });

  it("the README's example: init ci/prod.json makes ci/ and the file, which --config then reads", async () => {
    const made = await cli(['init', 'ci/prod.json'], dir);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('--config ci/prod.json');
    expect(loadConfig({ cwd: dir, configPath: 'ci/prod.json' })?.data.token).toBe('$env:SCIM_TOKEN');
  });

  it('writes another file name and tells how to use it', async () => {
    const run = await cli(['init', 'staging.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--config staging.json');
    expect(JSON.parse(readFileSync(join(dir, 'staging.json'), 'utf8'))).toEqual(JSON.parse(starterConfig()));
  });
});
