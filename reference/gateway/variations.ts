import type { VariationDefinition } from '../variations.ts';

/**
 * Conformant variations of the reference gateway (reference/variations.ts): behaviours real gateways show that
 * the clause allows. Each is one small branch in the gateway's code (`faults.has('name')`).
 */
export const GATEWAY_VARIATIONS = [
  {
    name: 'challenge-with-extras',
    component: 'gateway',
    description: 'WWW-Authenticate lists error before realm, always with error_description, and offers a second scheme (DPoP) after Bearer.',
    allowedBy: 'RFC 6750 §3 (auth-params in any order, error_description MAY); RFC 9110 §11.6.1 (a header may carry several challenges).',
  },
  {
    name: 'gateway-empty-error-body',
    component: 'gateway',
    description: 'The gateway\'s 401 and 403 refusals have an empty body (the error is in WWW-Authenticate only).',
    allowedBy: 'RFC 6750 §3: the error is conveyed in the WWW-Authenticate header; no response body is defined.',
  },
] as const satisfies readonly VariationDefinition[];

export type GatewayVariationName = (typeof GATEWAY_VARIATIONS)[number]['name'];
