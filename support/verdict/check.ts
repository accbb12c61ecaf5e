/**
 * The one way a scenario judges the system under test. A check names its requirement; its level (from the
 * catalogue, never from the step) decides what a miss means:
 *   MUST / SEED -> throws RequirementViolation: the scenario fails, with a one-line diagnosis;
 *   SHOULD      -> records a warning and lets the scenario go on: verdict "warning", not "failed".
 * A check whose situation falls under a SHOULD of the clause (`should`) is graded as SHOULD, whatever the level.
 * Every evaluation is also recorded as a CheckRecord, passes included: a requirement's "passed" is computed from
 * the checks of it that held (support/report/verdicts.ts), never from a scenario that merely ended without error.
 * A judge that cannot look (nothing to examine, a failed positive control) says so with couldNotJudge().
 */
import { AssertionError } from 'chai';
import { requirement } from '../requirements/catalogue.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { redact } from '../http/redact.ts';
import type { CheckRecord, Finding } from './media-types.ts';

export class RequirementViolation extends Error {
  readonly finding: Finding;
  constructor(finding: Finding, detail?: string) {
    super(detail ? `${finding.diagnosis}\n  ${detail}` : finding.diagnosis);
    this.name = 'RequirementViolation';
    this.finding = finding;
  }
}

/** Where findings go: the World implements it (attachments into the Cucumber message stream). */
export interface FindingSink {
  recordWarning(finding: Finding): void;
  recordViolation(finding: Finding): void;
  /** Every check's outcome, passes included. */
  recordCheck(record: CheckRecord): void;
}

export interface Expectation {
  /** The requirement this check judges. */
  readonly requirement: string;
  /** The condition's name in reports; defaults to the judge function that called check(). */
  readonly name?: string;
  /** What a conforming system does, concretely: `401 with WWW-Authenticate: Bearer error="invalid_token" for an expired token`. */
  readonly expected: string;
  /** What came back: an exchange (summarised, redacted) or a sentence. */
  readonly observed?: Exchange | string;
  /**
   * The SHOULD of the clause that governs what this check met, where it is weaker than the requirement's level
   * (e.g. RFC 7009 §2: a server SHOULD support revoking access tokens, and one that does not answers
   * unsupported_token_type, §2.2.1 — so "revoking a valid access token answers 200" misses only a SHOULD there).
   * A miss is then a warning citing this clause, never a failure. It only ever lowers the grade.
   */
  readonly should?: string;
}

const observedText = (observed: Exchange | string | undefined, fallback: string): string =>
  observed === undefined ? fallback : typeof observed === 'string' ? redact(observed) : describeOutcome(observed);

/** Frames between a judge and check(): the judge's own helpers, not conditions. */
const PLUMBING = new Set(['check', 'checkInPassing', 'couldNotJudge', 'doesNotApply', 'explainedBy', 'reportRootCause', 'recordUnjudged', 'underControl', 'controlled', 'gatewayServes', 'judge', 'apply', 'call']);

/**
 * The name of the kit function that called check(), `judgeBearerError`: the nearest named frame in support/ or
 * steps/ past `depth` frames (callerName's own). Stack frames are the only place that name lives without repeating
 * it at 100 call sites; an anonymous caller (a step body) leaves the check named after its requirement.
 */
