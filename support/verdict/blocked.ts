/**
 * A scenario whose set-up needs something the target would not give (an access token, most often) has nothing to
 * judge: the refusal is the finding of the requirement about that thing (REQ-TOK-01 for a token), made once by
 * the scenario about it. Every other scenario that needed it reports "not testable (blocked: ...)" with that
 * reason, never a failure of its own requirement. Support code deep inside a step throws PrerequisiteBlocked, a
 * NotTestableError; the one wrapper around every step definition (wrapBlocked, installed by support/hooks.ts)
 * turns any NotTestableError into world.notTestable(...) for the scenario's requirements.
 */
import { NotTestableError } from './not-testable.ts';

export class PrerequisiteBlocked extends NotTestableError {
  /** The requirement whose scenario judges what was missing (REQ-TOK-01). */
  readonly blockedBy: string;
  /** Shown as the not-testable reason: `blocked: no token (REQ-TOK-01: ...)`. */
  declare readonly reason: string;
  declare readonly remedy: string;
  constructor(blockedBy: string, reason: string, remedy: string) {
    super(reason, { remedy });
    this.name = 'PrerequisiteBlocked';
    this.blockedBy = blockedBy;
  }
}

/** What the wrapper needs of the World: the scenario's requirement ids and the not-testable record. */
export interface BlockableWorld {
  notTestable(requirementIds: readonly string[], reason: string, remedy?: string): 'skipped';
}

/**
 * Wraps a step or hook function: a NotTestableError (PrerequisiteBlocked among them) thrown or rejected inside
 * becomes the not-testable record of its requirements (the scenario's, unless it names its own), and the step
 * returns 'skipped'. Anything else passes through unchanged; a synchronous step stays synchronous.
 */
export function wrapBlocked(fn: (...args: unknown[]) => unknown, requirementsOf: (world: BlockableWorld) => readonly string[]): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]): unknown {
    const onError = (error: unknown): unknown => {
      if (!(error instanceof NotTestableError) || !isBlockable(this)) throw error;
      return this.notTestable(error.requirementIds ?? requirementsOf(this), error.reason, error.remedy);
    };
    try {
      const result = fn.apply(this, args);
      return isPromise(result) ? result.catch(onError) : result;
    } catch (error) {
      return onError(error);
    }
  };
}

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as { then?: unknown } | undefined)?.then === 'function';
const isBlockable = (value: unknown): value is BlockableWorld => typeof (value as BlockableWorld | undefined)?.notTestable === 'function';
