/**
 * The judgements of features/oauth-endpoint-rate-limits.feature (seed 001 on "the OAuth2.0 endpoints"; RFC 6585 §4),
 * one check() each, with the measured numbers in the message — the token endpoint's readings (rate-analysis.ts)
 * applied to the authorization endpoint, the JWKS and the discovery document.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { describeStats, judgeBeyondLimit, judgeWithinLimit, type RateVerdict } from './rate-analysis.ts';
import { endpointOutcome, nameOf, type EndpointSeries } from './oauth-endpoint-limits.ts';
import { describeAttempts, type Recovery } from './rate-limit.ts';

type Verdict = void | 'skipped';

function apply(world: CtkWorld, requirement: string, expected: string, verdict: RateVerdict): Verdict {
  if (verdict.verdict === 'not-testable') return world.notTestable(scenarioRequirements(world), verdict.detail, verdict.remedy);
  check(world, { requirement, expected, observed: verdict.detail }, () => expect(verdict.verdict).to.equal('pass'));
}

export function judgeEndpointServedAtTheLimit(world: CtkWorld, requirement: string, series: EndpointSeries, limit: number): Verdict {
  world.log(`series to ${nameOf(series.endpoint)} from ${series.address}: ${describeStats(series.stats)}`);
  return apply(
    world,
    requirement,
    `all ${limit} requests to ${nameOf(series.endpoint)} from ${series.address}, paced just under ${limit}/s, are served (seed 001: up to ${limit} per second from the same IP are allowed)`,
    judgeWithinLimit(series.stats, limit, `@${requirement}`),
  );
}

export function judgeEndpointBurstRefusedWith429(world: CtkWorld, requirement: string, series: EndpointSeries, limit: number): Verdict {
  world.log(`burst to ${nameOf(series.endpoint)} from ${series.address}: ${describeStats(series.stats)}`);
  return apply(world, requirement, `429 at ${nameOf(series.endpoint)} for the requests beyond ${limit} per second from ${series.address} (seed 001: "further requests will be rejected with a 429 response code")`, judgeBeyondLimit(series.stats, limit));
}

/** Was the first address still limited when the second was asked? (else REQ-RL-12 cannot be judged) */
export const stillLimitedAt = (series: EndpointSeries, probe: Exchange): boolean => endpointOutcome(series.endpoint)(probe) === 'rate-limited';

/** REQ-RL-12: the second address is served while the first is rate-limited at the same endpoint. */
export function judgeEndpointBystanderServed(world: CtkWorld, requirement: string, series: EndpointSeries, second: Exchange, secondAddress: string): Verdict {
  check(world, {
    requirement,
    expected: `${nameOf(series.endpoint)} serves ${secondAddress}: ${series.address} was rate-limited there at that moment, which must not affect another client IP (seed 001: "from the same IP")`,
    observed: describeOutcome(second),
  }, () => expect(endpointOutcome(series.endpoint)(second), 'served').to.equal('token'));
}

/** REQ-RL-13: the limited address is served again once the wait its 429 asked for (or the second) is over. */
export function judgeEndpointServedAgain(world: CtkWorld, requirement: string, burst: EndpointSeries, recovery: Recovery): Verdict {
  check(world, {
    requirement,
    expected: `${nameOf(burst.endpoint)} serves ${burst.address} again within ${recovery.askedWaitSeconds} s (as the 429 asked, else the seed's second) plus tolerance`,
    observed: `${recovery.served ? 'served' : 'still refused'} after ${(recovery.waitedMs / 1000).toFixed(1)} s; ${describeAttempts(recovery.attempts)}`,
  }, () => expect(recovery.served, 'served again').to.equal(true));
}

export const notTestableFor = (world: CtkWorld, why: { reason: string; remedy: string }): 'skipped' => world.notTestable(scenarioRequirements(world), why.reason, why.remedy);
