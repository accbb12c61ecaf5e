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
import { stateKey } from '../support/scenario-state.ts';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import type { TestUser } from '../support/target/target.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { check } from '../support/verdict/check.ts';
import { describeOutcome } from '../support/http/exchange.ts';
import { accessTokenFor } from '../support/oauth/token-client.ts';
import { describeLogin, judgeLoginErrorShown, logInThroughBrowser, orNotTestable, codeForRedemption, wrongPasswordFor } from '../support/browser/human-login.ts';
import { judgeRefusal, judgeTokenIssued, redeemCode } from '../support/browser/code-redemption.ts';
import { customerAccessToken } from '../support/browser/front-end.ts';
import { stateValue, tamperedVerifier } from '../support/browser/pkce.ts';
import { otherRedirectUri } from '../support/browser/callback.ts';
import { browserSourceAddress } from '../support/browser/source-addresses.ts';
import { failLoginsInBrowser, prepareBlockCheck, probeAfterFailures, wrongPasswordIssuedCode } from '../support/browser/ip-block.ts';
import { isServed } from '../support/load/ip-block.ts';
import { rememberHumanToken } from '../support/browser/token-cache.ts';
import { humanTokenNamesItsCustomer, judgeCustomerDataRefused, judgeCustomerDataServed, judgeHumanIdentityPassed, judgeHumanTokenClaims } from '../support/identity/verdicts.ts';
import { requestCustomerData } from '../support/identity/customer-data.ts';
import { bearer, callGateway, RouteNotDescribedError } from '../support/gateway/gateway-client.ts';
import {
  rememberAccessToken,
  rememberAttempts,
  rememberLogin,
  rememberRedemption,
  rememberBlockCheck,
  scenarioRequirementIds,
  testCustomer,
  theAccessToken,
  theAttempts,
  theCustomer,
  theLogin,
  theRedemption,
  theBlockCheck,
} from '../support/browser/scenario-state.ts';

// What the human token is for: the identity and rate-limit areas' requirements (one behaviour, one ID).
const HUMAN_TOKEN = 'REQ-ID-02';
const HUMAN_IDENTITY_FORWARDED = 'REQ-ID-03';
const HUMAN_SEES_OWN_CUSTOMER_ONLY = 'REQ-ID-04';
const SYSTEM_SEES_ALL_CUSTOMERS = 'REQ-ID-05';
const FAILED_LOGINS_BLOCK_IP = 'REQ-RL-04';

const RECORDS_OF = stateKey<TestUser>('customer whose records are asked for');
const SYSTEM_ANSWERS = stateKey<Exchange[]>('answers to the system client');


/** Runs a gateway call; a route the target does not describe makes the check not testable. */
async function onDescribedRoute(world: CtkWorld, call: () => Promise<unknown>): Promise<'skipped' | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (!(error instanceof RouteNotDescribedError)) throw error;
    return world.notTestable(scenarioRequirementIds(world), error.message, `describe gateway.routes in the target profile (README "Targets")`);
  }
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
    // Seed 003 as a precondition: what the gateway and the component do with the token means something only if it
    // IS the customer's token; one that does not name the customer is REQ-ID-02's finding (one cause, one finding).
    await humanTokenNamesItsCustomer(this, theAccessToken(this), user);
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

// --- what the token is and what it may see (judged by the identity area's verdicts: one judgement per requirement)

Then("the access token's sub is the customer's id and its client_id is the front end's", function (this: CtkWorld) {
  return judgeHumanTokenClaims(this, HUMAN_TOKEN, theAccessToken(this), theCustomer(this));
});

When("the front end calls the identity echo route with the customer's access token", function (this: CtkWorld) {
  return onDescribedRoute(this, () => callGateway(this, { route: 'identity echo', authorization: bearer(theAccessToken(this)) }));
});

Then('the component received a human identity for the customer', function (this: CtkWorld) {
  return judgeHumanIdentityPassed(this, HUMAN_IDENTITY_FORWARDED, this.lastExchange(), theCustomer(this));
});

