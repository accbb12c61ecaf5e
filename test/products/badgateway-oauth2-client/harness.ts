/**
 * @badgateway/oauth2-client under the auth-ctk client harness contract (README "Certifying a client"), used as
 * its README says: an `OAuth2Client` with the client id, secret and token endpoint ("Usage"), and the
 * `OAuth2Fetch` wrapper whose `getNewToken` returns `client.clientCredentials()` ("Fetch Wrapper": it "adds the
 * header and will automatically refresh tokens when needed"). Each call is one `fetchWrapper.fetch()`; the
 * application sees its status, or nothing when it throws.
 */
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import { contractConfig } from '../../../client/harness-contract.ts';
import { runLibraryCalls } from '../library-calls.ts';

const config = contractConfig();
const client = new OAuth2Client({
  server: new URL(config.tokenUrl).origin,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  tokenEndpoint: config.tokenUrl,
});
const fetchWrapper = new OAuth2Fetch({
  client,
  getNewToken: () => client.clientCredentials(),
  onError: () => undefined,
});

await runLibraryCalls(config, () => fetchWrapper.fetch(`${config.apiUrl}/items`));
