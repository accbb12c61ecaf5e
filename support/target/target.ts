/**
 * What the kit knows about a system under test. Every provider (reference processes, containers, an external
 * deployment described by a profile) produces one of these; scenarios only ever read it.
 *
 * It holds secrets (client secrets, passwords): it travels to cucumber workers as a file with mode 0600, and
 * every secret in it is registered with the redactor before anything is recorded.
 */
import type { Capability } from '../requirements/types.ts';
import { NotTestableError } from '../verdict/not-testable.ts';

/** The capabilities mutual TLS (RFC 8705) gives a target: what a profile's mtls entry, or the reference's listeners, claim. */
export const MTLS_CAPABILITIES: readonly Capability[] = ['mtls-client-auth', 'certificate-bound-tokens'];

export type TargetKind = 'reference' | 'containers' | 'external';

/**
 * How a client authenticates at the token endpoint, in RFC 7591 §2 words (token_endpoint_auth_method):
 * HTTP Basic, credentials in the form body, or none (a public client: client_id only, PKCE for its codes).
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export interface ClientCredentials {
  readonly clientId: string;
  /** Empty for a public client (tokenEndpointAuthMethod "none"). */
  readonly clientSecret: string;
  /** Scopes this client may be granted (space-separated in requests). */
  readonly scopes: readonly string[];
  /** Token lifetime the target promises for this client, in seconds, where it states one. */
  readonly ttlSeconds?: number;
  /**
   * The one method the target registered this client for. Absent: the client may use HTTP Basic and the form
   * body alike (the kit uses Basic for its ordinary requests, and checks the body where the target claims it).
   */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

export interface TestUser {
  readonly username: string;
  readonly password: string;
  /** The customer the user stands for: the `sub` a human token for this user carries (seed 003). */
  readonly customerId: string;
}

export interface RouteSet {
  /** A route that needs any valid token (GET). */
  readonly protected: string;
  /** A route that needs no token (GET). */
  readonly public: string;
  /** A route that needs `scope`; `clients.readOnly` lacks it. */
  readonly scoped: { readonly method: string; readonly path: string; readonly scope: string };
  /** Echoes the identity the component received from the gateway (JSON), when the target has one. */
  readonly identityEcho?: string;
  /** A customer's data; `{customerId}` is replaced (seed 003: system sees all, a human only its own). */
  readonly customerData?: string;
  /**
   * A write on a customer's data (POST, PUT or PATCH; `{customerId}` is replaced): seed 003's "darf nur das, was der
   * hinterlegte Kunde darf" for writes. The kit sends one small JSON body to the own customer's data (the control) and
   * one to another customer's, which must be refused; never a DELETE, so a check cannot remove a vendor's data.
   */
  readonly customerWrite?: { readonly method: string; readonly path: string };
  /**
   * A DELETE on one disposable record of a test customer (seed 003 for deletes, REQ-ID-15): `{customerId}` and
   * `{recordId}` are replaced by `customerId` (a users[] customer) and `recordId`. Opt-in: a target that lets another
   * customer delete it loses the record. The kit reads the record with GET on the same path as its owner, before and
   * after another test customer's DELETE; on a conforming target nothing is deleted.
   */
  readonly customerDelete?: { readonly path: string; readonly customerId: string; readonly recordId: string };
  /** How to read the identity echo and the public route's answer; absent: the reference's format. */
  readonly identityEchoFormat?: IdentityEchoFormat;
}

/**
 * Where, in the identity echo's JSON answer (and in the public route's), the kit finds what the component
 * received from the gateway. JSON pointers (RFC 6901); every field is optional and defaults to the reference's
 * format: `{"identity": {"kind", "sub", "client_id", "scopes", "roles"}, "authorizationHeaderReceived": bool}`.
 */
