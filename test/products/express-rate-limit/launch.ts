/** express-jwt behind express-rate-limit's per-IP limit as the gateway; oauth2-mock-server issues its tokens. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startExpressRateLimitGateway } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startOauth2MockServer({});
  const gateway = await startExpressRateLimitGateway({ issuer: idp.issuer, audience: AUDIENCE, jwksUri: `${idp.issuer}/jwks` });
  return {
    env: stackEnv(idp.issuer, gateway.baseUrl),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
