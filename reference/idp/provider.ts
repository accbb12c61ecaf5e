/**
 * The oidc-provider configuration of the reference IdP. oidc-provider (panva, OpenID Certified) does the
 * protocol work: client authentication (RFC 6749 §2.3.1 Basic with form-urlencoding, client_secret_post),
 * RFC 6749 §5.2 errors, RFC 9068 JWT access tokens via resource indicators, JWKS, discovery, the authorization
 * code flow with PKCE (RFC 7636) and its interaction/session cookies. What the seeds add around it (scope
 * defaults, per-client TTL, the password-style login, rate limit, IP block, audit, admin) lives in the
 * neighbouring modules.
 *
 * oidc-provider's configuration is fixed at construction, so secret and key rotation build a new Provider from
 * the current state (clients, keys); its storage (codes, grants, sessions) lives in one ProviderStore per IdP
 * (store.ts), so a rebuilt provider sees everything the earlier one stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import Provider, { errors, interactionPolicy, type OidcContext } from 'oidc-provider';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ReferenceFixtures } from '../fixtures.ts';
import type { ClientRegistry, RegisteredClient } from './clients.ts';
import { escapeHtml } from './http.ts';
import { htmlPage } from './login.ts';
import type { SigningKeys } from './keys.ts';
import type { ProviderStore } from './store.ts';
import type { IdpFaults } from './faults.ts';
import { registerTokenGrants, TOKEN_EXCHANGE_GRANT } from './grants.ts';
import { tokenEndpointCorrections } from './token-endpoint.ts';
import { codeLifetimeSeconds, injectRedirectUriFaults, pkceRequired } from './authorization-faults.ts';
import { injectAssertionFaults, privateKeyJwtClientMetadata } from './jwt-client-auth.ts';
import { refuseDisabledClients } from './disabled-client.ts';
import { mayIntrospect, revokeTokensOfGrant, tokenStateEndpoints } from './token-state.ts';
import { mtlsAuthMethods, mtlsClientMetadata, mtlsFeature, mtlsJwtFaults, mtlsMiddleware, type IdpMtls } from './mtls.ts';

export interface ProviderState {
  readonly issuer: string;
  readonly fixtures: ReferenceFixtures;
  readonly clients: ClientRegistry;
  readonly keys: SigningKeys;
  readonly faults: IdpFaults;
  /** Keys for oidc-provider's signed cookies; kept across rebuilds so running logins survive a rotation. */
  readonly cookieKeys: readonly string[];
  /** oidc-provider's storage, shared by every Provider this IdP builds. */
  readonly store: ProviderStore;
  /** Called before every token endpoint answer is sent (audit; failed-login counting unless `countedForBlock` is false). */
  readonly onTokenOutcome: (ctx: OidcContext, countedForBlock?: boolean) => void;
  /** Issue 19: the mTLS listener (RFC 8705), when the IdP has one (mtls.ts). */
  readonly mtls?: IdpMtls;
}

export const newCookieKeys = (): string[] => [randomBytes(32).toString('base64url')];

/** Variation dpop-nonce-required: the key of oidc-provider's DPoP nonces, one per process so rebuilt providers agree. */
const DPOP_NONCE_SECRET = randomBytes(32);

