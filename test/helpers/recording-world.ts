/**
 * The part of a CtkWorld that judging functions write to (support/verdict/check.ts): findings and check records,
 * collected in arrays a test can read. `recordingWorld(tags)` is that sink typed as a CtkWorld whose scenario is
 * tagged with the given requirement ids.
 */
import type { CheckRecord, Finding } from '../../support/verdict/media-types.ts';
import type { CtkWorld } from '../../support/world.ts';

export function findingSink() {
  const violations: Finding[] = [];
  const warnings: Finding[] = [];
  const checks: CheckRecord[] = [];
  return {
    violations,
    warnings,
    checks,
    recordViolation: (f: Finding) => violations.push(f),
    recordWarning: (f: Finding) => warnings.push(f),
    recordCheck: (r: CheckRecord) => checks.push(r),
  };
}

export function recordingWorld(requirementIds: readonly string[]) {
  const sink = { requirementIds, ...findingSink() };
  return sink as typeof sink & CtkWorld;
}
