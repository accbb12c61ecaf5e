/**
 * Client IPs for requests that the target may count as failed logins (wrong secret, unknown client, malformed
 * requests). Seed 001: "continuous failed login attempts from the same IP" get that IP blocked — if the kit sent
 * them from 127.0.0.1, the address every other scenario uses, one feature could lock the rest of the run out.
 *
 * So each such request goes out from one of the target's `sourceAddresses` (distinct 127.0.0.x on loopback), and
 * no address is given more failures than the target tolerates before it blocks: `ipBlock.failedAttempts - 1`
 * when the profile states it, 1 when the target claims ip-blocking without saying after how many. Which addresses
 * are the failures' is the run's address budget (support/load/source-addresses.ts, addressBudget): the load checks
 * and the browser scenarios have their own, so none of them share a failure count.
 * Without usable source addresses (a remote target) failures go out from the default address within the same
 * budget; when that is spent the scenario is not testable rather than risking a block. Parallel cucumber workers
 * never share an address (worker i of n takes every n-th one) and split the default address's budget.
 */
import type { TargetDescription } from '../target/target.ts';
import { addressBudget, workerShare, type WorkerShare } from '../load/source-addresses.ts';

export interface FailureAddress {
  /** The source address to send from; undefined = the default address. */
  readonly sourceAddress: string | undefined;
}

/** How many failures one address may take without being blocked; Infinity when the target does not block. */
export function failureBudget(target: TargetDescription): number {
  if (target.capabilities['ip-blocking'] !== true) return Number.POSITIVE_INFINITY;
  const attempts = target.limits.ipBlock?.failedAttempts;
  return attempts !== undefined && attempts > 1 ? attempts - 1 : 1;
}

/**
 * The addresses this worker may hand out, in order: the failures' share of the run's budget (addressBudget: none
 * for a remote target, one when the target does not block, else from the middle of the list to the third-last).
 */
export function failureAddressPool(target: TargetDescription, share: WorkerShare = workerShare()): readonly string[] {
  return addressBudget(target).failures.filter((_, i) => i % share.total === share.id);
}

/** Failures sent per address in this process (one run = one process = one target). */
const spent = new Map<string, number>();
const DEFAULT = 'default';

export class NoFailureAddressLeft extends Error {
  constructor(budget: number, poolSize: number) {
    super(
      `every client IP the kit may fail from has taken ${budget} failed attempt(s), the most the target tolerates before blocking ` +
        `(${poolSize} source address(es) available)`,
    );
    this.name = 'NoFailureAddressLeft';
  }
}

/**
 * An address for the next request that may count as a failed login; `failures` is how many such requests the
 * caller will send from it (they must all come from one IP, e.g. a refusal and its follow-up). `keepUntouched`
 * source addresses of the pool stay unused for other callers: a set-up's rerouted request may not take the last
 * ones, which the scenarios that judge the refusal need (own-address-guard.ts).
 */
export function addressForFailures(target: TargetDescription, failures = 1, share: WorkerShare = workerShare(), keepUntouched = 0): FailureAddress {
  const pool = failureAddressPool(target, share);
  // The default address is every worker's: each gets its share of its budget.
  const budget = pool.length > 0 ? failureBudget(target) : Math.floor(failureBudget(target) / share.total);
  const candidates = pool.length > 0 ? pool : [DEFAULT];
  let untouched = pool.filter((address) => !spent.has(address)).length;
  for (const address of candidates) {
    const used = spent.get(address) ?? 0;
    if (used === 0 && pool.length > 0 && untouched-- <= keepUntouched) continue;
    if (used + failures <= budget) {
      spent.set(address, used + failures);
      return { sourceAddress: address === DEFAULT ? undefined : address };
    }
  }
  throw new NoFailureAddressLeft(budget, pool.length);
}

/**
 * Gives back failures taken with addressForFailures that the target did not count: the request was served (or
 * refused for something other than a login), so that address took no failed login from it.
 */
export function returnFailures(address: FailureAddress, failures = 1): void {
  const key = address.sourceAddress ?? DEFAULT;
  const left = (spent.get(key) ?? 0) - failures;
  if (left > 0) spent.set(key, left);
  else spent.delete(key);
}

/** For the kit's own tests. */
export function resetFailureAddresses(): void {
  spent.clear();
}
