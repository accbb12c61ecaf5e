/**
 * Talking to the token endpoint the ways seed 001 documents: HTTP Basic (RFC 6749 §2.3.1) or credentials in
 * the form body. Returns the raw exchange (evidence) plus the parsed token response when there is one.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { registerSecrets } from '../http/redact.ts';
import type { ClientCredentials, TargetDescription } from '../target/target.ts';
import { RESERVED_TOKEN_PARAMETERS } from '../target/profile-schema.ts';
import { pacerFor } from './pacing.ts';
import { ownAddressQuiet, workerShare } from '../load/source-addresses.ts';

export type ClientAuthMethod = 'basic' | 'body' | 'both' | 'none';

export interface TokenRequestOptions {
  readonly method?: ClientAuthMethod;
  readonly grantType?: string | null;
  readonly scope?: string;
  /** Overrides the secret (wrong-secret checks); the client id stays the client's. */
  readonly secret?: string;
  readonly clientId?: string;
  readonly sourceAddress?: string;
  /** Parameters of this request; they win over the target's tokenRequestParameters. */
  readonly extraParams?: Record<string, string>;
  /**
   * Add the target's tokenRequestParameters (default true): every client-credentials and password request carries
   * them (Auth0's audience, RFC 8707's resource); an authorization code redemption does not.
   */
  readonly targetParameters?: boolean;
  /**
   * RFC 6749 §3.3: a server may refuse a request that omits scope with invalid_scope instead of applying a default.
   * When a request without scope gets 400 invalid_scope and the client has declared scopes, it is sent once more
   * with those scopes (default true). Turn it off where the scenario judges the scope-less answer itself.
   */
  readonly retryInvalidScope?: boolean;
  /**
   * Where the invalid_scope retry goes out from: default the first request's address. A request sent from a
   * failure address (it may count as a failed login) passes a fresh ration here; undefined = no address left,
   * then the first answer stands.
   */
  readonly retrySourceAddress?: () => { sourceAddress?: string } | undefined;
  /** Records the exchange as the scenario's last (default true). */
  readonly keepAsLast?: boolean;
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
  const secret = options.secret ?? client.clientSecret;
  const params = new URLSearchParams();
  if (options.grantType !== null) params.set('grant_type', options.grantType ?? 'client_credentials');
  if (options.scope) params.set('scope', options.scope);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (method === 'basic' || method === 'both') headers.authorization = basicAuthorization(clientId, secret);
  if (method === 'body' || method === 'both') {
    params.set('client_id', clientId);
    params.set('client_secret', secret);
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
 * Sends a token request. When it omits scope and the answer is 400 invalid_scope (RFC 6749 §3.3 lets a server
 * refuse a scope-less request rather than apply a default), it asks once more with the client's declared scopes
 * and returns that exchange; both are recorded as evidence. `retryInvalidScope: false` keeps the first answer.
 */
export async function requestToken(world: CtkWorld, client: ClientCredentials, options: TokenRequestOptions = {}): Promise<Exchange> {
  const first = await sendTokenRequest(world, client, options);
  if (!shouldRetryWithScopes(first, client, options)) return first;
  const address = options.retrySourceAddress ? options.retrySourceAddress() : options.sourceAddress !== undefined ? { sourceAddress: options.sourceAddress } : {};
  if (address === undefined) {
    world.log(`the token endpoint refused a request without scope with invalid_scope; no client IP left to ask again with the declared scopes, so that answer stands`);
    return first;
  }
  const scope = client.scopes.join(' ');
  world.log(`the token endpoint refused a request without scope with invalid_scope (RFC 6749 §3.3 allows that); asking once more with the declared scopes "${scope}"`);
  const { sourceAddress: _dropped, ...rest } = options;
  const retry = await sendTokenRequest(world, client, { ...rest, ...address, scope });
  if (tokenResponseOf(retry)) scopesNeeded.set(scopeKey(world.target, client), scope);
  return retry;
}

/**
 * Clients whose scope-less requests this target refused with invalid_scope and whose declared scopes then got a
 * token (key: token endpoint + client id). Bulk senders (rate-limit series, IP-block probes) cannot stop for a
 * retry per request, so they send these scopes from the start once the target has shown it needs them.
 */
const scopesNeeded = new Map<string, string>();
const scopeKey = (target: Pick<TargetDescription, 'tokenEndpoint'>, client: ClientCredentials) => `${target.tokenEndpoint}\n${client.clientId}`;

/** The scope bulk requests of this client carry: the declared scopes where the target refused scope-less ones, else none. */
export function scopeForBulkRequests(target: Pick<TargetDescription, 'tokenEndpoint'>, client: ClientCredentials): { scope?: string } {
  const scope = scopesNeeded.get(scopeKey(target, client));
  return scope ? { scope } : {};
}

/**
 * One token request from the run's ordinary address before a bulk series: it warms both sides up (the first
 * requests of a process are slow: JIT, connection set-up) and, through requestToken's invalid_scope retry, finds
 * out whether this client's requests need their declared scopes (scopeForBulkRequests).
 */
export async function warmUpTokenRequests(world: CtkWorld, client: ClientCredentials): Promise<void> {
  await requestToken(world, client, { keepAsLast: false });
}

/** The retry rule of requestToken, on its own for the kit's tests. */
export function shouldRetryWithScopes(exchange: Exchange, client: ClientCredentials, options: TokenRequestOptions): boolean {
  if (options.retryInvalidScope === false || options.scope || client.scopes.length === 0) return false;
  return exchange.response?.status === 400 && jsonOf(exchange)?.error === 'invalid_scope';
}

async function sendTokenRequest(world: CtkWorld, client: ClientCredentials, options: TokenRequestOptions): Promise<Exchange> {
  const { headers, body } = tokenRequestBody(client, options, world.target);
  await paceTokenRequest(world, options.sourceAddress, options.pace);
  return world.send(
    { method: 'POST', url: world.target.tokenEndpoint, headers, body, ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}) },
    { keepAsLast: options.keepAsLast ?? true },
  );
}