export interface IdentityEchoFormat {
  /** The identity object inside the echo answer ("" = the answer itself). Default "/identity". */
  readonly identity?: string;
  /** Inside the identity object. Defaults: "/sub", "/client_id", "/kind". */
  readonly subject?: string;
  readonly clientId?: string;
  readonly kind?: string;
  /** Lists of roles and/or scopes inside the identity object (seed 000 "user, roles"). Default ["/roles", "/scopes"]. */
  readonly roles?: readonly string[];
  /** The component's words for the three kinds. Default system / human / anonymous. */
  readonly kinds?: { readonly system?: string; readonly human?: string; readonly anonymous?: string };
  /** In the echo answer: a boolean, whether the component received an Authorization header. Default "/authorizationHeaderReceived". */
  readonly authorizationReceived?: string;
  /** In the public route's answer: the identity the component served (seed 004). Default "/servedTo". */
  readonly publicIdentity?: string;
  /** The header the gateway passes the identity in (spoofing check). Default x-auth-identity, base64url JSON. */
  readonly identityHeader?: { readonly name: string; readonly encoding: 'base64url-json' | 'json' | 'text' };
  /**
   * The identity as request headers the gateway forwarded (X-Auth-Sub, a space-separated X-Auth-Scope, ...), read
   * from the header object the echo shows; when given it replaces the identity pointers for the echo.
   */
  readonly forwardedHeaders?: ForwardedIdentityHeaders;
  /** Pointers inside the identity of the public route's answer, when they differ from the echo's. */
  readonly publicIdentityFormat?: IdentityPointers;
}

/** Pointers inside an identity object (the public route's answer may use other names than the echo). */
export interface IdentityPointers {
  readonly subject?: string;
  readonly clientId?: string;
  readonly kind?: string;
  readonly roles?: readonly string[];
}

/**
 * An identity echo that shows the request headers the component received (httpbin-style `{"headers": {...}}`):
 * the names the gateway forwards the identity under. Header names compare case-insensitively (RFC 9110 §5.1).
 */
export interface ForwardedIdentityHeaders {
  /** JSON pointer to the object of headers in the echo's answer. Default "/headers"; "" for the answer itself. */
  readonly in?: string;
  readonly subject: string;
  readonly clientId?: string;
  readonly kind?: string;
  /** Headers holding lists of roles or scopes, each with its separator (default " "). */
  readonly roles?: readonly { readonly name: string; readonly separator?: string }[];
  /** A header whose presence says the component received the caller's raw Authorization header. */
  readonly authorization?: string;
}

/**
 * CSS selectors (Playwright syntax; a comma list matches the first element found) of the human login form.
 * Defaults in support/browser/login-form.ts fit the reference's form and Keycloak's out of the box.
 */
export interface LoginFormSelectors {
  readonly username: string;
  /** Must match an <input type="password">: the kit refuses to type a password into any other field. */
  readonly password: string;
  readonly submit: string;
  /** The message shown after a failed login. */
  readonly error: string;
  /** A consent page's "allow" button, clicked when it appears after the login (Keycloak: name="accept"). */
  readonly consent: string;
}

/** How the kit logs a human in through a real browser (authorization code + PKCE, issue 7). All optional. */
export interface BrowserLoginDescription {
  /** Where the browser sends the authorization request (the login URL); default: `authorizationEndpoint`. */
  readonly loginUrl?: string;
  /** Scope requested for the human; default: the web client's scopes. */
  readonly scope?: string;
  /** Extra authorization-request parameters a deployment needs (e.g. `resource`, `audience`, `kc_idp_hint`). */
  readonly extraParams?: Readonly<Record<string, string>>;
  readonly selectors?: Partial<LoginFormSelectors>;
}

/**
 * What a gateway in front of the APIs claims to limit per client IP (Kong rate-limiting `second: N, limit_by: ip`,
 * APISIX limit-count, HAProxy stick tables, mod_qos): requests per second, and a block after consecutive requests
 * with invalid tokens. Profile: limits.gateway; each part is required once its capability is claimed.
 */
export interface GatewayLimits {
  readonly requestsPerSecond?: number;
  readonly ipBlock?: { readonly failedAttempts: number; readonly blockSeconds: number };
  /** Seconds after which a key removed from the issuer's JWK Set is no longer accepted (its key-set cache lifetime; REQ-JWKS-04). */
  readonly retiredKeySeconds?: number;
}

