/**
 * Steps of features/authorization-endpoint.feature (issue 20): plain HTTP requests to the authorization endpoint
 * (support/authorization/probe.ts), and one browser login for the code's client binding and `iss`.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { stateKey } from '../support/scenario-state.ts';
import { couldNotJudge } from '../support/verdict/check.ts';
import { probeAuthorization, publicClient, webClient, describeAnswer, type AuthorizationProbe } from '../support/authorization/probe.ts';
import {
  judgeIssuerParameter,
  judgeNotRedirected,
  judgePkceRefused,
  probePkce,
  probeRedirectUri,
  redirectUriVariant,
  UNSUPPORTED_RESPONSE_TYPE,
  type PkceProbes,
  type RedirectUriTrial,
} from '../support/authorization/judges.ts';
import { redeemWithOtherClient } from '../support/authorization/code-binding.ts';
import { judgeRefusal, redeemCode } from '../support/browser/code-redemption.ts';
import { codeForRedemption } from '../support/browser/human-login.ts';
import { rememberRedemption, theLogin, theRedemption } from '../support/browser/scenario-state.ts';
import { judgeReuseRevokes, watchFirstRedemption, type ReuseWatch } from '../support/authorization/code-reuse.ts';
import { CODE_WAIT_STEP_TIMEOUT_MS, codeCertainlyExpiredAt, codeExpiryWaitSeconds, expiredCodeDescription, judgeDeclaredCodeLifetime } from '../support/authorization/code-lifetime.ts';

const REDIRECT_URI_PROBES = stateKey<RedirectUriTrial>('the authorization requests with another redirect_uri');
const PKCE_PROBES = stateKey<PkceProbes>('the authorization requests with changed PKCE parameters');
const ERROR_PROBE = stateKey<AuthorizationProbe>('the authorization request with an unsupported response_type');
const OTHER_REDEMPTION = stateKey<{ role: string; exchange: Exchange }>("another client's redemption of the front end's code");
const REUSE_WATCH = stateKey<ReuseWatch>("finding where the first redemption's tokens can be seen");
const CODE_WAIT = stateKey<number>('the wait past the declared code lifetime');

When("the front end's authorization request names its redirect URI {}", async function (this: CtkWorld, variant: string) {
  const web = webClient(this);
  const other = redirectUriVariant(web.redirectUri, variant, web.applicationType);
  this.state.remember(REDIRECT_URI_PROBES, typeof other === 'string' ? await probeRedirectUri(this, web, other) : other);
});

Then('the authorization endpoint does not redirect to that redirect_uri', async function (this: CtkWorld) {
  for (const id of this.requirementIds) await judgeNotRedirected(this, id, this.state.recall(REDIRECT_URI_PROBES), webClient(this));
});

When('the public client sends an authorization request without a code_challenge', async function (this: CtkWorld) {
  this.state.remember(PKCE_PROBES, await probePkce(this, publicClient(this), { code_challenge: null, code_challenge_method: null }));
});

Then('the authorization endpoint refuses the request without a code_challenge', function (this: CtkWorld) {
  judgePkceRefused(this, 'REQ-AUTHZ-03', this.state.recall(PKCE_PROBES), "a public client's authorization request without code_challenge");
});

When('the front end sends an authorization request with code_challenge_method plain', async function (this: CtkWorld) {
  // A valid plain challenge (RFC 7636 §4.2: the verifier itself, 43 characters of the unreserved set).
  this.state.remember(PKCE_PROBES, await probePkce(this, webClient(this), { code_challenge: 'ctk-plain-challenge-0123456789-abcdefghijklmnop', code_challenge_method: 'plain' }));
});

Then('the authorization endpoint refuses the plain code_challenge', function (this: CtkWorld) {
  judgePkceRefused(this, 'REQ-AUTHZ-04', this.state.recall(PKCE_PROBES), 'an authorization request with code_challenge_method=plain');
});

When('the front end sends an authorization request with an unsupported response_type', async function (this: CtkWorld) {
  this.state.remember(ERROR_PROBE, await probeAuthorization(this, webClient(this), { response_type: UNSUPPORTED_RESPONSE_TYPE }));
});

Then('the error response delivered to the front end carries the issuer as iss', async function (this: CtkWorld) {
  const probe = this.state.recall(ERROR_PROBE);
  if (probe.answer.kind !== 'redirected') {
    return couldNotJudge(this, {
      requirement: 'REQ-AUTHZ-06',
      expected: 'an error response delivered to the redirect URI, carrying iss',
      why: `${describeAnswer(probe)}: the server showed the error itself, so there is no authorization response to read iss from`,
    });
  }
  await judgeIssuerParameter(this, probe.answer.params, `the error response for response_type=${UNSUPPORTED_RESPONSE_TYPE}`);
});

When("another client redeems the front end's code with its own credentials", async function (this: CtkWorld) {
  const login = theLogin(this);
  this.state.remember(OTHER_REDEMPTION, await redeemWithOtherClient(this, login, codeForRedemption(this, login)));
});

Then("the token endpoint refuses the other client's redemption and issues no token", function (this: CtkWorld) {
  const { role, exchange } = this.state.recall(OTHER_REDEMPTION);
  judgeRefusal(this, exchange, 'REQ-AUTHZ-05', ['invalid_grant', 'unauthorized_client'], `the front end's code presented by ${role} with the right code_verifier and redirect_uri`);
});

Then('the redirect that delivered the code carries the issuer as iss', async function (this: CtkWorld) {
  const { result } = theLogin(this);
  if (result.kind !== 'redirected') throw new Error('step order: the login did not come back to the front end');
  await judgeIssuerParameter(this, result.callback.params, 'the redirect that delivered the code');
});

// --- RFC 6749 §4.1.2: a reused code's tokens revoked, and the code's lifetime (REQ-AUTHZ-07..09) -----------------

Given("the kit sees where the tokens of that redemption are valid", async function (this: CtkWorld) {
  this.state.remember(REUSE_WATCH, await watchFirstRedemption(this, theRedemption(this)));
});

Then("the tokens of the code's first redemption are revoked", { timeout: 180_000 }, async function (this: CtkWorld) {
  await judgeReuseRevokes(this, this.state.recall(REUSE_WATCH), theRedemption(this));
});

Given('the target declares an authorization code lifetime the kit can wait out', function (this: CtkWorld) {
  this.state.remember(CODE_WAIT, codeExpiryWaitSeconds(this));
});

When('the front end redeems the code once its declared lifetime has passed', { timeout: CODE_WAIT_STEP_TIMEOUT_MS }, async function (this: CtkWorld) {
  const login = theLogin(this);
  const code = codeForRedemption(this, login);
  const wait = codeCertainlyExpiredAt(login, this.state.recall(CODE_WAIT)) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  rememberRedemption(this, await redeemCode(this, login, code));
});

Then('the token endpoint refuses the expired code with invalid_grant and issues no token', function (this: CtkWorld) {
  const exchange = theRedemption(this);
  judgeRefusal(this, exchange, 'REQ-AUTHZ-08', ['invalid_grant'], expiredCodeDescription(this, theLogin(this), exchange));
});

Then('the authorization code lifetime the target declares is at most ten minutes', function (this: CtkWorld) {
  judgeDeclaredCodeLifetime(this);
});
