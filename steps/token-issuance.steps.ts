/**
 * Steps of features/token-issuance.feature (and the token requests other features share): each step is one call
 * into support/oauth/ and, for Then steps, one judge. Which requirement a shared Then step judges comes from
 * the scenario's @REQ tags (support/oauth/scenario.ts).
 */
import { explainedByInvalidClientShape, explainedByUncheckedCredentials } from '../support/oauth/unchecked-credentials.ts';
import { When, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { check } from '../support/verdict/check.ts';
import { describeAuth, type ClientRole } from '../support/oauth/clients.ts';
import { registeredAuthMethod } from '../support/oauth/token-client.ts';
import { isTagged, taggedRequirement } from '../support/oauth/scenario.ts';
import { theIssued } from '../support/oauth/issued.ts';
import {
  isNotTestable,
  markNotTestable,
  requestWithCredentialsInUri,
  passwordGrantOfSystemClient,
  refusedForMadeUpUser,
  requestAsTheGuideShows,
  requestWithMalformedBody,
  resolveClient,
  theSituation,
  tokenRequest,
} from '../support/oauth/token-requests.ts';
import { judgeExpiresIn, judgeNoRefreshToken, judgeTokenIssued, judgeTokenResponseShape, judgeTokenType, requireSuccessAnswer } from '../support/oauth/token-response.ts';
import { judgeBasicChallenge, judgeGuideRequestAnswer, judgeNoServerError, judgeNoToken, judgeRefusal, refusalForAnotherReason } from '../support/oauth/token-errors.ts';
import { disallowedScope, judgeDefaultScopeWithinClient, judgeDisallowedScope, refusedScopesOf, judgeGrantedScopeStated, judgeScopeLessAnswer, judgeStatedScopeMatchesClaim, UNKNOWN_SCOPE } from '../support/oauth/scope.ts';
import { isTlsOrLoopback } from '../support/discovery/metadata.ts';
import { stateKey } from '../support/scenario-state.ts';
import type { ClientCredentials } from '../support/target/target.ts';
import { oldSecretTokenExplained } from '../support/oauth/secret-rotation.ts';
import { controlOfRefusal, refusalUnderControl } from '../support/oauth/refusal-control.ts';
import { attributeRefusedCredentials } from '../support/oauth/auth-method-cause.ts';

const DISALLOWED_SCOPE = stateKey<{ client: ClientCredentials; scope: string[]; disallowed: string }>('token request with a scope the client may not have');

const notTestable = markNotTestable;

// --- requests ---------------------------------------------------------------------------------------------

When('{ctkClient} requests a token with its client id and secret', async function (this: CtkWorld, role: ClientRole) {
  const client = resolveClient(this, role);
  if (isNotTestable(client)) return notTestable(this, client);
  const result = await tokenRequest(this, client, { situation: `the valid credentials of ${client.clientId} ${describeAuth(registeredAuthMethod(client))}` });
  if (isNotTestable(result)) return notTestable(this, result);
  // Only the issuing scenario judges a refusal; the format checks (REQ-TOK-02 to -07) need a success answer.
  if (!ISSUING.some((id) => isTagged(this, id))) requireSuccessAnswer(result, theSituation(this));
});

When('{ctkClient} requests a token for the first of its scopes', async function (this: CtkWorld, role: ClientRole) {
  const client = resolveClient(this, role);
  if (isNotTestable(client)) return notTestable(this, client);
  const scope = client.scopes.filter((s) => s !== 'openid').slice(0, 1);
  if (scope.length === 0) return notTestable(this, { notTestable: `the profile lists no scope for ${client.clientId}`, remedy: `list the scopes of ${client.clientId} in the target profile` });
  const result = await tokenRequest(this, client, { scope, situation: `a token request of ${client.clientId} for the scope "${scope[0]}"` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('{ctkClient} requests a token for one of its scopes and {}', async function (this: CtkWorld, role: ClientRole, extra: string) {
  const client = resolveClient(this, role);
  if (isNotTestable(client)) return notTestable(this, client);
  const own = client.scopes.filter((s) => s !== 'openid').slice(0, 1);
  const disallowed = disallowedScope(extra, client);
  if (isNotTestable(disallowed)) return disallowed.notApplicable ? this.notApplicable(this.requirementIds, disallowed.notTestable, disallowed.remedy) : notTestable(this, disallowed);
  const scope = [...own, disallowed];
  this.state.remember(DISALLOWED_SCOPE, { client, scope, disallowed });
  const result = await tokenRequest(this, client, { scope, expectRefusal: true, situation: `a token request of ${client.clientId} for "${scope.join(' ')}", where "${disallowed}" is not the client's` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client requests a token without a scope', async function (this: CtkWorld) {
  // The one request of the kit without scope (REQ-TOK-19); it may be refused, so it goes out from a failure address.
  const result = await tokenRequest(this, this.target.clients.system, { scope: null, expectRefusal: true, situation: 'a client_credentials request without a scope parameter' });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the read-only client requests a token without a scope', async function (this: CtkWorld) {
  const client = resolveClient(this, 'readOnly');
  if (isNotTestable(client)) return notTestable(this, client);
  const refused = refusedScopesOf(client);
  if (isNotTestable(refused)) return this.notApplicable(this.requirementIds, refused.notTestable, refused.remedy);
  const result = await tokenRequest(this, client, { scope: null, expectRefusal: true, situation: `a client_credentials request of ${client.clientId} without a scope parameter` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client requests a token for only a scope the target does not know', async function (this: CtkWorld) {
  const client = this.target.clients.system;
  this.state.remember(DISALLOWED_SCOPE, { client, scope: [UNKNOWN_SCOPE], disallowed: UNKNOWN_SCOPE });
  const result = await tokenRequest(this, client, { scope: [UNKNOWN_SCOPE], expectRefusal: true, situation: `a token request of ${client.clientId} for only "${UNKNOWN_SCOPE}", a scope the target does not know` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client requests a token with the password grant for a test user', async function (this: CtkWorld) {
  const result = await passwordGrantOfSystemClient(this);
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client requests a token without a grant_type', async function (this: CtkWorld) {
  const result = await tokenRequest(this, this.target.clients.system, { grantType: null, expectRefusal: true, situation: 'a token request without grant_type' });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client requests a token with grant_type {string}', async function (this: CtkWorld, grantType: string) {
  const result = await tokenRequest(this, this.target.clients.system, { grantType, expectRefusal: true, situation: `a token request with the unknown grant_type "${grantType}"` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the client without the client credentials grant requests a client credentials token', async function (this: CtkWorld) {
  const client = resolveClient(this, 'noClientCredentials');
  if (isNotTestable(client)) return notTestable(this, client);
  const result = await tokenRequest(this, client, { expectRefusal: true, situation: `a client_credentials request of ${client.clientId}, which is not allowed that grant` });
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client sends a GET request with its parameters in the query string', async function (this: CtkWorld) {
  const result = await requestWithCredentialsInUri(this, this.target.clients.system, 'GET');
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client sends a POST request with its credentials in the query string', async function (this: CtkWorld) {
  const result = await requestWithCredentialsInUri(this, this.target.clients.system, 'POST');
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client posts a JSON body instead of a form to the token endpoint', async function (this: CtkWorld) {
  const result = await requestWithMalformedBody(this, this.target.clients.system, 'json');
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client posts a form padded to 1 MiB to the token endpoint', async function (this: CtkWorld) {
  const result = await requestWithMalformedBody(this, this.target.clients.system, 'oversized');
  if (isNotTestable(result)) return notTestable(this, result);
});

When('the system client sends the token request exactly as the guide\'s curl sample does', async function (this: CtkWorld) {
  const result = await requestAsTheGuideShows(this, this.target.clients.system);
  if (isNotTestable(result)) return notTestable(this, result);
});

// --- successful answers (RFC 6749 §5.1) ----------------------------------------------------------------------

/** The requirements a "token was issued" step can judge, by the scenario's tag. */
const ISSUING = ['REQ-TOK-01', 'REQ-CAUTH-01', 'REQ-CAUTH-02', 'REQ-ROT-01'];

Then('the token endpoint issues an access token', async function (this: CtkWorld) {
  const requirement = taggedRequirement(this, ISSUING, 'the issuing step');
  // One cause, one finding (support/oauth/auth-method-cause.ts): the system client's own secret refused one way is the
  // method's finding where the other way gets a token, REQ-TOK-01's where it is refused too.
  await attributeRefusedCredentials(this, requirement, this.lastExchange(), theSituation(this));
  judgeTokenIssued(this, this.lastExchange(), requirement, theSituation(this));
});

Then('the token response is a JSON object with a non-empty access_token and a token_type, numbers as JSON numbers', function (this: CtkWorld) {
  judgeTokenResponseShape(this, this.lastExchange());
});

Then('the token_type is "Bearer", compared case-insensitively', function (this: CtkWorld) {
  judgeTokenType(this, this.lastExchange());
});

Then('expires_in states the token lifetime as a positive whole number of seconds', function (this: CtkWorld) {
  judgeExpiresIn(this, this.lastExchange());
});

Then('the token response carries no refresh token', function (this: CtkWorld) {
  judgeNoRefreshToken(this, this.lastExchange(), taggedRequirement(this, ['REQ-TOK-07', 'REQ-TOK-22'], 'the refresh token step') as 'REQ-TOK-07' | 'REQ-TOK-22');
});

Then('the token endpoint is an https URL, or a loopback address', function (this: CtkWorld) {
  const url = this.target.tokenEndpoint;
  check(this, { requirement: 'REQ-TOK-18', expected: 'a token endpoint reached over TLS (https), except on loopback', observed: `token endpoint ${url}` }, () =>
    expect(isTlsOrLoopback(url), 'https or loopback').to.equal(true),
  );
});

// --- scope (RFC 6749 §3.3) ----------------------------------------------------------------------------------

Then('the granted scope is the requested one, or the response states the scope it granted', function (this: CtkWorld) {
  requireSuccessAnswer(this.lastExchange(), theSituation(this));
  judgeTokenIssued(this, this.lastExchange(), 'REQ-TOK-08', theSituation(this));
  const result = judgeGrantedScopeStated(this, theIssued(this));
  if (result !== 'judged') return notTestable(this, { notTestable: result.notTestable });
});

Then('no scope the target must refuse the read-only client is granted by default', async function (this: CtkWorld) {
  const client = this.target.clients.readOnly!;
  await judgeDefaultScopeWithinClient(this, this.lastExchange(), client, refusedScopesOf(client) as readonly string[], theSituation(this));
});

Then('the token endpoint refuses with invalid_scope, or issues a token whose stated scope leaves that scope out', async function (this: CtkWorld) {
  const { client, scope, disallowed } = this.state.recall(DISALLOWED_SCOPE);
  await judgeDisallowedScope(this, this.lastExchange(), client, scope, disallowed, theSituation(this));
});

Then('the scope the response states is the scope claim of the access token', function (this: CtkWorld) {
  requireSuccessAnswer(this.lastExchange(), theSituation(this));
  // REQ-TOK-16 is a SHOULD: a missing token was reported as a warning and leaves nothing to compare.
  if (!judgeTokenIssued(this, this.lastExchange(), 'REQ-TOK-16', theSituation(this))) return;
  const result = judgeStatedScopeMatchesClaim(this, theIssued(this));
  if (result !== 'judged') return notTestable(this, { notTestable: result.notTestable });
});

Then('the token endpoint issues a token for its default scope, or refuses with {string}', async function (this: CtkWorld, code: string) {
  await judgeScopeLessAnswer(this, this.lastExchange(), code, theSituation(this));
});

// --- refusals (RFC 6749 §5.2) ---------------------------------------------------------------------------------

/** The requirements a "refuses with <code>" step can judge, by the scenario's tag. */
const REFUSING = ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05', 'REQ-TOK-10', 'REQ-TOK-11', 'REQ-TOK-15', 'REQ-TOK-20', 'REQ-ROT-02'];
/**
 * REQ-TOK-10: an absent grant_type may also be read as an unsupported one. REQ-TOK-20: a server without the password
 * grant says unsupported_grant_type (RFC 6749 §5.2).
 */
const ALSO_ACCEPTED: Readonly<Record<string, readonly string[]>> = { 'REQ-TOK-10': ['unsupported_grant_type'], 'REQ-TOK-20': ['unsupported_grant_type'] };

Then('the token endpoint refuses with {string} and issues no token', async function (this: CtkWorld, code: string) {
  const requirement = taggedRequirement(this, REFUSING, 'the refusal step');
  // One cause, one finding: a token for bad credentials that a plainer request gets too is that request's finding.
  const answer = this.lastExchange();
  if (await explainedByUncheckedCredentials(this, requirement, answer, theSituation(this))) return;
  if (requirement === 'REQ-ROT-02' && (await oldSecretTokenExplained(this, answer, theSituation(this)))) return;
  const madeUp = requirement === 'REQ-TOK-20' ? refusedForMadeUpUser(this, answer) : undefined;
  if (madeUp) return notTestable(this, { notTestable: madeUp, remedy: 'name a test user (users[]) in the target profile' });
  // An endpoint that refuses every request refuses these too: no pass without the good request beside it served.
  const control = controlOfRefusal(this, requirement, answer);
  if (control) await refusalUnderControl(this, answer, theSituation(this), control);
  judgeRefusal(this, answer, {
    requirement,
    codes: [code, ...(ALSO_ACCEPTED[requirement] ?? [])],
    situation: theSituation(this),
    // The format is REQ-TOK-09's: judged here where the scenario is tagged with it, else recorded in passing (a plain
    // text refusal failed REQ-ROT-02 beside REQ-TOK-09 against fault plain-text-errors).
    ...(isTagged(this, 'REQ-TOK-09') ? { formatRequirement: 'REQ-TOK-09' } : {}),
    ...(isTagged(this, 'REQ-TOK-17') ? { statusRequirement: 'REQ-TOK-17' } : {}),
    ...(isTagged(this, 'REQ-CAUTH-09') ? { challengeRequirement: 'REQ-CAUTH-09' } : {}),
  });
});

Then('the refusal is a 401 with a WWW-Authenticate challenge for Basic', async function (this: CtkWorld) {
  const requirement = taggedRequirement(this, ['REQ-CAUTH-03', 'REQ-CAUTH-05'], 'the Basic challenge step');
  // One cause, one finding: an unknown client refused in the shape a wrong secret is refused in too is REQ-CAUTH-03's.
  if (await explainedByInvalidClientShape(this, requirement, this.lastExchange(), theSituation(this))) return;
  judgeBasicChallenge(this, this.lastExchange(), requirement, theSituation(this));
});

Then('the token endpoint issues no token', function (this: CtkWorld) {
  const unrelated = refusalForAnotherReason(this.lastExchange());
  if (unrelated) return notTestable(this, { notTestable: unrelated, remedy: 'see the issuance and scope checks (REQ-TOK-01, REQ-TOK-12) and the rate-limit settings' });
  judgeNoToken(this, this.lastExchange(), 'REQ-TOK-13', theSituation(this));
});

Then('the token endpoint answers without a server error and within the request timeout', async function (this: CtkWorld) {
  const oversized = /padded/.test(theSituation(this));
  // A 4xx from an endpoint that refuses the ordinary request too never read the malformed body.
  await refusalUnderControl(this, this.lastExchange(), theSituation(this));
  judgeNoServerError(this, this.lastExchange(), 'REQ-TOK-14', theSituation(this), oversized);
});

Then('the token endpoint issues a token or refuses with a JSON error, never a server error or a hang', async function (this: CtkWorld) {
  const exchange = this.lastExchange();
  if (exchange.response?.status === 429) return notTestable(this, { notTestable: 'the request was refused by the rate limit (HTTP 429), not for its encoding', remedy: 'see the rate-limit settings of the target profile' });
  await refusalUnderControl(this, exchange, theSituation(this));
  judgeGuideRequestAnswer(this, exchange, 'REQ-TOK-21', theSituation(this));
});
