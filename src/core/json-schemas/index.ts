// PLACEHOLDER (owned by the JSON-schema helper): signature is the contract; body gets replaced.
import type { SchemaName } from '../../runner/suite-format.js';

export interface SchemaVerdict {
  valid: boolean;
  /** Readable errors with JSON paths, e.g. "/Resources/0/id: must be string". */
  errors: string[];
}

/** Validates a SCIM payload against the RFC 7643/7644 JSON Schema `name` (AJV validators compiled once). */
export function validateScim(name: SchemaName, value: unknown): SchemaVerdict {
  throw new Error(`validateScim not implemented (${name} ${typeof value})`);
}
