/** Steps of features/access-token-format.feature: the issued token as an RFC 9068 JWT, and forged tokens at the gateway. */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { accessTokenFor } from '../support/oauth/token-client.ts';
import { hasIssued, rememberIssued, theIssued, tokenOnly } from '../support/oauth/issued.ts';
import { taggedRequirement } from '../support/oauth/scenario.ts';
import { markNotTestable } from '../support/oauth/token-requests.ts';
import { fetchJwks } from '../support/jwt/jwks.ts';
import {
  judgeAlgNotNone,
  judgeAsymmetric,
  judgeApiAudience,
  judgeClaimPresent,
  judgeClientIdClaim,
  judgeIsJws,
  judgeIssuer,
  judgeScopeClaim,
  judgeSignature,
  judgeSubIsClientId,
  judgeTyp,
} from '../support/jwt/claims.ts';
import { forgedToken, signerToken, type CraftedToken } from '../support/jwt/crafted.ts';
import { foreignIssuerToken, otherAudienceToken } from '../support/jwt/genuine.ts';
import { callProtectedRoute, judgeGatewayAdmission, judgeGatewayRefusal, presentedDescription, rememberPresented, thePresented } from '../support/jwt/gateway.ts';
import { jwksUriOf } from '../support/target/target.ts';

Given('the system client has been issued an access token', async function (this: CtkWorld) {
  const client = this.target.clients.system;
  rememberIssued(this, tokenOnly(await accessTokenFor(this, client), client));
});

/** The token this scenario requested itself, if it did; else the run's token of the system client. */
async function theToken(world: CtkWorld) {
  if (hasIssued(world)) return theIssued(world);
  const client = world.target.clients.system;
  return rememberIssued(world, tokenOnly(await accessTokenFor(world, client), client));
}

Then('the access token is a JWS in compact serialization with a JSON header and claims set', async function (this: CtkWorld) {
  judgeIsJws(this, await theToken(this));
});

Then('the access token\'s typ header is "at+jwt"', async function (this: CtkWorld) {
  judgeTyp(this, await theToken(this));
});

Then('the access token carries the claim {string}', async function (this: CtkWorld, claim: string) {
  judgeClaimPresent(this, await theToken(this), claim);
});

Then('the access token\'s alg is not "none"', async function (this: CtkWorld) {
  judgeAlgNotNone(this, await theToken(this));
});

Then('the access token is signed with an asymmetric algorithm', async function (this: CtkWorld) {
  judgeAsymmetric(this, await theToken(this));
});

Then('the access token\'s iss is the issuer identifier of the target', async function (this: CtkWorld) {
  judgeIssuer(this, await theToken(this), this.target.issuer, 'REQ-JWT-06', 'the issuer identifier the target profile names');
});

Then('the access token\'s signature verifies with the key its kid names in the issuer\'s JWK Set', async function (this: CtkWorld) {
  const jwksUri = jwksUriOf(this.target);
  const { keys } = await fetchJwks(this, jwksUri);
  await judgeSignature(this, await theToken(this), keys, jwksUri);
});

Then('the access token\'s aud contains the API audience', async function (this: CtkWorld) {
  const judged = judgeApiAudience(this, await theToken(this));
  if (judged !== 'judged') return markNotTestable(this, judged);
});

Then('the access token\'s client_id is the id of the client that requested it', async function (this: CtkWorld) {
  judgeClientIdClaim(this, await theToken(this));
});

Then('the access token\'s sub equals its client_id, the id of the client', async function (this: CtkWorld) {
  await judgeSubIsClientId(this, await theToken(this));
});

Then('the access token carries a scope claim', async function (this: CtkWorld) {
  judgeScopeClaim(this, await theToken(this));
});

// --- forged and defective tokens at the gateway -----------------------------------------------------------

function presented(world: CtkWorld, crafted: CraftedToken | { notTestable: string; remedy?: string }) {
  if ('notTestable' in crafted) return markNotTestable(world, crafted);
  rememberPresented(world, crafted);
  return undefined;
}

Given('a copy of the system client\'s access token {}', async function (this: CtkWorld, forgery: string) {
  return presented(this, await forgedToken(this, forgery));
});

Given('a token from the trusted test signer with the claims of the system client\'s access token', async function (this: CtkWorld) {
  return presented(this, await signerToken(this));
});

Given('a token from the trusted test signer with the claims of the system client\'s access token, but {}', async function (this: CtkWorld, defect: string) {
  return presented(this, await signerToken(this, defect));
});

Given('a genuine access token that another issuer issued to its client', async function (this: CtkWorld) {
  return presented(this, await foreignIssuerToken(this));
});

Given('a genuine access token the IdP issued to a client for another API', async function (this: CtkWorld) {
  return presented(this, await otherAudienceToken(this));
});

When('the caller calls the protected route with that token', async function (this: CtkWorld) {
  await callProtectedRoute(this, thePresented(this).token);
});

Then('the gateway refuses the token with 401 and error "invalid_token"', function (this: CtkWorld) {
  return judgeGatewayRefusal(this, this.lastExchange(), presentedDescription(this, 'the token'));
});

Then('the gateway lets the request through to the protected resource', function (this: CtkWorld) {
  const requirement = taggedRequirement(this, ['REQ-BEARER-01', 'REQ-ROT-03'], 'the admission step');
  return judgeGatewayAdmission(this, this.lastExchange(), requirement, presentedDescription(this, 'a valid access token'));
});
