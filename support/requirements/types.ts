/**
 * The requirement catalogue's vocabulary. Requirement IDs are the spine of the kit: declared once here,
 * used as Gherkin tags, carried into Allure labels, JUnit messages and the certificate.
 */

/**
 * How binding a requirement is, by the exact word of its clause.
 * - MUST: a broken MUST/REQUIRED/MUST NOT clause -> verdict "failed".
 * - SHOULD: a broken SHOULD/RECOMMENDED clause, or an expectation stricter than its clause -> "warning".
 * - SEED: a behaviour only the seed documents promise (e.g. 50 req/s, client_id == sub), or the deployment's own
 *   documented claim where no seed speaks (a gateway's rate limit, REQ-GRL-*); it is checked only when the target
 *   profile claims the capability named in `capability`, and then a break is "failed".
 */
export type Level = 'MUST' | 'SHOULD' | 'SEED';

/** Certification profiles: a target is certified per profile. */
export type CertificationProfile = 'core' | 'gateway' | 'rate-limits' | 'human-identity' | 'client' | 'asymmetric-client-auth' | 'sender-constrained' | 'introspection';

/** Which part of the system under test the requirement binds. */
export type Component = 'idp' | 'gateway' | 'component' | 'client';

/**
 * Capabilities a target may claim in its profile. A requirement that names one is "not applicable" for a
 * target that does not claim it; a scenario that needs one the profile lacks is "not testable".
 */
export const CAPABILITIES = [
  'client-secret-post', // seed 001: credentials in the form body
  'no-refresh-tokens', // seed 001: the client credentials flow "does not support refresh tokens" (the target follows the guide's word)
  'jwt-access-tokens', // seed 003: access tokens are signed JWTs the kit can read (client_id and sub claims)
  'rfc9068-access-tokens', // RFC 9068: the JWT access-token profile (typ at+jwt, its REQUIRED claims, aud, scope)
  'client-id-equals-sub', // seed 003: client-credentials tokens carry sub == client_id
  'per-client-ttl', // seed 004: a client with a short token TTL exists (expiry checks stay fast)
  'rate-limiting', // seed 001: 50 requests/s per IP on the token endpoint, then 429
  'ip-blocking', // seed 001: an IP that keeps failing to log in is blocked for a while
  'gateway-rate-limiting', // the deployment's claim: the gateway limits requests per client IP (limits.gateway.requestsPerSecond), then 429
  'gateway-ip-blocking', // the deployment's claim: the gateway refuses an IP after repeated invalid tokens (limits.gateway.ipBlock)
  'identity-propagation', // seed 000: the gateway passes user and roles on; the kit can see what arrived
  'customer-scoping', // seed 003: human tokens see only their customer's data
  'human-login', // seed 000/003/004: human users log in (password-style or browser)
  'anonymous-fallback', // seed 004: failed authentication yields an anonymous-equivalent identity
  'audit-log', // seed 004: authentication attempts are recorded and the kit can read the record
  'secret-rotation', // seed 002: a client's secret can be rotated
  'signing-key-rotation', // RFC 7517 / RFC 9068 §4: signing keys rotate through the JWKS (kid)
  'offline-cache', // seed 002: the client (an application, like the ucw-app) ships with default caches and serves calls from them while a service is down
  'test-token-signer', // signs tokens with arbitrary claims using a key the gateway trusts (reference control plane, or profile testTokenSigner)
  'foreign-issuer', // a second issuer whose genuine tokens the gateway must refuse (profile foreignIssuer): another realm, another tenant
  'other-audience-client', // a client of the same IdP whose genuine tokens are for another API (profile clients.otherAudience)
  // Issue 22: deletes, front-end system user, rotation ownership
  'self-service-rotation', // seed 002: a customer rotates its own client's secret itself (profile selfServiceRotation)
  'customer-deletes', // seed 003: the profile names a disposable record of a test customer the kit may try to delete (gateway.routes.customerDelete)
  'oauth-endpoints-rate-limiting', // seed 001: "the OAuth2.0 endpoints" (authorization, JWKS, discovery) limited like the token endpoint; unstated: follows rate-limiting
  'jwks-control', // a test aid: a gateway fetches its keys from the kit's JWKS relay (follows from jwksRelay), so the kit counts its JWK Set requests, takes the set down or slow, publishes and removes a key; REQ-JWKS-01..03 bind it, REQ-JWKS-04's scenario needs it
  'retired-key-bound', // the deployment's claim: a key removed from the JWK Set is refused by the gateway within limits.gateway.retiredKeySeconds
  // Issue 19: asymmetric client authentication
  'private-key-jwt', // RFC 7523: a client authenticates with a JWT signed by its own key, which the kit holds (profile privateKeyJwtClient)
  // Issue 19: DPoP
  'dpop', // RFC 9449: the token endpoint binds tokens to a DPoP proof's key (system client) and the gateway serves them only with a proof
  // Issue 19: introspection and revocation
  'token-introspection', // RFC 7662: the IdP introspects its access tokens for the client the profile names (profile introspection)
  'token-revocation', // RFC 7009: the IdP revokes access tokens (profile revocation)
  // Issue 19: client_secret_jwt and a disabled client
  'client-secret-jwt', // RFC 7523 / OpenID Connect Core §9: a client authenticates with a JWT MACed with its secret (profile clients.secretJwt)
  'disabled-client', // the deployment disables clients and the profile names one it disabled (clients.disabled)
  // Issue 19: mutual TLS (RFC 8705)
  'mtls-client-auth', // RFC 8705 §2: a client authenticates at the token endpoint's mTLS alias with its certificate (profile mtls)
  'certificate-bound-tokens', // RFC 8705 §3: tokens issued over mTLS are bound to the certificate; the gateway's mTLS listener checks it (profile mtls)
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What only a client under test claims (auth-ctk client --claims), never an IdP or gateway target's profile. */
export const CLIENT_CAPABILITIES: readonly Capability[] = ['offline-cache'];

export interface Requirement {
  /** Stable ID used as a Gherkin tag (`@REQ-TOK-01`). */
  readonly id: string;
  /** One line, in the domain's words: what a conforming system does. */
  readonly title: string;
  readonly level: Level;
  /** The clause it rests on, citable: `RFC 6749 §5.1` or `seed 001 (rate limits)`. */
  readonly source: string;
  /** Link to the clause (RFC section URL) or the seed file name. */
  readonly link: string;
  readonly component: Component;
  readonly profile: CertificationProfile;
  /** Set when the requirement only binds targets that claim this capability. */
  readonly capability?: Capability;
  /** Why the level is what it is, where that is not obvious from the clause (e.g. stricter than the RFC). */
  readonly note?: string;
}

export const rfc = (n: number, section: string): string =>
  `https://www.rfc-editor.org/rfc/rfc${n}.html#section-${section}`;
export const seed = (file: string): string => `shared/seeds/${file}`;

export const SEEDS = {
  canvas: '000_edc51fd679bff9c2.txt',
  integrationGuide: '001_eb798c3089633e85.txt',
  selfHosted: '002_396b5c621bd47175.txt',
  kusyProtocol: '003_63da78ecb62a32c7.txt',
  dataOne: '004_62668a56eb8580e8.txt',
} as const;
