/**
 * The judgements of features/gateway-rate-limits.feature (REQ-GRL-*): the deployment's own claims about its gateway
 * (limits.gateway), one check() each, with the measured numbers in the message. Every refusal judged here follows a
 * positive control from the same client IP in the same scenario (the burst's first answers, or a baseline request
 * with the valid token), so a gateway that serves nothing cannot pass a refusal check.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge, explainedBy } from '../verdict/check.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { describeStats, judgeBeyondLimit, judgeWithinLimit, retryAfterSeconds, type RateVerdict } from './rate-analysis.ts';
import { describeFailures, type Unblocking } from './ip-block.ts';
import type { Recovery } from './rate-limit.ts';
import { MAX_BURSTS, type Location } from './rate-limit-location.ts';
import { describeAttempts, gatewayOutcome, isServedByGateway, type GatewayBlockedAddress, type GatewaySeries } from './gateway-limits.ts';

type Verdict = void | 'skipped';

function apply(world: CtkWorld, requirement: string, expected: string, verdict: RateVerdict): Verdict {
  if (verdict.verdict === 'not-testable') return world.notTestable(scenarioRequirements(world), verdict.detail, verdict.remedy);
  check(world, { requirement, expected, observed: verdict.detail }, () => expect(verdict.verdict, `${requirement} (limits.gateway.requestsPerSecond): ${verdict.detail}`).to.equal('pass'));
}

/** REQ-GRL-01: all of `limit` requests paced just under limit/s are served. */
export function judgeGatewayServedAtTheLimit(world: CtkWorld, requirement: string, series: GatewaySeries, limit: number): Verdict {
  world.log(`series from ${series.address}: ${describeStats(series.stats)}`);
  return apply(world, requirement, `all ${limit} requests with a valid token from ${series.address}, paced just under ${limit}/s, are served (the profile claims ${limit} per second per IP)`, judgeWithinLimit(series.stats, limit, '@REQ-GRL-01'));
}

/** REQ-GRL-02: the excess of a burst far beyond the limit gets 429 (RFC 6585 §4). */
export function judgeGateway429(world: CtkWorld, requirement: string, series: GatewaySeries, limit: number): Verdict {
  world.log(`burst from ${series.address}: ${describeStats(series.stats)}`);
  return apply(world, requirement, `429 (RFC 6585 §4) for the requests beyond ${limit} per second from ${series.address}, as the profile claims`, judgeBeyondLimit(series.stats, limit));
}

/**
 * REQ-GRL-09: the located limit is no higher than the claim (rate-limit-location.ts). One cause, one finding: no
 * 429 within 3N, or more than 2N within one second, is REQ-GRL-02's finding, not judged here.
 */
export function judgeGatewayLimitNoHigher(world: CtkWorld, requirement: string, location: Location): Verdict {
  const { decision, limit } = location;
  const expected = `a burst with a valid token from a fresh client IP is served at most ${limit} + ${limit} × its duration in seconds + max(2, 10 %) before the gateway's first 429 (the profile claims ${limit} per second per IP; the first of up to ${MAX_BURSTS} bursts within that passes)`;
  world.log(`REQ-GRL-09 bursts: ${decision.detail}`);
  if (decision.verdict === 'no-limit' || decision.verdict === 'far-beyond') {
    explainedBy(world, { requirement, expected, root: 'REQ-GRL-02', why: decision.detail });
    return;
  }
  return apply(world, requirement, expected, decision);
}

/**
 * REQ-GRL-03 (MUST, RFC 9110 §2.2 / §10.2.3): a Retry-After the gateway sends is delay-seconds or an HTTP-date. A 429
 * without one passes: RFC 6585 §4 says the answer MAY include it, and the kit grades by the clause, not stricter.
 */
export function judgeGatewayRetryAfter(world: CtkWorld, requirement: string, series: GatewaySeries): Verdict {
  const answers = series.result.records.filter((r) => gatewayOutcome(r.exchange) === 'rate-limited').map((r) => r.exchange);
  if (answers.length === 0) {
    return world.notTestable(scenarioRequirements(world), `the burst met no 429 (${describeStats(series.stats)}), so there is no 429 to read`, 'see REQ-GRL-02');
  }
  const given = answers.filter((a) => a.response!.headers['retry-after'] !== undefined);
  const bad = given.filter((a) => retryAfterSeconds(a.response!.headers['retry-after'], Date.now(), a.response!.headers.date) === undefined);
  const observed =
    `${given.length} of ${answers.length} 429 answer(s) carry Retry-After${given.length < answers.length ? ' (its absence is allowed: RFC 6585 §4 MAY)' : ''}; ` +
    `${bad.length} malformed${bad[0] ? `, e.g. Retry-After: ${JSON.stringify(bad[0].response!.headers['retry-after'])}` : ''}`;
  check(world, { requirement, expected: 'every Retry-After on a 429 is delay-seconds or an HTTP-date (RFC 9110 §10.2.3; §2.2: a sender MUST NOT generate what the grammar does not allow)', observed }, () =>
    expect(bad.length, `${requirement} (RFC 9110 §10.2.3): malformed Retry-After on the gateway's 429`).to.equal(0),
  );
}

