/**
 * A second issuer on the reference IdP's server (fixture foreignIssuer, under its own path): what a real IdP
 * offers where the kit has no test-token signer — another tenant, another realm — issuing genuine RFC 9068 access
 * tokens for the same API audience. The gateway trusts only the first issuer, so it must refuse these tokens for
 * their `iss` alone (RFC 9068 §4, REQ-BEARER-04).
 *
 * It signs with the IdP's own keys, as the tenants of a multi-tenant IdP share one key set (Azure AD's "common"
 * keys) and as a gateway that trusts several issuers for several APIs knows all their keys: the signature then
 * verifies against the keys the gateway trusts, and a gateway that does not compare `iss` lets the token through.
 * A second oidc-provider, so the tokens are minted, and the metadata published, exactly as the first issuer's.
 * It is a test aid, not the IdP under test: the seeds' rate limit, IP block and audit bind the first issuer only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import type { ReferenceFixtures } from '../fixtures.ts';
import type { SigningKeys } from './keys.ts';
import type { ProviderStore } from './store.ts';

export type ForeignIssuer = NonNullable<ReferenceFixtures['foreignIssuer']>;

export function buildForeignProvider(issuer: string, foreign: ForeignIssuer, audience: string, keys: SigningKeys, store: ProviderStore): Provider {
  const scope = foreign.scopes.join(' ');
  return new Provider(issuer, {
    adapter: store.adapterFactory(),
    scopes: [...foreign.scopes],
    clients: [
      {
        client_id: foreign.clientId,
        client_secret: foreign.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope,
      },
    ],
    jwks: { keys: keys.all.map((k) => k.privateJwk) },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ audience, scope, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256', kid: keys.current.kid } } }),
      },
    },
  });
}

/**
 * Hands a request under the issuer's path to its provider: oidc-provider finds its mount path from
 * req.originalUrl minus req.url, so its metadata and endpoints carry the path.
 */
export function mountedAt(path: string, callback: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const original = req.url ?? '/';
    Object.assign(req, { originalUrl: original, url: original.slice(path.length) || '/' });
    callback(req, res);
  };
}

export const isUnder = (path: string, requestPath: string): boolean => requestPath === path || requestPath.startsWith(`${path}/`);
