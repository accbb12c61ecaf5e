/**
 * Steps of features/jwks-robustness.feature (issue 20): the gateway and the issuer's JWK Set. Each step is one call
 * into support/jwks/ (robustness.ts, retirement.ts; the relay: relay-client.ts).
 */
import { Before, Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import {
  judgeBoundedRefetch,
  judgeRefusedDuringOutage,
  presentDuringOutage,
  sprayUnknownKids,
  startJwksOutage,
  type OutageAttempt,
  type Spray,
} from '../support/jwks/robustness.ts';
import { judgeRetiredKeyRefused, retireKeyAndWatch, type Retirement } from '../support/jwks/retirement.ts';
import { JWKS_RELAY_TAG, jwksRelayOf, useRelayGateway } from '../support/jwks/relay-client.ts';

// Every step of these scenarios, the positive controls included, calls the gateway whose jwks_uri is the kit's relay.
Before({ tags: JWKS_RELAY_TAG }, function (this: CtkWorld) {
  useRelayGateway(this);
});

const SPRAY = stateKey<Spray>('tokens with made-up kids and the JWK Set requests they cost');
const OUTAGE = stateKey<OutageAttempt>('a token presented while the JWK Set is out');

Given("the kit can count the gateway's requests for the issuer's JWK Set", function (this: CtkWorld) {
  jwksRelayOf(this);
});

When('ten tokens, each naming a kid the issuer never published, are presented to the gateway one after another', async function (this: CtkWorld) {
  this.state.remember(SPRAY, await sprayUnknownKids(this));
});

Then('the gateway fetched the JWK Set at most five times for them', async function (this: CtkWorld) {
  await judgeBoundedRefetch(this, this.state.recall(SPRAY));
});

Given("the issuer's JWK Set answers every request with an error", async function (this: CtkWorld) {
  await startJwksOutage(this, 'down');
});

Given("the issuer's JWK Set does not answer in time", async function (this: CtkWorld) {
  await startJwksOutage(this, 'slow');
});

When('a token signed with a key the gateway has not fetched is presented while the key set is down', async function (this: CtkWorld) {
  this.state.remember(OUTAGE, await presentDuringOutage(this, 'down'));
});

When('a token signed with a key the gateway has not fetched is presented while the key set is slow', async function (this: CtkWorld) {
  this.state.remember(OUTAGE, await presentDuringOutage(this, 'slow'));
});

Then('the gateway refuses that token, and does not let it through to the resource', async function (this: CtkWorld) {
  const attempt = this.state.recall(OUTAGE);
  await judgeRefusedDuringOutage(this, attempt.outage === 'down' ? 'REQ-JWKS-02' : 'REQ-JWKS-03', attempt);
});

const RETIREMENT = stateKey<Retirement>('a key removed from the JWK Set, and the token signed with it');

When('a key the gateway has accepted a token for is removed from the JWK Set', async function (this: CtkWorld) {
  this.state.remember(RETIREMENT, await retireKeyAndWatch(this));
});

Then('the gateway refuses that token within the bound the deployment states', function (this: CtkWorld) {
  return judgeRetiredKeyRefused(this, this.state.recall(RETIREMENT));
});
