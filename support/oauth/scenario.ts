/**
 * What a step needs to know about the scenario it runs in: which requirements the scenario judges (its @REQ
 * tags), what earlier steps left behind, and what must be undone afterwards. Steps that serve several
 * requirements (one "refuses with invalid_client" step for wrong secrets, unknown clients and old secrets after a
 * rotation) judge under the requirement the scenario is tagged with, so a Then step never guesses.
 */
import type { CtkWorld } from '../world.ts';
import { stateKey, StepUsageError } from '../scenario-state.ts';

export { StepUsageError };

const CLEANUPS = stateKey<(() => Promise<void>)[]>('cleanups');

/** The scenario's @REQ tags (recorded once per scenario by support/hooks.ts). */
export const scenarioRequirements = (world: CtkWorld): readonly string[] => world.requirementIds;

export const isTagged = (world: CtkWorld, requirementId: string): boolean => scenarioRequirements(world).includes(requirementId);

/** `preferred` when the scenario is tagged with it, else `fallback`. */
export const taggedOr = (world: CtkWorld, preferred: string, fallback: string): string => (isTagged(world, preferred) ? preferred : fallback);

/**
 * The one requirement among `candidates` the scenario is tagged with. `candidates` omitted: the scenario's only
 * @REQ tag (generic steps). Anything else is a feature-file mistake, reported as such.
 */
export function taggedRequirement(world: CtkWorld, candidates?: readonly string[], step = 'this step'): string {
  const tagged = scenarioRequirements(world);
  const matching = candidates ? candidates.filter((c) => tagged.includes(c)) : [...tagged];
  if (matching.length === 1) return matching[0]!;
  const wanted = candidates ? `exactly one of ${candidates.join(', ')}` : 'exactly one @REQ tag';
  throw new StepUsageError(`${step} judges the requirement the scenario is tagged with, and needs ${wanted}; the scenario has ${tagged.join(', ') || 'none'}`);
}

/** Something to undo after the scenario (a rotated secret put back): runs even when the scenario failed. */
export function addCleanup(world: CtkWorld, cleanup: () => Promise<void>): void {
  const list = world.state.peek(CLEANUPS) ?? [];
  list.push(cleanup);
  world.state.remember(CLEANUPS, list);
}

/** Runs the cleanups, last first; returns the errors instead of throwing (the scenario's own verdict stays). */
export async function runCleanups(world: CtkWorld): Promise<unknown[]> {
  const list = world.state.peek(CLEANUPS) ?? [];
  world.state.forget(CLEANUPS);
  const errors: unknown[] = [];
  for (const cleanup of list.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
