/** oauth2-mock-server as the IdP under test; express-oauth2-jwt-bearer in front of the component as its gateway. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startOauth2MockServer } from './idp.ts';
import { startExpressOauth2JwtBearer } from '../express-oauth2-jwt-bearer/app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startOauth2MockServer();
  const gateway = await startExpressOauth2JwtBearer({ issuer: idp.issuer, audience: AUDIENCE });
  return {
    env: stackEnv(idp.issuer, gateway.baseUrl),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