export function buildProvider(state: ProviderState): Provider {
  const { fixtures, clients, keys, faults } = state;
  const audience = fixtures.audience;
  const apiScopes = clients.apiScopes();

  /** RFC 9068 access tokens for the one API: audience, JWT format, the client's TTL, the current key. */
  const resourceServerInfo = (client: { clientId: string } | undefined) => ({
    audience,
    scope: apiScopes.join(' '),
    // Fault opaque-access-tokens: system clients get oidc-provider's opaque format instead of RFC 9068 JWTs
    // (REQ-JWT-01); the web front end's human tokens stay JWTs.
    accessTokenFormat: faults.has('opaque-access-tokens') && client?.clientId !== fixtures.clients.web?.clientId ? 'opaque' : 'jwt',
    accessTokenTTL: ttlOf(clients.find(client?.clientId), faults),
    jwt: { sign: { alg: 'RS256', kid: keys.current.kid } },
  });

  const provider = new Provider(state.issuer, {
    adapter: state.store.adapterFactory(),
    // Issue 19: plus the private_key_jwt test client (RFC 7523), whose public key the fixture file gives.
    clients: [...clientMetadata(clients, faults), ...privateKeyJwtClientMetadata(fixtures, faults), ...mtlsClientMetadata(state.mtls, apiScopes, faults)],
    jwks: { keys: keys.all.map((k) => k.privateJwk) },
    cookies: { keys: [...state.cookieKeys] },
    scopes: ['openid', ...apiScopes],
    claims: { openid: ['sub'] },
    // The client authentication methods the seed documents (seed 001: Basic header, credentials in the body), and
    // none for the public web front end (RFC 6749 §2.1; issue 20, REQ-AUTHZ-03); issue 19's private_key_jwt (RFC 7523),
    // which only the private_key_jwt test client is registered for.
    // client_secret_jwt (OpenID Connect Core §9), which only the client_secret_jwt test client is registered for.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt', 'client_secret_jwt', ...mtlsAuthMethods(state.mtls, faults)],
    responseTypes: ['code'],
    // RFC 7636 / issue 7: PKCE is required for every authorization request (RFC 9700 §2.1.1: public clients
    // above all, REQ-AUTHZ-03). oidc-provider supports S256 only (REQ-AUTHZ-04).
    pkce: { required: (_ctx: OidcContext, client: { clientAuthMethod?: string }) => pkceRequired(faults, client) },
    // RFC 6749 §4.4.3 / REQ-TOK-07: no refresh tokens from this IdP (the issue-refresh-token faults add one themselves; REQ-TOK-22 for seed 001).
    issueRefreshToken: () => false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Issue 19: RFC 7662 / RFC 7009 (token-state.ts answers for the JWT access tokens oidc-provider will not look at).
      introspection: { enabled: true, allowedPolicy: (_ctx: OidcContext, client: { clientId: string }) => mayIntrospect(state, client.clientId) },
      revocation: { enabled: true },
      userinfo: { enabled: false },
      // RFC 9449 (issue 19, capability dpop): a token request with a DPoP proof gets a token bound to its key (cnf.jkt);
      // without one it stays a Bearer token. Proofs are checked by oidc-provider (§4.3), replays refused (§11.1).
      // Variation dpop-nonce-required (§8): every proof must carry a nonce of this IdP's.
      dPoP: { enabled: true, allowReplay: false, ...(faults.has('dpop-nonce-required') ? { nonceSecret: DPOP_NONCE_SECRET, requireNonce: () => true } : {}) },
      // RFC 8705 (issue 19, capabilities mtls-client-auth, certificate-bound-tokens): tls_client_auth and bound tokens on the mTLS listener (mtls.ts).
      ...mtlsFeature(state.mtls, faults),
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: OidcContext, resource: string, client: { clientId: string }) => {
          // RFC 8707 §2: a resource this IdP does not serve is invalid_target.
          if (resource !== audience) throw new errors.InvalidTarget('this IdP issues access tokens for its one API audience only');
          return resourceServerInfo(client);
        },
      },
    },
    ttl: {
      // RFC 6749 §4.1.2: as long as the fixture file declares (10 s, REQ-AUTHZ-08/-09; authorization-faults.ts).
      AuthorizationCode: codeLifetimeSeconds(fixtures, faults),
      IdToken: 300,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: (_ctx: OidcContext, _token: unknown, client: { clientId: string }) => ttlOf(clients.find(client?.clientId), faults),
      ClientCredentials: (_ctx: OidcContext, _token: unknown, client: { clientId: string }) => ttlOf(clients.find(client?.clientId), faults),
    },
    interactions: { url: (_ctx: OidcContext, interaction: { uid: string }) => `/interaction/${interaction.uid}`, policy: interactionPolicyWithoutNativeConsent() },
    // Humans are the fixture users; their account id is the customer (seed 003: sub = customer, ec-uuid).
    findAccount: (_ctx: OidcContext, id: string) => {
      const user = fixtures.users.find((u) => u.customerId === id);
      return user ? { accountId: user.customerId, claims: () => ({ sub: user.customerId }) } : undefined;
    },
    // Issue 7: consent is auto-granted (first-party web front end): the grant covers what was requested.
    loadExistingGrant: async (ctx: OidcContext) => {
      const { Grant } = ctx.oidc.provider;
      const clientId: string = ctx.oidc.client.clientId;
      const accountId: string = ctx.oidc.session.accountId;
      const existingId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(clientId);
      const grant = (existingId && (await Grant.find(existingId))) || new Grant({ clientId, accountId });
      const requested = [...(ctx.oidc.requestParamScopes as Set<string>)];
      grant.addOIDCScope(requested.filter((s) => s === 'openid').join(' '));
      grant.addResourceScope(audience, requested.filter((s) => apiScopes.includes(s)).join(' '));
      await grant.save();
      return grant;
    },
    formats: { customizers: { jwt: jwtCustomizer(faults, state.issuer, clients, fixtures.users[0]?.customerId) } },
    // RFC 6749 §5.2: token endpoint errors are JSON whatever the Accept header says; elsewhere a plain page.
    renderError: (ctx: OidcContext, out: { error: string; error_description?: string }) => {
      if (ctx.path === '/token') {
        ctx.body = out;
        return;
      }
      // Variation authorization-error-page-200: the error page is served with 200 (RFC 6749 §4.1.2.1 names no status).
      if (faults.has('authorization-error-page-200') && ctx.path.startsWith('/auth')) ctx.status = 200;
      ctx.type = 'html';
      ctx.body = htmlPage('Error', `<p role="alert" class="login-error">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`);
    },
  });

  registerTokenGrants(provider, { fixtures, clients, faults, resourceServerInfo });
  // First, so it sees the token endpoint's answer as finally sent (token-state.ts records the tokens issued).
  provider.use(tokenStateEndpoints(state));
  provider.use(tokenEndpointCorrections(state));
  provider.use(dpopFaults(state));
  provider.use(discoveryFaults(state)); // registered first, so its rewrite of the document runs last
  provider.use(honestMetadata);
  provider.use(mtlsMiddleware(state.mtls, faults)); // issue 19: RFC 8705 metadata and the mTLS faults (mtls.ts)
  injectProviderFaults(provider, state);
  injectRedirectUriFaults(provider, faults); // REQ-AUTHZ-01/-02: exact redirect_uri matching (authorization-faults.ts)
  injectAssertionFaults(provider, faults, fixtures); // issue 19: private_key_jwt and client_secret_jwt faults (jwt-client-auth.ts)
  refuseDisabledClients(provider, clients, faults); // issue 19: REQ-CAUTH-11 (disabled-client.ts)
  // RFC 6749 §4.1.2 (REQ-AUTHZ-07): oidc-provider revokes a reused code's grant; its JWTs are in token-state.ts's ledger.
  provider.on('grant.revoked', revokeTokensOfGrant(state));
  return provider;
}

