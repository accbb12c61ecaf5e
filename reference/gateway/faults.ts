import type { FaultDefinition } from '../faults.ts';

/** Faults of the reference gateway: each names the requirements it breaks. */
export const GATEWAY_FAULTS: readonly FaultDefinition[] = [];
