/**
 * The IdP's registered clients: the fixture clients plus the secret each one currently has. Secret rotation
 * (seed 002: "Users will also be able to rotate their secret") replaces a client's secret; the previous ones are
 * remembered only so that the rotation-keeps-old-secret fault can (wrongly) keep accepting them.
 */
import { randomBytes } from 'node:crypto';
import type { ReferenceFixtures } from '../fixtures.ts';

export interface RegisteredClient {
  readonly key: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly ttlSeconds: number;
  readonly grantTypes: readonly string[];
  readonly redirectUris: readonly string[];
  /** A public client (RFC 6749 §2.1): no secret, token_endpoint_auth_method "none". */
  readonly isPublic: boolean;
}

/** Token lifetime when a fixture client states none. */
export const DEFAULT_TTL_SECONDS = 300;

/**
 * Loopback redirect URI of the web clients when the fixture names none. oidc-provider treats clients with
 * application_type "native" as RFC 8252 apps: an http://127.0.0.1 redirect URI matches on any port (§7.3),
 * which is what a browser-driven test with an ephemeral callback server needs.
 */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Which grants each fixture client has (RFC 6749 §5.2 unauthorized_client for the others). */
const GRANTS_BY_FIXTURE_KEY: Record<string, readonly string[]> = {
  // seed 001 system users: client credentials only.
  system: ['client_credentials'],
  readOnly: ['client_credentials'],
  shortTtl: ['client_credentials'],
  rotation: ['client_credentials'],
  // A web front end that is not allowed client credentials (REQ-TOK-15 unauthorized_client).
  noClientCredentials: ['authorization_code'],
  // The web front end that logs humans in (seeds 000, 003, 004): browser login (authorization code + PKCE,
  // issue 7) and the browserless password-style login for test users (issue 3).
  web: ['authorization_code', 'password'],
  // A public web front end (issue 20): PKCE is required of it at the authorization endpoint (REQ-AUTHZ-03).
  publicWeb: ['authorization_code'],
};

/** The registry key of the private_key_jwt client (fixtures privateKeyJwtClient, issue 19). */
export const PRIVATE_KEY_JWT_KEY = 'privateKeyJwt';
/** Issue 19: the client registered for client_secret_jwt (fixtures clients.secretJwt), and the client its operator disabled. */
export const SECRET_JWT_KEY = 'secretJwt';
export const DISABLED_KEY = 'disabled';

export class ClientRegistry {
  private readonly clients: readonly RegisteredClient[];
  private readonly secrets = new Map<string, string>();
  private readonly previousSecrets = new Map<string, string[]>();

  constructor(fixtures: ReferenceFixtures) {
    const webRedirect = fixtures.clients.web?.redirectUri ?? DEFAULT_REDIRECT_URI;
    this.clients = Object.entries(fixtures.clients).map(([key, c]) => {
      this.secrets.set(c.clientId, c.clientSecret);
      const grantTypes = GRANTS_BY_FIXTURE_KEY[key] ?? ['client_credentials'];
      return {
        key,
        clientId: c.clientId,
        scopes: c.scopes,
        ttlSeconds: c.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        grantTypes,
        redirectUris: grantTypes.includes('authorization_code') ? [c.redirectUri ?? webRedirect] : [],
        isPublic: c.tokenEndpointAuthMethod === 'none',
      };
    });
    // Issue 19: the private_key_jwt client has no secret; its oidc-provider metadata comes from jwt-client-auth.ts.
    const signed = fixtures.privateKeyJwtClient;
    if (signed) {
      this.clients = [...this.clients, { key: PRIVATE_KEY_JWT_KEY, clientId: signed.clientId, scopes: signed.scopes, ttlSeconds: signed.ttlSeconds ?? DEFAULT_TTL_SECONDS, grantTypes: ['client_credentials'], redirectUris: [], isPublic: false }];
    }
  }

  get all(): readonly RegisteredClient[] {
    return this.clients;
  }

  find(clientId: string | undefined): RegisteredClient | undefined {
    return this.clients.find((c) => c.clientId === clientId);
  }

  /** Issue 19 (REQ-CAUTH-11): the operator disabled this client; it stays registered, and gets no token. */
  isDisabled(clientId: string | undefined): boolean {
    return this.find(clientId)?.key === DISABLED_KEY;
  }

  secretOf(clientId: string): string | undefined {
    return this.secrets.get(clientId);
  }

  /** Secrets the client had before its last rotations (the rotation-keeps-old-secret fault accepts them). */
  previousSecretsOf(clientId: string): readonly string[] {
    return this.previousSecrets.get(clientId) ?? [];
  }

  /** Seed 002: a new secret replaces the old one; `requested` lets the kit restore a known secret afterwards. */
  rotateSecret(clientId: string, requested?: string): string {
    const old = this.secrets.get(clientId);
    if (old === undefined) throw new Error(`unknown client ${clientId}`);
    const next = requested ?? randomBytes(24).toString('base64url');
    this.previousSecrets.set(clientId, [...this.previousSecretsOf(clientId), old].filter((s) => s !== next));
    this.secrets.set(clientId, next);
    return next;
  }

  /** Every scope any client may hold: the resource server's scopes (minus OpenID's own). */
  apiScopes(): string[] {
    return [...new Set(this.clients.flatMap((c) => c.scopes))].filter((s) => s !== 'openid').sort();
  }

  /** Client metadata for oidc-provider (RFC 7591 names). */
  oidcMetadata(): Record<string, unknown>[] {
    return this.clients.filter((c) => c.key !== PRIVATE_KEY_JWT_KEY).map((c) => ({
      client_id: c.clientId,
      ...(c.isPublic ? {} : { client_secret: this.secrets.get(c.clientId) }),
      // client_secret_basic is registered; oidc-provider then also accepts client_secret_post for the client
      // (seed 001 documents both ways). A public client authenticates with nothing (RFC 6749 §2.1); the
      // client_secret_jwt client only with a JWT MACed with its secret (OpenID Connect Core §9, issue 19).
      token_endpoint_auth_method: c.isPublic ? 'none' : c.key === SECRET_JWT_KEY ? 'client_secret_jwt' : 'client_secret_basic',
      grant_types: c.grantTypes,
      response_types: c.grantTypes.includes('authorization_code') ? ['code'] : [],
      redirect_uris: c.redirectUris,
      application_type: c.redirectUris.length > 0 ? 'native' : 'web',
      scope: c.scopes.join(' '),
    }));
  }
}
