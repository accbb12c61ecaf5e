/**
 * Steps of features/token-endpoint-hygiene.feature (issue 20). The refusals it looks at are sent by the steps of
 * token-issuance and client-authentication ("... without a grant_type", "... and a wrong secret"); these steps
 * add the requests of their own and one judge each.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { isNotTestable, markNotTestable, theSituation } from '../support/oauth/token-requests.ts';
import {
  judgeDistinctJti,
  judgeErrorNotStored,
  judgeRepeatedParameterRefused,
  judgeSecretNotRepeated,
  repeatedParameterNotJudgeable,
  requestWithRepeatedParameter,
  twoTokensInARow,
  type TokenPair,
} from '../support/oauth/hygiene.ts';
import {
  customerDataWithAndWithoutClientId,
  echoWithAndWithoutClientId,
  judgeNoClientIdGetsNoCustomerData,
  judgeNoClientIdNotSystem,
  tokensWithAndWithoutClientId,
  type CustomerDataCalls,
  type NoClientIdCalls,
  type NoClientIdTokens,
} from '../support/identity/no-client-id.ts';
import { testUser } from '../support/identity/human-login.ts';
import { judgeErrorParameterCharacters, refusalsOfFourKinds, type SentRefusal } from '../support/oauth/error-characters.ts';

const REPEATED = stateKey<string>('the parameter sent twice');
const REFUSALS = stateKey<SentRefusal[]>('refusals of four kinds of bad token request');
const PAIR = stateKey<TokenPair>('two tokens of one client, one right after the other');
const NO_CLIENT_ID = stateKey<NoClientIdTokens>('signer tokens with and without client_id');
const NO_CLIENT_ID_CALLS = stateKey<NoClientIdCalls>('identity echo calls with and without client_id');
const NO_CLIENT_ID_DATA = stateKey<CustomerDataCalls>('customer data asked for with and without client_id');

When('the system client requests a token with the parameter {string} sent twice', async function (this: CtkWorld, parameter: string) {
  this.state.remember(REPEATED, parameter);
  const result = await requestWithRepeatedParameter(this, this.target.clients.system, parameter);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

Then('the token endpoint refuses the repeated parameter with invalid_request', function (this: CtkWorld) {
  const unrelated = repeatedParameterNotJudgeable(this.lastExchange());
  if (unrelated) return markNotTestable(this, { notTestable: unrelated, remedy: 'see the rate-limit settings of the target profile' });
  judgeRepeatedParameterRefused(this, this.lastExchange(), this.state.recall(REPEATED), theSituation(this));
});

Then("the token endpoint's answer does not repeat the client secret the request carried", async function (this: CtkWorld) {
  await judgeSecretNotRepeated(this, this.lastExchange(), theSituation(this));
});

Then('the error answer tells caches not to store it', async function (this: CtkWorld) {
  await judgeErrorNotStored(this, this.lastExchange(), theSituation(this));
});

When('the system client sends four requests the token endpoint refuses: a wrong secret, no grant_type, an unknown grant_type and only an unknown scope', async function (this: CtkWorld) {
  const result = await refusalsOfFourKinds(this, this.target.clients.system);
  if (isNotTestable(result)) return markNotTestable(this, result);
  this.state.remember(REFUSALS, result);
});

Then('no error_description or error_uri of the error answers holds a character outside the set RFC 6749 §5.2 allows', function (this: CtkWorld) {
  judgeErrorParameterCharacters(this, this.state.recall(REFUSALS));
});

When('the system client obtains two access tokens, one right after the other', async function (this: CtkWorld) {
  this.state.remember(PAIR, await twoTokensInARow(this, this.target.clients.system));
});

Then('the two access tokens carry different jti values', function (this: CtkWorld) {
  judgeDistinctJti(this, this.state.recall(PAIR));
});

Given("the trusted test signer's token with the system client's claims, and the same token without client_id", async function (this: CtkWorld) {
  const tokens = await tokensWithAndWithoutClientId(this);
  if ('notTestable' in tokens) return markNotTestable(this, tokens);
  this.state.remember(NO_CLIENT_ID, tokens);
});

When('the identity echo is called with each of the two tokens', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) return markNotTestable(this, { notTestable: 'the target describes no identity echo route', remedy: 'describe gateway.routes.identityEcho' });
  this.state.remember(NO_CLIENT_ID_CALLS, await echoWithAndWithoutClientId(this, this.state.recall(NO_CLIENT_ID)));
});

Then('the token without client_id is refused, or passed on as no system user', function (this: CtkWorld) {
  judgeNoClientIdNotSystem(this, this.state.recall(NO_CLIENT_ID_CALLS), this.state.recall(NO_CLIENT_ID));
});

When("the first test customer's data is requested with each of the two tokens", async function (this: CtkWorld) {
  const owner = testUser(this, 'first');
  if (!owner) return markNotTestable(this, { notTestable: 'the target profile names no test user', remedy: 'add test users (users[]: username, password, customerId) to the target profile' });
  if (!this.target.gateway?.routes.customerData) return markNotTestable(this, { notTestable: 'the target describes no customer data route', remedy: 'describe gateway.routes.customerData' });
  this.state.remember(NO_CLIENT_ID_DATA, await customerDataWithAndWithoutClientId(this, this.state.recall(NO_CLIENT_ID), owner));
});

Then("the token without client_id is refused the first test customer's data", async function (this: CtkWorld) {
  await judgeNoClientIdGetsNoCustomerData(this, this.state.recall(NO_CLIENT_ID_DATA), this.state.recall(NO_CLIENT_ID));
});
