/**
 * Talking to the token endpoint the ways seed 001 documents: HTTP Basic (RFC 6749 §2.3.1) or credentials in
 * the form body. Returns the raw exchange (evidence) plus the parsed token response when there is one.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, formOf, jsonOf, type Exchange } from '../http/exchange.ts';
import { registerSecrets } from '../http/redact.ts';
import type { ClientCredentials, TargetDescription } from '../target/target.ts';
import { RESERVED_TOKEN_PARAMETERS } from '../target/profile-schema.ts';
import { paceOwnAddress } from './pacing.ts';
import { ownAddressQuiet } from '../load/source-addresses.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { countsAsFailedLogin, sendGuarded } from './own-address-guard.ts';
import { basicRefusedEverywhere, blockWhereValidCredentialsAreRefused, judgesThisRequest, rememberBasicRefused } from './valid-credentials-refused.ts';
import { keptTokenCurrent, signingKeyRotations } from './signing-key-rotations.ts';

export type ClientAuthMethod = 'basic' | 'body' | 'both' | 'none';

export interface TokenRequestOptions {
  readonly method?: ClientAuthMethod;
  readonly grantType?: string | null;
  /**
   * The scope parameter. Left out (undefined): the scopes the profile declares for the client, so that a request
   * differs from a correct one only in what its scenario is about (RFC 6749 §3.3 lets a server refuse a request
   * without scope, and a real IdP that requires one must not turn every check into a token failure). `null`: no
   * scope parameter at all — only for the scenario that judges the scope-less answer (REQ-TOK-19). An authorization
   * code redemption never carries one (RFC 6749 §4.1.3).
   */
  readonly scope?: string | null;
  /**
   * Overrides the secret (wrong-secret checks); the client id stays the client's. '' sends an empty one
   * (client_secret=, or Basic `<id>:`); null sends no client_secret parameter at all (REQ-CAUTH-07's client id alone).
   */
  readonly secret?: string | null;
  /**
   * `secret` is one the kit has every reason to expect valid though the profile does not hold it: the secret a
   * rotation just returned. Its request is guarded like the registered credentials' (own-address-guard.ts): a target
   * that hands out a secret it then refuses must not get the run's own address blocked by the kit's trust in it.
   */
  readonly secretExpectedValid?: boolean;
  readonly clientId?: string;
  readonly sourceAddress?: string;
  /** Parameters of this request; they win over the target's tokenRequestParameters. */
  readonly extraParams?: Record<string, string>;
  /**
   * Add the target's tokenRequestParameters (default true): every client-credentials and password request carries
   * them (Auth0's audience, RFC 8707's resource); an authorization code redemption does not.
   */
  readonly targetParameters?: boolean;
  /** Records the exchange as the scenario's last (default true). */
  readonly keepAsLast?: boolean;
  /** The request is valid-credentials-refused.ts' own control: never judged against that run-wide cause itself. */
  readonly rootControl?: boolean;
  /**
   * Space requests from the default address under the target's token rate limit (default true; pacing.ts).
   * Requests from an explicit sourceAddress are never paced: rate-limit bursts come from their own addresses.
   */
  readonly pace?: boolean;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in?: number;
  readonly scope?: string;
  readonly refresh_token?: string;
  readonly [key: string]: unknown;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they become the Basic user and password. */
