/**
 * Conformant variations of the reference stack: the converse of the faults (reference/faults.ts). Each is a way
 * real IdPs and gateways behave that the clause (or the seed's own words) allows but the default reference does
 * not happen to do. The kit's own tests run the whole suite against the reference with every variation on and
 * require it to stay clean: a kit that fails a correct product is as wrong as one that misses a defect.
 *
 * Variations travel in the same switch set as faults (AUTH_CTK_FAULTS, `--faults`); each server checks them with
 * `faults.has(name)` next to the code they change.
 */
import type { Capability } from '../support/requirements/types.ts';
import { IDP_VARIATIONS, type IdpVariationName } from './idp/variations.ts';
import { GATEWAY_VARIATIONS, type GatewayVariationName } from './gateway/variations.ts';

export interface VariationDefinition {
  /** kebab-case name, used on the command line: --faults scope-required */
  readonly name: string;
  readonly component: 'idp' | 'gateway';
  /** What the varied reference does. */
  readonly description: string;
  /** The clause or seed sentence that allows it: why no check may fail it. */
  readonly allowedBy: string;
  /**
   * Capabilities the reference claims only with this variation on (describeReferenceTarget): without it their
   * requirements are "not applicable" to the reference, which is right, not a gap (fault-table.ts uncleanScenarios).
   */
  readonly claims?: readonly Capability[];
}

export const VARIATIONS: readonly VariationDefinition[] = [...IDP_VARIATIONS, ...GATEWAY_VARIATIONS];

export type VariationName = IdpVariationName | GatewayVariationName;
export type { IdpVariationName, GatewayVariationName };

export const isVariation = (name: string): boolean => VARIATIONS.some((v) => v.name === name);

/**
 * Whether the reference started with `switches` (faults and variations, needed variations included) claims
 * `capability`: every capability, except those only a variation claims (`claims`) while it is off.
 */
export function referenceClaims(capability: Capability, switches: readonly string[]): boolean {
  const claimedBy = VARIATIONS.filter((v) => v.claims?.includes(capability));
  return claimedBy.length === 0 || claimedBy.some((v) => switches.includes(v.name));
}