function clientMetadata(clients: ClientRegistry, faults: IdpFaults): Record<string, unknown>[] {
  let metadata = clients.oidcMetadata();
  // Fault unauthorized-client-gets-token: every client is allowed client_credentials (REQ-TOK-15); fault
  // password-grant-for-any-client: every client is allowed the password grant (REQ-TOK-20).
  const extra = [
    ...(faults.has('unauthorized-client-gets-token') ? ['client_credentials'] : []),
    ...(faults.has('password-grant-for-any-client') ? ['password'] : []),
    // Fault on-behalf-token-exchange: every client may exchange a customer's token for its own (REQ-ID-11, grants.ts).
    ...(faults.has('on-behalf-token-exchange') ? [TOKEN_EXCHANGE_GRANT] : []),
  ];
  // Fault secret-jwt-secret-mismatch (REQ-CSJWT-01): the client_secret_jwt client is registered with another secret
  // than the one it has, so even its correct assertions fail to verify.
  if (faults.has('secret-jwt-secret-mismatch')) {
    metadata = metadata.map((m) => (m.token_endpoint_auth_method === 'client_secret_jwt' ? { ...m, client_secret: `${String(m.client_secret)}-not-the-clients` } : m));
  }
  if (extra.length === 0) return metadata;
  return metadata.map((m) => ({ ...m, grant_types: [...new Set([...(m.grant_types as string[]), ...extra])] }));
}

