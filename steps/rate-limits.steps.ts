/**
 * Steps of features/rate-limits.feature (seed 001). Each step is one call into support/load/ — which plans and caps
 * the load, picks fresh client IPs and measures — plus, for Then steps, one verdict.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { loadNotTestable as notTestable, takeLoadAddress } from '../support/load/scenario-address.ts';
import {
  burstBeyondTheLimitMeasured,
  isUnavailable,
  sendAtTheLimitMeasured,
  statedLimit,
  waitUntilServedAgain,
  type Recovery,
  type Series,
} from '../support/load/rate-limit.ts';
import { blockSettings, bystanderBaseline, failLoginsFrom, ipBlockClient, isServed, MAX_BLOCK_WAIT_SECONDS, tooLongToWaitOut, unblockPolls, waitOutTheBlock, type BlockedAddress, type Unblocking } from '../support/load/ip-block.ts';
import {
  judgeAllServedAtTheLimit,
  judgeBlocked,
  judgeBurstRefusedWith429,
  judgeLimitNoHigher,
  judgeRetryAfter,
  judgeSecondAddressServed,
  judgeServedAfterBlock,
  judgeStillBlockedHalfWay,
  judgeServedAgainAfterLimit,
} from '../support/load/verdicts.ts';
import { describeStats } from '../support/load/rate-analysis.ts';
import { locateTheLimit, type Location } from '../support/load/rate-limit-location.ts';
import { askTheTokenBystanderWhileLimited } from '../support/load/bystander.ts';
import { cappedTokenRequest } from '../support/load/paced-requests.ts';
import { describeOutcome, type Exchange } from '../support/http/exchange.ts';
import { requirementFor } from '../support/gateway/scenario-requirements.ts';
import { stateKey } from '../support/scenario-state.ts';

const ADDRESS = stateKey<string>('client IP');
const SECOND = stateKey<string>('bystander client IP');
const SERIES = stateKey<Series>('series of token requests at or over the limit');
const BLOCKED = stateKey<BlockedAddress>('blocked client IP');
const SECOND_ANSWER = stateKey<Exchange>('answer to the bystander client IP');
const RECOVERY = stateKey<Recovery>('second attempt after the limit');
const UNBLOCKING = stateKey<Unblocking>('attempts after the block');
const LOCATION = stateKey<Location>('bursts until the first 429');

// --- Given --------------------------------------------------------------------------------------------------

Given('client IPs of its own for the rate-limit check', function (this: CtkWorld) {
  // One now; sendAtTheLimitMeasured takes another only when the machine could not keep the pace from the first.
  return takeLoadAddress(this, ADDRESS, { ownAddress: true });
});

Given('a client IP of its own for the rate-limit check', function (this: CtkWorld) {
  return takeLoadAddress(this, ADDRESS, { ownAddress: true });
});

Given('a client IP of its own for the IP-block check', function (this: CtkWorld) {
  return takeLoadAddress(this, ADDRESS);
});

Given('a bystander client IP of its own, from which the token endpoint issues tokens', async function (this: CtkWorld) {
  if (takeLoadAddress(this, SECOND)) return 'skipped';
  const baseline = await bystanderBaseline(this, this.state.recall(SECOND));
  if (isUnavailable(baseline)) return notTestable(this, baseline);
});

Given('a client IP of its own that the token endpoint has rate-limited', async function (this: CtkWorld) {
  if (takeLoadAddress(this, ADDRESS, { ownAddress: true })) return 'skipped';
  const series = await burstBeyondTheLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(ADDRESS, series.address);
  this.state.remember(SERIES, series);
  this.log(`burst from ${series.address}: ${describeStats(series.stats)}`);
  if (series.stats.outcomes['rate-limited'] === 0) {
    return notTestable(this, { reason: `the burst met no 429 (${describeStats(series.stats)}), so no client IP is rate-limited to check this with`, remedy: 'see REQ-RL-02' });
  }
});

Given('a client IP of its own that the token endpoint has blocked after failed logins', async function (this: CtkWorld) {
  if (takeLoadAddress(this, ADDRESS)) return 'skipped';
  const settings = blockSettings(this);
  if ('reason' in settings) return notTestable(this, settings);
  const blocked = await failLoginsFrom(this, this.state.recall(ADDRESS), unblockPolls(settings.blockSeconds) + 2);
  if (isUnavailable(blocked)) return notTestable(this, blocked);
  this.state.remember(BLOCKED, blocked);
  if (isServed(blocked.probe) || blocked.failures.some(isServed)) {
    return notTestable(this, { reason: `the client IP was not blocked after ${settings.failedAttempts} failed logins (the correct request got ${describeOutcome(blocked.probe)})`, remedy: 'see REQ-RL-04' });
  }
});

// --- When ---------------------------------------------------------------------------------------------------

When('one of them requests tokens at the stated limit for one second', async function (this: CtkWorld) {
  const series = await sendAtTheLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(SERIES, series);
});

When('that client IP sends a burst of token requests far beyond the stated limit', async function (this: CtkWorld) {
  const series = await burstBeyondTheLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(ADDRESS, series.address);
  this.state.remember(SERIES, series);
});

When('that client IP sends token requests back to back until the first 429', async function (this: CtkWorld) {
  const location = await locateTheLimit(this, this.state.recall(ADDRESS));
  if (isUnavailable(location)) return notTestable(this, location);
  this.state.remember(LOCATION, location);
});

When('the bystander client IP requests a token while the first is still rate-limited', async function (this: CtkWorld) {
  const answer = await askTheTokenBystanderWhileLimited(this, this.state.recall(SERIES), this.state.recall(SECOND));
  if (isUnavailable(answer)) return notTestable(this, answer);
  this.state.remember(ADDRESS, answer.series.address);
  this.state.remember(SERIES, answer.series);
  this.state.remember(SECOND_ANSWER, answer.second);
});

When('that client IP waits as long as the 429 asked and requests a token again', { timeout: 90_000 }, async function (this: CtkWorld) {
  const recovery = await waitUntilServedAgain(this, this.state.recall(SERIES));
  if (isUnavailable(recovery)) return notTestable(this, recovery);
  this.state.remember(RECOVERY, recovery);
});

When('that client IP fails to log in as often as the target blocks after', async function (this: CtkWorld) {
  const blocked = await failLoginsFrom(this, this.state.recall(ADDRESS), 0);
  if (isUnavailable(blocked)) return notTestable(this, blocked);
  this.state.remember(BLOCKED, blocked);
});

When('the bystander client IP requests a token with correct credentials', async function (this: CtkWorld) {
  const blocked = this.state.recall(BLOCKED);
  this.state.remember(SECOND_ANSWER, await cappedTokenRequest(this, blocked.cap, ipBlockClient(this), this.state.recall(SECOND)));
});

When('that client IP requests a token half-way through the stated block time, then waits out the block time from that request and requests a token again', { timeout: (MAX_BLOCK_WAIT_SECONDS + 30) * 1000 }, async function (this: CtkWorld) {
  const settings = blockSettings(this);
  if ('reason' in settings) return notTestable(this, settings);
  const tooLong = tooLongToWaitOut(settings.blockSeconds, MAX_BLOCK_WAIT_SECONDS);
  if (tooLong) return notTestable(this, tooLong);
  this.state.remember(UNBLOCKING, await waitOutTheBlock(this, this.state.recall(BLOCKED), settings.blockSeconds));
});

// --- Then ---------------------------------------------------------------------------------------------------

Then('every one of those token requests gets a token', function (this: CtkWorld) {
  const limit = statedLimit(this) as number;
  return judgeAllServedAtTheLimit(this, requirementFor(this, ['REQ-RL-01']), this.state.recall(SERIES), limit);
});

Then('the token endpoint refuses the excess of the burst with 429', function (this: CtkWorld) {
  const limit = statedLimit(this) as number;
  return judgeBurstRefusedWith429(this, requirementFor(this, ['REQ-RL-02']), this.state.recall(SERIES), limit);
});

Then('no more tokens were served before it than the stated limit allows', function (this: CtkWorld) {
  return judgeLimitNoHigher(this, requirementFor(this, ['REQ-RL-14']), this.state.recall(LOCATION));
});

Then('every 429 answer to that client IP carries a valid Retry-After header', function (this: CtkWorld) {
  return judgeRetryAfter(this, requirementFor(this, ['REQ-RL-03']), this.state.recall(SERIES));
});

Then('the bystander client IP gets a token', function (this: CtkWorld) {
  const requirement = requirementFor(this, ['REQ-RL-07', 'REQ-RL-06']);
  const why = requirement === 'REQ-RL-07' ? 'was rate-limited at that moment' : 'was blocked after failed logins';
  return judgeSecondAddressServed(this, requirement, this.state.recall(SECOND_ANSWER), this.state.recall(SECOND), this.state.recall(ADDRESS), why);
});

Then('that client IP gets a token again', function (this: CtkWorld) {
  const requirement = requirementFor(this, ['REQ-RL-08', 'REQ-RL-05']);
  const address = this.state.recall(ADDRESS);
  if (requirement === 'REQ-RL-08') return judgeServedAgainAfterLimit(this, requirement, this.state.recall(RECOVERY), address);
  const settings = blockSettings(this) as { blockSeconds: number };
  return judgeServedAfterBlock(this, requirement, this.state.recall(UNBLOCKING), address, settings.blockSeconds);
});

Then('the token request half-way through the block time is blocked', function (this: CtkWorld) {
  const settings = blockSettings(this) as { blockSeconds: number };
  return judgeStillBlockedHalfWay(this, requirementFor(this, ['REQ-RL-05']), this.state.recall(UNBLOCKING), this.state.recall(ADDRESS), settings.blockSeconds);
});

Then('a token request with correct credentials from that client IP is blocked', function (this: CtkWorld) {
  const settings = blockSettings(this) as { failedAttempts: number };
  return judgeBlocked(this, requirementFor(this, ['REQ-RL-04']), this.state.recall(BLOCKED), settings.failedAttempts);
});
