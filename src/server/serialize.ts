/**
 * JSON serialisation with the text of stored resources kept beside them. Stored representations are never
 * modified in place (every write stores a new object), so each one is serialised once, when it is stored, and
 * every GET and list page that shows it unchanged reuses that text: a 100-item page costs a string concatenation
 * instead of a 100-resource JSON.stringify. Serialising at write time (rather than on first read) also keeps
 * reads from creating long-lived strings, which would grow the old generation and bring full collections on.
 *
 * The text lives in a non-enumerable symbol property of the resource itself: JSON.stringify, Object.keys, spread
 * and structuredClone all ignore it (a large WeakMap would instead slow every full garbage collection down).
 */
const TEXT = Symbol('scim-check.json-text');

type WithText = { [TEXT]?: string };

/** Records the JSON text of an immutable stored representation. */
export function markImmutable(resource: object): void {
  Object.defineProperty(resource, TEXT, { value: JSON.stringify(resource), enumerable: false });
}

/**
 * The last resource serialised without a recorded text, and its text: a PATCHed user under --data is serialised for
 * the journal and then for the response, the same object in the same request (one entry, so nothing is kept alive).
 */
let last: { value: unknown; text: string } = { value: undefined, text: '' };

function textOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const recorded = (value as WithText)[TEXT];
  if (recorded !== undefined) return recorded;
  if (last.value === value) return last.text;
  return JSON.stringify(value);
}

/** JSON text of a stored resource (its recorded text when it has one), remembered for the response that follows. */
export function jsonText(resource: object): string {
  const text = textOf(resource);
  last = { value: resource, text };
  return text;
}

/** JSON text of a response body (a resource, a ListResponse, an error, …). */
export function serialize(body: unknown): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray((body as Record<string, unknown>)['Resources'])) {
    const { Resources: resources, ...rest } = body as Record<string, unknown>;
    const head = JSON.stringify(rest);
    const items = (resources as unknown[]).map(textOf).join(',');
    return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"Resources":[${items}]}`;
  }
  return textOf(body);
}
