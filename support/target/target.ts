/**
 * What the kit knows about a system under test. Every provider (reference processes, containers, an external
 * deployment described by a profile) produces one of these; scenarios only ever read it.
 *
 * It holds secrets (client secrets, passwords): it travels to cucumber workers as a file with mode 0600, and
 * every secret in it is registered with the redactor before anything is recorded.
 */
import type { Capability } from '../requirements/types.ts';

export type TargetKind = 'reference' | 'containers' | 'external';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scopes this client may be granted (space-separated in requests). */
  readonly scopes: readonly string[];
  /** Token lifetime the target promises for this client, in seconds, where it states one. */
  readonly ttlSeconds?: number;
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
  readonly jwksUri: string;
  readonly authorizationEndpoint?: string;
  /**
   * Extra parameters the target needs on every client-credentials and password token request, e.g. Auth0's
   * `audience` or RFC 8707's `resource` (profile: idp.tokenRequestParameters). Never one the kit sets itself
   * (grant_type, client_id, scope, ...); a request's own extra parameters win over these.
   */
  readonly tokenRequestParameters?: Readonly<Record<string, string>>;
  /** The `aud` the gateway expects in access tokens. */
  readonly audience: string;
  readonly gateway: { readonly baseUrl: string; readonly routes: RouteSet };
  readonly clients: {
    /** A system user: client credentials with every scope the routes need. */
    readonly system: ClientCredentials;
    /** A system user lacking `routes.scoped.scope` (insufficient_scope checks). */
    readonly readOnly?: ClientCredentials;
    /** A client whose tokens live a few seconds (expiry checks stay fast). */
    readonly shortTtl?: ClientCredentials;
    /** A client the kit may rotate the secret of (seed 002). */
    readonly rotation?: ClientCredentials;
    /** A client that is not allowed the client_credentials grant (unauthorized_client). */
    readonly noClientCredentials?: ClientCredentials;
    /** The web front end that logs humans in (authorization code + PKCE, or password-style in the reference). */
    readonly web?: ClientCredentials & { readonly redirectUri?: string };
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
    /** Clock leeway the gateway allows on exp/nbf, in seconds (RFC 7519 §4.1.4 lets it allow "some small leeway"). */
    readonly clockSkewSeconds: number;
    /** Per-request timeout. */
    readonly requestTimeoutMs: number;
    /** Load caps for load-generating scenarios: never exceeded. */
    readonly maxRequestsPerSecond: number;
    readonly maxRequestsPerRun: number;
  };
  /** Loopback source addresses the kit may send from to act as distinct client IPs (127.0.0.x). */
  readonly sourceAddresses: readonly string[];
  /** Control plane of the reference stack (audit log, secret rotation, key rotation, test signer); absent elsewhere. */
  readonly admin?: {
    readonly baseUrl: string;
    readonly token: string;
  };
  /** Active faults, reference only (kit self-test). */
  readonly faults?: readonly string[];
}

/** Every secret a description holds, for the redactor. */
export function secretsOf(target: TargetDescription): string[] {
  const secrets: string[] = [];
  for (const client of Object.values(target.clients)) if (client) secrets.push(client.clientSecret);
  for (const user of target.users) secrets.push(user.password);
  if (target.admin) secrets.push(target.admin.token);
  return secrets.filter((s) => s.length > 0);
}
