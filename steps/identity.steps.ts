/**
 * Steps of features/system-vs-human-identity.feature and features/gateway-identity.feature (seeds 000, 003).
 * Each step is one call into support/identity/ (human tokens, the identity echo, customer data, verdicts).
 * "A gateway caller holding a valid access token of the ... client" is defined in steps/bearer.steps.ts.
 */
import { stateKey } from '../support/scenario-state.ts';
import { CALLER_CLIENT, CALLER_TOKEN } from '../support/gateway/caller.ts';
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import type { ClientCredentials, TestUser } from '../support/target/target.ts';
import { accessTokenFor, requestToken, tokenResponseOf, TokenUnavailableError } from '../support/oauth/token-client.ts';
import { bearer, callGateway } from '../support/gateway/gateway-client.ts';
import { requirementFor, scenarioRequirements } from '../support/gateway/scenario-requirements.ts';
import { humanAccessToken, testUser } from '../support/identity/human-login.ts';
import { requestCustomerData } from '../support/identity/customer-data.ts';
import { forgedIdentityHeaders } from '../support/identity/spoofing.ts';
import { judgeOtherCustomerWriteRefused, writeOwnThenOtherCustomerData, type CustomerWriteAttempt } from '../support/identity/customer-writes.ts';
import { judgeCustomerIdIsNoClientId, judgeNoOnBehalfToken, requestOnBehalfToken, type OnBehalfAttempt } from '../support/identity/namespaces.ts';
import {
  judgeAuthorizationNotForwarded,
  judgeCustomerDataRefused,
  judgeCustomerDataServed,
  judgeForgedIdentityIgnored,
  judgeHumanIdentityPassed,
  judgeHumanTokenClaims,
  judgeRolesReceived,
  humanTokenNamesItsCustomer,
  judgeServedAnonymously,
  judgeSubjectReceived,
  judgeSystemIdentityPassed,
  judgeSystemTokenClaims,
  type Caller,
} from '../support/identity/verdicts.ts';

const CLIENT_TOKEN = stateKey<string>('client token');
const CLIENT = stateKey<ClientCredentials>('client');
const HUMAN = stateKey<{ token: string; user: TestUser }>('human token');
const OWNER = stateKey<TestUser>('customer whose records are asked for');
const WHO = stateKey<string>('caller');
/** Whose token asked for customer data: a customer's or the system client's. */
const CALLER = stateKey<Caller>('whose token made the call');
const ON_BEHALF = stateKey<OnBehalfAttempt>('token-exchange request for a customer');
const WRITES = stateKey<CustomerWriteAttempt>('writes on customer data');


const notTestable = (world: CtkWorld, reason: string, remedy: string) => world.notTestable(scenarioRequirements(world), reason, remedy);

function userOrNotTestable(world: CtkWorld, ordinal: string): TestUser | 'skipped' {
  return testUser(world, ordinal) ?? notTestable(world, `the target profile names no ${ordinal} test user`, 'add two test users (users[]: username, password, customerId) to the target profile');
}

const clientNamed = (world: CtkWorld, which: string) => {
  if (which === 'system') return world.target.clients.system;
  if (which === 'read-only') return world.target.clients.readOnly;
  throw new Error(`unknown client "${which}" in the feature file (system, read-only)`);
};

/** The token the scenario's Given obtained (the bearer step's Given). */
function callerToken(world: CtkWorld): string {
  return world.state.recall(CALLER_TOKEN);
}

function callerClient(world: CtkWorld): ClientCredentials {
  return world.state.recall(CALLER_CLIENT);
}

// --- tokens -------------------------------------------------------------------------------------------------

When('the {word} client obtains an access token with its client credentials', async function (this: CtkWorld, which: string) {
  const client = clientNamed(this, which);
  if (!client) return notTestable(this, 'the target profile describes no read-only client', 'add clients.readOnly to the target profile');
  const exchange = await requestToken(this, client);
  const token = tokenResponseOf(exchange);
  if (!token) throw new TokenUnavailableError(client.clientId, exchange);
  this.state.remember(CLIENT_TOKEN, token.access_token);
  this.state.remember(CLIENT, client);
});

