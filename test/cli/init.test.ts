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

  it('says so when the folder does not exist', () => {
    expect(() => writeStarterConfig(join(dir, 'nope', 'x.json'), false)).toThrow(/its folder does not exist/);
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

  it('writes another file name and tells how to use it', async () => {
    const run = await cli(['init', 'staging.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--config staging.json');
    expect(JSON.parse(readFileSync(join(dir, 'staging.json'), 'utf8'))).toEqual(JSON.parse(starterConfig()));
  });
});
