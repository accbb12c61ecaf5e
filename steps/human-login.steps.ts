/**
 * Steps of features/human-login.feature: the kit as the web front end logging a human in through a real
 * browser. Each step is one call into support/browser/ (wrapped so a missing prerequisite is "not testable")
 * plus, for Then steps, one check.
 *
 * Token contents, the gateway's identity and the component's customer scoping are the identity area's
 * requirements (seeds 000/003), and failed logins blocking an IP the rate-limit area's (seed 001): the browser
 * scenarios judge them under those IDs, because the behaviour does not depend on how the token was obtained.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { check } from '../support/verdict/check.ts';
import { describeOutcome } from '../support/http/exchange.ts';
import { accessTokenFor, requestToken, tokenResponseOf } from '../support/oauth/token-client.ts';
import { describeLogin, failLoginRepeatedly, logInThroughBrowser, orNotTestable, codeForRedemption, wrongPasswordFor } from '../support/browser/human-login.ts';
import { judgeRefusal, judgeTokenIssued, redeemCode } from '../support/browser/code-redemption.ts';
import { customerAccessToken } from '../support/browser/front-end.ts';
import { stateValue, tamperedVerifier } from '../support/browser/pkce.ts';
import { otherRedirectUri } from '../support/browser/callback.ts';
import { browserSourceAddress } from '../support/browser/source-addresses.ts';
import { rememberHumanToken } from '../support/browser/token-cache.ts';
import { callGateway, claimsOf, customerDataPath, customerIdsIn, echoedIdentity } from '../support/browser/human-identity.ts';
import {
  rememberAccessToken,
  rememberAttempts,
  rememberLogin,
  rememberRedemption,
  rememberSourceAddress,
  scenarioRequirementIds,
  testCustomer,
  theAccessToken,
  theAttempts,
  theCustomer,
  theLogin,
  theRedemption,
  theSourceAddress,
} from '../support/browser/scenario-state.ts';

// What the human token is for: the identity and rate-limit areas' requirements (one behaviour, one ID).
const HUMAN_TOKEN = 'REQ-ID-02';
const HUMAN_IDENTITY_FORWARDED = 'REQ-ID-03';
const HUMAN_SEES_OWN_CUSTOMER_ONLY = 'REQ-ID-04';
const SYSTEM_SEES_ALL_CUSTOMERS = 'REQ-ID-05';
const FAILED_LOGINS_BLOCK_IP = 'REQ-RL-04';

/** Seed 003: the human's token names the customer as sub and the front end as client_id (skipped when not a JWT). */
function judgeHumanToken(world: CtkWorld): void {
  const user = theCustomer(world);
  const web = world.target.clients.web!;
  const claims = claimsOf(theAccessToken(world));
  if (!claims) return;
  check(world, {
    requirement: HUMAN_TOKEN,
    expected: `sub ${JSON.stringify(user.customerId)} (the customer) and client_id ${JSON.stringify(web.clientId)} (the front end), so client_id != sub`,
    observed: `sub=${JSON.stringify(claims.sub)}, client_id=${JSON.stringify(claims.client_id)}`,
  }, () => {
    expect(claims.sub).to.equal(user.customerId);
    expect(claims.client_id).to.equal(web.clientId);
  });
}

const noUser = (world: CtkWorld, ordinal: string) =>
  world.notTestable(scenarioRequirementIds(world), `the target profile names no ${ordinal} test user`, 'add test users to the target profile (users[])');

// --- logging in -------------------------------------------------------------------------------------------

When('the {word} test customer logs in on the login page', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => rememberLogin(this, await logInThroughBrowser(this, user)));
});

When('the {word} test customer logs in on the login page with a state that needs URL encoding', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  // Unguessable, plus characters that must be percent-encoded in the redirect: a server that decodes,
  // re-encodes or truncates the value (at '&', '#', '+', a space) returns a different state.
  const state = `${stateValue()} /?#&=+%;,é`;
  return orNotTestable(this, async () => rememberLogin(this, await logInThroughBrowser(this, user, { state })));
});