/** The faults that live inside oidc-provider's models and documents: each a small, named override. */
function injectProviderFaults(provider: Provider, state: ProviderState): void {
  const { faults, clients, keys } = state;
  const secretFaults = ['accept-wrong-secret', 'rotation-keeps-old-secret', 'rotation-credential-cache', 'rotation-only-for-basic'] as const;
  if (secretFaults.some((f) => faults.has(f))) {
    const compare = provider.Client.prototype.compareClientSecret as (this: { clientId: string }, actual: string) => Promise<boolean>;
    provider.Client.prototype.compareClientSecret = async function (this: { clientId: string }, actual: string) {
      if (faults.has('accept-wrong-secret')) return true;
      // Fault rotation-only-for-basic (seed 002, REQ-ROT-01/-02): the form-body path keeps the secret the client was
      // registered with; a rotation reaches HTTP Basic only (oidc-provider reads a body secret into params.client_secret).
      if (faults.has('rotation-only-for-basic') && Provider.ctx?.oidc.params?.client_secret !== undefined) {
        const registered = secretBeforeRotations(state.fixtures, this.clientId);
        if (registered !== undefined) return actual === registered;
      }
      // Fault rotation-credential-cache (seed 002, REQ-ROT-02): a secret that authenticated the client in the last 60 s
      // is taken again unchecked, so the old secret used just before a rotation keeps working after it.
      const cache = faults.has('rotation-credential-cache') ? authenticationCache(clients) : undefined;
      if (cache?.has(this.clientId, actual)) return true;
      const matches = (await compare.call(this, actual)) || (faults.has('rotation-keeps-old-secret') && clients.previousSecretsOf(this.clientId).includes(actual));
      if (matches) cache?.remember(this.clientId, actual);
      return matches;
    };
  }
  if (faults.has('code-reusable')) {
    // RFC 6749 §4.1.2 single-use codes: the fault never marks a code as consumed.
    provider.AuthorizationCode.prototype.consume = async function () {};
  }
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && faults.has('discovery-issuer-mismatch')) {
      ctx.body = { ...ctx.body, issuer: `${state.issuer}/` };
    }
    // Fault jwks-empty-set (RFC 7517 §5, RFC 9068 §4; REQ-JWT-07): the set publishes no key, so no token verifies.
    if (ctx.path === '/jwks' && faults.has('jwks-empty-set')) ctx.body = { keys: [] };
    if (ctx.path === '/jwks' && faults.has('jwks-exposes-private-key')) {
      ctx.body = { keys: keys.all.map((k) => k.privateJwk) };
    }
    if (ctx.path === '/jwks' && ctx.status === 200 && (faults.has('jwks-extra-keys') || faults.has('jwks-minimal-members'))) {
      let keys = (ctx.body as { keys?: Record<string, unknown>[] } | undefined)?.keys ?? [];
      // Variation jwks-extra-keys: a key published ahead of its use (RFC 7517 §5); verifiers pick keys by kid.
      if (faults.has('jwks-extra-keys')) keys = [...keys, await nextPublicKey()];
      // Variation jwks-minimal-members: RFC 7517 §4.2, §4.4 make use and alg OPTIONAL.
      if (faults.has('jwks-minimal-members')) keys = keys.map(({ use: _use, alg: _alg, ...key }) => key);
      ctx.body = { keys };
    }
  });
}

