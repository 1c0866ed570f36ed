import { coreFaults } from './catalog-core.js';
import { entraFaults } from './catalog-entra.js';
import { loadFaults } from './catalog-load.js';
import { oinFaults } from './catalog-oin.js';
import { oktaFaults } from './catalog-okta.js';
import { rfcFaults } from './catalog-rfc.js';
import type { BehaviourFlags, Fault } from './types.js';

export type { BehaviourFlags, Fault, FaultApi } from './types.js';

/** Every fault mode, in catalog order (core, Okta suites, OIN readiness, rfc suite, concurrency and load, entra suite). */
export function allFaults(): readonly Fault[] {
  return [...coreFaults, ...oktaFaults, ...oinFaults, ...rfcFaults, ...loadFaults, ...entraFaults];
}

/** Thrown for a fault id nobody defined; the message lists how to see the valid ones. */
export class UnknownFaultError extends Error {
  constructor(readonly faultId: string) {
    super(`unknown fault "${faultId}" (scim-check serve --list-faults shows the available ones)`);
    this.name = 'UnknownFaultError';
  }
}

/** Looks up fault ids (exact match), rejecting unknown or duplicated ones. */
export function resolveFaults(ids: readonly string[]): Fault[] {
  const byId = new Map(allFaults().map((f) => [f.id, f]));
  const seen = new Set<string>();
  return ids.map((id) => {
    const fault = byId.get(id);
    if (!fault) throw new UnknownFaultError(id);
    if (seen.has(id)) throw new Error(`fault "${id}" given twice`);
    seen.add(id);
    return fault;
  });
}

/** The behaviour flags of a set of faults, merged. */
export function mergedFlags(faults: readonly Fault[]): BehaviourFlags {
  return Object.assign({}, ...faults.map((f) => f.flags ?? {})) as BehaviourFlags;
}
