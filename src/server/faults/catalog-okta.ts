import type { Fault } from './types.js';

/** Fault modes for the Okta suites' checks (owned by the Okta-suite engineer). */
export const oktaFaults: Fault[] = [];
