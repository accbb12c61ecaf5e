/**
 * oauth4webapi (used directly, not through openid-client) under the auth-ctk client harness contract (README
 * "Certifying a client"), used as its README's "Client Credentials Grant" example shows: authorization server
 * metadata and a `Client`, `clientCredentialsGrantRequest` then `processClientCredentialsResponse`, and the
 * access token in `protectedResourceRequest` ("Protected Resource Request"). The example keeps no token between
 * calls, and neither does this wrapper: each call is one grant and one resource request. The application sees
 * the resource's status, or nothing when the library throws (for instance on a 401 with a Bearer challenge).
 */
import * as oauth from 'oauth4webapi';
import { contractConfig } from '../../../client/harness-contract.ts';
import { runLibraryCalls, tokenEndpointMetadata } from '../library-calls.ts';

const config = contractConfig();
// No discovery document at the kit's IdP, so no discoveryRequest: the metadata object the example gets from
// processDiscoveryResponse is written out (an AuthorizationServer is plain metadata in the API reference).
const as: oauth.AuthorizationServer = tokenEndpointMetadata(config);
const client: oauth.Client = { client_id: config.clientId };
// The example authenticates with client_secret_basic; in v3 that is the ClientSecretBasic(clientSecret) helper.
const clientAuth = oauth.ClientSecretBasic(config.clientSecret);
// The kit's IdP and API listen on http://127.0.0.1: allowInsecureRequests is the documented option for that.
const options = { [oauth.allowInsecureRequests]: true };

await runLibraryCalls(config, async () => {
  const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, new URLSearchParams(), options);
  const { access_token } = await oauth.processClientCredentialsResponse(as, client, response);
  return oauth.protectedResourceRequest(access_token, 'GET', new URL(`${config.apiUrl}/items`), undefined, undefined, options);
});
