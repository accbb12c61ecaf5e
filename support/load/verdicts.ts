/**
 * The judgements of features/rate-limits.feature (seed 001; RFC 6585 §4), one check() each, with the measured
 * numbers in the message: what was sent, how fast, what came back.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge, explainedBy } from '../verdict/check.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { describeStats, judgeBeyondLimit, judgeWithinLimit, outcomeOf, retryAfterSeconds, type RateVerdict } from './rate-analysis.ts';
import { describeAttempts, rateLimitedAnswers, type Recovery, type Series } from './rate-limit.ts';
import { describeFailures, isServed, type BlockedAddress, type Unblocking } from './ip-block.ts';
import { MAX_BURSTS, type Location } from './rate-limit-location.ts';

type Verdict = void | 'skipped';

function apply(world: CtkWorld, requirement: string, expected: string, verdict: RateVerdict): Verdict {
  if (verdict.verdict === 'not-testable') return world.notTestable(scenarioRequirements(world), verdict.detail, verdict.remedy);
  check(world, { requirement, expected, observed: verdict.detail }, () => expect(verdict.verdict).to.equal('pass'));
}

export function judgeAllServedAtTheLimit(world: CtkWorld, requirement: string, series: Series, limit: number): Verdict {
  world.log(`series from ${series.address}: ${describeStats(series.stats)}`);
  return apply(world, requirement, `all ${limit} token requests from ${series.address}, paced just under ${limit}/s, get a token (seed 001: up to ${limit} per second are allowed)`, judgeWithinLimit(series.stats, limit));
}

export function judgeBurstRefusedWith429(world: CtkWorld, requirement: string, series: Series, limit: number): Verdict {
  world.log(`burst from ${series.address}: ${describeStats(series.stats)}`);
  return apply(world, requirement, `429 for the requests beyond ${limit} per second from ${series.address} (seed 001)`, judgeBeyondLimit(series.stats, limit));
}

/** REQ-RL-03 (SHOULD): every 429 carries Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function judgeRetryAfter(world: CtkWorld, requirement: string, series: Series): Verdict {
  const answers = rateLimitedAnswers(series);
  if (answers.length === 0) {
    return world.notTestable(scenarioRequirements(world), `the burst met no 429 (${describeStats(series.stats)}), so there is no 429 to read`, 'see REQ-RL-02');
  }
  const bad = answers.filter((a) => retryAfterSeconds(a.response!.headers['retry-after'], Date.now(), a.response!.headers.date) === undefined);
  check(world, {
    requirement,
    expected: 'every 429 carries Retry-After with delay-seconds or an HTTP-date (RFC 6585 §4, RFC 9110 §10.2.3)',
    observed: `${bad.length} of ${answers.length} 429 answer(s) without a valid Retry-After${bad[0] ? `, e.g. Retry-After: ${JSON.stringify(bad[0].response!.headers['retry-after'] ?? null)}` : ''}`,
  }, () => expect(bad.length).to.equal(0));
}

/** REQ-RL-07 / REQ-RL-06: the second address is served (while the first is limited or blocked). */
export function judgeSecondAddressServed(world: CtkWorld, requirement: string, second: Exchange, secondAddress: string, firstAddress: string, why: string): Verdict {
  check(world, {
    requirement,
    expected: `a token for ${secondAddress}: ${firstAddress} ${why}, which must not affect another client IP (seed 001: per IP)`,
    observed: describeOutcome(second),
  }, () => expect(isServed(second), 'a token for the second address').to.equal(true));
}

export function judgeServedAgainAfterLimit(world: CtkWorld, requirement: string, recovery: Recovery, address: string): Verdict {
  check(world, {
    requirement,
    expected: `a token for ${address} again within ${recovery.askedWaitSeconds} s (as the 429 asked) plus tolerance`,
    observed: `${recovery.served ? 'served' : 'still refused'} after ${(recovery.waitedMs / 1000).toFixed(1)} s; ${describeAttempts(recovery.attempts)}`,
  }, () => expect(recovery.served, 'served again').to.equal(true));
}