export type AudienceCheck = 'exact' | 'none' | 'scope';

export interface GatewayDescription {
  readonly baseUrl: string;
  readonly routes: RouteSet;
  /**
   * The component's own base URL, where the same routes answer without the gateway (profile: gateway.componentUrl).
   * Named, the kit checks that it serves nobody who goes around the gateway (REQ-CANVAS-01, seed 000).
   */
  readonly componentUrl?: string;
}

/** The kit's JWKS relay as the cucumber workers reach it (issue 20). */
export interface JwksRelayDescription {
  /** The JWK Set URL the relay serves: what the gateway's jwks_uri points at. Its admin API is on the same server. */
  readonly url: string;
  /** Base URL of the gateway that fetches its keys from the relay: the JWKS scenarios call this one. */
  readonly gatewayUrl: string;
  /** The relay's admin bearer token (made at start). A secret: registered with the redactor. */
  readonly adminToken: string;
  /**
   * The relay's gateway IS the target's gateway (gateway.baseUrl): an outage of the set then reaches every other
   * scenario, so the JWKS scenarios run alone (support/run/parallel.ts).
   */
  readonly shared?: boolean;
}

/** Raised where a check reaches for the gateway of an IdP-only target (applicability should have kept it out). */
export class NoGatewayError extends Error {
  constructor() {
    super('the target profile names no gateway (an IdP-only profile): add gateway: to the profile to run the gateway checks');
    this.name = 'NoGatewayError';
  }
}

/** The target's gateway; throws NoGatewayError for an IdP-only target. */
export function gatewayOf(target: Pick<TargetDescription, 'gateway'>): GatewayDescription {
  if (!target.gateway) throw new NoGatewayError();
  return target.gateway;
}

/** How the target's gateway checks `aud` ("exact" unless the profile says otherwise). */
/** The target's JWK Set, or NotTestableError where it names none (support/target/applicability.ts rules most such checks out first). */
export function jwksUriOf(target: Pick<TargetDescription, 'jwksUri'>): string {
  if (target.jwksUri === undefined) {
    throw new NotTestableError('the target publishes no JWK Set (the profile names no idp.jwksUri and claims no JWT access tokens)', {
      remedy: 'name idp.jwksUri (or idp.discoveryUrl whose metadata names jwks_uri) if the IdP publishes signing keys',
    });
  }
  return target.jwksUri;
}

export const audienceCheckOf = (target: Pick<TargetDescription, 'audienceCheck'>): AudienceCheck => target.audienceCheck ?? 'exact';

/**
 * OpenID Connect Registration's application_type of a client that starts logins: `web` has its loopback redirect
 * URI compared by exact string, port included (RFC 9700 §2.1); `native` may vary a loopback port (RFC 8252 §7.3).
 */
export type ApplicationType = 'web' | 'native';

/** A client that starts human logins: where its codes go back to, and how the IdP registered it. */
export type LoginClient = ClientCredentials & { readonly redirectUri?: string; readonly applicationType?: ApplicationType };

