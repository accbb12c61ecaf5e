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
