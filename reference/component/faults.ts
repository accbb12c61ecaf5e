import type { FaultDefinition } from '../faults.ts';

/** Faults of the reference component: each names the requirements it breaks. */
export const COMPONENT_FAULTS: readonly FaultDefinition[] = [
  {
    name: 'human-sees-all-customers',
    component: 'component',
    description: "gives a human identity every customer's orders, not only its own (seed 003)",
    breaks: ['REQ-ID-04'],
  },
  {
    name: 'customer-data-refused-to-humans',
    component: 'component',
    description: "refuses every human identity the customer-data route, its own customer's orders included; the system is still served (seed 003)",
    breaks: ['REQ-ID-04'],
  },
  {
    name: 'system-denied-customer-data',
    component: 'component',
    description: "refuses a system identity other customers' orders, as if it were a human (seed 003)",
    breaks: ['REQ-ID-05'],
  },
  {
    name: 'human-writes-any-customer',
    component: 'component',
    description: "accepts a human identity's write on another customer's data; reads stay scoped (seed 003)",
    breaks: ['REQ-ID-12'],
  },
  // Issue 22: deletes, front-end system user, rotation ownership
  {
    name: 'human-deletes-any-customer',
    component: 'component',
    description: "accepts a human identity's DELETE of another customer's record; reads and writes stay scoped (seed 003)",
    breaks: ['REQ-ID-15'],
  },
  // Issue 20: canvas
  {
    name: 'component-trusts-direct-calls',
    component: 'component',
    description: "serves requests that did not come through the gateway (no gateway secret), trusting whatever identity header they carry (seed 000)",
    breaks: ['REQ-CANVAS-01'],
  },
  // A public route that serves nobody: REQ-ANON-01's one finding. A failed credential not served there either
  // (REQ-ANON-03) is not judged on it (support/identity/verdicts.ts explainedByPublicRouteClosed, a 5xx too).
  {
    name: 'public-route-500',
    component: 'component',
    description: 'answers 500 to every request to the public catalog, with or without credentials (its backend is broken)',
    breaks: ['REQ-ANON-01'],
  },
];
