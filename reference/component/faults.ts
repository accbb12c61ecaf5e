import type { FaultDefinition } from '../faults.ts';

/** Faults of the reference component: each names the requirements it breaks. */
export const COMPONENT_FAULTS: readonly FaultDefinition[] = [];