When('the {word} test customer submits a wrong password on the login page', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  const sourceAddress = browserSourceAddress(this.target, 'wrong-password');
  return orNotTestable(this, async () =>
    rememberLogin(this, await logInThroughBrowser(this, user, { password: wrongPasswordFor(user), ...(sourceAddress ? { sourceAddress } : {}) })),
  );
});

Given('the {word} test customer has logged in through the browser', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => {
    const login = await logInThroughBrowser(this, user);
    rememberLogin(this, login);
    check(this, { requirement: 'REQ-HUM-01', expected: `${user.username} logs in and the browser comes back to the front end with a code`, observed: describeLogin(login.result) }, () =>
      expect(login.result.kind === 'redirected' && login.result.code).to.be.a('string'),
    );
  });
});

Given('the front end has redeemed the code for an access token', async function (this: CtkWorld) {
  const exchange = await redeemCode(this, theLogin(this), codeForRedemption(this, theLogin(this)));
  rememberRedemption(this, exchange);
  rememberAccessToken(this, judgeTokenIssued(this, exchange).access_token);
});

Given('the {word} test customer has an access token from a browser login', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => {
    await customerAccessToken(this, user);
    // What the gateway and component do with the token only means something if it IS the customer's token:
    // where the kit can read it, a token that does not name the customer fails here, at the root cause.
    judgeHumanToken(this);
  });
});

// --- the redirect ------------------------------------------------------------------------------------------

Then('the browser comes back to the front end with an authorization code', function (this: CtkWorld) {
  const { result, user } = theLogin(this);
  check(this, { requirement: 'REQ-HUM-01', expected: `after ${user.username}'s login the browser is redirected to the front end's redirect URI with a code`, observed: describeLogin(result) }, () =>
    expect(result.kind === 'redirected' && result.code).to.be.a('string').and.not.empty,
  );
});

Then('the redirect to the front end carries that state exactly as sent', function (this: CtkWorld) {
  const { result, request } = theLogin(this);
  const observed = result.kind === 'redirected' ? `state=${JSON.stringify(result.returnedState)}` : describeLogin(result);
  check(this, { requirement: 'REQ-HUM-02', expected: `the redirect's state is ${JSON.stringify(request.state)}`, observed }, () =>
    expect(result.kind === 'redirected' ? result.returnedState : undefined).to.equal(request.state),
  );
});

// --- redeeming the code ------------------------------------------------------------------------------------

When('the front end redeems the code with its code_verifier', async function (this: CtkWorld) {
  rememberRedemption(this, await redeemCode(this, theLogin(this), codeForRedemption(this, theLogin(this))));
});

When('the front end redeems the code with a code_verifier that differs in its last character', async function (this: CtkWorld) {
  const login = theLogin(this);
  rememberRedemption(this, await redeemCode(this, login, codeForRedemption(this, login), { codeVerifier: tamperedVerifier(login.request.codeVerifier) }));
});

When('the front end redeems the code without a code_verifier', async function (this: CtkWorld) {
  rememberRedemption(this, await redeemCode(this, theLogin(this), codeForRedemption(this, theLogin(this)), { codeVerifier: null }));
});

When('the front end redeems the same code again', async function (this: CtkWorld) {
  rememberRedemption(this, await redeemCode(this, theLogin(this), codeForRedemption(this, theLogin(this))));
});

When('the front end redeems the code with a redirect_uri other than the one it logged in with', async function (this: CtkWorld) {
  const login = theLogin(this);
  rememberRedemption(this, await redeemCode(this, login, codeForRedemption(this, login), { redirectUri: otherRedirectUri(login.request.redirectUri) }));
});

Then('the token endpoint answers with a Bearer access token', function (this: CtkWorld) {
  const token = judgeTokenIssued(this, theRedemption(this));
  rememberAccessToken(this, token.access_token);
  rememberHumanToken(theLogin(this).user, token.access_token, token.expires_in);
});

Then('the token endpoint refuses the wrong code_verifier with invalid_grant and issues no token', function (this: CtkWorld) {
  judgeRefusal(this, theRedemption(this), 'REQ-PKCE-02', ['invalid_grant'], 'a code_verifier that does not match the code_challenge (RFC 7636 §4.6)');
});