export interface TargetDescription {
  readonly name: string;
  readonly kind: TargetKind;
  /** The issuer identifier (RFC 8414 §2); tokens' `iss` must equal it. */
  readonly issuer: string;
  readonly discoveryUrl?: string;
  readonly tokenEndpoint: string;
  /**
   * Set when the start-up check found that tokenEndpoint (taken from the discovery document) answers a token
   * request as no token endpoint does (404): the requirement that reports it, and the not-testable reason every
   * other token request then gets instead of a failure of its own.
   */
  readonly tokenEndpointUnusable?: { readonly requirement: string; readonly reason: string };
  /**
   * The JWK Set the access tokens verify with. Absent only for a target that claims no JWT access tokens and names
   * none (an IdP with opaque tokens has no signing keys to publish): what reads it is then not applicable.
   */
  readonly jwksUri?: string;
  /**
   * false: the authorization server publishes no RFC 8414 metadata (profile: idp.metadata). RFC 8414 §3 binds
   * "authorization servers supporting metadata", so the discovery requirements are not applicable, never a gap.
   */
  readonly metadata?: false;
  readonly authorizationEndpoint?: string;
  /**
   * Extra parameters the target needs on every client-credentials and password token request, e.g. Auth0's
   * `audience` or RFC 8707's `resource` (profile: idp.tokenRequestParameters). Never one the kit sets itself
   * (grant_type, client_id, scope, ...); a request's own extra parameters win over these.
   */
  readonly tokenRequestParameters?: Readonly<Record<string, string>>;
  /** The `aud` the gateway expects in access tokens; absent when `audienceCheck` is "none" or "scope". */
  readonly audience?: string;
  /**
   * How the gateway checks `aud` (profile: gateway.audienceCheck). Absent = "exact": `aud` must contain
   * `audience`. "none": the gateway checks no audience. "scope": `aud` carries the granted scope values.
   */
  readonly audienceCheck?: AudienceCheck;
  /** The gateway and its routes; absent for an IdP-only target (its gateway requirements are not applicable). */
  readonly gateway?: GatewayDescription;
  readonly clients: {
    /** A system user: client credentials with every scope the routes need. */
    readonly system: ClientCredentials;
    /**
     * A system user lacking `routes.scoped.scope` (insufficient_scope checks), and the scopes, if any, the IdP
     * must refuse it (REQ-TOK-12): an IdP may let every client ask for every scope, so that is a separate claim.
     */
    readonly readOnly?: ClientCredentials & { readonly refusedScopes?: readonly string[] };
    /** A client whose tokens live a few seconds (expiry checks stay fast). */
    readonly shortTtl?: ClientCredentials;
    /** A client the kit may rotate the secret of (seed 002). */
    readonly rotation?: ClientCredentials;
    /** A client that is not allowed the client_credentials grant (unauthorized_client). */
    readonly noClientCredentials?: ClientCredentials;
    /** The web front end that logs humans in (authorization code + PKCE, or password-style in the reference). */
    readonly web?: LoginClient;
    /**
     * A public client (tokenEndpointAuthMethod "none") allowed the authorization code grant, when clients.web is
     * confidential: the authorization endpoint must not let it go without PKCE (REQ-AUTHZ-03).
     */
    readonly publicWeb?: LoginClient;
    /** A client of the same IdP whose tokens are meant for another API (a test aid: wrong-aud checks with genuine tokens). */
    readonly otherAudience?: OtherAudienceClient;
    /**
     * The web front end's own system user (seed 000: "The Web/App/Chat frontend will have a System User"): its
     * client-credentials client, and the GET routes the front end does not need (`{customerId}`: the first test
     * customer's), which should refuse its token (REQ-ID-17, RFC 9700 §2.3).
     */
    readonly frontEndSystem?: ClientCredentials & { readonly notNeeded?: readonly string[] };
    /** Issue 19: a client registered for client_secret_jwt (capability client-secret-jwt; REQ-CSJWT-*). */
    readonly secretJwt?: SecretJwtClient;
    /** Issue 19: a client the target has disabled, with the secret it had (capability disabled-client; REQ-CAUTH-11). */
    readonly disabled?: ClientCredentials;
  };
  readonly users: readonly TestUser[];
  /** Human login in a browser: login URL, form selectors (issue 7). Absent: defaults. */
  readonly browserLogin?: BrowserLoginDescription;
  readonly capabilities: Readonly<Partial<Record<Capability, boolean>>>;
  readonly limits: {
    /** Token requests per second per IP the target allows (seed 001: 50). */
    readonly tokenRequestsPerSecond?: number;
    /** Failed logins from one IP after which it is blocked, and for how long. */
    readonly ipBlock?: { readonly failedAttempts: number; readonly blockSeconds: number };
    /** The gateway's own per-IP limits (capabilities gateway-rate-limiting, gateway-ip-blocking; REQ-GRL-*). */
    readonly gateway?: GatewayLimits;
    /** Clock leeway the gateway allows on exp/nbf, in seconds (RFC 7519 §4.1.4 lets it allow "some small leeway"). */
    readonly clockSkewSeconds: number;
    /** Per-request timeout. */
    readonly requestTimeoutMs: number;
    /**
     * With no sourceAddresses the rate-limit checks send from the run's own address and run last; given this, they
     * keep their place and the kit's next token request from that address waits this long after their last answer.
     */
    readonly ownAddressCoolDownSeconds?: number;
    /**
     * Seconds after a revocation (RFC 7009) within which the gateway refuses the revoked token (REQ-REVOKE-04): 0 for a
     * gateway that introspects every token. Absent: the target states no bound (a gateway that validates
     * self-contained JWTs accepts them until exp), and REQ-REVOKE-04 is not applicable.
     */
    readonly revocationSeconds?: number;
    /**
     * Issue 20: seconds an authorization code of the IdP lives (RFC 6749 §4.1.2: at most 10 minutes RECOMMENDED). The kit
     * waits it out (REQ-AUTHZ-08) only when the wait is short (15 s) or `longWaits` allows more; absent: not testable.
     */
    readonly authorizationCodeSeconds?: number;
    /** Issue 20: the kit may wait longer than 15 s in a check (an authorization code's lifetime, up to 10 minutes). */
    readonly longWaits?: boolean;
    /** Load caps for load-generating scenarios: never exceeded. */
    readonly maxRequestsPerSecond: number;
    readonly maxRequestsPerRun: number;
  };
  /** Loopback source addresses the kit may send from to act as distinct client IPs (127.0.0.x). */
  readonly sourceAddresses: readonly string[];
  /**
   * The control plane (audit log, secret rotation; on the reference also key rotation and the test signer): the
   * reference stack's, or one the profile describes (a preset for Keycloak's Admin REST or Auth0's Management API,
   * or its own calls). Absent: those scenarios are not testable.
   */
  readonly admin?: AdminDescription;
  /**
   * A key the gateway trusts, given by the vendor (profile: testTokenSigner), so the checks with genuinely signed
   * but invalid tokens run against it. A secret: never logged, registered with the redactor.
   */
  readonly testSigner?: TestSignerDescription;
  /**
   * A second issuer whose genuine tokens the gateway must refuse (profile: foreignIssuer): another realm, another
   * tenant. A test aid, like testSigner: the wrong-iss check with a real token instead of a signed one.
   */
  readonly foreignIssuer?: ForeignIssuerDescription;
  /** A self-service interface where a customer rotates its own client's secret (seed 002); absent: not offered. */
  readonly selfServiceRotation?: SelfServiceRotationDescription;
  /**
   * Issue 19: a client registered for RFC 7523 private_key_jwt, and its private key, so the kit can sign client
   * assertions (profile privateKeyJwtClient). A secret: never logged, registered with the redactor.
   */
  readonly privateKeyJwtClient?: PrivateKeyJwtClient;
  /** RFC 7662 token introspection (capability token-introspection); absent: not offered. */
  readonly introspection?: IntrospectionDescription;
  /** RFC 7009 token revocation (capability token-revocation); absent: not offered. */
  readonly revocation?: RevocationDescription;
  /** Issue 19: TLS of an https target (profile tls): a private CA to trust, the plain-http port to probe. */
  readonly tls?: TargetTls;
  /**
   * Issue 20: the kit's JWKS relay (support/jwks/relay.ts) and the gateway whose jwks_uri is pointed at it (profile:
   * jwksRelay; on the reference, a second gateway process). Capability jwks-control follows from it. Absent: the
   * JWKS robustness checks are not applicable.
   */
  readonly jwksRelay?: JwksRelayDescription;
  /** Issue 19: mutual TLS (RFC 8705): the mTLS token endpoint, the gateway's mTLS listener, the client's certificate (capabilities mtls-client-auth, certificate-bound-tokens). */
  readonly mtls?: MtlsDescription;
  /** Active faults, reference only (kit self-test). */
  readonly faults?: readonly string[];
}

