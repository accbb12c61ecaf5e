/** koa-jwt + jwks-rsa as the gateway under test; oauth2-mock-server issues its tokens. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startKoaJwt } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startOauth2MockServer();
  // koaJwtSecret is given the JWKS URL itself (koa-jwt README): the one the IdP's discovery names.
  const gateway = await startKoaJwt({ issuer: idp.issuer, audience: AUDIENCE, jwksUri: `${idp.issuer}/jwks` });
  return {
    env: stackEnv(idp.issuer, gateway.baseUrl),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