/** The secret the fixture file registers for a client, before any rotation (fault rotation-only-for-basic). */
const secretBeforeRotations = (fixtures: ReferenceFixtures, clientId: string): string | undefined =>
  Object.values(fixtures.clients).find((c) => c?.clientId === clientId)?.clientSecret;

/** How long fault rotation-credential-cache takes a secret again without checking it. */
const AUTHENTICATION_CACHE_MS = 60_000;

/**
 * Fault rotation-credential-cache: successful client authentications per client id and secret (a hash, never the
 * secret), one cache per IdP (its client registry), so that it outlives the provider a rotation rebuilds.
 */
const authenticationCaches = new WeakMap<ClientRegistry, Map<string, number>>();
function authenticationCache(clients: ClientRegistry) {
  let cache = authenticationCaches.get(clients);
  if (!cache) authenticationCaches.set(clients, (cache = new Map()));
  const key = (clientId: string, secret: string) => createHash('sha256').update(`${clientId}\0${secret}`).digest('base64url');
  return {
    has: (clientId: string, secret: string) => (cache.get(key(clientId, secret)) ?? 0) > Date.now(),
    remember: (clientId: string, secret: string) => void cache.set(key(clientId, secret), Date.now() + AUTHENTICATION_CACHE_MS),
  };
}

/**
 * Faults of the metadata document (RFC 8414 §2, §3): each removes or spoils one member, or its media type.
 * The JWKS itself stays at /jwks (the target profile names it), so only the document's own claims are wrong.
 */
function discoveryFaults(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    // Fault metadata-jwks-uri-stale-set: the set the metadata names holds only a key by another kid (a realm's old set).
    if (faults.has('metadata-jwks-uri-stale-set') && ctx.path === '/jwks-previous') {
      const { d, p, q, dp, dq, qi, ...publicHalf } = state.keys.current.privateJwk;
      ctx.status = 200;
      ctx.type = 'application/jwk-set+json';
      ctx.body = { keys: [{ ...publicHalf, kid: `${publicHalf.kid}-previous` }] };
      return;
    }
    // Variation metadata-jwks-uri-elsewhere: the same JWK Set under another URL.
    if (faults.has('metadata-jwks-uri-elsewhere') && ctx.path === '/jwks-mirror') ctx.path = '/jwks';
    await next();
    if (ctx.path !== '/.well-known/openid-configuration' || ctx.status !== 200) return;
    const doc = { ...(ctx.body as Record<string, unknown>) };
    const without = (member: string, value: string) => {
      if (Array.isArray(doc[member])) doc[member] = (doc[member] as string[]).filter((v) => v !== value);
    };
    if (faults.has('metadata-without-token-endpoint')) delete doc.token_endpoint;
    if (faults.has('metadata-jwks-uri-not-found')) doc.jwks_uri = `${state.issuer}/jwks-not-here`;
    if (faults.has('metadata-jwks-uri-stale-set')) doc.jwks_uri = `${state.issuer}/jwks-previous`;
    if (faults.has('metadata-jwks-uri-elsewhere')) doc.jwks_uri = `${state.issuer}/jwks-mirror`;
    if (faults.has('metadata-token-endpoint-not-found')) doc.token_endpoint = `${state.issuer}/token-not-here`;
    if (faults.has('metadata-without-client-credentials')) without('grant_types_supported', 'client_credentials');
    if (faults.has('metadata-without-client-secret-basic')) without('token_endpoint_auth_methods_supported', 'client_secret_basic');
    if (faults.has('metadata-without-client-secret-post')) without('token_endpoint_auth_methods_supported', 'client_secret_post');
    if (faults.has('metadata-without-response-types')) delete doc.response_types_supported;
    // Variation metadata-extras: RFC 8414 §2 lets a server publish metadata of its own (and extensions' members);
    // Keycloak, Okta and Azure AD list more grant types and client authentication methods than the target uses.
    if (faults.has('metadata-extras')) {
      const more = (member: string, values: string[]) => {
        doc[member] = [...(Array.isArray(doc[member]) ? (doc[member] as string[]) : []), ...values];
      };
      more('grant_types_supported', ['urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange']);
      more('token_endpoint_auth_methods_supported', ['private_key_jwt', 'client_secret_jwt', 'tls_client_auth']);
      more('token_endpoint_auth_signing_alg_values_supported', ['RS256', 'ES256', 'HS256']);
      Object.assign(doc, {
        service_documentation: `${state.issuer}/docs`,
        op_policy_uri: `${state.issuer}/docs/policy`,
        ui_locales_supported: ['en', 'de', 'fr'],
        backchannel_logout_supported: false,
        x_vendor_build: { version: '26.0.1', region: 'eu-west-1' },
      });
    }
    ctx.body = doc;
    if (faults.has('metadata-text-plain')) {
      ctx.body = JSON.stringify(doc);
      ctx.type = 'text/plain';
    }
  };
}