/** A certificate and its private key, PEM-encoded (the key is a secret: never logged, registered with the redactor). */
export interface CertificateAndKey {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * Mutual TLS (issue 19, RFC 8705): a client registered for tls_client_auth (or self_signed_tls_client_auth) with its
 * certificate and key — the operator's files, or on the reference issued by the kit's run-time CA.
 */
export interface MtlsDescription {
  /** The token endpoint over mTLS (default: mtls_endpoint_aliases.token_endpoint of the metadata, else token_endpoint). */
  readonly tokenEndpoint?: string;
  /** Base URL of the gateway's mTLS listener; absent: the gateway's certificate-binding checks are not testable. */
  readonly gatewayUrl?: string;
  /** The CA that signed the mTLS listeners' server certificates, when not one the system trusts. */
  readonly caCertificatePem?: string;
  readonly clientId: string;
  /** A scope to request, when the client must name one. */
  readonly scope?: string;
  readonly client: CertificateAndKey;
  /** A certificate the server trusts that is not the client's (another subject); absent: that refusal is not testable. */
  readonly otherCertificate?: CertificateAndKey;
}

/** A client that authenticates with JWTs signed by its own key (RFC 7523 §2.2, OpenID Connect Core §9 private_key_jwt). */
export interface PrivateKeyJwtClient {
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The private JWK (RFC 7517) whose public half the IdP has registered for the client. */
  readonly privateJwk: Readonly<Record<string, unknown>>;
  /** The JWS alg the client signs with (RS256, ES256, PS256, EdDSA ...). */
  readonly alg: string;
  /** The kid the IdP knows the key by, when it has one. */
  readonly kid?: string;
}

/** The HMAC algs of client_secret_jwt (RFC 7518 §3.2; OpenID Connect Core §9). */
export const SECRET_JWT_ALGS = ['HS256', 'HS384', 'HS512'] as const;

/** A client that authenticates with JWTs MACed with its secret (OpenID Connect Core §9 client_secret_jwt, RFC 7523 §2.2). */
export interface SecretJwtClient extends ClientCredentials {
  /** The HMAC alg it uses (default HS256). */
  readonly alg?: (typeof SECRET_JWT_ALGS)[number];
}

/** A client role of the profile (clients.<role>). */
export type ClientRoleName = keyof TargetDescription['clients'];

/**
 * RFC 7662 introspection (issue 19): the endpoint, or none (then RFC 8414 introspection_endpoint), and the client
 * allowed to call it; optionally a client that is not allowed (REQ-INTRO-08).
 */
export interface IntrospectionDescription {
  readonly endpoint?: string;
  /** The client role that introspects (default "system"). */
  readonly client: ClientRoleName;
  /** A client role the target does not let introspect (REQ-INTRO-08); absent: that check is not applicable. */
  readonly notAllowedClient?: ClientRoleName;
}

/**
 * TLS of an https target (issue 19, RFC 9325): the CA certificate(s) its certificates chain to when that is not a
 * public CA (PEM; the kit trusts it for the run), and the port where the plain-http twin of the token endpoint's host
 * is probed (REQ-TLS-07; default 80).
 */
export interface TargetTls {
  readonly caPem?: string;
  readonly plainHttpPort?: number;
}

/** RFC 7009 revocation (issue 19): the endpoint, or none (then RFC 8414 revocation_endpoint). */
export interface RevocationDescription {
  readonly endpoint?: string;
}

/**
 * Seed 002's self-service rotation: the customer who owns clients.rotation rotates its secret "via the UI" (the API
 * behind it), authenticated with its own human access token, and is shown the new one. Putting the profile's secret
 * back afterwards goes through the control plane (admin.rotateSecret's put-back): a self-service interface sets no
 * given secret.
 */
export interface SelfServiceRotationDescription {
  /** The rotation call; `{clientId}` is replaced by clients.rotation's id. */
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  /** JSON pointer to the new secret in the owner's answer. */
  readonly secret: string;
  /** The username (users[]) of the customer who owns clients.rotation. */
  readonly owner: string;
}

/** clients.otherAudience: its tokens carry another `aud` than the gateway's (RFC 9068 §4: the gateway must refuse them). */
export interface OtherAudienceClient extends ClientCredentials {
  /** The `aud` its tokens carry, when the profile names it (evidence only: the check reads the token's own aud). */
  readonly audience?: string;
  /** Parameters its token requests carry instead of the target's (Auth0 `audience`, RFC 8707 `resource` of the other API). */
  readonly tokenRequestParameters?: Readonly<Record<string, string>>;
}

/** A second issuer and one client of it. */
export interface ForeignIssuerDescription {
  /** Its issuer identifier, when the profile names it; else its discovery document's. */
  readonly issuer?: string;
  /** Its metadata document; the token endpoint is read from it when tokenEndpoint is not given. */
  readonly discoveryUrl?: string;
  readonly tokenEndpoint?: string;
  readonly client: ClientCredentials;
  /** Extra token request parameters at that issuer (its own audience / resource, where it needs one). */
  readonly tokenRequestParameters?: Readonly<Record<string, string>>;
}

/** One call of a control plane: `{clientId}` (and Keycloak's `{id}`) are filled in. */
export interface AdminCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Relative to the control plane's baseUrl. */
  readonly path: string;
  /** Where the answer holds the audit entries: a JSON pointer ("" = the answer itself, "/entries" for {entries:[...]}). */
  readonly entries?: string;
}

