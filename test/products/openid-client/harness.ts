/**
 * openid-client under the auth-ctk client harness contract (README "Certifying a client"), used as its README
 * shows: a `Configuration` for the authorization server, `clientCredentialsGrant(config)` ("Client Credentials
 * Grant") and then `fetchProtectedResource(config, tokens.access_token, url, 'GET')` ("You can then fetch a
 * protected resource response"). The README keeps no token between calls, and neither does this wrapper: each
 * call is one grant and one resource request. The application sees the resource's status, or nothing when the
 * library throws (for instance on a 401 with a Bearer challenge).
 */
import * as client from 'openid-client';
import { contractConfig } from '../../../client/harness-contract.ts';
import { runLibraryCalls, tokenEndpointMetadata } from '../library-calls.ts';

const config = contractConfig();
// No discovery document at the kit's IdP: the Configuration is built from the server's metadata, as the
// Configuration constructor documents; its client secret as a string means client_secret_post (the default).
const configuration = new client.Configuration(tokenEndpointMetadata(config), config.clientId, config.clientSecret);
// The kit's IdP and API listen on http://127.0.0.1: allowInsecureRequests is the documented switch for that.
client.allowInsecureRequests(configuration);

await runLibraryCalls(config, async () => {
  const tokens = await client.clientCredentialsGrant(configuration);
  return client.fetchProtectedResource(configuration, tokens.access_token, new URL(`${config.apiUrl}/items`), 'GET');
});
