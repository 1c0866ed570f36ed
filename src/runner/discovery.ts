/**
 * Discovery-driven suites (a suite with `"discovery": true`, e.g. rfc): before the suite's first check the
 * runner reads /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4), and this module then
 *  - decides each check's fate from its `requires` features: advertised → run; not advertised → skipped with the
 *    reason, except the first such check per feature, which is run as a probe so that a feature that works
 *    although advertised `false` is reported as a note (a probe's outcome never fails the run);
 *  - gives every check fresh generated data (`gen*` variables) that follows the discovered schemas;
 *  - publishes the discovery problems as `discovery*` variables for the checks that assert them.
 */
import { randomInt } from 'node:crypto';
import type { ScimClient } from '../client/index.js';
import { analyzeDiscovery, type Analysis, type Feature } from './discovery-analysis.js';
import {
  customExtension,
  everyAttributeReplace,
  extensionFilter,
  extensionTarget,
  generateResource,
  immutableTarget,
  keepingImmutable,
  newIdentity,
  targetObject,
  targetValue,
  uniqueTarget,
  withTargetValue,
  withoutRequired,
  type GenerationContext,
  type UserIdentity,
} from './discovery-data.js';
import type { CheckResult } from './results.js';
import type { CheckDef } from './suite-format.js';
import type { TemplateContext } from './template.js';

export { FEATURES, type Feature } from './discovery-analysis.js';

/** Variables a discovery suite may use without defining them (the loader treats them as defined). */
export const DISCOVERY_VARIABLES = [
  // refreshed before every check
  'genUser',
  'genUserName',
  'genUserKey',
  'genUserExpect',
  'genUserMinimal',
  'genUserReadOnly',
  'genUserNoRequired',
  'genUser2',
  'genUserName2',
  'genUserKey2',
  'genUserExpect2',
  'genUserMinimal2',
  'genGroup',
  'genGroupName',
  'genGroup2',
  'genGroupName2',
  'genExtValue',
  'genExtValue2',
  'genExtNewValue',
  'genExtNewObject',
  'genExtFilter',
  'genUserImmutableChanged',
  'genImmutableNewValue',
  'genImmutableObject',
  'genUserUniqueTaken',
  'genUserReplacement',
  'genUserExpectReplacement',
  'genUserNameReplacement',
  'genCustomExtValues',
  'genCustomExtExpect',
  'genEveryAttributeOps',
  'genEveryAttributeExpect',
  // set once
  'genCustomExtSchema',
  'genImmutablePath',
  'genExtPath',
  'genExtSchema',
  'discoveryConfigProblems',
  'discoveryResourceTypeProblems',
  'discoverySchemaProblems',
  'discoveryFallback',
] as const;

/** Features decided by what the served schemas declare (never probed: the server says what it has). */
const SCHEMA_FEATURES = new Set<Feature>(['extension', 'customExtension', 'immutable', 'uniqueAttribute']);
type ConfigFeature = Exclude<Feature, 'extension' | 'customExtension' | 'immutable' | 'uniqueAttribute'>;
/** Where each ServiceProviderConfig feature is advertised, for skip reasons. */
const WHERE: Record<ConfigFeature, string> = {
  patch: 'ServiceProviderConfig patch.supported',
  bulk: 'ServiceProviderConfig bulk.supported',
  filter: 'ServiceProviderConfig filter.supported',
  changePassword: 'ServiceProviderConfig changePassword.supported',
  sort: 'ServiceProviderConfig sort.supported',
  etag: 'ServiceProviderConfig etag.supported',
};

/** meta.created a client claims in the "read-only attributes are ignored" checks. */
const CLIENT_CREATED = '2001-01-01T00:00:00Z';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const randomLower = (n: number): string => Array.from({ length: n }, () => LOWER[randomInt(LOWER.length)]).join('');

export interface DiscoverySession {
  readonly analysis: Analysis;
  /** Refreshes the generated variables; returns a skip reason when the check must not run. */
  beforeCheck(check: CheckDef): string | undefined;
  /** Turns a probe's outcome into a skip (with a note when the feature works anyway). */
  afterCheck(check: CheckDef, result: CheckResult): CheckResult;
}

