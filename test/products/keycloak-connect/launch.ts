/** keycloak-connect (bearer-only) as the gateway under test; a Keycloak-shaped oidc-provider issues its tokens. */
import { AUDIENCE, stackEnv, type LaunchedProduct } from '../matrix.ts';
import { startKeycloakShapedIdp } from './idp.ts';
import { startKeycloakConnect } from './app.ts';

export async function launch(): Promise<LaunchedProduct> {
  const idp = await startKeycloakShapedIdp();
  const gateway = await startKeycloakConnect({ authServerUrl: idp.authServerUrl, resource: AUDIENCE });
  return {
    env: {
      ...stackEnv(idp.issuer, gateway.baseUrl, { PRODUCT_TEST_SIGNER_JWK: idp.signingJwk }),
      PRODUCT_SYSTEM_SECRET: idp.secrets.system,
      PRODUCT_READONLY_SECRET: idp.secrets.readOnly,
      PRODUCT_SHORT_TTL_SECRET: idp.secrets.shortTtl,
    },
    stop: async () => {
      await gateway.stop();
      await idp.stop();
    },
  };
}
