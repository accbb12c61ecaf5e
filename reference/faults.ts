/**
 * The catalogue of named faults the reference stack can be started with (kit self-test, issue "the kit proves
 * it can fail"). Each fault is a deliberate defect that breaks exactly the requirements it names; each server
 * declares its own faults next to its code and checks them with `faults.has(name)`.
 */
export interface FaultDefinition {
  /** kebab-case name, used on the command line: --faults accept-wrong-secret */
  readonly name: string;
  readonly component: 'idp' | 'gateway' | 'component';
  /** What the broken reference does. */
  readonly description: string;
  /** The requirement IDs this fault breaks: scenarios tagged with them must fail (or warn, for SHOULD). */
  readonly breaks: readonly string[];
}

import { IDP_FAULTS } from './idp/faults.ts';
import { GATEWAY_FAULTS } from './gateway/faults.ts';
import { COMPONENT_FAULTS } from './component/faults.ts';
import { LOGIN_FAULTS } from './idp/login-faults.ts';

export const FAULTS: readonly FaultDefinition[] = [...IDP_FAULTS, ...LOGIN_FAULTS, ...GATEWAY_FAULTS, ...COMPONENT_FAULTS];

export function fault(name: string): FaultDefinition {
  const found = FAULTS.find((f) => f.name === name);
  if (!found) throw new Error(`unknown fault "${name}"; known faults: ${FAULTS.map((f) => f.name).join(', ')}`);
  return found;
}
