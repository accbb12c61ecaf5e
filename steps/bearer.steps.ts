/**
 * Steps of features/bearer-errors.feature: the gateway as an RFC 6750 resource server. Each step is one call into
 * support/gateway/ (calls, bad credentials, verdicts); the requirement a Then step judges comes from the
 * scenario's @REQ tags, because one observation serves several clauses.
 */
import { stateKey } from '../support/scenario-state.ts';
import { CALLER_CLIENT, CALLER_TOKEN } from '../support/gateway/caller.ts';
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { accessTokenFor } from '../support/oauth/token-client.ts';
import { gatewayOf } from '../support/target/target.ts';
import { bearer, callGateway, type GatewayRouteName } from '../support/gateway/gateway-client.ts';
import { invalidToken, malformedAuthorization, noBearerCredentials } from '../support/gateway/bad-credentials.ts';
import { sendRefusalCase } from '../support/gateway/refusal-cases.ts';
import { judgeQueryTokenValidated } from '../support/gateway/query-token.ts';
import { requirementFor, scenarioRequirements } from '../support/gateway/scenario-requirements.ts';
import {
  judge401CarriesChallenge,
  judgeBearerError,
  judgeChallengeHasParameter,
  judgeInsufficientScope,
  judgeNoErrorInformation,
  judgeNoServerError,
  judgeNotReached,
  judgeReached,
  judgeRefusedWithBearerChallenge,
  judgeStatus,
  judgeWellFormedChallenge,
} from '../support/gateway/verdicts.ts';

const SENT = stateKey<string>('what the gateway was sent');
const token = (world: CtkWorld): string => world.state.recall(CALLER_TOKEN);
const sent = (world: CtkWorld): string => world.state.peek(SENT) ?? 'the request of this scenario';
const routeName = (word: string): GatewayRouteName => {
  if (word === 'protected' || word === 'scoped' || word === 'public') return word;
  throw new Error(`unknown gateway route "${word}" in the feature file (protected, scoped, public)`);
};

// --- Given --------------------------------------------------------------------------------------------------

Given('a gateway caller holding a valid access token of the {word} client', async function (this: CtkWorld, which: string) {
  const client = which === 'system' ? this.target.clients.system : which === 'read-only' ? this.target.clients.readOnly : undefined;
  if (which !== 'system' && which !== 'read-only') throw new Error(`unknown client "${which}" in the feature file (system, read-only)`);
  if (!client) {
    return this.notTestable(scenarioRequirements(this), 'the target profile describes no read-only client (one lacking the scoped route\'s scope)', 'add clients.readOnly to the target profile');
  }
  this.state.remember(CALLER_TOKEN, await accessTokenFor(this, client));
  this.state.remember(CALLER_CLIENT, client);
});

// --- When ---------------------------------------------------------------------------------------------------

When('the gateway is called on the {word} route with that token in the Authorization header', async function (this: CtkWorld, route: string) {
  this.state.remember(SENT, 'a valid token in the Authorization header');
  await callGateway(this, { route: routeName(route), authorization: bearer(token(this)) });
});

When('the gateway is called on the protected route without credentials', async function (this: CtkWorld) {
  this.state.remember(SENT, 'no credentials');
  await callGateway(this, { route: 'protected' });
});

When('the gateway is called on the protected route with {string} instead of a Bearer token', async function (this: CtkWorld, kind: string) {
  this.state.remember(SENT, kind);
  const authorization = noBearerCredentials(kind);
  await callGateway(this, { route: 'protected', ...(authorization !== undefined ? { authorization } : {}) });
});

When('the gateway is called on the protected route with the bearer token {string}', async function (this: CtkWorld, kind: string) {
  this.state.remember(SENT, `${kind} as the bearer token`);
  await callGateway(this, { route: 'protected', authorization: bearer(await invalidToken(this, kind)) });
});

When('the gateway is called on the protected route with the malformed Authorization header {string}', async function (this: CtkWorld, kind: string) {
  this.state.remember(SENT, `a malformed Authorization header: ${kind}`);
  await callGateway(this, { route: 'protected', authorization: malformedAuthorization(kind) });
});

