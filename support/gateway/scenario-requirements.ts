/**
 * Which requirement a step judges. One observation ("the request reached the resource") serves different clauses
 * in different scenarios (REQ-BEARER-01 for a valid token, REQ-BEARER-09 for a lower-case scheme); the scenario's
 * own @REQ tags say which (support/hooks.ts records them once per scenario).
 */
import type { CtkWorld } from '../world.ts';
import { scenarioRequirements } from '../oauth/scenario.ts';

export { scenarioRequirements };

/**
 * The first of `candidates` the scenario is tagged with. A step used in a scenario tagged with none of them is a
 * feature-file mistake: it fails loudly instead of judging a requirement nobody asked for.
 */
export function requirementFor(world: CtkWorld, candidates: readonly string[]): string {
  const tagged = scenarioRequirements(world);
  const found = candidates.find((id) => tagged.includes(id));
  if (!found) {
    throw new Error(`this step judges one of ${candidates.join(', ')}, but the scenario is tagged with ${tagged.join(', ') || 'no requirement'}: tag it`);
  }
  return found;
}

/** Every one of `candidates` the scenario is tagged with (a step that judges several clauses at once). */
export const requirementsFor = (world: CtkWorld, candidates: readonly string[]): string[] =>
  candidates.filter((id) => scenarioRequirements(world).includes(id));
