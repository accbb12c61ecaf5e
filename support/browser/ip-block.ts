/**
 * Wrong passwords typed on the login page as the failed logins of seed 001's IP block (REQ-RL-04), measured the
 * way the rate-limit area measures every block (support/load/ip-block.ts): a client IP of the check's own, a
 * baseline token request from it that is served, the failures, then one token request with correct
 * credentials, which a blocked IP does not get a token for. Every request — the browser's form posts included —
 * goes through the run's load cap, so a target whose profile switches load checks off is never sent any.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import type { TestUser } from '../target/target.ts';
import { planLoad, type LoadCap } from '../load/load-cap.ts';
import { baselineFrom, blockOverMs, ipBlockClient } from '../load/ip-block.ts';
import { earningABlock } from '../load/block-reach.ts';
import { cappedTokenRequest } from '../load/paced-requests.ts';
import { browserSourceAddress } from './source-addresses.ts';
import { describeLogin, failLoginRepeatedly, type LoginResult } from './human-login.ts';

export interface BlockCheck {
  readonly address: string;
  readonly failedAttempts: number;
  readonly blockSeconds: number;
  readonly cap: LoadCap;
}

export type Unavailable = { readonly reason: string; readonly remedy: string };

/** The client IP, the plan and a served baseline; or why the check cannot run here. */
export async function prepareBlockCheck(world: CtkWorld): Promise<BlockCheck | Unavailable> {
  const address = browserSourceAddress(world.target, 'ip-block');
  if (!address) {
    return { reason: 'the kit cannot give the browser a client IP of its own for this target (the run\'s own address is never risked)', remedy: 'run against a target reachable on loopback, with sourceAddresses listed' };
  }
  const block = world.target.limits.ipBlock;
  if (!block) return { reason: 'the target profile states no IP block (limits.ipBlock)', remedy: 'state limits.ipBlock (failedAttempts, blockSeconds) in the target profile' };
  const planned = planLoad(world, {
    purpose: `${block.failedAttempts} wrong passwords typed on the login page to get a client IP blocked`,
    // The login page, the form posts, the baseline (twice at most) and the probe.
    requests: block.failedAttempts + 4,
    url: world.target.browserLogin?.loginUrl ?? world.target.authorizationEndpoint ?? world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 5,
    withinSeconds: ((block.failedAttempts + 4) * world.target.limits.requestTimeoutMs) / 1000,
  });
  if ('reason' in planned) return planned;
  const baseline = await baselineFrom(world, planned.cap, ipBlockClient(world), address);
  if ('reason' in baseline) return baseline;
  return { address, failedAttempts: block.failedAttempts, blockSeconds: block.blockSeconds, cap: planned.cap };
}

export async function failLoginsInBrowser(world: CtkWorld, check: BlockCheck, user: TestUser): Promise<LoginResult[]> {
  // Another scenario's request that gets no answer while this block lasts is REQ-RL-06's (load/block-reach.ts).
  return earningABlock(check.address, blockOverMs(check.blockSeconds), () =>
    failLoginRepeatedly(world, user, check.failedAttempts, { sourceAddress: check.address, beforeRequest: () => check.cap.acquire() }),
  );
}

/** The token request with correct credentials after the failures. */
export function probeAfterFailures(world: CtkWorld, check: BlockCheck): Promise<Exchange> {
  return cappedTokenRequest(world, check.cap, ipBlockClient(world), check.address);
}

/** The requirement a login page that issues a code for a wrong password breaks (RFC 6749 §3.1, seed 004). */
const WRONG_PASSWORD_ROOT = 'REQ-HUM-03';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause): a wrong password that the login page answered
 * with a code was no failed login, so no IP block can follow from it. That is REQ-HUM-03's finding, and the block
 * (`requirement`, REQ-RL-04) is not judged on these attempts; no token request is sent then. Only where an attempt
 * actually came back with a code: a login page that refuses the wrong passwords leaves the block to be judged on
 * its own. True when it reported (the scenario stops at REQ-HUM-03, a MUST).
 */
export function wrongPasswordIssuedCode(world: CtkWorld, requirement: string, attempts: readonly LoginResult[], expected: string): boolean {
  const issued = attempts.find((a) => a.kind === 'redirected' && a.code !== undefined);
  if (!issued || !requirementApplies(world.target, WRONG_PASSWORD_ROOT)) return false;
  reportRootCause(
    world,
    { requirement: WRONG_PASSWORD_ROOT, expected: 'no redirect to the front end with a code after a wrong password', observed: `attempt ${attempts.indexOf(issued) + 1} of ${attempts.length} with a wrong password: ${describeLogin(issued)}` },
    () => expect(issued.kind === 'redirected' && issued.code !== undefined, 'a code issued for a wrong password').to.equal(false),
    [{ requirement, expected }],
    { why: 'the login page issued a code for a wrong password: the attempts were no failed logins to count' },
  );
  return true;
}
