/**
 * The few string formats the SCIM schemas need, registered with ajv.addFormat (no ajv-formats dependency).
 * Each checker is a small, linear-time test: no backtracking-prone regexes over attacker-sized input.
 */

// xsd:dateTime (RFC 7643 §2.3.5): the time zone is optional in XML Schema, so it is optional here too.
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  // Day 0 of the next month is the last day of this one (leap years included).
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 14 || zoneMinutes > 59) return false;
  }
  return true;
}

// No whitespace or control characters anywhere in a URI (RFC 3986 has no place for them).
const HAS_SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** An absolute URI: scheme ":" and something after it, e.g. "https://example.com/scim/v2/Users/1" or "urn:…". */
export function isUri(value: string): boolean {
  return SCHEME.test(value) && value.length > value.indexOf(':') + 1 && !HAS_SPACE_OR_CONTROL.test(value);
}

/** A URI or a relative reference (e.g. "/Users/2819c223" or "../Groups/1"). */
export function isUriReference(value: string): boolean {
  return value.length > 0 && !HAS_SPACE_OR_CONTROL.test(value);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** RFC 7643 §2.3.6 binary: base64 (line breaks tolerated, as in PEM-style certificates). */
export function isBase64(value: string): boolean {
  const compact = value.replace(/\r?\n/g, '');
  return compact.length % 4 === 0 && BASE64.test(compact);
}

export const scimFormats = {
  'date-time': isDateTime,
  uri: isUri,
  'uri-reference': isUriReference,
  base64: isBase64,
} as const satisfies Record<string, (value: string) => boolean>;
