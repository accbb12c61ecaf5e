/** express-jwt behind express-rate-limit's per-IP limit as the gateway; oauth2-mock-server issues its tokens. */
import { AUDIENCE, freshSecret, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { SHORT_TTL_CLIENT, startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startExpressRateLimitGateway } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startOauth2MockServer({ shortTtl: SHORT_TTL_CLIENT });
  const gateway = await startExpressRateLimitGateway({ issuer: idp.issuer, audience: AUDIENCE, jwksUri: `${idp.issuer}/jwks` });
  return {
    env: stackEnv(idp.issuer, gateway.baseUrl, { PRODUCT_TEST_SIGNER_JWK: idp.signingJwk, PRODUCT_SHORT_TTL_SECRET: freshSecret() }),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
