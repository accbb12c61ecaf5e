/**
 * Steps of features/secret-rotation.feature: client secret rotation (seed 002) and signing-key rotation
 * (RFC 7517 / RFC 9068 §4), both through the target's control plane. A rotated client secret is put back after
 * the scenario (steps/common.ts runs the cleanups), so every other scenario keeps the profile's secret.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { controlPlaneOf, NO_CONTROL_PLANE_REMEDY } from '../support/admin/control-plane.ts';
import { addCleanup } from '../support/oauth/scenario.ts';
import { hasIssued, rememberEarlier, theEarlier, theIssued } from '../support/oauth/issued.ts';
import { freshToken, isNotTestable, markNotTestable, resolveClient } from '../support/oauth/token-requests.ts';
import { newSecretInFormBody, oldSecretAgainLater, oldSecretTheOtherWay, requestWithRotatedSecret, ROTATED_SECRETS, tokenBeforeRotation } from '../support/oauth/secret-rotation.ts';
import { judgeTokenIssued } from '../support/oauth/token-response.ts';
import { TokenUnavailableError } from '../support/oauth/token-client.ts';
import { callProtectedRoute, judgeGatewayAdmission, rememberPresented } from '../support/jwt/gateway.ts';
import { newKeysNotPickedUp } from '../support/jwt/key-pickup.ts';
import { judgeEarlierTokenStillPublished, judgeNewKeyAdmitted, judgeNewKeyPublished, rotateIssuerSigningKey } from '../support/jwt/key-rotation.ts';


/**
 * How long a gateway may take to pick up a rotated key set: jose and most JWKS clients fetch again for an unknown
 * kid once a 30 s cooldown since the last fetch has passed. The reference has no cooldown and admits at once.
 */
const KEY_PICKUP_BOUND_MS = 35_000;

const noControlPlane = (world: CtkWorld, what: string) =>
  markNotTestable(world, { notTestable: `the kit cannot ${what} on this target (it has no control plane)`, remedy: NO_CONTROL_PLANE_REMEDY });

// --- client secrets (seed 002) --------------------------------------------------------------------------------

Given('the rotation client has been issued an access token', async function (this: CtkWorld) {
  const issued = await freshToken(this, 'rotation');
  if (isNotTestable(issued)) return markNotTestable(this, issued);
  if (!('token' in issued)) return void judgeTokenIssued(this, issued, 'REQ-TOK-01', 'a token request of the rotation client');
});

Given('the rotation client\'s secret has been rotated', async function (this: CtkWorld) {
  const client = resolveClient(this, 'rotation');
  if (isNotTestable(client)) return markNotTestable(this, client);
  const admin = controlPlaneOf(this, 'rotateSecret');
  if (!admin) return noControlPlane(this, 'rotate a client secret');
  if (hasIssued(this)) rememberEarlier(this, theIssued(this));
  const fresh = await admin.rotateSecret(client.clientId);
  addCleanup(this, async () => {
    await admin.rotateSecret(client.clientId, client.clientSecret);
  });
  this.state.remember(ROTATED_SECRETS, { old: client.clientSecret, fresh });
});

Given('the rotation client has obtained a token with its secret just before the rotation', async function (this: CtkWorld) {
  const result = await tokenBeforeRotation(this);
  if (result) return markNotTestable(this, result);
});

When('the rotation client requests a token with its new secret', async function (this: CtkWorld) {
  const result = await requestWithRotatedSecret(this, 'new');
  if (isNotTestable(result)) return markNotTestable(this, result);
});

When('the rotation client requests a token with its old secret', async function (this: CtkWorld) {
  const result = await requestWithRotatedSecret(this, 'old');
  if (isNotTestable(result)) return markNotTestable(this, result);
});

Then('the new secret sent in the form body obtains a token too, where the client may authenticate there', async function (this: CtkWorld) {
  const result = await newSecretInFormBody(this);
  if (result) return markNotTestable(this, result);
});

Then('the old secret sent again a second later gets no token either', async function (this: CtkWorld) {
  const result = await oldSecretAgainLater(this);
  if (result) return markNotTestable(this, result);
});

Then('the old secret sent the other way, in the form body rather than with HTTP Basic or the reverse, gets no token either', async function (this: CtkWorld) {
  const result = await oldSecretTheOtherWay(this);
  if (result) return markNotTestable(this, result);
});

When('the caller calls the protected route with the token issued before the rotation', async function (this: CtkWorld) {
  const earlier = theEarlier(this);
  rememberPresented(this, { token: earlier.token, description: `a token ${earlier.client.clientId} obtained before its secret was rotated` });
  await callProtectedRoute(this, earlier.token);
});

// --- signing keys (RFC 7517, RFC 9068 §4) ---------------------------------------------------------------------

Given('the system client has been issued a fresh access token', async function (this: CtkWorld) {
  const issued = await freshToken(this, 'system');
  if (isNotTestable(issued)) return markNotTestable(this, issued);
  // The system client's issuance is REQ-TOK-01's own scenario's finding: here it only blocks.
  if (!('token' in issued)) throw new TokenUnavailableError(this.target.clients.system.clientId, issued);
});

Given('the issuer\'s signing key has been rotated', async function (this: CtkWorld) {
  const result = await rotateIssuerSigningKey(this);
  if (result) return markNotTestable(this, result);
});

Then('the new access token is signed with a key that was not published before the rotation, and verifies with the JWK Set', async function (this: CtkWorld) {
  await judgeNewKeyPublished(this);
});

Then('the gateway accepts the new access token once it has fetched the new key set', async function (this: CtkWorld) {
  const issued = theIssued(this);
  await judgeNewKeyAdmitted(this, issued.token, issued.decoded?.header.kid, KEY_PICKUP_BOUND_MS);
});

Then('the token issued before the rotation still verifies with the issuer\'s JWK Set', async function (this: CtkWorld) {
  await judgeEarlierTokenStillPublished(this, 'REQ-JWT-10');
});

Then('the issuer still publishes the key that signed the token issued before the rotation', async function (this: CtkWorld) {
  await judgeEarlierTokenStillPublished(this, 'REQ-ROT-03');
});

Then('the gateway still accepts the token issued before the rotation', async function (this: CtkWorld) {
  const earlier = theEarlier(this);
  const exchange = await callProtectedRoute(this, earlier.token);
  const situation = `a token signed before the key rotation (kid ${JSON.stringify(earlier.decoded?.header.kid)}) and not yet expired`;
  // One cause, one finding: where a fresh token of the current key is refused too, the gateway picks up no new key (REQ-JWT-11).
  if (await newKeysNotPickedUp(this, exchange, 'REQ-JWT-10', `the gateway serves the protected route (2xx) for ${situation}`, KEY_PICKUP_BOUND_MS)) return;
  await judgeGatewayAdmission(this, exchange, 'REQ-JWT-10', situation);
});