/**
 * Faults of DPoP at the token endpoint (RFC 9449 §4.3, §5): each a small rewrite of the request or the answer
 * around oidc-provider, which does the protocol work.
 */
function dpopFaults(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.path !== '/token') return next();
    // Fault dpop-proof-alg-none-accepted: a proof the IdP cannot verify (alg none or HMAC) is dropped, not refused.
    const proof = ctx.req.headers.dpop;
    if (faults.has('dpop-proof-alg-none-accepted') && typeof proof === 'string' && /^(none|HS\d+)$/i.test(algOf(proof))) delete ctx.req.headers.dpop;
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    if (faults.has('dpop-token-type-bearer') && body.token_type === 'DPoP') ctx.body = { ...body, token_type: 'Bearer' };
    if (faults.has('dpop-wrong-error-code') && body.error === 'invalid_dpop_proof') ctx.body = { ...body, error: 'invalid_request' };
  };
}

function algOf(jwt: string): string {
  try {
    const header: unknown = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof (header as { alg?: unknown }).alg === 'string' ? (header as { alg: string }).alg : '';
  } catch {
    return '';
  }
}

/** RFC 8414 §2: honest metadata — this IdP never issues refresh tokens, so it does not list the grant. */
async function honestMetadata(ctx: OidcContext, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) {
    const grantTypes = (ctx.body.grant_types_supported as string[]).filter((g) => g !== 'refresh_token');
    ctx.body = { ...ctx.body, grant_types_supported: grantTypes };
  }
}

/**
 * oidc-provider asks "native" clients for consent on every login (its native_client_prompt check). The web
 * clients are registered as native only for RFC 8252 §7.3 loopback redirect URIs on any port; they are
 * first-party, so that consent step is dropped (issue 7: consent may be auto-granted).
 */
function interactionPolicyWithoutNativeConsent() {
  const policy = interactionPolicy.base();
  policy.get('consent').checks.remove('native_client_prompt');
  return policy;
}

function ttlOf(client: RegisteredClient | undefined, faults: IdpFaults): number {
  const ttl = client?.ttlSeconds ?? 300;
  // Fault ignore-client-ttl: the short-TTL client gets the default lifetime.
  if (faults.has('ignore-client-ttl')) return Math.max(ttl, 300);
  // Fault declared-ttl-overridden: every client configured for a minute or more gets an hour (a realm default that
  // wins over the per-client setting); the short-TTL client keeps its own.
  if (faults.has('declared-ttl-overridden') && ttl >= 60) return 3600;
  return ttl;
}

