/**
 * oidc-provider (panva) as a plain authorization server for client credentials, configured as its own
 * documentation (docs/README.md, "Configuration options", and its FAQ) describes each feature — not the kit's
 * reference IdP, which is built on the same library with the kit's own grant handler and faults:
 *
 * - `features.clientCredentials: { enabled: true }` (off by default);
 * - `features.introspection` and `features.revocation` enabled with their default `allowedPolicy`;
 * - `features.resourceIndicators` (RFC 8707, on by default) with `getResourceServerInfo` returning the docs'
 *   "Resource Server (API) with two scopes, an expected audience value, an Access Token TTL and a JWT Access Token
 *   Format" example for our one API (the default implementation throws InvalidTarget: "MUST be replaced by a
 *   deployment"); tokens asked for with `resource` are RFC 9068 JWTs, signed RS256;
 * - `features.dPoP` as shipped (enabled, no nonce), `features.jwtIntrospection` off (the default);
 * - `features.devInteractions: { enabled: false }`: a client-credentials-only deployment has no login UI;
 * - `jwks`: one RS256 signing key of the deployment's own (docs "jwks": the default keys are for development only);
 * - clients as the FAQ's "Client Credentials only clients": `grant_types: ['client_credentials']`, `response_types: []`,
 *   `token_endpoint_auth_method: 'client_secret_basic'`, `scope` listing what each may ask for; one client registered
 *   for `private_key_jwt` with its public key in `jwks` (client metadata, RFC 7591); one web client with only the
 *   authorization code grant;
 * - `scopes`: the API's scopes ("scopes": the scope values the OP supports), so a client's `scope` limits them.
 *
 * The issuer is http://127.0.0.1:<ephemeral port>, the server the provider's Koa callback on loopback.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { AUDIENCE, freshSecret, type LaunchedProduct } from '../matrix.ts';

const API_SCOPES = 'items:read items:write';
/** The client whose tokens live a few seconds: the resource server's `accessTokenTTL` for it (docs' example field). */
const SHORT_TTL = { clientId: 'items-short', seconds: 5 } as const;

async function privateJwk(alg: 'RS256' | 'ES256', kid: string): Promise<{ private: Record<string, unknown>; public: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { private: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }, public: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function launch(): Promise<LaunchedProduct> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;

  // The read-only client's secret holds characters that form-urlencoding changes (RFC 6749 §2.3.1: Basic credentials
  // are form-urlencoded first; the docs' FAQ "My client_secret with special characters is not working" is about it),
  // so the kit can see the provider decode them (REQ-CAUTH-10). Only VSCHAR, as RFC 6749 Appendix A.2 allows.
  const secrets = { system: freshSecret(), readOnly: `${freshSecret()} +:%41&=/`, shortTtl: freshSecret(), web: freshSecret() };
  const signing = await privateJwk('RS256', 'op-signing-1');
  const assertionKey = await privateJwk('ES256', 'items-signed-jwt-1');
  const ccOnly = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };

  const provider = new Provider(issuer, {
    clients: [
      { ...ccOnly, client_id: 'items-system', client_secret: secrets.system, scope: API_SCOPES },
      { ...ccOnly, client_id: 'items-reader', client_secret: secrets.readOnly, scope: 'items:read' },
      { ...ccOnly, client_id: SHORT_TTL.clientId, client_secret: secrets.shortTtl, scope: 'items:read' },
      {
        ...ccOnly,
        client_id: 'items-signed-jwt',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [assertionKey.public] },
        scope: 'items:read',
      },
      {
        client_id: 'items-web',
        client_secret: secrets.web,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['https://app.example.test/callback'],
        scope: 'items:read',
      },
    ],
    jwks: { keys: [signing.private] },
    scopes: ['openid', 'items:read', 'items:write'],
    // docs "ttl": the default ClientCredentials function, written out (the provider's NOTICE asks a deployment to
    // define it): the resource server's accessTokenTTL, else 10 minutes.
    ttl: {
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 10 * 60,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      jwtIntrospection: { enabled: false },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // RFC 8707 resource -> the API's resource server definition; anything else is an invalid_target (the default).
        async getResourceServerInfo(_ctx: unknown, resourceIndicator: string, client: { clientId: string }) {
          if (resourceIndicator !== AUDIENCE) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES,
            audience: AUDIENCE,
            accessTokenTTL: client.clientId === SHORT_TTL.clientId ? SHORT_TTL.seconds : 60 * 60,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  server.on('request', provider.callback());

  return {
    env: {
      PRODUCT_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
      PRODUCT_SYSTEM_SECRET: secrets.system,
      PRODUCT_READONLY_SECRET: secrets.readOnly,
      PRODUCT_SHORT_TTL_SECRET: secrets.shortTtl,
      PRODUCT_NO_CC_SECRET: secrets.web,
      PRODUCT_ASSERTION_JWK: JSON.stringify(assertionKey.private),
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
