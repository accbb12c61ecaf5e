/**
 * The run's own address at a gateway that blocks an IP after repeated invalid tokens (capability
 * gateway-ip-blocking, limits.gateway.ipBlock.failedAttempts; REQ-GRL-04). The ordinary gateway checks (bearer
 * errors, forged tokens, anonymous access) send their invalid tokens from the run's own address; enough of them in
 * a row and the gateway would block it, and every later scenario would fail for a reason that is the kit's doing.
 *
 * The claim is about CONSECUTIVE invalid tokens, so a request with a valid token in between ends the series: after
 * `failedAttempts - 1` refused requests with credentials in a row (this worker's share of them when workers run in
 * parallel, since they share the address), the next request with credentials is preceded by one with a valid token
 * of the system client. A gateway that blocks on invalid tokens whatever comes between is not what the profile
 * claims; README "Gateway, identity and rate-limit checks" says how to run against one.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { workerShare } from '../load/source-addresses.ts';

/** Refused requests with credentials in a row, from this process (the run's own address). */
let refusedInARow = 0;

/** How many refused requests with credentials this worker lets through in a row, or undefined when the target does not block. */
export function ownAddressAllowance(world: CtkWorld): number | undefined {
  if (world.target.capabilities['gateway-ip-blocking'] !== true) return undefined;
  const attempts = world.target.limits.gateway?.ipBlock?.failedAttempts;
  if (attempts === undefined) return undefined;
  return Math.max(0, Math.floor((attempts - 1) / workerShare().total));
}

/** Before a request with credentials: does a valid one have to go first to end the series? */
export function needsValidRequestFirst(world: CtkWorld): boolean {
  const allowance = ownAddressAllowance(world);
  return allowance !== undefined && refusedInARow >= allowance;
}

/** After any request through the gateway from the run's own address. */
export function countAnswer(exchange: Exchange, withCredentials: boolean): void {
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) refusedInARow = 0;
  else if (withCredentials) refusedInARow++;
}

/** For the kit's own tests. */
export const resetOwnAddressGuard = (): void => {
  refusedInARow = 0;
};
