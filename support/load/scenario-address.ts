/**
 * The step side of the load checks (token endpoint and gateway alike): a scenario takes a fresh client IP of its
 * own into its state, or is not testable with the budget's reason.
 */
import type { CtkWorld } from '../world.ts';
import type { StateKey } from '../scenario-state.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { freshAddresses } from './source-addresses.ts';

/** Not testable for every requirement of the scenario, with the reason and remedy a load helper gave. */
export const loadNotTestable = (world: CtkWorld, why: { reason: string; remedy: string }): 'skipped' =>
  world.notTestable(scenarioRequirements(world), why.reason, why.remedy);

/**
 * Remembers one fresh source address under `key`. `ownAddress`: a rate-limit check may use the run's own address
 * when the target offers no other (OWN_ADDRESS); an IP-block check never.
 */
export function takeLoadAddress(world: CtkWorld, key: StateKey<string>, options: { ownAddress?: boolean } = {}): 'skipped' | undefined {
  const fresh = freshAddresses(world.target, 1, options);
  if ('reason' in fresh) return loadNotTestable(world, fresh);
  world.state.remember(key, fresh.addresses[0]);
  return undefined;
}
