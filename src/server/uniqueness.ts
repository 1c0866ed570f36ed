/**
 * Attributes a schema declares unique (`uniqueness: server` or `global`, RFC 7643 §2.2) beyond the one a table
 * already keys on (userName, group displayName): typically a custom extension's employee badge. Each gets its own
 * index in the table (src/server/table.ts), so a uniqueness check is one map lookup however many resources exist.
 */
import type { ResourceModel } from '../core/schema/resolve.js';
import type { AttributeDef, ScimResource } from '../core/schema/types.js';

/** One unique attribute: how to name it in an error, and the folded key a resource holds for it. */
export interface UniqueKey {
  /** e.g. "urn:example:…:2.0:User:badgeCode" */
  readonly label: string;
  keyOf(resource: ScimResource): string | undefined;
}

function keyOfValue(def: AttributeDef, value: unknown): string | undefined {
  if (typeof value === 'string') return def.caseExact ? value : value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value}:${String(value)}`;
  return undefined;
}

/**
 * The unique attributes of a model other than `indexed` (names of core attributes the table keys on already) and
 * `id`. Only single-valued simple attributes: that is what a schema marks unique in practice.
 */
export function uniqueKeys(model: ResourceModel, indexed: readonly string[]): UniqueKey[] {
  const wanted = (def: AttributeDef): boolean =>
    def.uniqueness !== 'none' && def.mutability !== 'readOnly' && def.type !== 'complex' && !def.multiValued;
  const keys: UniqueKey[] = model.core.attributes
    .filter((def) => wanted(def) && def.name !== 'id' && !indexed.includes(def.name))
    .map((def) => ({ label: def.name, keyOf: (r) => keyOfValue(def, r[def.name]) }));
  for (const schema of model.extensions) {
    for (const def of schema.attributes.filter(wanted)) {
      keys.push({
        label: `${schema.id}:${def.name}`,
        keyOf: (r) => {
          const ext = r[schema.id];
          return ext !== null && typeof ext === 'object' ? keyOfValue(def, (ext as Record<string, unknown>)[def.name]) : undefined;
        },
      });
    }
  }
  return keys;
}
