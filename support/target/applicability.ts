/**
 * Before a scenario runs: does it apply to this target, and can it be tested here?
 * - A requirement that binds a capability the target does not claim -> not applicable (never passed).
 * - A `@requires-<capability>` tag the target does not provide -> not testable, with what would make it so.
 */
import { requirement } from '../requirements/catalogue.ts';
import { CAPABILITIES, type Capability } from '../requirements/types.ts';
import type { NotRunReason } from '../verdict/media-types.ts';
import type { TargetDescription } from './target.ts';

export type Applicability =
  | { readonly kind: 'applicable' }
  | { readonly kind: 'not-applicable' | 'not-testable'; readonly record: NotRunReason };

export function applicability(target: TargetDescription, tags: readonly string[]): Applicability {
  const requirementIds = tags.filter((t) => t.startsWith('@REQ-')).map((t) => t.slice(1));
  const claims = (c: Capability) => target.capabilities[c] === true;
  const unclaimed = requirementIds
    .map((id) => requirement(id))
    .filter((r) => r.capability !== undefined && !claims(r.capability));
  if (unclaimed.length > 0) {
    const caps = [...new Set(unclaimed.map((r) => r.capability!))];
    return {
      kind: 'not-applicable',
      record: {
        requirementIds,
        reason: `the target does not claim ${caps.join(', ')} (required by ${unclaimed.map((r) => r.id).join(', ')})`,
        remedy: `set capabilities.${caps[0]}: true in the target profile if the deployment offers it`,
      },
    };
  }
  const missing = tags
    .filter((t) => t.startsWith('@requires-'))
    .map((t) => t.slice('@requires-'.length))
    .filter((c): c is Capability => (CAPABILITIES as readonly string[]).includes(c) && !claims(c as Capability));
  if (missing.length > 0) {
    return {
      kind: 'not-testable',
      record: {
        requirementIds,
        reason: `the target profile does not provide ${missing.join(', ')}, which this check needs`,
        remedy: `describe ${missing.join(', ')} in the target profile (see README, "Target profile")`,
      },
    };
  }
  return { kind: 'applicable' };
}
