/**
 * Attachment media types the kit writes into the Cucumber message stream. The verdict layer (reports,
 * certificate, console summary) reads them back: they are the contract between a scenario and its verdict.
 */
export const MEDIA = {
  /** A SHOULD-level (or stricter-than-clause) expectation that was not met: the scenario passes, the verdict is "warning". */
  warning: 'application/vnd.auth-ctk.warning+json',
  /** The scenario could not run because the target lacks a prerequisite: verdict "not testable". */
  notTestable: 'application/vnd.auth-ctk.not-testable+json',
  /** The target does not claim the capability the requirement binds: verdict "not applicable". */
  notApplicable: 'application/vnd.auth-ctk.not-applicable+json',
  /** A broken MUST/SEED requirement, structured (the thrown error carries the same one-line diagnosis). */
  violation: 'application/vnd.auth-ctk.violation+json',
  /**
   * Every check the scenario evaluated, passes included (a JSON array of CheckRecord, one attachment per
   * scenario). A requirement passes only on a check of it that held: a tag is a claim, a held check is evidence.
   */
  checks: 'application/vnd.auth-ctk.checks+json',
  /** Redacted request/response evidence of the scenario. */
  evidence: 'application/vnd.auth-ctk.evidence+json',
  /** Which browser a scenario drove (support/browser/chromium.ts BrowserIdentity): the certificate records it. */
  browser: 'application/vnd.auth-ctk.browser+json',
} as const;

export interface Finding {
  readonly requirementId: string;
  readonly level: string;
  readonly source: string;
  readonly expected: string;
  readonly observed: string;
  /** One line: `REQ-X clause — expected ...; got ...` */
  readonly diagnosis: string;
}

export interface NotRunReason {
  readonly requirementIds: readonly string[];
  readonly reason: string;
  /** What the target profile needs for the check to run. */
  readonly remedy?: string;
}

/**
 * The outcome of one check, as data (the OpenID conformance suite logs every condition it evaluates the same way):
 *   holds            the target did what the clause asks;
 *   does-not-hold    it did not (graded by the requirement's level: a failure or a warning);
 *   could-not-judge  the check could not look (a negative check whose positive control failed, no challenge where
 *                    one was due): it neither passes nor fails its requirement, and says why;
 *   does-not-apply   the clause's condition did not arise here (no 401 to examine where every 401 must carry a
 *                    challenge; a token issued where a refusal's format would be judged): nothing to judge, and no
 *                    gap either.
 */
export type CheckOutcome = 'holds' | 'does-not-hold' | 'could-not-judge' | 'does-not-apply';

export interface CheckRecord {
  readonly requirementId: string;
  /** The condition's name: the judge that evaluated it (`judgeBearerError`), stable across runs. */
  readonly check: string;
  readonly expected: string;
  /** What the check looked at (redacted); for could-not-judge, why it could not. */
  readonly observed: string;
  readonly outcome: CheckOutcome;
}

/**
 * Does this could-not-judge record say another requirement's finding explains it (support/verdict/check.ts
 * explainedBy)? The root requirement's id, else undefined.
 */
export const explainingRoot = (record: Pick<CheckRecord, 'outcome' | 'observed'>): string | undefined =>
  record.outcome === 'could-not-judge' ? /^(REQ-[A-Z]+-\d{2})'s finding explains this answer/.exec(record.observed)?.[1] : undefined;