/** The scope a token request sent (after any invalid_scope retry), as a list. */
export function scopeSentIn(exchange: Exchange): string[] {
  const body = exchange.request.body;
  if (body === undefined) return [];
  const scope = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')).get('scope');
  return scope ? scope.split(' ').filter((s) => s.length > 0) : [];
}

/** Waits, if needed, so that requests from the default address stay under the target's token rate limit. */
export async function paceTokenRequest(world: CtkWorld, sourceAddress: string | undefined, pace = true): Promise<void> {
  if (sourceAddress !== undefined) return;
  // A rate-limit check may just have sent from this address (a target without sourceAddresses): wait its limit out.
  await ownAddressQuiet();
  const limit = world.target.limits.tokenRequestsPerSecond;
  if (!pace || limit === undefined || limit <= 0) return;
  // Parallel cucumber workers share the default address: each keeps to its share of the limit.
  await pacerFor(limit / workerShare().total).acquire('default');
}

/**
 * A request to the token endpoint that is not a well-formed token request (GET, credentials in the URI, a JSON
 * or oversized body): the exact method, query, headers and body are the caller's.
 */
export async function sendToTokenEndpoint(
  world: CtkWorld,
  request: { method: string; query?: URLSearchParams; headers?: Record<string, string>; body?: string | Buffer; sourceAddress?: string },
): Promise<Exchange> {
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

/** The token response of a successful exchange, or undefined when the exchange did not yield one. */
export function tokenResponseOf(exchange: Exchange): TokenResponse | undefined {
  if (exchange.response?.status !== 200) return undefined;
  const json = jsonOf(exchange);
  return typeof json?.access_token === 'string' ? (json as unknown as TokenResponse) : undefined;
}

/**
 * A token for a scenario that needs one but does not judge how it was obtained. Cached per client for the
 * run (well inside its lifetime) so ordinary scenarios do not add load to the rate-limited token endpoint.
 */
const cache = new Map<string, { token: string; expiresAt: number }>();

export class TokenUnavailableError extends Error {
  constructor(clientId: string, outcome: string) {
    super(`could not obtain an access token for ${clientId} to set up the check: ${outcome}`);
    this.name = 'TokenUnavailableError';
  }
}

export async function accessTokenFor(world: CtkWorld, client: ClientCredentials, scope?: string): Promise<string> {
  const key = `${client.clientId}|${scope ?? ''}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.token;
  const exchange = await requestToken(world, client, { scope, keepAsLast: false });
  const token = tokenResponseOf(exchange);
  if (!token) {
    throw new TokenUnavailableError(client.clientId, describeOutcome(exchange));
  }
  const lifetimeMs = (typeof token.expires_in === 'number' ? token.expires_in : 60) * 1000;
  // Reuse only during the first half of the lifetime: the token stays comfortably valid while a scenario runs.
  if (lifetimeMs >= 20_000) cache.set(key, { token: token.access_token, expiresAt: Date.now() + lifetimeMs / 2 });
  return token.access_token;
}