When("the front end requests the records of the {word} test customer with the customer's access token", function (this: CtkWorld, ordinal: string) {
  const owner = testCustomer(this, ordinal);
  if (!owner) return noUser(this, ordinal);
  this.state.remember(RECORDS_OF, owner);
  return onDescribedRoute(this, () => requestCustomerData(this, theAccessToken(this), owner));
});

Then("the component serves that customer's records and no other customer's", function (this: CtkWorld) {
  return judgeCustomerDataServed(this, HUMAN_SEES_OWN_CUSTOMER_ONLY, this.lastExchange(), this.state.recall(RECORDS_OF), 'the customer logged in through the browser', { human: theCustomer(this) });
});

Then("the component refuses them without any of that customer's data", function (this: CtkWorld) {
  return judgeCustomerDataRefused(this, HUMAN_SEES_OWN_CUSTOMER_ONLY, this.lastExchange(), this.state.recall(RECORDS_OF), `${theCustomer(this).username}, logged in through the browser`, { human: theCustomer(this) });
});

When('a system user requests the records of the first and the second test customer with a client-credentials token', function (this: CtkWorld) {
  const [first, second] = this.target.users;
  if (!first || !second) return noUser(this, 'second');
  return onDescribedRoute(this, async () => {
    const token = await accessTokenFor(this, this.target.clients.system);
    this.state.remember(SYSTEM_ANSWERS, [await requestCustomerData(this, token, first), await requestCustomerData(this, token, second)]);
  });
});

Then("both answers serve that customer's records", async function (this: CtkWorld) {
  const answers = this.state.recall(SYSTEM_ANSWERS);
  for (const [i, exchange] of answers.entries()) {
    await judgeCustomerDataServed(this, SYSTEM_SEES_ALL_CUSTOMERS, exchange, this.target.users[i]!, 'a client-credentials token (seed 003: "darf alles")', { system: this.target.clients.system });
  }
});

// --- wrong password ----------------------------------------------------------------------------------------

Then('the login page shows a login error', function (this: CtkWorld) {
  judgeLoginErrorShown(this, theLogin(this).result);
});

Then('the browser is not sent back to the front end with a code', function (this: CtkWorld) {
  const { result } = theLogin(this);
  check(this, { requirement: 'REQ-HUM-03', expected: 'no redirect to the front end with a code after a wrong password', observed: describeLogin(result) }, () =>
    expect(result.kind === 'redirected' && result.code !== undefined).to.equal(false),
  );
});

// --- failed logins and the IP block ------------------------------------------------------------------------

Given('a browser with a client IP of its own, from which a client gets a token', async function (this: CtkWorld) {
  const check = await prepareBlockCheck(this);
  if ('reason' in check) return this.notTestable(scenarioRequirementIds(this), check.reason, check.remedy);
  rememberBlockCheck(this, check);
  return undefined;
});

When('the {word} test customer types a wrong password on the login page as often as the target blocks after', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => rememberAttempts(this, await failLoginsInBrowser(this, theBlockCheck(this), user)));
});

Then('a token request from that client IP gets no token', async function (this: CtkWorld) {
  const block = theBlockCheck(this);
  const attempts = theAttempts(this);
  const expected = `after ${block.failedAttempts} wrong passwords on the login page from ${block.address}, a token request with correct credentials from ${block.address} gets no token (connection error or refusal)`;
  if (wrongPasswordIssuedCode(this, FAILED_LOGINS_BLOCK_IP, attempts, expected)) return;
  const probe = await probeAfterFailures(this, block);
  check(this, {
    requirement: FAILED_LOGINS_BLOCK_IP,
    expected,
    observed: `${attempts.length} attempt(s): ${attempts.map(describeLogin).join(' / ')}; then the token request got ${describeOutcome(probe)}`,
  }, () => expect(isServed(probe), 'a token was issued').to.equal(false));
});
