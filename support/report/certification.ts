/**
 * Certification per profile (core, gateway, rate-limits, human-identity, client, sender-constrained) and for the run.
 *
 * A profile's binding requirements are its MUST and SEED requirements that apply to the target (a SEED whose
 * capability the target does not claim is "not applicable" and drops out). Per profile:
 *   - not certified               some requirement of the profile failed, or a baseline entry is stale;
 *   - incomplete                  nothing failed, but a binding requirement was not testable or not run:
 *                                 a check that could not run certifies nothing (not certified);
 *   - certified with deviations   every binding requirement passed or is a listed known deviation;
 *   - certified                   every binding requirement passed;
 *   - not applicable              the target claims none of the profile's binding requirements;
 *   - not evaluated               nothing of the profile ran (filtered out).
 * Warnings (SHOULD misses) are listed with the profile and never deny it.
 *
 * The run certifies what was asked (issue 6 §4, exit code): the profiles named with --profile; without
 * --profile and without --tags, the platform profiles (DEFAULT_PROFILES); with --tags alone, the selected
 * scenarios (no failure, no binding requirement left not testable) — a partial run never says "certified".
 */
import type { CertificationProfile } from '../requirements/types.ts';
import { countVerdicts, type RequirementVerdict, type Verdict, type Verdicts } from './verdicts.ts';

export const PROFILES: readonly CertificationProfile[] = ['core', 'gateway', 'rate-limits', 'human-identity', 'client', 'asymmetric-client-auth', 'sender-constrained', 'introspection'];

/**
 * What a run certifies when nobody says (no --profile, no --tags): the platform's profiles. The client profile
 * judges a client under test, which `auth-ctk client` provides (and asks for); in a platform run its checks
 * are not testable for want of a client, and must not deny the IdP and gateway their certificate.
 */
export const DEFAULT_PROFILES: readonly CertificationProfile[] = ['core', 'gateway', 'rate-limits', 'human-identity', 'asymmetric-client-auth', 'sender-constrained', 'introspection'];

export type ProfileStatus = 'certified' | 'certified with deviations' | 'not certified' | 'incomplete' | 'not applicable' | 'not evaluated';

export type OverallStatus =
  | 'certified'
  | 'certified with deviations'
  | 'not certified'
  | 'incomplete'
  | 'selection passed'
  | 'selection passed with deviations';

export interface ProfileResult {
  readonly profile: CertificationProfile;
  readonly status: ProfileStatus;
  readonly reason: string;
  readonly asked: boolean;
  readonly counts: Record<Verdict, number>;
  readonly failed: readonly string[];
  readonly stale: readonly string[];
  readonly deviations: readonly string[];
  readonly warnings: readonly string[];
  /** Binding requirements that were not testable or not run. */
  readonly missing: readonly string[];
}

export interface Certification {
  readonly status: OverallStatus;
  readonly exitCode: 0 | 1;
  readonly reasons: readonly string[];
  readonly scope: { readonly profiles: readonly CertificationProfile[]; readonly tags?: string; readonly explicitProfiles: boolean };
  readonly profiles: readonly ProfileResult[];
}

