/** The text that stands in for a masked value everywhere (reports, logs, recordings). */
export const MASKED = '[REDACTED]';

const MAX_DEPTH = 32;

/**
 * Copy of a parsed JSON body with every "password" member's string value masked (any letter case, any depth).
 * Nesting beyond 32 levels is cut: bodies are client-controlled and recursion must stay bounded.
 */
export function maskPasswords(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => maskPasswords(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const masked = key.toLowerCase() === 'password' && typeof item === 'string' ? MASKED : maskPasswords(item, depth + 1);
    // defineProperty: a "__proto__" key from the network stays a plain member.
    Object.defineProperty(out, key, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
