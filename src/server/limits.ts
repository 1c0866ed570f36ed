/**
 * The reference server's limits on what one request may cost (README, "Limits"). Over a limit the request is
 * refused with a SCIM error naming it; /ServiceProviderConfig advertises those RFC 7643 §5 has a place for
 * (filter.maxResults, and the body size as bulk.maxPayloadSize would be, were bulk supported).
 */
import { PATCH_LIMITS } from '../core/patch/index.js';

export const SERVER_LIMITS = {
  ...PATCH_LIMITS,
  /** Elements one multi-valued attribute of a User may hold (group members, kept in an index, are not limited). */
  valuesPerAttribute: 1_000,
  /** Elements of multi-valued attributes (group members included) one PATCH may carry in its values. */
  valuesPerPatch: 10_000,
} as const;
