/** express-oauth2-jwt-bearer as the gateway under test; oauth2-mock-server issues its tokens. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startExpressOauth2JwtBearer } from './app.ts';

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
