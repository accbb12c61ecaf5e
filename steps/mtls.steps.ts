/**
 * Steps of features/mtls.feature (issue 19, RFC 8705): each one call into support/mtls/.
 */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import {
  callGatewayPresenting,
  GATEWAY_MTLS_CALL,
  judgeBoundTokensAnnounced,
  judgeGatewayRefusedMtlsCall,
  judgeMtlsAliasAnnounced,
  judgeMtlsRefused,
  judgeMtlsServed,
  judgeMtlsTokenIssued,
  judgeTokenBoundToCertificate,
  mtlsGatewayControl,
  mtlsMetadata,
  mtlsTokenFor,
  REFUSED_TOKEN_REQUEST,
  requestTokenPresenting,
} from '../support/mtls/judges.ts';

When('the mTLS client requests a token with its registered certificate', async function (this: CtkWorld) {
  await mtlsTokenFor(this);
});

Then('the token endpoint issues the mTLS client an access token', async function (this: CtkWorld) {
  await judgeMtlsTokenIssued(this, await mtlsTokenFor(this));
});

When('the mTLS client asks for a token {}', async function (this: CtkWorld, words: string) {
  await requestTokenPresenting(this, words);
});

Then('the token endpoint refuses the mTLS client with invalid_client', function (this: CtkWorld) {
  judgeMtlsRefused(this, this.state.recall(REFUSED_TOKEN_REQUEST));
});

Then("the access token names the client's certificate in cnf x5t#S256", async function (this: CtkWorld) {
  await judgeTokenBoundToCertificate(this, await mtlsTokenFor(this));
});

When("the mTLS client calls the gateway's mTLS listener with its bound token and its certificate", async function (this: CtkWorld) {
  await mtlsGatewayControl(this);
});

Then('the gateway serves the certificate-bound token', async function (this: CtkWorld) {
  await judgeMtlsServed(this, (await mtlsGatewayControl(this)).exchange);
});

When("the mTLS client presents its bound token at the gateway's mTLS listener {}", async function (this: CtkWorld, words: string) {
  await callGatewayPresenting(this, words);
});

Then('the gateway refuses the certificate-bound token with 401 invalid_token', async function (this: CtkWorld) {
  await judgeGatewayRefusedMtlsCall(this, this.state.recall(GATEWAY_MTLS_CALL));
});

When('the kit reads the authorization server metadata for mutual TLS', async function (this: CtkWorld) {
  await mtlsMetadata(this);
});

Then('the metadata says tls_client_certificate_bound_access_tokens is true', async function (this: CtkWorld) {
  await judgeBoundTokensAnnounced(this);
});

Then('the metadata names the mTLS token endpoint in mtls_endpoint_aliases', async function (this: CtkWorld) {
  await judgeMtlsAliasAnnounced(this);
});