function callerName(depth: number): string | undefined {
  const frames = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of frames.slice(depth)) {
    if (frame.includes('/node_modules/') || !/\/(support|steps)\//.test(frame)) continue;
    const m = /^\s*at (?:async )?(?:[\w$]+\.)*([\w$]+) \(/.exec(frame);
    if (m && !PLUMBING.has(m[1]!)) return m[1];
  }
  return undefined;
}

export function findingFor(expectation: Expectation): Finding {
  const req = requirement(expectation.requirement);
  const observed = observedText(expectation.observed, 'a different result');
  const level = expectation.should !== undefined ? 'SHOULD' : req.level;
  const source = expectation.should ?? req.source;
  const levelNote = level === 'SEED' ? 'seed' : level;
  return {
    requirementId: req.id,
    level,
    source,
    expected: expectation.expected,
    observed,
    diagnosis: `${req.id} ${source} [${levelNote}] — expected ${expectation.expected}; got ${observed}`,
  };
}

/**
 * Runs `assertion` (chai); if it fails, grades the miss by the requirement's level.
 * Returns true when the expectation held.
 */
export function check(sink: FindingSink, expectation: Expectation, assertion: () => void): boolean {
  const req = requirement(expectation.requirement);
  const name = expectation.name ?? callerName(1) ?? req.id;
  try {
    assertion();
    sink.recordCheck({ requirementId: req.id, check: name, expected: expectation.expected, observed: observedText(expectation.observed, 'as expected'), outcome: 'holds' });
    return true;
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    const finding = findingFor(expectation);
    sink.recordCheck({ requirementId: req.id, check: name, expected: expectation.expected, observed: finding.observed, outcome: 'does-not-hold' });
    if (finding.level === 'SHOULD') {
      sink.recordWarning(finding);
      return false;
    }
    sink.recordViolation(finding);
    throw new RequirementViolation(finding, redact(error.message));
  }
}

/**
 * A check of a requirement the scenario is not about, met in passing (a 401 without a challenge, seen while judging
 * the error code of a refused token). A miss is recorded as that requirement's finding, graded by its level, but
 * does not stop the scenario: its own requirements are still judged on what they check (a gateway that refuses a
 * forged token without a challenge still refused it). Reports follow the kit's verdicts, so the scenario shows as
 * failed all the same. Returns whether it held.
 */
export function checkInPassing(sink: FindingSink, expectation: Expectation, assertion: () => void): boolean {
  try {
    return check(sink, expectation, assertion);
  } catch (error) {
    if (error instanceof RequirementViolation) return false;
    throw error;
  }
}

/**
 * A check whose clause's condition did not arise in this scenario ("every 401 carries a challenge", and the answer
 * was a 200). Recorded with why; the requirement is "not applicable" in that scenario — never passed by it, and no
 * gap in its coverage either.
 */
export function doesNotApply(sink: FindingSink, expectation: Expectation & { readonly why: string }): void {
  recordUnjudged(sink, expectation, 'does-not-apply');
}

/**
 * A check that could not look: there was nothing for it to judge (no 401 to examine) or its positive control
 * failed (the route refuses valid requests too, so a refusal proves nothing). Recorded, so the report says why the
 * requirement was not judged; it never passes or fails the requirement by itself.
 */
export function couldNotJudge(sink: FindingSink, expectation: Expectation & { readonly why: string }): void {
  recordUnjudged(sink, expectation, 'could-not-judge');
}

/**
 * One cause, one finding. Where an observation shows a ROOT cause (the component received no identity at all for a
 * valid token; the token endpoint issued a token to a request that carried no client authentication), the cause is
 * the finding of the requirement whose clause it breaks (`root`), and a requirement whose judgement would only
 * repeat it on the SAME answer (`requirement`) is not judged on that answer: it says so, naming the root. This is
 * no pass: a could-not-judge record makes the requirement "not testable" in the scenario (support/report/verdicts.ts),
 * and the root's finding fails the run, so no certificate follows. Only for the same cause: a different input that
 * deviates on its own (a wrong secret in the form body refused with Basic but accepted in the body) is still a
 * finding of its own requirement. The reason reads "<root>'s finding explains this answer (<why>)".
 */
export function explainedBy(sink: FindingSink, expectation: Expectation & { readonly root: string; readonly why: string }): void {
  const root = requirement(expectation.root);
  const dependent = requirement(expectation.requirement);
  if (root.id === dependent.id) throw new Error(`explainedBy: ${root.id} cannot explain itself`);
  // A warning never absorbs a failure: a SHOULD root leaves a MUST/SEED dependent to be judged on its own.
  if (root.level === 'SHOULD' && dependent.level !== 'SHOULD') throw new Error(`explainedBy: ${root.id} (SHOULD) cannot explain ${dependent.id} (${dependent.level}) away`);
  recordUnjudged(sink, { ...expectation, why: `${root.id}'s finding explains this answer (${expectation.why})` }, 'could-not-judge');
}

/**
 * The root cause reported once: each of `dependents` is "not judged: <root>'s finding explains this answer", then
 * the root's check runs (`root` with its expectation and assertion). In the root's own terms: where the root is a
 * MUST or SEED it stops the scenario (the scenario's other requirements are not judged by it, as for any
 * finding); `inPassing` records it without stopping, for a scenario that goes on to judge something else. Returns
 * whether the root's check held (then nothing was explained away: the dependents' records are not written).
 */
export function reportRootCause(
  sink: FindingSink,
  root: Expectation,
  assertion: () => void,
  dependents: readonly { readonly requirement: string; readonly expected: string }[],
  options: { readonly why: string; readonly inPassing?: boolean },
): boolean {
  let held = true;
  try {
    assertion();
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    held = false;
  }
  if (held) return true;
  for (const d of dependents) explainedBy(sink, { ...d, root: root.requirement, why: options.why });
  return (options.inPassing ? checkInPassing : check)(sink, root, assertion);
}

/** A check that judged nothing, with why; the judge that called doesNotApply / couldNotJudge names it. */
function recordUnjudged(sink: FindingSink, expectation: Expectation & { readonly why: string }, outcome: 'does-not-apply' | 'could-not-judge'): void {
  const req = requirement(expectation.requirement);
  sink.recordCheck({
    requirementId: req.id,
    check: expectation.name ?? callerName(1) ?? req.id,
    expected: expectation.expected,
    observed: redact(expectation.why),
    outcome,
  });
}
