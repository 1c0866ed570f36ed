/** Header maps as requests carry them: names case-insensitive, spelling and order as first given. */

/**
 * Merges header maps: a later layer's value replaces an earlier one of the same name (any case) in its place,
 * with the later spelling; new names go last.
 */
export function mergeHeaders(...layers: (Record<string, string> | undefined)[]): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) byLower.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byLower.values());
}

/** `headers` without the given names (any case). */
export function withoutHeaders(headers: Record<string, string>, names: Iterable<string>): Record<string, string> {
  const lower = new Set([...names].map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !lower.has(name.toLowerCase())));
}

/** True when `headers` has `name` (any case). */
export function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers ?? {}).some((key) => key.toLowerCase() === lower);
}
