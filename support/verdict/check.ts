/**
 * The one way a scenario judges the system under test. A check names its requirement; its level (from the
 * catalogue, never from the step) decides what a miss means:
 *   MUST / SEED -> throws RequirementViolation: the scenario fails, with a one-line diagnosis;
 *   SHOULD      -> records a warning and lets the scenario go on: verdict "warning", not "failed".
 */
import { AssertionError } from 'chai';
import { requirement } from '../requirements/catalogue.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { redact } from '../http/redact.ts';
import type { Finding } from './media-types.ts';

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
}

export interface Expectation {
  /** The requirement this check judges. */
  readonly requirement: string;
  /** What a conforming system does, concretely: `401 with WWW-Authenticate: Bearer error="invalid_token" for an expired token`. */
  readonly expected: string;
  /** What came back: an exchange (summarised, redacted) or a sentence. */
  readonly observed?: Exchange | string;
}

export function findingFor(expectation: Expectation): Finding {
  const req = requirement(expectation.requirement);
  const observed =
    expectation.observed === undefined
      ? 'a different result'
      : typeof expectation.observed === 'string'
        ? redact(expectation.observed)
        : describeOutcome(expectation.observed);
  const levelNote = req.level === 'SEED' ? 'seed' : req.level;
  return {
    requirementId: req.id,
    level: req.level,
    source: req.source,
    expected: expectation.expected,
    observed,
    diagnosis: `${req.id} ${req.source} [${levelNote}] — expected ${expectation.expected}; got ${observed}`,
  };
}

/**
 * Runs `assertion` (chai); if it fails, grades the miss by the requirement's level.
 * Returns true when the expectation held.
 */
export function check(sink: FindingSink, expectation: Expectation, assertion: () => void): boolean {
  try {
    assertion();
    return true;
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    const finding = findingFor(expectation);
    if (requirement(expectation.requirement).level === 'SHOULD') {
      sink.recordWarning(finding);
      return false;
    }
    sink.recordViolation(finding);
    throw new RequirementViolation(finding, redact(error.message));
  }
}