/** REQ-GRL-07 / REQ-GRL-06: the second client IP is served while the first is limited or blocked. */
export function judgeGatewayBystanderServed(world: CtkWorld, requirement: string, second: Exchange, secondAddress: string, firstAddress: string, why: string): Verdict {
  check(world, {
    requirement,
    expected: `${secondAddress} is served with a valid token: ${firstAddress} ${why}, which must not affect another client IP (the profile claims per-IP limits)`,
    observed: describeOutcome(second),
  }, () => expect(isServedByGateway(second), `${requirement} (limits.gateway: per client IP): the second client IP was not served`).to.equal(true));
}

/** REQ-GRL-08: served again once the second (or the Retry-After) has passed. */
export function judgeGatewayServedAgain(world: CtkWorld, requirement: string, recovery: Recovery, address: string): Verdict {
  check(world, {
    requirement,
    expected: `${address} is served again within ${recovery.askedWaitSeconds} s (a limit per second, or what the 429 asked) plus tolerance`,
    observed: `${recovery.served ? 'served' : 'still refused'} after ${(recovery.waitedMs / 1000).toFixed(1)} s; ${describeAttempts(recovery.attempts)}`,
  }, () => expect(recovery.served, `${requirement} (limits.gateway.requestsPerSecond: per second): still refused`).to.equal(true));
}

/** REQ-GRL-04: after the invalid tokens, the valid token from the same address is not served. */
export function judgeGatewayBlocked(world: CtkWorld, requirement: string, blocked: GatewayBlockedAddress, failedAttempts: number): Verdict {
  if (blocked.failures.some(isServedByGateway)) {
    return world.notTestable(scenarioRequirements(world), `the gateway served the invalid token (${describeFailures(blocked.failures)}), so no invalid token was refused to count`, 'see REQ-BEARER-04');
  }
  check(world, {
    requirement,
    expected: `after ${failedAttempts} requests with an invalid token from ${blocked.address} (which was served with the valid token just before), the valid token from ${blocked.address} is refused (connection error or refusal, never served)`,
    observed: `invalid tokens: ${describeFailures(blocked.failures)}; then the valid token got ${describeOutcome(blocked.probe)}`,
  }, () => expect(isServedByGateway(blocked.probe), `${requirement} (limits.gateway.ipBlock.failedAttempts): the IP was still served`).to.equal(false));
}

/**
 * REQ-GRL-05, the block's duration: a valid token half-way through the stated block time is still refused (any
 * outcome but served, as REQ-GRL-04 counts). Without a half-way request (ip-block.ts halfWayProbeAt: a very short
 * block, or an answer too slow to leave time for one) the block's minimum length was not judged: that is a
 * could-not-judge record with the reason, so REQ-GRL-05 comes out "partly judged" (not testable), never passed on
 * the served-again check alone.
 */
export function judgeGatewayStillBlockedHalfWay(world: CtkWorld, requirement: string, unblocking: Unblocking, address: string, blockSeconds: number): Verdict {
  const { halfWay } = unblocking;
  if (!halfWay.sent) {
    couldNotJudge(world, {
      requirement,
      expected: `a valid token from ${address} half-way through the stated block of ${blockSeconds} s is still refused (connection error or refusal, never served)`,
      why: `the block's duration was not observed: ${halfWay.reason}`,
    });
    return;
  }
  check(world, {
    requirement,
    expected: `a valid token from ${address} ${(halfWay.sentAfterMs / 1000).toFixed(2)} s after its last invalid token, half-way through the stated block of ${blockSeconds} s, is still refused (connection error or refusal, never served)`,
    observed: `${describeOutcome(halfWay.exchange)} (round trip ${halfWay.roundTripMs.toFixed(0)} ms)`,
  }, () => expect(isServedByGateway(halfWay.exchange), `${requirement} (limits.gateway.ipBlock.blockSeconds): the block was lifted before half of ${blockSeconds} s`).to.equal(false));
}

/** REQ-GRL-05: served again once the stated block time is over. */
export function judgeGatewayServedAfterBlock(world: CtkWorld, requirement: string, unblocking: Unblocking, address: string, blockSeconds: number): Verdict {
  check(world, {
    requirement,
    expected: `${address} is served again once the stated block of ${blockSeconds} s is over (tolerance: 1 s + 25 %)`,
    observed: `${unblocking.served ? 'served' : 'still refused'} ${(unblocking.afterMs / 1000).toFixed(1)} s after its last request (${unblocking.halfWay.sent ? 'the half-way request' : 'the first probe'}); ${describeAttempts(unblocking.attempts)}`,
  }, () => expect(unblocking.served, `${requirement} (limits.gateway.ipBlock.blockSeconds): still refused`).to.equal(true));
}

/** Was the first address still limited when the second was asked? (else REQ-GRL-07 cannot be judged) */
export const stillLimitedAtTheGateway = (probe: Exchange): boolean => gatewayOutcome(probe) === 'rate-limited';
