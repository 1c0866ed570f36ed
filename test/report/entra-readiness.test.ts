import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from '../../src/index.js';
import { ENTRA_FLOWS, entraReadiness } from '../../src/report/entra-readiness.js';
import { renderPretty } from '../../src/report/pretty.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTap } from '../../src/report/tap.js';
import type { SuiteFile } from '../../src/runner/suite-format.js';
import { parseJunit } from './junit-rules.js';
import { resultSchemaErrors } from './result-schema.js';

/**
 * Entra readiness: the entra suite's results as Entra's flows, in every reporter. A server that keeps users
 * inactive after re-assignment (reactivation-ignored) fails exactly the restore flow; one that deletes on disable
 * (deactivate-deletes) fails disable, and with --entra-flag on only the flag shape is named.
 */
const suite = JSON.parse(readFileSync(new URL('../../suites/entra.json', import.meta.url), 'utf8')) as SuiteFile;

describe('the Entra flows', () => {
  it('hold every entra check exactly once, each flow with a Microsoft source', () => {
    const inFlows = ENTRA_FLOWS.flatMap((f) => f.checks.map((c) => `entra/${c}`));
    expect([...inFlows].sort()).toEqual(suite.checks.map((c) => c.id).sort());
    expect(new Set(inFlows).size).toBe(inFlows.length);
    for (const flow of ENTRA_FLOWS) expect(flow.source, flow.id).toMatch(/Microsoft/);
  });
});

describe('Entra readiness of a run', () => {
  let clean: RunResult;
  let restoreBroken: RunResult;
  let disableBrokenOn: RunResult;
  let okta: RunResult;

  beforeAll(async () => {
    [clean, restoreBroken, disableBrokenOn, okta] = await Promise.all([
      run({ idp: 'entra', server: { quiet: true } }),
      run({ idp: 'entra', server: { quiet: true, faults: ['reactivation-ignored'] } }),
      run({ idp: 'entra', entraFlag: 'on', server: { quiet: true, faults: ['deactivate-deletes'] } }),
      run({ suites: ['okta-spec'], server: { quiet: true } }),
    ]);
  }, 60_000);

  it('is absent when the run did not include the entra suite', () => {
    expect(entraReadiness(okta)).toBeUndefined();
    expect(renderPretty(okta)).not.toContain('Entra readiness');
    expect(renderMarkdown(okta)).not.toContain('Entra readiness');
    expect(renderHtml(okta)).not.toContain('id="entra"');
    expect(JSON.parse(renderJson(okta))).not.toHaveProperty('entraReadiness');
    expect(renderJunit(okta)).not.toContain('entra-readiness');
    expect(renderTap(okta)).not.toContain('Entra readiness');
  });

  it('on the reference server every flow works', () => {
    const readiness = entraReadiness(clean)!;
    expect(readiness.flows.map((f) => [f.flow.id, f.verdict])).toEqual(ENTRA_FLOWS.map((f) => [f.id, 'works']));
    expect(readiness.ready).toBe(true);
    expect(renderPretty(clean)).toContain('Entra readiness  all 12 Entra provisioning flows would work');
  });

  it('a server ignoring re-activation fails the restore flow only, with its consequence and source', () => {
    const readiness = entraReadiness(restoreBroken)!;
    expect(readiness.flows.filter((f) => f.verdict !== 'works').map((f) => [f.flow.id, f.verdict])).toEqual([['restore-users', 'fails']]);
    const restore = readiness.flows.find((f) => f.flow.id === 'restore-users')!;
    expect(restore.failing.map((c) => c.id).sort()).toEqual(['entra/restore-boolean', 'entra/restore-string-true']);
    const pretty = renderPretty(restoreBroken);
    expect(pretty).toContain('Entra readiness  1 of 12 Entra provisioning flows would fail');
    expect(pretty).toContain('✗ Restore users: re-assigned users stay disabled in the app, or Entra creates a second account for them');
    expect(pretty).toMatch(/failing: entra\/restore-string-true, entra\/restore-boolean; source: Microsoft Entra docs: How provisioning works/);
  });

  it('with --entra-flag on, a failing disable names the flag shape and says users are left active', () => {
    const readiness = entraReadiness(disableBrokenOn)!;
    expect(readiness.shapes).toEqual(['on']);
    const disable = readiness.flows.find((f) => f.flow.id === 'disable-users')!;
    expect(disable.verdict).toBe('fails');
    expect(disable.failingShapes).toEqual(['on']);
    const markdown = renderMarkdown(disableBrokenOn);
    expect(markdown).toContain('### Entra readiness');
    expect(markdown).toMatch(/\| Disable users \| ❌ would fail \| users disabled or unassigned in Entra are left active: people who left keep their access \(with the aadOptscim062020 flag\) \(`entra\/disable-boolean`\) \|/);
    expect(markdown).toContain('(only the shapes with the aadOptscim062020 flag were sent)');
  });

  it('every reporter carries it: html section, json data (schema-valid), a junit suite with one case per flow, tap comments', () => {
    const html = renderHtml(restoreBroken);
    expect(html).toContain('<h2 id="entra">Entra readiness</h2>');
    expect(html).toMatch(/<tr class="entra-flow" data-verdict="fails"><td>Restore users<\/td>/);
    const json = JSON.parse(renderJson(restoreBroken)) as { entraReadiness: { ready: boolean; flows: { id: string; verdict: string; failing: string[] }[] } };
    expect(resultSchemaErrors(json)).toEqual([]);
    expect(json.entraReadiness.ready).toBe(false);
    expect(json.entraReadiness.flows.find((f) => f.id === 'restore-users')).toMatchObject({ verdict: 'fails', failing: ['entra/restore-string-true', 'entra/restore-boolean'] });
    const junit = parseJunit(renderJunit(restoreBroken));
    const readinessSuite = junit.children.find((s) => s.attrs.name === 'entra-readiness')!;
    expect(readinessSuite.children).toHaveLength(ENTRA_FLOWS.length);
    expect(readinessSuite.attrs.failures).toBe('1');
    const failed = readinessSuite.children.find((c) => c.children.some((x) => x.name === 'failure'))!;
    expect(failed.attrs.name).toBe('restore-users: Restore users');
    const tap = renderTap(restoreBroken).split('\n');
    expect(tap).toContain('# Entra readiness: 1 of 12 Entra provisioning flows would fail');
    expect(tap.find((l) => l.startsWith('# Entra readiness: Restore users'))).toMatch(/WOULD FAIL: re-assigned users stay disabled .*; failing: entra\/restore-string-true, entra\/restore-boolean; source: Microsoft/);
    expect(tap.filter((l) => /^(not )?ok /.test(l))).toHaveLength(restoreBroken.suites.flatMap((s) => s.checks).length);
  });
});
