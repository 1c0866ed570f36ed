/**
 * Entra readiness: the entra suite's results read as Microsoft Entra ID's provisioning flows — which would work,
 * which would fail, and what a failure does in Entra (quarantine, users left active, groups emptied), each with the
 * Microsoft source. Pure: every reporter renders the same model (pretty, markdown, html, json, junit).
 */
import type { CheckResult, CheckStatus, RunResult } from '../runner/results.js';
import type { EntraFlag } from '../runner/suite-format.js';

/** The suite whose checks replay what Entra sends. */
export const ENTRA_SUITE_ID = 'entra';

export interface EntraFlow {
  id: string;
  /** The flow as an Entra admin knows it, e.g. "Disable users". */
  title: string;
  /** What a failure does in Entra. */
  consequence: string;
  /** Microsoft's documentation (or validation workflow) the consequence comes from. */
  source: string;
  /** Names of the entra checks (without "entra/") that exercise the flow. */
  checks: readonly string[];
}

const M1 = 'Microsoft Entra docs: Develop and plan provisioning for a SCIM endpoint';
const M2 = 'Microsoft Entra docs: Known issues with SCIM 2.0 protocol compliance';
const M3 = 'Microsoft Entra docs: How provisioning works';
const M6 = 'Microsoft Entra docs: Customize application attributes';
const M8 = 'Microsoft Entra docs: Provisioning in quarantine status';
const LA = 'Microsoft SCIM validation workflow (SCIMReferenceCode)';

/** Entra's flows in the order Entra runs them. Every entra check belongs to exactly one (test/report/entra-readiness.test.ts). */
export const ENTRA_FLOWS: readonly EntraFlow[] = [
  {
    id: 'test-connection',
    title: 'Test Connection',
    consequence: 'the admin cannot save provisioning; the same query failing (e.g. 404) during a sync cycle puts the job into quarantine',
    source: `${M1} (Getting started); ${M8}`,
    checks: ['test-connection'],
  },
  {
    id: 'schema-discovery',
    title: 'Schema discovery',
    consequence: 'attributes missing from /Schemas cannot be mapped, and the gallery validation fails without the Group schema',
    source: `${M1} (/Schemas); ${LA}`,
    checks: ['schema-discovery'],
  },
  {
    id: 'match-users',
    title: 'Match existing users',
    consequence: 'Entra does not find existing accounts and creates duplicates, which fail with 409 on every cycle',
    source: `${M1} (Get User by query); ${M6} (matching attributes)`,
    checks: ['match-user-absent', 'match-by-username', 'match-by-external-id', 'match-by-work-email'],
  },
  {
    id: 'create-users',
    title: 'Create users',
    consequence: 'assigned users are never provisioned (or get a second account); custom attributes are rejected or lost',
    source: `${M1} (Create User); ${M6}`,
    checks: ['create-user', 'duplicate-create', 'get-user', 'get-unknown-id', 'create-custom-extension'],
  },
  {
    id: 'update-users',
    title: 'Update users',
    consequence: "profile changes made in Entra never reach the app; the failing updates are retried every cycle and count towards quarantine",
    source: `${M1} (Update User); ${M2}; ${LA} (SCIM_User_Update_Test, SCIM_Null_Update_Test)`,
    checks: ['update-multi-valued-complex', 'update-per-path', 'update-pathless', 'clear-empty-string', 'clear-null', 'update-every-attribute', 'roles-json-string', 'update-username'],
  },
  {
    id: 'manager',
    title: 'Manager',
    consequence: "a user's manager set, changed or removed in Entra is wrong in the app",
    source: `${M1} (Example 5); ${LA} (manager tests)`,
    checks: ['manager-provision', 'manager-set-ref', 'manager-set-id', 'manager-change', 'manager-clear'],
  },
  {
    id: 'disable-users',
    title: 'Disable users',
    consequence: 'users disabled or unassigned in Entra are left active: people who left keep their access',
    source: `${M2} (active as the string "False" without the flag); ${M1} (Disable User)`,
    checks: ['disable-string-false', 'disable-boolean'],
  },
  {
    id: 'restore-users',
    title: 'Restore users',
    consequence: 're-assigned users stay disabled in the app, or Entra creates a second account for them',
    source: `${M3} (Known limitations); ${LA} (Restore_User_Test)`,
    checks: ['restore-string-true', 'restore-boolean'],
  },
  {
    id: 'delete-users',
    title: 'Delete users',
    consequence: 'users deleted in Entra stay in the app',
    source: `${M1} (Delete User); ${M3}`,
    checks: ['delete-user'],
  },
  {
    id: 'groups',
    title: 'Provision groups',
    consequence: 'groups are not provisioned, duplicated, keep their old name or outlive their deletion in Entra',
    source: `${M1} (Create/Get/Find/Update/Delete Group)`,
    checks: ['group-match-absent', 'group-create', 'group-find', 'group-find-case-insensitive', 'group-duplicate', 'group-rename', 'group-get-without-members', 'group-delete'],
  },
  {
    id: 'group-members',
    title: 'Group membership',
    consequence: 'members never reach the group, or the whole group is emptied when one member is unassigned (a remove that ignores its value list)',
    source: `${M1} (Add/Remove Members); ${M2} (Remove members with a value list without the flag)`,
    checks: ['group-member-users', 'group-add-members', 'group-remove-members-value', 'group-remove-member-filter'],
  },
  {
    id: 'paging',
    title: 'Paging (gallery validation)',
    consequence: "Microsoft's gallery validation fails: pages repeat or skip users",
    source: `${LA} (paging test)`,
    checks: ['paging'],
  },
];