const binding = (r: RequirementVerdict) => r.requirement.level !== 'SHOULD';
const ids = (list: readonly RequirementVerdict[]) => list.map((r) => r.requirement.id);
/** For reasons (one line): the per-requirement lists stay complete in the result and the certificate. */
const idList = (list: readonly RequirementVerdict[]) => {
  const all = ids(list);
  return all.length <= 10 ? all.join(', ') : `${all.slice(0, 8).join(', ')} and ${all.length - 8} more`;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function certifyProfile(profile: CertificationProfile, all: readonly RequirementVerdict[], asked: boolean): ProfileResult {
  const reqs = all.filter((r) => r.requirement.profile === profile);
  const failed = reqs.filter((r) => r.verdict === 'failed');
  const stale = reqs.filter((r) => r.verdict === 'stale-deviation');
  const deviations = reqs.filter((r) => r.verdict === 'known-deviation');
  const warnings = reqs.filter((r) => r.verdict === 'warning');
  const applicable = reqs.filter((r) => binding(r) && r.verdict !== 'not-applicable');
  const missing = applicable.filter((r) => r.verdict === 'not-testable' || r.verdict === 'not-run');
  const base = {
    profile,
    asked,
    counts: countVerdicts(reqs),
    failed: ids(failed),
    stale: ids(stale),
    deviations: ids(deviations),
    warnings: ids(warnings),
    missing: ids(missing),
  };
  if (failed.length > 0 || stale.length > 0) {
    const parts = [];
    if (failed.length) parts.push(`${plural(failed.length, 'requirement')} failed (${idList(failed)})`);
    if (stale.length) parts.push(`stale baseline ${stale.length === 1 ? 'entry' : 'entries'} (${idList(stale)}): remove from the baseline`);
    return { ...base, status: 'not certified', reason: parts.join('; ') };
  }
  if (applicable.length === 0) {
    return {
      ...base,
      status: 'not applicable',
      reason: reqs.some(binding) ? 'the target claims none of the capabilities its requirements bind' : 'the profile has no MUST or seed requirement',
    };
  }
  if (applicable.every((r) => r.verdict === 'not-run')) return { ...base, status: 'not evaluated', reason: 'none of its scenarios ran in this run' };
  if (missing.length > 0) {
    const notTestable = missing.filter((r) => r.verdict === 'not-testable');
    const notRun = missing.filter((r) => r.verdict === 'not-run');
    const parts = [];
    if (notTestable.length) parts.push(`${plural(notTestable.length, 'binding requirement')} not testable (${idList(notTestable)})`);
    if (notRun.length) parts.push(`${plural(notRun.length, 'binding requirement')} not run (${idList(notRun)})`);
    return { ...base, status: 'incomplete', reason: `not certified (incomplete): ${parts.join('; ')}` };
  }
  const warned = warnings.length ? `; ${plural(warnings.length, 'warning')} (${idList(warnings)})` : '';
  if (deviations.length > 0) {
    return { ...base, status: 'certified with deviations', reason: `known deviations: ${idList(deviations)}${warned}` };
  }
  return { ...base, status: 'certified', reason: `${plural(applicable.length, 'binding requirement')} passed${warned}` };
}

export interface CertifyOptions {
  /** Profiles the caller asked to certify (--profile); default: all when no tag filter is given. */
  readonly profiles?: readonly CertificationProfile[];
  /** The tag expression that selected the scenarios, when one was given. */
  readonly tags?: string;
}

const PASSING: readonly ProfileStatus[] = ['certified', 'certified with deviations', 'not applicable'];

export function certify(verdicts: Verdicts, options: CertifyOptions = {}): Certification {
  const explicit = options.profiles !== undefined && options.profiles.length > 0;
  const asked: readonly CertificationProfile[] = explicit ? options.profiles! : options.tags ? [] : DEFAULT_PROFILES;
  const profiles = PROFILES.map((p) => certifyProfile(p, verdicts.requirements, asked.includes(p)));
  const scope = { profiles: asked, explicitProfiles: explicit, ...(options.tags ? { tags: options.tags } : {}) };
  const reasons: string[] = [...verdicts.runErrors];

  const failed = verdicts.requirements.filter((r) => r.verdict === 'failed');
  const stale = verdicts.requirements.filter((r) => r.verdict === 'stale-deviation');
  const untaggedFailures = verdicts.scenarios.filter((s) => s.requirementIds.length === 0 && s.verdict === 'failed');
  if (failed.length) reasons.push(`${plural(failed.length, 'requirement')} failed: ${idList(failed)}`);
  if (stale.length) reasons.push(`stale baseline ${stale.length === 1 ? 'entry' : 'entries'}: ${idList(stale)} pass${stale.length === 1 ? 'es' : ''} now; remove ${stale.length === 1 ? 'it' : 'them'} from the baseline`);
  if (untaggedFailures.length) reasons.push(`${plural(untaggedFailures.length, 'scenario')} without a requirement tag failed: ${untaggedFailures.map((s) => `"${s.name}"`).join(', ')}`);
  if (reasons.length > 0) return { status: 'not certified', exitCode: 1, reasons, scope, profiles };

  const deviations = verdicts.requirements.some((r) => r.verdict === 'known-deviation') || verdicts.scenarios.some((s) => s.verdict === 'known-deviation');
  if (asked.length > 0) {
    const short = profiles.filter((p) => p.asked && !PASSING.includes(p.status));
    if (short.length > 0) {
      return { status: 'incomplete', exitCode: 1, reasons: short.map((p) => `${p.profile}: ${p.status} — ${p.reason}`), scope, profiles };
    }
    const deviated = profiles.some((p) => p.asked && p.status === 'certified with deviations');
    return {
      status: deviated ? 'certified with deviations' : 'certified',
      exitCode: 0,
      reasons: profiles.filter((p) => p.asked).map((p) => `${p.profile}: ${p.status} — ${p.reason}`),
      scope,
      profiles,
    };
  }
  // A tag selection: certify only that nothing selected failed and nothing binding was left untested.
  const untested = verdicts.requirements.filter((r) => r.requirement.level !== 'SHOULD' && r.verdict === 'not-testable');
  if (untested.length > 0) {
    return {
      status: 'incomplete',
      exitCode: 1,
      reasons: untested.map((r) => `${r.requirement.id} not testable: ${r.reason ?? 'no reason recorded'}`),
      scope,
      profiles,
    };
  }
  return {
    status: deviations ? 'selection passed with deviations' : 'selection passed',
    exitCode: 0,
    reasons: [`partial run (--tags ${options.tags}): nothing selected failed; a partial run certifies no profile`],
    scope,
    profiles,
  };
}

export const isCertificationProfile = (p: string): p is CertificationProfile => (PROFILES as readonly string[]).includes(p);
