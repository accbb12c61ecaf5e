/** express-jwt + jwks-rsa as the gateway under test; oauth2-mock-server issues its tokens. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startOauth2MockServer } from '../oauth2-mock-server/idp.ts';
import { startExpressJwt } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startOauth2MockServer();
  // jwks-rsa is given the JWKS URL itself (EXAMPLES.md "Configuration": jwksUri): the one the IdP's discovery names.
  const gateway = await startExpressJwt({ issuer: idp.issuer, audience: AUDIENCE, jwksUri: `${idp.issuer}/jwks` });
  return {
    env: stackEnv(idp.issuer, gateway.baseUrl),
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
