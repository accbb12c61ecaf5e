/**
 * The catalogue of named faults the reference stack can be started with (kit self-test, issue "the kit proves
 * it can fail"). Each fault is a deliberate defect that breaks exactly the requirements it names; each server
 * declares its own faults next to its code and checks them with `faults.has(name)`.
 */
import type { Capability } from '../support/requirements/types.ts';

export interface FaultDefinition {
  /** kebab-case name, used on the command line: --faults accept-wrong-secret */
  readonly name: string;
  readonly component: 'idp' | 'gateway' | 'component';
  /** What the broken reference does. */
  readonly description: string;
  /** The requirement IDs this fault breaks: scenarios tagged with them must fail (or warn, for SHOULD). */
  readonly breaks: readonly string[];
  /**
   * Conformant variations (reference/variations.ts) the fault is a defect of: a fault in a capability the default
   * reference does not claim (the gateway's rate limit) comes with the variation that switches it on and claims it,
   * so "--faults gateway-never-unblock" alone starts a reference that claims the block and then breaks it.
   */
  readonly needs?: readonly string[];
  /**
   * Capabilities the reference is described without while this fault is on: a target that never promised what the
   * seed says, so the RFC's own (weaker) requirement judges the defect instead of the seed's (issue-refresh-token-unclaimed).
   */
  readonly unclaims?: readonly Capability[];
}

import { IDP_FAULTS } from './idp/faults.ts';
import { GATEWAY_FAULTS } from './gateway/faults.ts';
import { COMPONENT_FAULTS } from './component/faults.ts';
import { LOGIN_FAULTS } from './idp/login-faults.ts';

export const FAULTS: readonly FaultDefinition[] = [...IDP_FAULTS, ...LOGIN_FAULTS, ...GATEWAY_FAULTS, ...COMPONENT_FAULTS];

/** The switches to start the reference with: those named, plus the variations each named fault needs (`needs`). */
export function withNeededVariations(names: Iterable<string>): string[] {
  const switches = new Set(names);
  for (const name of [...switches]) for (const variation of FAULTS.find((f) => f.name === name)?.needs ?? []) switches.add(variation);
  return [...switches];
}

export function fault(name: string): FaultDefinition {
  const found = FAULTS.find((f) => f.name === name);
  if (!found) throw new Error(`unknown fault "${name}"; known faults: ${FAULTS.map((f) => f.name).join(', ')}`);
  return found;
}

/**
 * Requirements of the catalogue that no fault of the reference breaks, and why (issue 5: "list the ones that
 * cannot, with why"). The docs' fault table shows them next to the faults.
 */
export interface UnbreakableRequirement {
  readonly id: string;
  readonly why: string;
}

const CLIENT_SIDE = 'client-side: proven by the faulty clients in fixtures/clients, test/client-*.test.ts';

export const UNBREAKABLE_REQUIREMENTS: readonly UnbreakableRequirement[] = [
  {
    id: 'REQ-TOK-18',
    why: 'The reference serves plain http on loopback, which the requirement exempts (a loopback endpoint never leaves the machine); a non-loopback http endpoint would need a second network interface, and serving https would not break it.',
  },
  {
    id: 'REQ-DISC-10',
    why: 'The reference issuer is a loopback http URL, which the requirement exempts; a query or fragment in the issuer would also change every token\'s iss and the metadata location, so the fault could not break this requirement alone (REQ-DISC-02, REQ-JWT-06 and the gateway\'s iss check would report it first).',
  },
  ...Array.from({ length: 21 }, (_, i) => ({ id: `REQ-CLI-${String(i + 1).padStart(2, '0')}`, why: CLIENT_SIDE })),
  {
    id: 'REQ-REVOKE-04',
    why: 'The reference gateway validates self-contained JWTs and never asks the IdP, so a revoked token stays usable there until its exp; the reference states no bound (limits.revocationSeconds) and the check is not applicable on it. On the opaque-token reference (its gateway introspects every token, bound 0) fault gateway-caches-valid-decision breaks it: test/gateway-decision-cache.test.ts.',
  },
];