Given('the {word} test customer holds a human access token', async function (this: CtkWorld, ordinal: string) {
  const user = userOrNotTestable(this, ordinal);
  if (user === 'skipped') return user;
  const outcome = await humanAccessToken(this, user);
  if (outcome.kind === 'unavailable') return notTestable(this, outcome.reason, outcome.remedy);
  this.log(`human token for ${user.username} obtained by ${outcome.how}`);
  this.state.remember(HUMAN, outcome);
  // One cause, one finding: a token that does not name its customer is REQ-ID-02's finding, not theirs.
  await humanTokenNamesItsCustomer(this, outcome.token, user);
});

// REQ-ID-09's human row judges what the gateway does with forged headers, not the login: no browser where avoidable.
Given('the {word} test customer holds a human access token, from a login without a browser where the target offers one', async function (this: CtkWorld, ordinal: string) {
  const user = userOrNotTestable(this, ordinal);
  if (user === 'skipped') return user;
  const outcome = await humanAccessToken(this, user, { browserlessFirst: true });
  if (outcome.kind === 'unavailable') return notTestable(this, outcome.reason, outcome.remedy);
  this.log(`human token for ${user.username} obtained by ${outcome.how}`);
  this.state.remember(HUMAN, outcome);
});

const callerOf = (world: CtkWorld): Caller | undefined => (world.state.has(CALLER) ? world.state.recall(CALLER) : undefined);

// --- calls --------------------------------------------------------------------------------------------------

When('the identity echo is called with the human access token', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) return notTestable(this, 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  await callGateway(this, { route: 'identity echo', authorization: bearer(this.state.recall(HUMAN).token) });
});

When('the identity echo is called with that token', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) return notTestable(this, 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  await callGateway(this, { route: 'identity echo', authorization: bearer(callerToken(this)) });
});

When('the identity echo is called with that token and forged identity headers', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) return notTestable(this, 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  await callGateway(this, { route: 'identity echo', authorization: bearer(callerToken(this)), headers: forgedIdentityHeaders(this.target) });
});

When('the identity echo is called with the human access token and forged identity headers', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) return notTestable(this, 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  await callGateway(this, { route: 'identity echo', authorization: bearer(this.state.recall(HUMAN).token), headers: forgedIdentityHeaders(this.target) });
});

When('the public route is called without credentials but with forged identity headers', async function (this: CtkWorld) {
  await callGateway(this, { route: 'public', headers: forgedIdentityHeaders(this.target) });
});

When('the customer data of the {word} test customer is requested with the human access token', async function (this: CtkWorld, ordinal: string) {
  const owner = userOrNotTestable(this, ordinal);
  if (owner === 'skipped') return owner;
  if (!this.target.gateway?.routes.customerData) return notTestable(this, 'the target describes no customer data route', 'describe gateway.routes.customerData');
  const human = this.state.recall(HUMAN);
  this.state.remember(OWNER, owner);
  this.state.remember(WHO, `the human token of ${human.user.username} (customer ${human.user.customerId})`);
  this.state.remember(CALLER, { human: human.user });
  await requestCustomerData(this, human.token, owner);
});

When("the customer data of the {word} test customer is requested with the system client's access token", async function (this: CtkWorld, ordinal: string) {
  const owner = userOrNotTestable(this, ordinal);
  if (owner === 'skipped') return owner;
  if (!this.target.gateway?.routes.customerData) return notTestable(this, 'the target describes no customer data route', 'describe gateway.routes.customerData');
  this.state.remember(OWNER, owner);
  this.state.remember(WHO, `a client-credentials token of ${this.target.clients.system.clientId}`);
  this.state.remember(CALLER, { system: this.target.clients.system });
  await requestCustomerData(this, await accessTokenFor(this, this.target.clients.system), owner);
});

// --- Then: token claims -------------------------------------------------------------------------------------

Then("the token's identity claims say client_id equals sub, both the client's id", function (this: CtkWorld) {
  return judgeSystemTokenClaims(this, requirementFor(this, ['REQ-ID-01']), this.state.recall(CLIENT_TOKEN), this.state.recall(CLIENT));
});

Then("the human token's identity claims name the customer as sub and the web front end as client_id", function (this: CtkWorld) {
  const human = this.state.recall(HUMAN);
  return judgeHumanTokenClaims(this, requirementFor(this, ['REQ-ID-02']), human.token, human.user);
});