/**
 * RFC 9068 §2.2 claims come from oidc-provider (iss, exp, aud, sub, client_id, iat, jti, scope; typ at+jwt);
 * this hook only exists for the faults that break them.
 */
function jwtCustomizer(faults: IdpFaults, issuer: string, clients: ClientRegistry, firstCustomer: string | undefined) {
  return (ctx: unknown, token: { accountId?: string }, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) => {
    const human = token.accountId !== undefined;
    // Faults of single claims (RFC 9068 §2.2): iss, aud, scope, client_id, iat.
    if (faults.has('iss-not-issuer')) jwt.payload.iss = `${issuer}/realms/other`;
    if (faults.has('wrong-audience')) jwt.payload.aud = 'https://other-api.auth-ctk.test';
    // Fault missing-scope-claim: only a token for part of the client's scopes loses its scope claim (a token for
    // all of them, which the kit's ordinary requests ask for, keeps it, so the gateway's scope checks still see
    // valid tokens).
    if (faults.has('missing-scope-claim') && requestsPartOfClientScopes(ctx, clients)) delete jwt.payload.scope;
    if (faults.has('iat-behind-clock') && typeof jwt.payload.iat === 'number') jwt.payload.iat -= 30;
    if (faults.has('client-id-claim-other-client') && !human) {
      const other = clients.all.find((c) => c.clientId !== jwt.payload.client_id && c.grantTypes.includes('client_credentials'));
      if (other) jwt.payload.client_id = jwt.payload.sub = other.clientId;
    }
    if (faults.has('jwt-typ-jwt')) jwt.header = { ...jwt.header, typ: 'JWT' };
    if (faults.has('missing-jti')) delete jwt.payload.jti;
    // Fault dpop-token-without-cnf (RFC 9449 §6.1): the bound token does not say which key it is bound to.
    // Only the DPoP binding (cnf.jkt): a certificate-bound token keeps its x5t#S256 (RFC 8705, another requirement).
    if (faults.has('dpop-token-without-cnf') && typeof (jwt.payload.cnf as { jkt?: unknown } | undefined)?.jkt === 'string') delete jwt.payload.cnf;
    mtlsJwtFaults(faults, jwt.payload); // issue 19: RFC 8705 §3.1 faults of the certificate binding (mtls.ts)
    if (faults.has('sub-not-client-id') && !human) jwt.payload.sub = `service-account-${String(jwt.payload.client_id)}`;
    if (faults.has('human-sub-is-client') && human) jwt.payload.sub = jwt.payload.client_id;
    // Fault front-end-token-names-a-customer (seed 000: the front end authorizes "as the website, and not as the human
    // end-user"): the front end's own system user gets tokens whose sub is the first test customer.
    if (faults.has('front-end-token-names-a-customer') && !human && firstCustomer && clients.find(String(jwt.payload.client_id))?.key === 'frontEndSystem') jwt.payload.sub = firstCustomer;
  };
}

/** Variation jwks-extra-keys: a public EC key that signs nothing, made once per process. */
let nextKey: Promise<JWK> | undefined;
const nextPublicKey = () =>
  (nextKey ??= (async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return { ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig', alg: 'ES256' };
  })());

/** The request names a scope, and not every API scope the client holds (fault missing-scope-claim). */
function requestsPartOfClientScopes(ctx: unknown, clients: ClientRegistry): boolean {
  const oidc = (ctx as { oidc?: { params?: { scope?: unknown }; client?: { clientId: string } } } | undefined)?.oidc;
  const requested = typeof oidc?.params?.scope === 'string' ? oidc.params.scope.split(' ').filter(Boolean) : undefined;
  if (requested === undefined) return false;
  const held = (clients.find(oidc?.client?.clientId)?.scopes ?? []).filter((s) => s !== 'openid');
  return held.some((s) => !requested.includes(s));
}