Then('the token endpoint refuses the missing code_verifier and issues no token', function (this: CtkWorld) {
  judgeRefusal(this, theRedemption(this), 'REQ-PKCE-02', ['invalid_grant', 'invalid_request'], 'a code issued for a code_challenge, redeemed without code_verifier');
});

Then('the token endpoint refuses the second redemption with invalid_grant and issues no token', function (this: CtkWorld) {
  judgeRefusal(this, theRedemption(this), 'REQ-PKCE-03', ['invalid_grant'], 'a code that was already redeemed (RFC 6749 §4.1.2)');
});

Then('the token endpoint refuses the other redirect_uri with invalid_grant and issues no token', function (this: CtkWorld) {
  judgeRefusal(this, theRedemption(this), 'REQ-HUM-05', ['invalid_grant'], "a redirect_uri other than the authorization request's (RFC 6749 §4.1.3)");
});

// --- what the token is and what it may see -----------------------------------------------------------------

Then("the access token's sub is the customer's id and its client_id is the front end's", function (this: CtkWorld) {
  if (!claimsOf(theAccessToken(this))) {
    return this.notTestable(scenarioRequirementIds(this), 'the access token is not a JWT the kit can read', 'claim jwt-access-tokens only for a target that issues JWT access tokens');
  }
  judgeHumanToken(this);
});

When("the front end calls the identity echo route with the customer's access token", async function (this: CtkWorld) {
  const route = this.target.gateway.routes.identityEcho;
  if (!route) return this.notTestable(scenarioRequirementIds(this), 'the target names no identity echo route', 'describe gateway.routes.identityEcho in the target profile');
  await callGateway(this, route, theAccessToken(this));
});

Then('the component received a human identity for the customer', function (this: CtkWorld) {
  const user = theCustomer(this);
  const exchange = this.lastExchange();
  const identity = echoedIdentity(exchange);
  check(this, {
    requirement: HUMAN_IDENTITY_FORWARDED,
    expected: `200 and the component sees a human (kind "human") whose subject is the customer ${user.customerId}`,
    observed: `${describeOutcome(exchange)}; identity kind=${identity?.kind ?? '(none)'} subject=${identity?.subject ?? '(none)'}`,
  }, () => {
    expect(exchange.response?.status).to.equal(200);
    expect(identity?.subject).to.equal(user.customerId);
    if (identity?.kind !== undefined) expect(identity.kind).to.equal('human');
  });
});

When("the front end requests the records of the {word} test customer with the customer's access token", async function (this: CtkWorld, ordinal: string) {
  const route = this.target.gateway.routes.customerData;
  const owner = testCustomer(this, ordinal);
  if (!route || !owner) return this.notTestable(scenarioRequirementIds(this), 'the target names no customer data route, or too few test users', 'describe gateway.routes.customerData and two users in the target profile');
  this.memo.set('browser:records-of', owner);
  await callGateway(this, customerDataPath(route, owner), theAccessToken(this));
});

Then('the component answers 200 with records of that customer only', function (this: CtkWorld) {
  const owner = this.memo.get('browser:records-of') as { customerId: string };
  const exchange = this.lastExchange();
  const ids = customerIdsIn(exchange);
  check(this, { requirement: HUMAN_SEES_OWN_CUSTOMER_ONLY, expected: `200 with records of the customer ${owner.customerId} and of no other`, observed: `${describeOutcome(exchange)}; customers in the answer: ${JSON.stringify(ids)}` }, () => {
    expect(exchange.response?.status).to.equal(200);
    expect(ids.filter((id) => id !== owner.customerId)).to.deep.equal([]);
  });
});

Then("the component refuses them without any of that customer's data", function (this: CtkWorld) {
  const other = this.memo.get('browser:records-of') as { customerId: string };
  const exchange = this.lastExchange();
  const ids = customerIdsIn(exchange);
  check(this, {
    requirement: HUMAN_SEES_OWN_CUSTOMER_ONLY,
    expected: `403 (or 404, hiding that the customer exists) and none of ${other.customerId}'s records: a customer may read only their own (seed 003)`,
    observed: `${describeOutcome(exchange)}; customers in the answer: ${JSON.stringify(ids)}`,
  }, () => {
    expect([403, 404]).to.include(exchange.response?.status);
    expect(ids).to.not.include(other.customerId);
  });
});