Then("neither the customer's id nor the subject of the human token is the id of a client of the target", function (this: CtkWorld) {
  const human = this.state.recall(HUMAN);
  return judgeCustomerIdIsNoClientId(this, requirementFor(this, ['REQ-ID-10']), human.user, human.token);
});

When("the system client asks to exchange the customer's token for a token of its own", async function (this: CtkWorld) {
  const attempt = await requestOnBehalfToken(this, this.state.recall(HUMAN));
  if ('notTestable' in attempt) return notTestable(this, attempt.notTestable, attempt.remedy ?? 'see the source addresses of the target profile');
  this.state.remember(ON_BEHALF, attempt);
});

Then('no token is issued on behalf of the customer', function (this: CtkWorld) {
  judgeNoOnBehalfToken(this, requirementFor(this, ['REQ-ID-11']), this.state.recall(ON_BEHALF), this.state.recall(HUMAN));
});

When("the human access token writes to its own customer's data, then to the {word} test customer's", async function (this: CtkWorld, ordinal: string) {
  const other = userOrNotTestable(this, ordinal);
  if (other === 'skipped') return other;
  if (!this.target.gateway?.routes.customerWrite) return notTestable(this, 'the target describes no write route on customer data', 'describe gateway.routes.customerWrite (POST, PUT or PATCH with {customerId}) if the deployment has one');
  this.state.remember(OWNER, other);
  this.state.remember(WRITES, await writeOwnThenOtherCustomerData(this, this.state.recall(HUMAN), other));
});

Then("the write on the other customer's data is refused", function (this: CtkWorld) {
  return judgeOtherCustomerWriteRefused(this, requirementFor(this, ['REQ-ID-12']), this.state.recall(WRITES), this.state.recall(HUMAN), this.state.recall(OWNER));
});

// --- Then: what the component received ----------------------------------------------------------------------

Then('the component sees a human identity whose subject is that customer', function (this: CtkWorld) {
  const human = this.state.recall(HUMAN);
  return judgeHumanIdentityPassed(this, requirementFor(this, ['REQ-ID-03']), this.lastExchange(), human.user);
});

Then("the component received the token's subject", function (this: CtkWorld) {
  return judgeSubjectReceived(this, requirementFor(this, ['REQ-ID-06']), this.lastExchange(), callerToken(this), callerClient(this));
});

Then("the component received the token's roles or scopes", function (this: CtkWorld) {
  return judgeRolesReceived(this, requirementFor(this, ['REQ-ID-06']), this.lastExchange(), callerToken(this));
});

Then('the component sees the system user as the system, under its client id', function (this: CtkWorld) {
  return judgeSystemIdentityPassed(this, requirementFor(this, ['REQ-ID-07']), this.lastExchange(), this.target.clients.system);
});

Then("the component did not receive the caller's Authorization header", function (this: CtkWorld) {
  return judgeAuthorizationNotForwarded(this, requirementFor(this, ['REQ-ID-08']), this.lastExchange());
});

Then("the component sees the token's identity, not the forged one", function (this: CtkWorld) {
  const requirement = requirementFor(this, ['REQ-ID-09']);
  if (this.state.has(HUMAN)) {
    const human = this.state.recall(HUMAN);
    return judgeForgedIdentityIgnored(this, requirement, this.lastExchange(), human.token, human.user.customerId);
  }
  return judgeForgedIdentityIgnored(this, requirement, this.lastExchange(), callerToken(this), callerClient(this).clientId);
});

Then('the component served the public route to an anonymous caller', function (this: CtkWorld) {
  return judgeServedAnonymously(this, requirementFor(this, ['REQ-ANON-02', 'REQ-ID-09']), this.lastExchange());
});

// --- Then: customer data ------------------------------------------------------------------------------------

Then("that customer's data is served, with no other customer's records in it", function (this: CtkWorld) {
  return judgeCustomerDataServed(this, requirementFor(this, ['REQ-ID-04', 'REQ-ID-05']), this.lastExchange(), this.state.recall(OWNER), this.state.recall(WHO), callerOf(this));
});

Then("that customer's data is refused, none of its records shown", function (this: CtkWorld) {
  return judgeCustomerDataRefused(this, requirementFor(this, ['REQ-ID-04']), this.lastExchange(), this.state.recall(OWNER), this.state.recall(WHO), { human: this.state.recall(HUMAN).user });
});