/** works: every check of the flow that ran passed; fails: one failed; untested: none ran (or some were skipped). */
export type FlowVerdict = 'works' | 'fails' | 'untested';

export interface EntraFlowResult {
  flow: EntraFlow;
  verdict: FlowVerdict;
  /** The flow's checks that ran in this run, in suite order. */
  checks: CheckResult[];
  /** The checks that did not pass (failed or known failures). */
  failing: CheckResult[];
  /** Feature-flag shapes whose checks failed ("on", "off", or "both" for a shape common to both). */
  failingShapes: ('on' | 'off' | 'both')[];
}

export interface EntraReadiness {
  flows: EntraFlowResult[];
  /** True when every flow works. */
  ready: boolean;
  /** The flag shapes that ran: both unless the run used --entra-flag on/off. */
  shapes: EntraFlag[];
}

const FAILING: ReadonlySet<CheckStatus> = new Set<CheckStatus>(['failed', 'known-failure']);

/** The readiness model, or undefined when the run did not include the entra suite. */
export function entraReadiness(result: RunResult): EntraReadiness | undefined {
  const suite = result.suites.find((s) => s.id === ENTRA_SUITE_ID);
  if (!suite) return undefined;
  const byName = new Map(suite.checks.map((c) => [c.id.slice(ENTRA_SUITE_ID.length + 1), c]));
  const flows = ENTRA_FLOWS.map((flow): EntraFlowResult => {
    const checks = flow.checks.map((name) => byName.get(name)).filter((c): c is CheckResult => c !== undefined);
    const failing = checks.filter((c) => FAILING.has(c.status));
    const ran = checks.filter((c) => c.status !== 'skipped');
    const verdict: FlowVerdict = failing.length ? 'fails' : ran.length && ran.length === checks.length ? 'works' : 'untested';
    const failingShapes = [...new Set(failing.map((c) => c.entraFlag ?? 'both'))].sort();
    return { flow, verdict, checks, failing, failingShapes };
  });
  const shapes = [...new Set(suite.checks.map((c) => c.entraFlag).filter((f): f is EntraFlag => f !== undefined))].sort();
  return { flows, ready: flows.every((f) => f.verdict === 'works'), shapes };
}

/** "without the aadOptscim062020 flag", "with the flag", or "" when a shape common to both failed. */
export function shapeText(shapes: readonly ('on' | 'off' | 'both')[]): string {
  if (shapes.includes('both') || shapes.length !== 1) return '';
  return shapes[0] === 'off' ? 'without the aadOptscim062020 flag' : 'with the aadOptscim062020 flag';
}

/** One sentence on the whole: how many flows would fail, or that all work. */
export function readinessSummary(readiness: EntraReadiness): string {
  const failing = readiness.flows.filter((f) => f.verdict === 'fails').length;
  const untested = readiness.flows.filter((f) => f.verdict === 'untested').length;
  const scope = readiness.shapes.length === 1 ? ` (only the shapes ${readiness.shapes[0] === 'on' ? 'with' : 'without'} the aadOptscim062020 flag were sent)` : '';
  if (failing) return `${failing} of ${readiness.flows.length} Entra provisioning flows would fail${scope}`;
  if (untested) return `no Entra flow failed, but ${untested} of ${readiness.flows.length} were not fully tested${scope}`;
  return `all ${readiness.flows.length} Entra provisioning flows would work${scope}`;
}

/** What a failing flow does, with the shape that fails it: "users … are left active (without the aadOptscim062020 flag)". */
export function consequenceText(flow: EntraFlowResult): string {
  const shape = shapeText(flow.failingShapes);
  return shape ? `${flow.flow.consequence} (${shape})` : flow.flow.consequence;
}