export function basicAuthorization(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** A public client (RFC 6749 §2.1): registered with token_endpoint_auth_method "none", or given without a secret. */
export const isPublicClient = (client: ClientCredentials): boolean => client.tokenEndpointAuthMethod === 'none' || client.clientSecret === '';

/**
 * How the kit's ordinary requests of this client authenticate, when a check does not choose: the one method the
 * profile registered it for (clients.<role>.tokenEndpointAuthMethod), else HTTP Basic, which every server must
 * support (RFC 6749 §2.3.1). A public client sends its client_id only, never a made-up secret.
 */
export function registeredAuthMethod(client: ClientCredentials): ClientAuthMethod {
  if (isPublicClient(client)) return 'none';
  return client.tokenEndpointAuthMethod === 'client_secret_post' ? 'body' : 'basic';
}

/**
 * Whether `client` may send its secret in the form body on this target: the target claims client-secret-post (as for
 * REQ-CAUTH-02), and the profile registered the client for no one method but the body (tokenEndpointAuthMethod left
 * out, or client_secret_post). A client registered for HTTP Basic only is rightly refused there (RFC 6749 §2.3.1).
 */
export function mayUseFormBody(target: Pick<TargetDescription, 'capabilities'>, client: ClientCredentials): boolean {
  if (isPublicClient(client) || target.capabilities['client-secret-post'] !== true) return false;
  return client.tokenEndpointAuthMethod === undefined || client.tokenEndpointAuthMethod === 'client_secret_post';
}

/** Where the target's own token request parameters come from (TargetDescription.tokenRequestParameters). */
export type TokenParameterSource = Pick<TargetDescription, 'tokenRequestParameters'>;

/**
 * The headers and form body of a token request. `target` supplies the parameters every client-credentials and
 * password request of that target carries; `options.extraParams` win over them, and neither may change what the
 * kit sets itself (the profile schema refuses those names; extraParams are the kit's own, e.g. a redemption's code).
 */
export function tokenRequestBody(client: ClientCredentials, options: TokenRequestOptions, target: TokenParameterSource): { headers: Record<string, string>; body: string } {
  const method = options.method ?? registeredAuthMethod(client);
  const clientId = options.clientId ?? client.clientId;
  const secret = options.secret === null ? undefined : (options.secret ?? client.clientSecret);
  const params = new URLSearchParams();
  if (options.grantType !== null) params.set('grant_type', options.grantType ?? 'client_credentials');
  const scope = scopeParameter(client, options);
  if (scope) params.set('scope', scope);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (method === 'basic' || method === 'both') headers.authorization = basicAuthorization(clientId, secret ?? '');
  if (method === 'body' || method === 'both') {
    params.set('client_id', clientId);
    if (secret !== undefined) params.set('client_secret', secret);
  }
  // A public client identifies itself without authenticating (RFC 6749 §3.2.1); "no client authentication" of a
  // confidential client (a check of its own) sends nothing at all.
  if (method === 'none' && isPublicClient(client)) params.set('client_id', clientId);
  const own = options.targetParameters === false ? {} : targetTokenParameters(target);
  for (const [k, v] of Object.entries({ ...own, ...options.extraParams })) params.set(k, v);
  return { headers, body: params.toString() };
}

/** The target's extra token request parameters, without any name the kit sets itself (belt and braces: the schema refuses them). */
export function targetTokenParameters(target: TokenParameterSource): Record<string, string> {
  const reserved: readonly string[] = RESERVED_TOKEN_PARAMETERS;
  return Object.fromEntries(Object.entries(target.tokenRequestParameters ?? {}).filter(([k]) => !reserved.includes(k)));
}

/**
 * The scope a request carries: the caller's, else the client's declared scopes (none for a redemption, whose
 * scope is the authorization's). `null` asks for no scope parameter.
 */
export function scopeParameter(client: ClientCredentials, options: Pick<TokenRequestOptions, 'scope' | 'grantType'>): string | undefined {
  if (options.scope === null) return undefined;
  if (options.scope !== undefined) return options.scope;
  if (options.grantType === 'authorization_code') return undefined;
  return client.scopes.length > 0 ? client.scopes.join(' ') : undefined;
}

/**
 * One token request from the run's ordinary address before a bulk series: it warms both sides up (the first
 * requests of a process are slow: JIT, connection set-up).
 */
export async function warmUpTokenRequests(world: CtkWorld, client: ClientCredentials): Promise<void> {
  await requestToken(world, client, { keepAsLast: false });
}

/**
 * Every request to the token endpoint asks first: is there one? When the discovery document named a URL that
 * answers as no token endpoint does, that is one finding (REQ-DISC-11, its own scenario); everything else that
 * needs the token endpoint is blocked by it, not failed with a wall of "HTTP 404".
 */
export function assertTokenEndpointUsable(target: Pick<TargetDescription, 'tokenEndpointUnusable'>): void {
  const unusable = target.tokenEndpointUnusable;
  if (unusable) throw new PrerequisiteBlocked(unusable.requirement, unusable.reason, `fix what ${unusable.requirement} reports (or name idp.tokenEndpoint in the target profile); this requirement is judged once the token endpoint answers`);
}

/**
 * Sends one token request (evidence recorded); by default for the client's declared scopes (scopeParameter).
 *
 * A request that leaves the method to the registration (HTTP Basic by default) and is blocked on REQ-CAUTH-01 — the
 * token endpoint refuses Basic to every client and serves the form body — is sent again in the form body where the
 * client may use it (mayUseFormBody), and so are the worker's later ones: REQ-CAUTH-01's scenario reports the cause
 * once, the rest of the run is still judged. Measured against fault ignore-basic-auth before: 147 requirements not
 * testable behind the one finding, a vendor told nothing else about their product. Not for a scenario that judges
 * the method itself (REQ-CAUTH-01/-02, REQ-TOK-01 of the system client: judgesThisRequest).
 */
export async function requestToken(world: CtkWorld, client: ClientCredentials, options: TokenRequestOptions = {}): Promise<Exchange> {
  assertTokenEndpointUsable(world.target);
  const registered = options.clientId === undefined && (options.secret === undefined || options.secretExpectedValid === true);
  const mayFallBack = registered && options.method === undefined && registeredAuthMethod(client) === 'basic' && mayUseFormBody(world.target, client) && !judgesThisRequest(world, client);
  const inFormBody = (): Promise<Exchange> => {
    world.log(`HTTP Basic is refused to every client while the form body is served (REQ-CAUTH-01 reports it): ${client.clientId}'s request goes in the form body`);
    return sendTokenRequest(world, client, { ...options, method: 'body' }, registered);
  };
  if (mayFallBack && basicRefusedEverywhere()) return inFormBody();
  try {
    return await sendTokenRequest(world, client, options, registered);
  } catch (error) {
    if (!mayFallBack || !(error instanceof PrerequisiteBlocked) || error.blockedBy !== 'REQ-CAUTH-01') throw error;
    rememberBasicRefused();
    return inFormBody();
  }
}

async function sendTokenRequest(world: CtkWorld, client: ClientCredentials, options: TokenRequestOptions, registered: boolean): Promise<Exchange> {
  const { headers, body } = tokenRequestBody(client, options, world.target);
  return sendWithRegisteredCredentials(world, client, registered, options.sourceAddress, async (sourceAddress) => {
    await paceTokenRequest(world, sourceAddress, options.pace);
    return world.send(
      { method: 'POST', url: world.target.tokenEndpoint, headers, body, ...(sourceAddress ? { sourceAddress } : {}) },
      { keepAsLast: options.keepAsLast ?? true },
    );
  }, options.rootControl);
}

/**
 * A token request; with `registered` (it carries `client`'s own credentials) and no `sourceAddress`, it leaves from
 * the run's own address only while a target that refuses valid credentials cannot block that address for it
 * (own-address-guard.ts: else from a failures address), and its refusal is blocked on REQ-CAUTH-01 where HTTP Basic
 * is the cause for every client (valid-credentials-refused.ts; not for `rootControl`, that check's own requests).
 */
export async function sendWithRegisteredCredentials(
  world: CtkWorld,
  client: ClientCredentials,
  registered: boolean,
  sourceAddress: string | undefined,
  send: (sourceAddress: string | undefined) => Promise<Exchange>,
  rootControl = false,
): Promise<Exchange> {
  if (!registered) return send(sourceAddress);
  const exchange = sourceAddress === undefined ? await sendGuarded(world, send) : await send(sourceAddress);
  if (!rootControl) await blockWhereValidCredentialsAreRefused(world, client, exchange);
  return exchange;
}

/** The scope a token request sent, as a list. */
export function scopeSentIn(exchange: Exchange): string[] {
  const scope = formOf(exchange.request)?.get('scope');
  return scope ? scope.split(' ').filter((s) => s.length > 0) : [];
}

/** The part of the per-IP limit the run's own token requests keep to (the rest: its other OAuth endpoint requests). */
export const OWN_TOKEN_SHARE = 0.7;

/**
 * What a 429 where a token was expected means and what to fix, for the reasons of the scenarios it blocks
 * (TokenUnavailableError, throwIfRateLimited): the run kept under its share, so the REQ-RL scenarios judge it.
 */
export const RATE_LIMITED_ANSWER = {
  why: `the run keeps its own address's token requests under ${Math.round(OWN_TOKEN_SHARE * 100)} % of the stated limit, and the REQ-RL scenarios judge the limit`,
  remedy: 'fix what the REQ-RL scenarios report (a limit under the stated one, or one counter for every IP); this requirement is judged once the request is served',
} as const;

/** Waits, if needed, so that requests from the default address stay under the target's token rate limit. */
export async function paceTokenRequest(world: CtkWorld, sourceAddress: string | undefined, pace = true): Promise<void> {
  if (sourceAddress !== undefined) return;
  // A rate-limit check may just have sent from this address (a target without sourceAddresses): wait its limit out.
  await ownAddressQuiet();
  const limit = world.target.limits.tokenRequestsPerSecond;
  if (!pace || limit === undefined || limit <= 0) return;
  // Parallel cucumber workers share the default address and its budget (pacing.ts). Of that limit the
  // token requests take OWN_TOKEN_SHARE only: seed 001's figure may be one budget for every OAuth endpoint (the
  // reference's variation oauth-endpoints-one-budget), and the run's own address also fetches metadata and keys —
  // as does a gateway on the same host — so token requests at the full limit would meet a 429 no check asked for.
  await paceOwnAddress('token', limit * OWN_TOKEN_SHARE);
}

/**
 * A request to the token endpoint that is not a well-formed token request (GET, credentials in the URI, a JSON
 * or oversized body): the exact method, query, headers and body are the caller's.
 */
export async function sendToTokenEndpoint(
  world: CtkWorld,
  request: { method: string; query?: URLSearchParams; headers?: Record<string, string>; body?: string | Buffer; sourceAddress?: string },
): Promise<Exchange> {
  assertTokenEndpointUsable(world.target);
  const url = new URL(world.target.tokenEndpoint);
  for (const [k, v] of request.query ?? []) url.searchParams.append(k, v);
  await paceTokenRequest(world, request.sourceAddress);
  return world.send({
    method: request.method,
    url: url.toString(),
    headers: { accept: 'application/json', ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.sourceAddress ? { sourceAddress: request.sourceAddress } : {}),
  });
}

/**
 * A secret that is certainly wrong and shares nothing with the real one (so a log that records it leaks no part
 * of the real secret); registered with the redactor, since a target that logs or echoes it must not make the
 * kit's own evidence show it.
 */
export function wrongSecret(): string {
  const secret = `ctk-wrong-secret-${randomBytes(9).toString('hex')}`;
  registerSecrets([secret]);
  return secret;
}

/** A client id the target cannot know. */
export const unknownClientId = (): string => `ctk-unknown-client-${randomBytes(6).toString('hex')}`;

/**
 * The token response of a successful exchange, or undefined when the exchange did not yield one. Any 2xx with an
 * access_token is a token issued: RFC 6749 §5.1's 200 is REQ-TOK-01's to judge (judgeTokenIssued), once, and a
 * scenario that needs a token goes on with it (fault token-status-201: before, every such scenario failed beside it).
 */
export function tokenResponseOf(exchange: Exchange): TokenResponse | undefined {
  const status = exchange.response?.status;
  if (status === undefined || status < 200 || status >= 300) return undefined;
  const json = jsonOf(exchange);
  return typeof json?.access_token === 'string' ? (json as unknown as TokenResponse) : undefined;
}

/**
 * A token for a scenario that needs one but does not judge how it was obtained. Cached per client for the
 * run (well inside its lifetime) so ordinary scenarios do not add load to the rate-limited token endpoint.
 */
const cache = new Map<string, { token: string; expiresAt: number; rotations: number }>();

/**
 * No token for a scenario that needed one to set up its check: the issuance finding is REQ-TOK-01's (its own
 * scenario makes it, once); this scenario is blocked, not failed (verdict/blocked.ts). A 429 is the rate limiter's
 * answer (RFC 6585 §4), not a refusal of the request: the reason names the limit the REQ-RL scenarios judge, never
 * REQ-TOK-01 (a limit under the stated one read "REQ-TOK-01: could not obtain an access token ... HTTP 429").
 */
export class TokenUnavailableError extends PrerequisiteBlocked {
  constructor(clientId: string, exchange: Exchange) {
    const outcome = describeOutcome(exchange);
    const rateLimited = exchange.response?.status === 429;
    super(
      rateLimited ? 'REQ-RL-01' : 'REQ-TOK-01',
      rateLimited
        ? `blocked: no token (the token endpoint answered the token request for ${clientId} with its rate limit, ${outcome}; ${RATE_LIMITED_ANSWER.why})`
        : `blocked: no token (REQ-TOK-01: could not obtain an access token for ${clientId} to set up the check: ${outcome})`,
      rateLimited
        ? RATE_LIMITED_ANSWER.remedy
        : `fix what REQ-TOK-01 reports for ${clientId}; this requirement is judged once the kit gets a token`,
    );
    this.name = 'TokenUnavailableError';
  }
}

/**
 * Set-up requests whose valid credentials were refused as a failed login (401, invalid_client): the same request is
 * not sent again by the next scenario of this worker, which is blocked on the same answer. A target that refuses the
 * run's valid credentials counts each refusal as a failed login of the run's own address (own-address-guard.ts), and
 * a broken token endpoint answered ~40 set-up requests per run. Keyed by the secret too, so a changed secret is asked
 * again; the rotation client, whose secret the rotation scenarios change back and forth, is never remembered.
 */
const refusedSetUps = new Map<string, Error>();

/**
 * The access token of a token the issuer issues to the system client now (never the worker's kept one: that may
 * predate a signing-key rotation), or undefined where none was issued or the request was not sent (the own-address
 * guard). The control the one-cause checks ask: does the issuer's token have this defect today?
 */
export async function freshSystemToken(world: CtkWorld): Promise<string | undefined> {
  try {
    return tokenResponseOf(await requestToken(world, world.target.clients.system, { keepAsLast: false }))?.access_token;
  } catch {
    return undefined;
  }
}

export async function accessTokenFor(world: CtkWorld, client: ClientCredentials, scope?: string): Promise<string> {
  const key = `${client.clientId}|${scope ?? client.scopes.join(' ')}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > Date.now() && keptTokenCurrent(hit.rotations)) return hit.token;
  const refusalKey = `${key}|${client.clientSecret}`;
  const remembered = client.clientId === world.target.clients.rotation?.clientId ? undefined : refusedSetUps;
  const refused = remembered?.get(refusalKey);
  if (refused) throw refused;
  const rotations = signingKeyRotations();
  let exchange: Exchange;
  try {
    exchange = await requestToken(world, client, { scope, keepAsLast: false });
  } catch (error) {
    if (error instanceof PrerequisiteBlocked) remembered?.set(refusalKey, error);
    throw error;
  }
  const token = tokenResponseOf(exchange);
  if (!token) {
    const error = new TokenUnavailableError(client.clientId, exchange);
    if (countsAsFailedLogin(exchange)) remembered?.set(refusalKey, error);
    throw error;
  }
  const lifetimeMs = (typeof token.expires_in === 'number' ? token.expires_in : 60) * 1000;
  // Reuse only during the first half of the lifetime: the token stays comfortably valid while a scenario runs.
  // A token requested before a signing-key rotation that ends during the request is kept under the older count: the
  // count is read before the request is sent.
  if (lifetimeMs >= 20_000) cache.set(key, { token: token.access_token, expiresAt: Date.now() + lifetimeMs / 2, rotations });
  return token.access_token;
}
