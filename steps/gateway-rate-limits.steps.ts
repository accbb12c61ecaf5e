/**
 * Steps of features/gateway-rate-limits.feature (REQ-GRL-*). Each step is one call into support/load/ — which plans
 * and caps the load, picks fresh client IPs and measures — plus, for Then steps, one verdict.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { loadNotTestable as notTestable, takeLoadAddress } from '../support/load/scenario-address.ts';
import type { LoadCap } from '../support/load/load-cap.ts';
import { isUnavailable, type Recovery } from '../support/load/rate-limit.ts';
import { tooLongToWaitOut, unblockPolls, type Unblocking } from '../support/load/ip-block.ts';
import {
  burstBeyondTheGatewayLimitMeasured,
  cappedGatewayRequest,
  gatewayBlockSettings,
  gatewayBystanderBaseline,
  isServedByGateway,
  locateTheGatewayLimit,
  MAX_GATEWAY_BLOCK_WAIT_SECONDS,
  sendAtTheGatewayLimitMeasured,
  sendInvalidTokensFrom,
  statedGatewayLimit,
  waitOutTheGatewayBlock,
  waitUntilTheGatewayServesAgain,
  type GatewayBlockedAddress,
  type GatewaySeries,
} from '../support/load/gateway-limits.ts';
import {
  judgeGateway429,
  judgeGatewayBlocked,
  judgeGatewayBystanderServed,
  judgeGatewayLimitNoHigher,
  judgeGatewayRetryAfter,
  judgeGatewayServedAfterBlock,
  judgeGatewayStillBlockedHalfWay,
  judgeGatewayServedAgain,
  judgeGatewayServedAtTheLimit,
} from '../support/load/gateway-verdicts.ts';
import { askTheGatewayBystanderWhileLimited } from '../support/load/bystander.ts';
import { describeStats } from '../support/load/rate-analysis.ts';
import { describeOutcome, type Exchange } from '../support/http/exchange.ts';
import { requirementFor } from '../support/gateway/scenario-requirements.ts';
import { stateKey } from '../support/scenario-state.ts';
import type { Location } from '../support/load/rate-limit-location.ts';

const ADDRESS = stateKey<string>('client IP at the gateway');
const SECOND = stateKey<string>('bystander client IP at the gateway');
const BYSTANDER = stateKey<{ cap: LoadCap; authorization: string }>('bystander served by the gateway');
const SERIES = stateKey<GatewaySeries>('series of requests at the gateway at or over its limit');
const BLOCKED = stateKey<GatewayBlockedAddress>('client IP blocked at the gateway');
const SECOND_ANSWER = stateKey<Exchange>("the gateway's answer to the bystander client IP");
const RECOVERY = stateKey<Recovery>('second attempt after the gateway limit');
const UNBLOCKING = stateKey<Unblocking>('attempts after the gateway block');
const LOCATION = stateKey<Location>('bursts at the gateway until the first 429');

// --- Given --------------------------------------------------------------------------------------------------

Given("a client IP of its own for the gateway's rate limit", function (this: CtkWorld) {
  return takeLoadAddress(this, ADDRESS, { ownAddress: true });
});

Given("a client IP of its own for the gateway's IP block", function (this: CtkWorld) {
  return takeLoadAddress(this, ADDRESS);
});

Given('a bystander client IP of its own, which the gateway serves with a valid token', async function (this: CtkWorld) {
  if (takeLoadAddress(this, SECOND)) return 'skipped';
  const baseline = await gatewayBystanderBaseline(this, this.state.recall(SECOND));
  if (isUnavailable(baseline)) return notTestable(this, baseline);
  this.state.remember(BYSTANDER, baseline);
});

Given('a client IP of its own that the gateway has rate-limited', async function (this: CtkWorld) {
  if (takeLoadAddress(this, ADDRESS, { ownAddress: true })) return 'skipped';
  const series = await burstBeyondTheGatewayLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(ADDRESS, series.address);
  this.state.remember(SERIES, series);
  this.log(`burst from ${series.address}: ${describeStats(series.stats)}`);
  if (series.stats.outcomes['rate-limited'] === 0) {
    return notTestable(this, { reason: `the burst met no 429 (${describeStats(series.stats)}), so no client IP is rate-limited to check this with`, remedy: 'see REQ-GRL-02' });
  }
});

Given('a client IP of its own that the gateway has blocked after invalid tokens', async function (this: CtkWorld) {
  if (takeLoadAddress(this, ADDRESS)) return 'skipped';
  const settings = gatewayBlockSettings(this);
  if (isUnavailable(settings)) return notTestable(this, settings);
  const blocked = await sendInvalidTokensFrom(this, this.state.recall(ADDRESS), unblockPolls(settings.blockSeconds) + 2);
  if (isUnavailable(blocked)) return notTestable(this, blocked);
  this.state.remember(BLOCKED, blocked);
  if (isServedByGateway(blocked.probe) || blocked.failures.some(isServedByGateway)) {
    return notTestable(this, { reason: `the client IP was not blocked after ${settings.failedAttempts} invalid tokens (the valid token then got ${describeOutcome(blocked.probe)})`, remedy: 'see REQ-GRL-04' });
  }
});

// --- When ---------------------------------------------------------------------------------------------------

When("that client IP calls the protected route with a valid token at the gateway's stated limit for one second", async function (this: CtkWorld) {
  const series = await sendAtTheGatewayLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(SERIES, series);
});

When("that client IP calls the protected route with a valid token in a burst far beyond the gateway's stated limit", async function (this: CtkWorld) {
  const series = await burstBeyondTheGatewayLimitMeasured(this, this.state.recall(ADDRESS));
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(ADDRESS, series.address);
  this.state.remember(SERIES, series);
});

When('that client IP calls the protected route with a valid token back to back until the first 429', async function (this: CtkWorld) {
  const location = await locateTheGatewayLimit(this, this.state.recall(ADDRESS));
  if (isUnavailable(location)) return notTestable(this, location);
  this.state.remember(LOCATION, location);
});

When('the bystander client IP calls the protected route while the first is still rate-limited at the gateway', async function (this: CtkWorld) {
  const answer = await askTheGatewayBystanderWhileLimited(this, this.state.recall(SERIES), this.state.recall(SECOND));
  if (isUnavailable(answer)) return notTestable(this, answer);
  this.state.remember(ADDRESS, answer.series.address);
  this.state.remember(SERIES, answer.series);
  this.state.remember(SECOND_ANSWER, answer.second);
});

When("that client IP waits as long as the gateway's 429 asked and calls the protected route again", { timeout: 90_000 }, async function (this: CtkWorld) {
  const recovery = await waitUntilTheGatewayServesAgain(this, this.state.recall(SERIES));
  if (isUnavailable(recovery)) return notTestable(this, recovery);
  this.state.remember(RECOVERY, recovery);
});

When('that client IP sends as many invalid tokens as the gateway blocks after', async function (this: CtkWorld) {
  const blocked = await sendInvalidTokensFrom(this, this.state.recall(ADDRESS), 0);
  if (isUnavailable(blocked)) return notTestable(this, blocked);
  this.state.remember(BLOCKED, blocked);
});

When('the bystander client IP calls the protected route with a valid token', async function (this: CtkWorld) {
  const bystander = this.state.recall(BYSTANDER);
  this.state.remember(SECOND_ANSWER, await cappedGatewayRequest(this, bystander.cap, this.state.recall(SECOND), bystander.authorization));
});

When("that client IP calls the protected route with a valid token half-way through the gateway's stated block time, then waits out the block time from that request and calls it again", { timeout: (MAX_GATEWAY_BLOCK_WAIT_SECONDS + 30) * 1000 }, async function (this: CtkWorld) {
  const settings = gatewayBlockSettings(this);
  if (isUnavailable(settings)) return notTestable(this, settings);
  const tooLong = tooLongToWaitOut(settings.blockSeconds, MAX_GATEWAY_BLOCK_WAIT_SECONDS);
  if (tooLong) return notTestable(this, tooLong);
  this.state.remember(UNBLOCKING, await waitOutTheGatewayBlock(this, this.state.recall(BLOCKED), settings.blockSeconds));
});

// --- Then ---------------------------------------------------------------------------------------------------

Then('the gateway serves every one of those requests', function (this: CtkWorld) {
  return judgeGatewayServedAtTheLimit(this, requirementFor(this, ['REQ-GRL-01']), this.state.recall(SERIES), statedGatewayLimit(this) as number);
});

Then('the gateway refuses the excess of the burst with 429', function (this: CtkWorld) {
  return judgeGateway429(this, requirementFor(this, ['REQ-GRL-02']), this.state.recall(SERIES), statedGatewayLimit(this) as number);
});

Then('the gateway served no more requests before it than its stated limit allows', function (this: CtkWorld) {
  return judgeGatewayLimitNoHigher(this, requirementFor(this, ['REQ-GRL-09']), this.state.recall(LOCATION));
});

Then("every Retry-After on the gateway's 429 answers to that client IP is delay-seconds or an HTTP-date", function (this: CtkWorld) {
  return judgeGatewayRetryAfter(this, requirementFor(this, ['REQ-GRL-03']), this.state.recall(SERIES));
});

Then('the gateway serves the bystander client IP', function (this: CtkWorld) {
  const requirement = requirementFor(this, ['REQ-GRL-07', 'REQ-GRL-06']);
  const why = requirement === 'REQ-GRL-07' ? 'was rate-limited at that moment' : 'was blocked after invalid tokens';
  return judgeGatewayBystanderServed(this, requirement, this.state.recall(SECOND_ANSWER), this.state.recall(SECOND), this.state.recall(ADDRESS), why);
});

Then('the gateway serves that client IP again', function (this: CtkWorld) {
  const requirement = requirementFor(this, ['REQ-GRL-08', 'REQ-GRL-05']);
  const address = this.state.recall(ADDRESS);
  if (requirement === 'REQ-GRL-08') return judgeGatewayServedAgain(this, requirement, this.state.recall(RECOVERY), address);
  const settings = gatewayBlockSettings(this) as { blockSeconds: number };
  return judgeGatewayServedAfterBlock(this, requirement, this.state.recall(UNBLOCKING), address, settings.blockSeconds);
});

Then('the gateway refuses the valid token half-way through the block time', function (this: CtkWorld) {
  const settings = gatewayBlockSettings(this) as { blockSeconds: number };
  return judgeGatewayStillBlockedHalfWay(this, requirementFor(this, ['REQ-GRL-05']), this.state.recall(UNBLOCKING), this.state.recall(ADDRESS), settings.blockSeconds);
});

Then('the gateway refuses a valid token from that client IP', function (this: CtkWorld) {
  const settings = gatewayBlockSettings(this) as { failedAttempts: number };
  return judgeGatewayBlocked(this, requirementFor(this, ['REQ-GRL-04']), this.state.recall(BLOCKED), settings.failedAttempts);
});
