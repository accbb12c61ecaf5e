/**
 * The one way a step says "this cannot be judged here": throw NotTestableError (a missing prerequisite, a route the
 * profile does not describe). support/hooks.ts turns it into the scenario's not-testable record in one place, so a
 * helper deep in support/ needs no World plumbing and no step can let the reason fall on the floor.
 */
export class NotTestableError extends Error {
  readonly reason: string;
  /** What the target profile needs for the check to run. */
  readonly remedy?: string;
  /** Requirements it concerns; default: every requirement the scenario is tagged with. */
  readonly requirementIds?: readonly string[];

  constructor(reason: string, options: { remedy?: string; requirementIds?: readonly string[] } = {}) {
    super(reason);
    this.name = 'NotTestableError';
    this.reason = reason;
    if (options.remedy) this.remedy = options.remedy;
    if (options.requirementIds) this.requirementIds = options.requirementIds;
  }
}
