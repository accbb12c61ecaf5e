/**
 * A tiny component behind keycloak-connect (Keycloak's Node.js adapter) in bearer-only mode, configured as its
 * documentation says (README.md beside this file quotes the line each setting follows):
 *
 * - `new Keycloak({}, keycloakConfig)`: keycloak.js "Instantiate a Keycloak" — `config` without a store (a
 *   bearer-only service keeps no session), `keycloakConfig` the adapter configuration (the keycloak.json fields,
 *   keycloak.d.ts KeycloakConfig), given as an object;
 * - `app.use(keycloak.middleware())` at the root ("Generally this should be installed at the root of your
 *   application");
 * - `keycloak.protect()` on the route any valid token may use ("With no spec, simple authentication is all that is
 *   required"), `keycloak.protect('realm:items-writer')` on the route that needs the write permission ("If the
 *   string starts with `realm:`, the suffix is treated as the name of a realm-level role");
 * - no replacement of `accessDenied` ("Replaceable function to handle access-denied responses ... By default, a
 *   simple string of "Access denied" along with an HTTP status code for 403 is returned"): the product as shipped.
 */
import express from 'express';
import Keycloak from 'keycloak-connect';
import { listen, type StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';
import { REALM, WRITER_ROLE } from './idp.ts';

export const ROUTES = { public: '/api/health', protected: '/api/items', scoped: '/api/items' } as const;

export async function startKeycloakConnect(options: { authServerUrl: string; resource: string }): Promise<StartedGateway> {
  // The adapter configuration as Keycloak exports it for a client ("Keycloak OIDC JSON"), bearer-only, with the
  // audience check the adapter guide recommends for services. No realm-public-key: the adapter fetches the realm's
  // keys from <realm url>/protocol/openid-connect/certs (rotation.js), as with a real Keycloak.
  const keycloakConfig = {
    realm: REALM,
    'auth-server-url': options.authServerUrl,
    'ssl-required': 'external',
    resource: options.resource,
    'bearer-only': true,
    'confidential-port': 0,
    'verify-token-audience': true,
  };
  const keycloak = new Keycloak({}, keycloakConfig);
  const app = express();
  app.use(keycloak.middleware());
  app.get(ROUTES.public, (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get(ROUTES.protected, keycloak.protect(), (_req, res) => {
    res.json({ items: [] });
  });
  app.post(ROUTES.scoped, keycloak.protect(`realm:${WRITER_ROLE}`), (_req, res) => {
    res.status(201).json({ created: true });
  });
  return listen(app);
}
