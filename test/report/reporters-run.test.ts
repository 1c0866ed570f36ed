/** The json, junit and markdown reporters on a real run of the default suites against the embedded server. */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { reporters } from '../../src/report/index.js';
import { run } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/results.js';
import { parseJunit } from './junit-rules.js';
import { resultSchemaErrors } from './result-schema.js';

let result: RunResult;
beforeAll(async () => {
  result = await run({});
});

describe('reporters on a real run', () => {
  it('are registered for --reporter', async () => {
    expect(await reporters.json!()).toBe(renderJson);
    expect(await reporters.junit!()).toBe(renderJunit);
    expect(await reporters.markdown!()).toBe(renderMarkdown);
  });

  it('json validates against result.schema.json', () => {
    expect(result.suites.length).toBeGreaterThan(0);
    expect(resultSchemaErrors(JSON.parse(renderJson(result)))).toEqual([]);
  });

  it('junit has a testcase for every check and follows the XSD rules', () => {
    const root = parseJunit(renderJunit(result));
    const checks = result.suites.flatMap((s) => s.checks);
    const cases = root.children.filter((s) => s.attrs.name !== 'scim-check').flatMap((s) => s.children);
    expect(cases.map((c) => c.attrs.name)).toEqual(checks.map((c) => `${c.id}: ${c.title}`));
    expect(Number(root.attrs.failures)).toBe(result.counts.failed);
  });

  it('markdown shows the verdict and every SPEC step in order', () => {
    const md = renderMarkdown(result);
    expect(md.startsWith(result.exitCode === 0 ? '## ✅ scim-check passed' : '## ❌ scim-check')).toBe(true);
    const steps = md
      .split('\n')
      .filter((l) => /^\| \d+ \| /.test(l))
      .map((l) => Number(l.split(' | ')[0]!.slice(2)));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
