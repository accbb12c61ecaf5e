/**
 * Steps of features/dpop.feature (issue 19, RFC 9449): each one call into support/dpop/.
 */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { boundTokenFor } from '../support/dpop/client.ts';
import {
  callGatewayWithBoundToken,
  dpopControl,
  GATEWAY_DPOP_CALL,
  judgeDpopChallenge,
  judgeDpopServed,
  judgeDpopTokenType,
  judgeGatewayRefusedDpopCall,
  judgeSpoiledProofRefused,
  judgeTokenBoundToKey,
  proofDefect,
  requestTokenWithSpoiledProof,
  SPOILED_TOKEN_REQUEST,
} from '../support/dpop/judges.ts';

When('the system client requests a token with a valid DPoP proof', async function (this: CtkWorld) {
  await boundTokenFor(this);
});

Then('the token response has token_type "DPoP"', async function (this: CtkWorld) {
  judgeDpopTokenType(this, await boundTokenFor(this));
});

Then("the access token is bound to the proof's key", async function (this: CtkWorld) {
  judgeTokenBoundToKey(this, await boundTokenFor(this));
});

When('the system client requests a token with a DPoP proof that {}', async function (this: CtkWorld, words: string) {
  await requestTokenWithSpoiledProof(this, words);
});

Then('the token endpoint refuses the DPoP proof with invalid_dpop_proof', function (this: CtkWorld) {
  judgeSpoiledProofRefused(this, this.state.recall(SPOILED_TOKEN_REQUEST));
});

When('the system client calls the protected route with its DPoP-bound token and a valid proof', async function (this: CtkWorld) {
  await dpopControl(this);
});

Then('the gateway serves the DPoP request', async function (this: CtkWorld) {
  await judgeDpopServed(this, (await dpopControl(this)).exchange);
});

When('the system client sends its DPoP-bound token as a Bearer token without a proof', async function (this: CtkWorld) {
  await callGatewayWithBoundToken(this, 'bearer-without-proof');
});

When('the system client sends its DPoP-bound token as a Bearer token with a valid proof beside it', async function (this: CtkWorld) {
  await callGatewayWithBoundToken(this, 'bearer-with-proof');
});

When('the system client sends its DPoP-bound token with a proof signed by another key', async function (this: CtkWorld) {
  await callGatewayWithBoundToken(this, 'other-key');
});

When('the system client sends its DPoP-bound token with a proof that {}', async function (this: CtkWorld, words: string) {
  await callGatewayWithBoundToken(this, { defect: proofDefect(words), words });
});

When('the system client sends a DPoP proof the gateway has already served a second time', async function (this: CtkWorld) {
  await callGatewayWithBoundToken(this, 'replay');
});

Then('the gateway refuses the DPoP request', async function (this: CtkWorld) {
  await judgeGatewayRefusedDpopCall(this, this.state.recall(GATEWAY_DPOP_CALL));
});

Then('the 401 carries a DPoP challenge', function (this: CtkWorld) {
  judgeDpopChallenge(this, this.state.recall(GATEWAY_DPOP_CALL));
});
