/** express-oauth2-jwt-bearer as the gateway under test; oauth2-mock-server issues its tokens. */
import { AUDIENCE, freePort, freshSecret, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { SHORT_TTL_CLIENT, startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startExpressOauth2JwtBearer } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  // One short-lived client (the mock's documented event hooks), so the gateway's expiry checks run.
  const idp = await startOauth2MockServer({ shortTtl: SHORT_TTL_CLIENT });
  const gateway = await startExpressOauth2JwtBearer({ issuer: idp.issuer, audience: AUDIENCE });
  // Issue 20: a second instance whose jwksUri is the kit's JWKS relay (profile jwksRelay; the run starts the relay
  // on this port), keeping a fetched key set for 10 s (cacheMaxAge; the profile claims retiredKeySeconds: 10).
  const relayPort = await freePort();
  const relayGateway = await startExpressOauth2JwtBearer({ issuer: idp.issuer, audience: AUDIENCE, jwksUri: `http://127.0.0.1:${relayPort}/jwks`, cacheMaxAge: 10_000 });
  return {
    // The mock's own signing key: the kit's test-token signer (profile testTokenSigner), the key the gateway trusts.
    env: stackEnv(idp.issuer, gateway.baseUrl, {
      PRODUCT_TEST_SIGNER_JWK: idp.signingJwk,
      PRODUCT_SHORT_TTL_SECRET: freshSecret(),
      PRODUCT_JWKS_RELAY: `127.0.0.1:${relayPort}`,
      PRODUCT_RELAY_GATEWAY: relayGateway.baseUrl,
    }),
    stop: async () => {
      await relayGateway.stop();
      await gateway.stop();
      await idp.stop();
    },
  };
}