export interface AdminDescription {
  readonly baseUrl: string;
  /** The credential the control plane takes (a secret). */
  readonly token: string;
  /** The dialect: the reference's (default), Keycloak Admin REST of one realm, or the Auth0 Management API. */
  readonly preset?: 'reference' | 'keycloak' | 'auth0';
  /** The header that carries the token, and what goes before it. Default: Authorization, "Bearer ". */
  readonly authHeader?: { readonly name: string; readonly prefix?: string };
  /** Reading the audit log, where the preset's call does not fit. */
  readonly auditLog?: AdminCall;
  /** Rotating a client's secret (`secret`: where the answer holds the new one) and putting a given one back. */
  readonly rotateSecret?: AdminCall & { readonly secret: string; readonly putBack: AdminCall & { readonly field: string } };
}

export interface TestSignerDescription {
  /** The private JWK (RFC 7517), parsed from the profile's ${VAR}. */
  readonly privateJwk: Readonly<Record<string, unknown>>;
  /** The JWS alg to sign with (the key's own, or the kty's default). */
  readonly alg: string;
  /** The kid the gateway finds the public key under, when it needs one. */
  readonly kid?: string;
}

/** Every secret a description holds, for the redactor. */
export function secretsOf(target: TargetDescription): string[] {
  const secrets: string[] = [];
  for (const client of clientsOf(target)) secrets.push(client.clientSecret);
  for (const user of target.users) secrets.push(user.password);
  if (target.admin) secrets.push(target.admin.token);
  if (target.jwksRelay) secrets.push(target.jwksRelay.adminToken);
  if (target.testSigner) {
    secrets.push(JSON.stringify(target.testSigner.privateJwk));
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      const v = target.testSigner.privateJwk[m];
      if (typeof v === 'string') secrets.push(v);
    }
  }
  if (target.mtls) secrets.push(target.mtls.client.privateKeyPem, ...(target.mtls.otherCertificate ? [target.mtls.otherCertificate.privateKeyPem] : []));
  const assertionKey = target.privateKeyJwtClient?.privateJwk;
  if (assertionKey) {
    secrets.push(JSON.stringify(assertionKey));
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) if (typeof assertionKey[m] === 'string') secrets.push(assertionKey[m] as string);
  }
  return secrets.filter((s) => s.length > 0);
}

/** Every client the description holds credentials of: its clients and the second issuer's (for the redactor). */
export function clientsOf(target: Pick<TargetDescription, 'clients' | 'foreignIssuer'>): ClientCredentials[] {
  const all: (ClientCredentials | undefined)[] = [...Object.values(target.clients), target.foreignIssuer?.client];
  return all.filter((c): c is ClientCredentials => c !== undefined);
}