async function fetchJson(client: ScimClient, path: string, headers: Record<string, string>): Promise<unknown> {
  const ex = await client.send({ method: 'GET', url: path, headers });
  return ex.response && ex.response.status === 200 ? ex.response.json : undefined;
}

/** Reads the discovery documents and sets the once-only variables; never throws for a broken server. */
export async function startDiscovery(client: ScimClient, template: TemplateContext, headers: Record<string, string>): Promise<DiscoverySession> {
  const [config, resourceTypes, schemas] = await Promise.all(
    ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas'].map((p) => fetchJson(client, p, headers)),
  );
  return createSession(analyzeDiscovery(config, resourceTypes, schemas), template);
}

/** The session over an analysis (separate from the fetching so it can be tested without a server). */
export function createSession(analysis: Analysis, template: TemplateContext, random: (n: number) => string = randomLower): DiscoverySession {
  const vars = template.vars;
  const target = extensionTarget(analysis.user);
  const immutable = immutableTarget(analysis.user);
  const unique = uniqueTarget(analysis.user);
  const custom = customExtension(analysis.user);
  vars.set('genCustomExtSchema', custom?.id ?? '');
  vars.set('discoveryConfigProblems', analysis.configProblems);
  vars.set('discoveryResourceTypeProblems', analysis.resourceTypeProblems);
  vars.set('discoverySchemaProblems', analysis.schemaProblems);
  vars.set('discoveryFallback', analysis.fallback);
  vars.set('genExtPath', target?.path ?? '');
  vars.set('genExtSchema', target?.schema ?? '');
  vars.set('genImmutablePath', immutable?.path ?? '');
  const notAdvertised = (feature: Feature): string => {
    if (feature === 'extension') return 'not advertised: the User resource type declares no schema extension';
    if (feature === 'customExtension') return 'not advertised: the User resource type declares no custom schema extension (one besides the Enterprise extension)';
    if (feature === 'immutable') return 'not advertised: the served User schemas declare no immutable single-valued string or integer attribute';
    if (feature === 'uniqueAttribute') return 'not advertised: the served User schemas declare no unique single-valued string or integer attribute besides userName';
    return `not advertised: ${WHERE[feature]} is ${analysis.advertised[feature] === false ? 'false' : 'absent'}`;
  };
  const probed = new Set<ConfigFeature>();
  const probes = new Map<string, ConfigFeature>();
  let notesGiven = false;

  const refresh = (): void => {
    const ctx: GenerationContext = { prefix: template.prefix, domain: template.domain, random };
    // The first user's userName sorts before the second's, so sorting checks know the expected order.
    const [first, second] = [newIdentity(ctx), newIdentity(ctx)].sort((a, b) => (a.userName < b.userName ? -1 : 1)) as [UserIdentity, UserIdentity];
    const user = generateResource(analysis.user, 'User', ctx, first);
    const user2 = generateResource(analysis.user, 'User', ctx, second);
    const group = generateResource(analysis.group, 'Group', ctx);
    const group2 = generateResource(analysis.group, 'Group', ctx);
    vars.set('genUser', user.body);
    vars.set('genUserName', first.userName);
    vars.set('genUserKey', first.tag);
    vars.set('genUserExpect', user.expect);
    vars.set('genUserMinimal', generateResource(analysis.user, 'User', ctx, first, true).body);
    vars.set('genUserReadOnly', { ...user.body, id: `${template.prefix}client-chosen-id`, meta: { resourceType: 'User', created: CLIENT_CREATED } });
    vars.set('genUserNoRequired', withoutRequired(analysis.user, user.body));
    vars.set('genUser2', user2.body);
    vars.set('genUserName2', second.userName);
    vars.set('genUserKey2', second.tag);
    vars.set('genUserExpect2', user2.expect);
    // The second user's data as a PUT over the first user: the first user's immutable values stay.
    const replacement = keepingImmutable(analysis.user, user, user2);
    vars.set('genUserReplacement', replacement.body);
    vars.set('genUserExpectReplacement', replacement.expect);
    // The second user's userName, unless the schema makes userName immutable.
    vars.set('genUserNameReplacement', replacement.body['userName']);
    vars.set('genUserMinimal2', generateResource(analysis.user, 'User', ctx, second, true).body);
    vars.set('genGroup', group.body);
    vars.set('genGroupName', group.body['displayName']);
    vars.set('genGroup2', group2.body);
    vars.set('genGroupName2', group2.body['displayName']);
    const extValue = (body: Record<string, unknown>): unknown => (target ? (body[target.schema] as Record<string, unknown> | undefined)?.[target.attribute] : undefined) ?? '';
    vars.set('genExtValue', extValue(user.body));
    vars.set('genExtValue2', extValue(user2.body));
    const newValue = `${template.prefix}changed-${random(8)}`;
    vars.set('genExtNewValue', newValue);
    vars.set('genExtNewObject', target ? { [target.schema]: { [target.attribute]: newValue } } : {});
    // Without a filterable extension attribute, a filter that still selects exactly the first user.
    vars.set('genExtFilter', extensionFilter(analysis.user, user.body) ?? `userName eq ${JSON.stringify(first.userName)}`);
    // The immutability checks: the first user with its immutable attribute changed, and its value as created.
    const immutableValue = immutable ? targetValue(immutable, user.body) : undefined;
    const immutableNew = immutable?.type === 'integer' ? Number(immutableValue) + 1 : `${template.prefix}changed-${random(8)}`;
    vars.set('genImmutableNewValue', immutable ? immutableNew : '');
    vars.set('genUserImmutableChanged', immutable ? withTargetValue(immutable, user.body, immutableNew) : user.body);
    vars.set('genImmutableObject', immutable ? targetObject(immutable, immutableValue) : {});
    // Custom extension attributes sent as Entra sends them, under their URN (the URN itself left out of schemas).
    const customValues = custom ? ((user.body[custom.id] as Record<string, unknown> | undefined) ?? {}) : {};
    vars.set('genCustomExtValues', customValues);
    vars.set('genCustomExtExpect', custom && user.expect[custom.id] ? { [custom.id]: user.expect[custom.id] } : {});
    const every = everyAttributeReplace(analysis.user, ctx, random(10));
    vars.set('genEveryAttributeOps', every.operations);
    vars.set('genEveryAttributeExpect', every.expect);
    // The uniqueness check: the second user claiming the first user's unique value.
    vars.set('genUserUniqueTaken', unique ? withTargetValue(unique, user2.body, targetValue(unique, user.body)) : user2.body);
  };

  return {
    analysis,
    beforeCheck(check) {
      refresh();
      const missing = (check.requires ?? []).find((f) => analysis.advertised[f] !== true);
      if (!missing) return undefined;
      // Probe a feature once (and only one the server could plausibly have: never one its schemas say is absent).
      if (!SCHEMA_FEATURES.has(missing) && !probed.has(missing as ConfigFeature)) {
        probed.add(missing as ConfigFeature);
        probes.set(check.id, missing as ConfigFeature);
        return undefined;
      }
      return notAdvertised(missing);
    },
    afterCheck(check, result) {
      let out = result;
      const feature = probes.get(check.id);
      if (feature) {
        const works = result.status === 'passed';
        out = {
          ...result,
          status: 'skipped',
          skipReason: `${notAdvertised(feature)} (run once as a probe${works ? ': it passed, advertised false but works' : '; it did not pass, which is no fault'})`,
          failures: [],
        };
        if (works) out.notes = [...(result.notes ?? []), `advertised false but works: ${feature} passed this check; consider advertising ${WHERE[feature]} = true`];
      }
      if (!notesGiven && analysis.notes.length) {
        notesGiven = true;
        out = { ...out, notes: [...(out.notes ?? []), ...analysis.notes] };
      }
      return out;
    },
  };
}
