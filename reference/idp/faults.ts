import type { FaultDefinition } from '../faults.ts';

/** Faults of the reference idp: each names the requirements it breaks. */
export const IDP_FAULTS: readonly FaultDefinition[] = [];