/** REQ-RL-04: after the failed logins, correct credentials from the same address get no token. */
export function judgeBlocked(world: CtkWorld, requirement: string, blocked: BlockedAddress, failedAttempts: number): Verdict {
  if (blocked.failures.some(isServed)) {
    return world.notTestable(scenarioRequirements(world), `the wrong secret got a token (${describeFailures(blocked.failures)}), so no failed login happened`, 'see the client-authentication checks (REQ-CAUTH)');
  }
  check(world, {
    requirement,
    expected: `after ${failedAttempts} failed logins from ${blocked.address}, a correct token request from ${blocked.address} is blocked (connection error or refusal, no token)`,
    observed: `failed logins: ${describeFailures(blocked.failures)}; then the correct request got ${describeOutcome(blocked.probe)}`,
  }, () => expect(isServed(blocked.probe), 'the blocked address got a token').to.equal(false));
}

/**
 * REQ-RL-05, the block's duration: a correct request half-way through the stated block time is still blocked (any
 * outcome without a token, as REQ-RL-04 counts). Without a half-way request (ip-block.ts halfWayProbeAt: a very
 * short block, or an answer too slow to leave time for one) the block's minimum length was not judged: that is a
 * could-not-judge record with the reason, so REQ-RL-05 comes out "partly judged" (not testable), never passed on
 * the served-again check alone.
 */
export function judgeStillBlockedHalfWay(world: CtkWorld, requirement: string, unblocking: Unblocking, address: string, blockSeconds: number): Verdict {
  const { halfWay } = unblocking;
  if (!halfWay.sent) {
    couldNotJudge(world, {
      requirement,
      expected: `a correct token request from ${address} half-way through the stated block of ${blockSeconds} s is still blocked (connection error or refusal, no token)`,
      why: `the block's duration was not observed: ${halfWay.reason}`,
    });
    return;
  }
  check(world, {
    requirement,
    expected: `a correct token request from ${address} ${(halfWay.sentAfterMs / 1000).toFixed(2)} s after its last failed login, half-way through the stated block of ${blockSeconds} s, is still blocked (connection error or refusal, no token)`,
    observed: `${describeOutcome(halfWay.exchange)} (round trip ${halfWay.roundTripMs.toFixed(0)} ms)`,
  }, () => expect(isServed(halfWay.exchange), `${requirement} (limits.ipBlock.blockSeconds): the block was lifted before half of ${blockSeconds} s`).to.equal(false));
}

export function judgeServedAfterBlock(world: CtkWorld, requirement: string, unblocking: Unblocking, address: string, blockSeconds: number): Verdict {
  check(world, {
    requirement,
    expected: `a token for ${address} again once the block of ${blockSeconds} s is over (tolerance: 1 s + 25 %)`,
    observed: `${unblocking.served ? 'served' : 'still blocked'} ${(unblocking.afterMs / 1000).toFixed(1)} s after its last request (${unblocking.halfWay.sent ? 'the half-way request' : 'the first probe'}); ${describeAttempts(unblocking.attempts)}`,
  }, () => expect(unblocking.served, 'served again').to.equal(true));
}

/** Was the first address still limited when the second was asked? (else REQ-RL-07 cannot be judged) */
export const stillLimited = (probe: Exchange): boolean => outcomeOf(probe) === 'rate-limited';

/**
 * REQ-RL-14: the located limit is no higher than stated (support/load/rate-limit-location.ts). One cause, one
 * finding: no 429 within 3N, or more than 2N within one second, is REQ-RL-02's finding, not judged here.
 */
export function judgeLimitNoHigher(world: CtkWorld, requirement: string, location: Location): Verdict {
  const { decision, limit } = location;
  const expected = `a burst from a fresh client IP is served at most ${limit} + ${limit} × its duration in seconds + max(2, 10 %) before the first 429 (seed 001: up to ${limit} per second; the first of up to ${MAX_BURSTS} bursts within that passes)`;
  world.log(`REQ-RL-14 bursts: ${decision.detail}`);
  if (decision.verdict === 'no-limit' || decision.verdict === 'far-beyond') {
    explainedBy(world, { requirement, expected, root: 'REQ-RL-02', why: decision.detail });
    return;
  }
  return apply(world, requirement, expected, decision);
}
