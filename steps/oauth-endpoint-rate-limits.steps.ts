/**
 * Steps of features/oauth-endpoint-rate-limits.feature (issue 22: seed 001's limit on "the OAuth2.0 endpoints" other
 * than the token endpoint). Each step is one call into support/load/ — which plans and caps the load, picks fresh
 * client IPs and measures — plus, for Then steps, one verdict.
 *
 * Parameter type {oauthEndpoint}: "the authorization endpoint", "the JWKS", "the discovery document".
 */
import { Given, When, Then, defineParameterType } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { takeLoadAddress } from '../support/load/scenario-address.ts';
import { isUnavailable, statedLimit } from '../support/load/rate-limit.ts';
import {
  burstBeyondTheEndpointLimitMeasured,
  endpointBystanderBaseline,
  nameOf,
  OAUTH_ENDPOINTS,
  sendAtTheEndpointLimitMeasured,
  waitUntilTheEndpointServesAgain,
  type EndpointSeries,
  type OAuthEndpoint,
} from '../support/load/oauth-endpoint-limits.ts';
import {
  judgeEndpointBurstRefusedWith429,
  judgeEndpointBystanderServed,
  judgeEndpointServedAgain,
  judgeEndpointServedAtTheLimit,
  notTestableFor as notTestable,
} from '../support/load/oauth-endpoint-verdicts.ts';
import { askTheEndpointBystanderWhileLimited } from '../support/load/bystander.ts';
import { describeStats } from '../support/load/rate-analysis.ts';
import type { Recovery } from '../support/load/rate-limit.ts';
import { phrasesRegexp } from '../support/oauth/clients.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { requirementFor } from '../support/gateway/scenario-requirements.ts';
import { stateKey } from '../support/scenario-state.ts';

defineParameterType({ name: 'oauthEndpoint', regexp: phrasesRegexp(Object.keys(OAUTH_ENDPOINTS)), transformer: (s: string) => OAUTH_ENDPOINTS[s]!.endpoint });

const ADDRESS = stateKey<string>('client IP at an OAuth endpoint');
const SECOND = stateKey<string>('bystander client IP at an OAuth endpoint');
const SERIES = stateKey<EndpointSeries>('series of requests to an OAuth endpoint at the limit');
const BURST = stateKey<EndpointSeries>('burst of requests to an OAuth endpoint beyond the limit');
const SECOND_ANSWER = stateKey<Exchange>('answer to the bystander client IP at an OAuth endpoint');
const RECOVERY = stateKey<Recovery>('attempts at an OAuth endpoint after its limit');

/** The requirement that judges `endpoint`'s limit; the scenario must be tagged with it. */
const requirementOf = (world: CtkWorld, endpoint: OAuthEndpoint): string => requirementFor(world, [OAUTH_ENDPOINTS[nameOf(endpoint)]!.requirement]);

// --- Given --------------------------------------------------------------------------------------------------

Given('a client IP of its own for the rate limit of {oauthEndpoint}', function (this: CtkWorld, _endpoint: OAuthEndpoint) {
  return takeLoadAddress(this, ADDRESS, { ownAddress: true });
});

Given('a bystander client IP of its own, which {oauthEndpoint} serves', async function (this: CtkWorld, endpoint: OAuthEndpoint) {
  if (takeLoadAddress(this, SECOND)) return 'skipped';
  const refused = await endpointBystanderBaseline(this, endpoint, this.state.recall(SECOND));
  if (refused) return notTestable(this, refused);
});

Given('a client IP of its own that {oauthEndpoint} has rate-limited', async function (this: CtkWorld, endpoint: OAuthEndpoint) {
  if (takeLoadAddress(this, ADDRESS)) return 'skipped';
  const burst = await burstBeyondTheEndpointLimitMeasured(this, endpoint, this.state.recall(ADDRESS));
  if (isUnavailable(burst)) return notTestable(this, burst);
  this.state.remember(ADDRESS, burst.address);
  this.state.remember(BURST, burst);
  this.log(`burst to ${nameOf(endpoint)} from ${burst.address}: ${describeStats(burst.stats)}`);
  if (burst.stats.outcomes['rate-limited'] === 0) {
    return notTestable(this, { reason: `the burst met no 429 at ${nameOf(endpoint)} (${describeStats(burst.stats)}), so no client IP is rate-limited there to check this with`, remedy: 'see REQ-RL-09 to REQ-RL-11' });
  }
});

// --- When ---------------------------------------------------------------------------------------------------

When('that client IP requests {oauthEndpoint} at the stated limit for one second', async function (this: CtkWorld, endpoint: OAuthEndpoint) {
  const series = await sendAtTheEndpointLimitMeasured(this, endpoint, this.state.recall(ADDRESS), `@${requirementOf(this, endpoint)}`);
  if (isUnavailable(series)) return notTestable(this, series);
  this.state.remember(SERIES, series);
});

When('that client IP goes on with a burst of requests to {oauthEndpoint} far beyond the stated limit', async function (this: CtkWorld, endpoint: OAuthEndpoint) {
  // From the address the series used (a spare one when the machine could not keep the pace from the first).
  const burst = await burstBeyondTheEndpointLimitMeasured(this, endpoint, this.state.recall(SERIES).address, false);
  if (isUnavailable(burst)) return notTestable(this, burst);
  this.state.remember(ADDRESS, burst.address);
  this.state.remember(BURST, burst);
});

When('the bystander client IP requests {oauthEndpoint} while the first is still rate-limited', async function (this: CtkWorld, _endpoint: OAuthEndpoint) {
  const answer = await askTheEndpointBystanderWhileLimited(this, this.state.recall(BURST), this.state.recall(SECOND), requirementFor(this, ['REQ-RL-12']));
  if (isUnavailable(answer)) return notTestable(this, answer);
  this.state.remember(BURST, answer.series);
  this.state.remember(SECOND_ANSWER, answer.second);
});

When('that client IP waits as long as the 429 asked and requests {oauthEndpoint} again', { timeout: 90_000 }, async function (this: CtkWorld, _endpoint: OAuthEndpoint) {
  const recovery = await waitUntilTheEndpointServesAgain(this, this.state.recall(BURST));
  if (isUnavailable(recovery)) return notTestable(this, recovery);
  this.state.remember(RECOVERY, recovery);
});

// --- Then ---------------------------------------------------------------------------------------------------

Then('{oauthEndpoint} serves every one of those requests', function (this: CtkWorld, endpoint: OAuthEndpoint) {
  return judgeEndpointServedAtTheLimit(this, requirementOf(this, endpoint), this.state.recall(SERIES), statedLimit(this) as number);
});

Then('{oauthEndpoint} refuses the excess of the burst with 429', function (this: CtkWorld, endpoint: OAuthEndpoint) {
  return judgeEndpointBurstRefusedWith429(this, requirementOf(this, endpoint), this.state.recall(BURST), statedLimit(this) as number);
});

Then('{oauthEndpoint} serves the bystander client IP', function (this: CtkWorld, _endpoint: OAuthEndpoint) {
  return judgeEndpointBystanderServed(this, requirementFor(this, ['REQ-RL-12']), this.state.recall(BURST), this.state.recall(SECOND_ANSWER), this.state.recall(SECOND));
});

Then('{oauthEndpoint} serves that client IP again', function (this: CtkWorld, _endpoint: OAuthEndpoint) {
  return judgeEndpointServedAgain(this, requirementFor(this, ['REQ-RL-13']), this.state.recall(BURST), this.state.recall(RECOVERY));
});