When('the gateway is called on the protected route with that token after the scheme written {string}', async function (this: CtkWorld, scheme: string) {
  this.state.remember(SENT, `a valid token after the scheme "${scheme}"`);
  await callGateway(this, { route: 'protected', authorization: `${scheme} ${token(this)}` });
});

When('the gateway is called on the protected route with that token only in the access_token query parameter', async function (this: CtkWorld) {
  this.state.remember(SENT, 'a valid token only in the access_token URI query parameter');
  await callGateway(this, { route: 'protected', queryToken: token(this) });
});

When(
  'the gateway is called on the protected route with that token in the Authorization header and in the access_token query parameter',
  async function (this: CtkWorld) {
    this.state.remember(SENT, 'the token both in the Authorization header and in the access_token query parameter');
    await callGateway(this, { route: 'protected', authorization: bearer(token(this)), queryToken: token(this) });
  },
);

When('the gateway is sent a request it must refuse: {string}', async function (this: CtkWorld, phrase: string) {
  this.state.remember(SENT, phrase);
  const outcome = await sendRefusalCase(this, phrase);
  if ('notTestable' in outcome) {
    return outcome.notApplicable ? this.notApplicable(scenarioRequirements(this), outcome.notTestable, outcome.remedy) : this.notTestable(scenarioRequirements(this), outcome.notTestable, outcome.remedy);
  }
});

// --- Then ---------------------------------------------------------------------------------------------------

Then('the gateway lets the request through to the resource', function (this: CtkWorld) {
  return judgeReached(this, requirementFor(this, ['REQ-BEARER-01', 'REQ-BEARER-09']), this.lastExchange(), sent(this));
});

Then('the gateway does not let the request through to the resource', function (this: CtkWorld) {
  return judgeNotReached(this, requirementFor(this, ['REQ-BEARER-04', 'REQ-BEARER-08']), this.lastExchange(), sent(this));
});

Then('a gateway that serves the token from the query refuses a tampered one sent there', async function (this: CtkWorld) {
  await judgeQueryTokenValidated(this, this.lastExchange(), token(this));
});

Then('the gateway refuses the request with a Bearer challenge', function (this: CtkWorld) {
  return judgeRefusedWithBearerChallenge(this, requirementFor(this, ['REQ-BEARER-02']), this.lastExchange(), sent(this));
});

Then('the gateway answers with status {int}', function (this: CtkWorld, status: number) {
  return judgeStatus(this, requirementFor(this, ['REQ-BEARER-16']), this.lastExchange(), status, sent(this));
});

Then("the gateway's challenge carries no error code or other error information", function (this: CtkWorld) {
  return judgeNoErrorInformation(this, requirementFor(this, ['REQ-BEARER-03']), this.lastExchange());
});

Then('the gateway answers {int} with the error code {string}', function (this: CtkWorld, status: number, error: string) {
  return judgeBearerError(this, requirementFor(this, ['REQ-BEARER-05', 'REQ-BEARER-06', 'REQ-BEARER-11']), this.lastExchange(), status, error, sent(this));
});

Then('the gateway answers 403 insufficient_scope naming the scope the route needs', function (this: CtkWorld) {
  return judgeInsufficientScope(this, requirementFor(this, ['REQ-BEARER-07']), this.lastExchange(), gatewayOf(this.target).routes.scoped.scope);
});

Then('the gateway answers with a client error, not a server error', function (this: CtkWorld) {
  return judgeNoServerError(this, requirementFor(this, ['REQ-BEARER-12']), this.lastExchange(), sent(this));
});

Then("the gateway's 401 answer carries a WWW-Authenticate header with a Bearer challenge", function (this: CtkWorld) {
  return judge401CarriesChallenge(this, requirementFor(this, ['REQ-BEARER-13']), this.lastExchange());
});

Then("the gateway's Bearer challenge carries at least one auth-param", function (this: CtkWorld) {
  return judgeChallengeHasParameter(this, requirementFor(this, ['REQ-BEARER-14']), this.lastExchange());
});

Then("the gateway's WWW-Authenticate header is well-formed", function (this: CtkWorld) {
  return judgeWellFormedChallenge(this, requirementFor(this, ['REQ-BEARER-15']), this.lastExchange());
});
