import type { Fault } from './types.js';

/** Fault modes for the rfc suite's checks (owned by the rfc-suite engineer). */
export const rfcFaults: Fault[] = [];
