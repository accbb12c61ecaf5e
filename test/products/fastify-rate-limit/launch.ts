/** @fastify/jwt (+ get-jwks) behind @fastify/rate-limit's per-IP limit as the gateway; oauth2-mock-server issues its tokens. */
import { AUDIENCE, freshSecret, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { SHORT_TTL_CLIENT, startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startFastifyRateLimited } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  // As ../fastify-jwt: one short-lived client (the mock's documented event hooks), so the expiry checks run.
  const idp = await startOauth2MockServer({ shortTtl: SHORT_TTL_CLIENT });
  const gateway = await startFastifyRateLimited({ issuer: idp.issuer, audience: AUDIENCE });
  return {
    // The mock's own signing key: the kit's test-token signer (profile testTokenSigner), the key the gateway trusts.
    env: stackEnv(idp.issuer, gateway.baseUrl, { PRODUCT_TEST_SIGNER_JWK: idp.signingJwk, PRODUCT_SHORT_TTL_SECRET: freshSecret() }),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