When('a system user requests the records of the first and the second test customer with a client-credentials token', async function (this: CtkWorld) {
  const route = this.target.gateway.routes.customerData;
  const [first, second] = this.target.users;
  if (!route || !first || !second) return this.notTestable(scenarioRequirementIds(this), 'the target names no customer data route, or fewer than two test users', 'describe gateway.routes.customerData and two users in the target profile');
  const token = await accessTokenFor(this, this.target.clients.system);
  this.memo.set('browser:system-answers', [await callGateway(this, customerDataPath(route, first), token), await callGateway(this, customerDataPath(route, second), token)]);
});

Then("both answers are 200 with that customer's records", function (this: CtkWorld) {
  const answers = this.memo.get('browser:system-answers') as Exchange[];
  answers.forEach((exchange, index) => {
    const customer = this.target.users[index]!.customerId;
    const ids = customerIdsIn(exchange);
    check(this, { requirement: SYSTEM_SEES_ALL_CUSTOMERS, expected: `200 with the records of ${customer} for a client-credentials token (seed 003: "darf alles")`, observed: `${describeOutcome(exchange)}; customers in the answer: ${JSON.stringify(ids)}` }, () => {
      expect(exchange.response?.status).to.equal(200);
      expect(ids.filter((id) => id !== customer)).to.deep.equal([]);
    });
  });
});

// --- wrong password ----------------------------------------------------------------------------------------

Then('the login page shows a login error', function (this: CtkWorld) {
  const { result } = theLogin(this);
  check(this, { requirement: 'REQ-HUM-04', expected: 'the login page shows an error message after a wrong password', observed: describeLogin(result) }, () =>
    expect(result.kind).to.equal('login-error'),
  );
});

Then('the browser is not sent back to the front end with a code', function (this: CtkWorld) {
  const { result } = theLogin(this);
  check(this, { requirement: 'REQ-HUM-03', expected: 'no redirect to the front end with a code after a wrong password', observed: describeLogin(result) }, () =>
    expect(result.kind === 'redirected' && result.code !== undefined).to.equal(false),
  );
});

// --- failed logins and the IP block ------------------------------------------------------------------------

Given('a browser with its own client IP, from which the system user can get a token', async function (this: CtkWorld) {
  const address = browserSourceAddress(this.target, 'ip-block');
  const ipBlock = this.target.limits.ipBlock;
  if (!address) return this.notTestable(scenarioRequirementIds(this), 'the kit cannot give the browser a client IP of its own for this target', 'run against a target reachable on loopback with sourceAddresses listed');
  if (!ipBlock) return this.notTestable(scenarioRequirementIds(this), 'the target profile states no limits.ipBlock', 'describe limits.ipBlock (failedAttempts, blockSeconds) in the target profile');
  const baseline = await requestToken(this, this.target.clients.system, { sourceAddress: address });
  if (!tokenResponseOf(baseline)) {
    return this.notTestable(scenarioRequirementIds(this), `before any failed login, ${address} already gets no token (${describeOutcome(baseline)}): it may still be blocked from an earlier run`, `wait ${ipBlock.blockSeconds} s and run again`);
  }
  rememberSourceAddress(this, address);
});

When('the {word} test customer types a wrong password on the login page as often as the target blocks after', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  const times = this.target.limits.ipBlock!.failedAttempts;
  return orNotTestable(this, async () => rememberAttempts(this, await failLoginRepeatedly(this, user, times, { sourceAddress: theSourceAddress(this) })));
});

Then('a token request from that client IP is blocked', async function (this: CtkWorld) {
  const address = theSourceAddress(this);
  const attempts = theAttempts(this);
  const probe = await requestToken(this, this.target.clients.system, { sourceAddress: address });
  check(this, {
    requirement: FAILED_LOGINS_BLOCK_IP,
    expected: `after ${this.target.limits.ipBlock!.failedAttempts} wrong passwords on the login page from ${address}, the system user's token request from ${address} gets no token (connection error or refusal)`,
    observed: `${attempts.length} attempt(s): ${attempts.map(describeLogin).join(' / ')}; then the token request got ${describeOutcome(probe)}`,
  }, () => expect(tokenResponseOf(probe), 'a token was issued').to.equal(undefined));
});
