/**
 * A Keycloak-shaped issuer for keycloak-connect: no Keycloak server runs on this machine (no container images, no
 * JVM), so oidc-provider (panva, pinned) stands in for one realm of it, with the parts of Keycloak's layout that
 * keycloak-connect relies on — and nothing tuned to the kit:
 *
 * - the issuer is `<auth-server-url>/realms/<realm>` (keycloak-connect's config.js: `realmUrl = authServerUrl +
 *   '/realms/' + realm`, and grant-manager.js refuses a token whose `iss` is not exactly that); the provider is
 *   mounted there in an Express app, as oidc-provider's docs ("Mounting oidc-provider", express) show;
 * - its endpoints at Keycloak's paths, through oidc-provider's documented `routes` option: the keys at
 *   `<realm url>/protocol/openid-connect/certs` (where keycloak-connect's rotation.js fetches them), the token
 *   endpoint at `.../protocol/openid-connect/token`, introspection at `.../token/introspect`;
 * - every client-credentials token a signed JWT for the API (RS256), whether or not the request names a resource,
 *   as Keycloak issues one: `features.resourceIndicators` with `defaultResource` the API and
 *   `getResourceServerInfo` (the docs' "Resource Server (API)" example: scopes, audience, TTL, `accessTokenFormat:
 *   'jwt'`);
 * - the claims Keycloak puts into an access token that keycloak-connect reads, through the documented
 *   `extraTokenClaims`: `typ: "Bearer"` (grant-manager.js validateToken compares it with "Bearer"), `azp` (the
 *   client), and `realm_access.roles`: the realm role `items-writer` when the token was granted the
 *   `items:write` scope — in Keycloak, a service account's realm role reaches the token through the client
 *   scope that maps it (a client with full scope off), which is what `keycloak.protect('realm:items-writer')` reads.
 *
 * What it does not stand in for: Keycloak's own token endpoint behaviour (client authentication, error answers,
 * TTL rules). Only the gateway (keycloak-connect) is judged in this product.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { AUDIENCE, freshSecret } from '../matrix.ts';

export const REALM = 'items';
export const WRITER_ROLE = 'items-writer';
const API_SCOPES = 'items:read items:write';
const SHORT_TTL = { clientId: 'items-short', seconds: 5 } as const;

/** Keycloak's endpoint paths below the realm URL. */
const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  introspection: '/protocol/openid-connect/token/introspect',
  revocation: '/protocol/openid-connect/revoke',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
} as const;

export interface KeycloakShapedIdp {
  /** The server's base URL: keycloak-connect's `auth-server-url`. */
  readonly authServerUrl: string;
  /** `<auth-server-url>/realms/<realm>`: the issuer. */
  readonly issuer: string;
  /** The private signing JWK (with its kid), as JSON: the kit's testTokenSigner, the key the gateway trusts. */
  readonly signingJwk: string;
  readonly secrets: { readonly system: string; readonly readOnly: string; readonly shortTtl: string };
  stop(): Promise<void>;
}

export async function startKeycloakShapedIdp(): Promise<KeycloakShapedIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const authServerUrl = `http://127.0.0.1:${port}`;
  const issuer = `${authServerUrl}/realms/${REALM}`;

  const secrets = { system: freshSecret(), readOnly: freshSecret(), shortTtl: freshSecret() };
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: `${REALM}-rs256-1`, alg: 'RS256', use: 'sig' };
  const ccOnly = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };

  const provider = new Provider(issuer, {
    clients: [
      { ...ccOnly, client_id: 'items-system', client_secret: secrets.system, scope: API_SCOPES },
      { ...ccOnly, client_id: 'items-reader', client_secret: secrets.readOnly, scope: 'items:read' },
      { ...ccOnly, client_id: SHORT_TTL.clientId, client_secret: secrets.shortTtl, scope: 'items:read' },
    ],
    jwks: { keys: [signing] },
    scopes: ['openid', 'items:read', 'items:write'],
    routes: KEYCLOAK_ROUTES,
    ttl: {
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 5 * 60,
    },
    extraTokenClaims: async (_ctx: unknown, token: { clientId?: string; scope?: string }) => {
      const scopes = (token.scope ?? '').split(' ');
      return { typ: 'Bearer', azp: token.clientId, realm_access: { roles: scopes.includes('items:write') ? [WRITER_ROLE] : [] } };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx: unknown, resourceIndicator: string, client: { clientId: string }) {
          if (resourceIndicator !== AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES,
            audience: AUDIENCE,
            accessTokenTTL: client.clientId === SHORT_TTL.clientId ? SHORT_TTL.seconds : 5 * 60,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  const app = express();
  app.use(`/realms/${REALM}`, provider.callback());
  server.on('request', app);

  return {
    authServerUrl,
    issuer,
    signingJwk: JSON.stringify(signing),
    secrets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
