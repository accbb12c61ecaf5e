/**
 * The token requests the feature files speak of, each recording what it sent (the "situation" the Then steps
 * name in their diagnoses) and, when it succeeded, the issued token. Requests the target may count as failed
 * logins go out from their own client IP (source-address.ts); the others from the default address, paced.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { basicAuthorization, registeredAuthMethod, requestToken, scopeSentIn, sendToTokenEndpoint, targetTokenParameters, wrongSecret, type ClientAuthMethod, type TokenRequestOptions } from './token-client.ts';
import { addressForFailures, NoFailureAddressLeft } from './source-address.ts';
import { clientFor, describeAuth, describeRole, MISSING_CLIENT_REMEDY, type ClientRole } from './clients.ts';
import { issuedFrom, rememberIssued, type IssuedToken } from './issued.ts';
import { recall, remember, scenarioRequirements } from './scenario.ts';

export interface NotTestable {
  readonly notTestable: string;
  readonly remedy?: string;
}

const SITUATION = 'ctk.situation';
export const rememberSituation = (world: CtkWorld, situation: string): string => remember(world, SITUATION, situation);
export const theSituation = (world: CtkWorld): string => recall<string>(world, SITUATION, 'token request');

export function resolveClient(world: CtkWorld, role: ClientRole): ClientCredentials | NotTestable {
  const client = clientFor(world.target, role);
  if (client) return client;
  return { notTestable: `the target profile describes no ${describeRole(role).replace(/^the /, '')}`, remedy: MISSING_CLIENT_REMEDY[role as keyof typeof MISSING_CLIENT_REMEDY] };
}

export const isNotTestable = (value: unknown): value is NotTestable => typeof value === 'object' && value !== null && 'notTestable' in value;

/** Marks the scenario not testable for all the requirements it judges; return the result from the step. */
export const markNotTestable = (world: CtkWorld, r: NotTestable): 'skipped' => world.notTestable(scenarioRequirements(world), r.notTestable, r.remedy);

/** A source address for a request that may count as a failed login, or why there is none left. */
export function failureAddress(world: CtkWorld, failures = 1): { sourceAddress?: string } | NotTestable {
  try {
    const { sourceAddress } = addressForFailures(world.target, failures);
    return sourceAddress ? { sourceAddress } : {};
  } catch (error) {
    if (!(error instanceof NoFailureAddressLeft)) throw error;
    return { notTestable: error.message, remedy: 'list more loopback sourceAddresses in the target profile, or state limits.ipBlock.failedAttempts' };
  }
}

export interface TokenRequestSpec {
  readonly method?: ClientAuthMethod;
  readonly wrongSecret?: boolean;
  readonly scope?: readonly string[];
  readonly grantType?: string | null;
  /** The request is expected to be refused: send it from a failure address. */
  readonly expectRefusal?: boolean;
  readonly secret?: string;
  readonly situation: string;
  /**
   * Ask again with the client's declared scopes when the request omits scope and is refused with invalid_scope
   * (default true; token-client.ts requestToken). False where the scenario judges the scope-less answer itself.
   */
  readonly retryInvalidScope?: boolean;
}

/** Sends a token request for `client`; remembers the situation and (on success) the issued token. */
export async function tokenRequest(world: CtkWorld, client: ClientCredentials, spec: TokenRequestSpec): Promise<Exchange | NotTestable> {
  const mayFail = spec.expectRefusal || spec.wrongSecret;
  const address = mayFail ? failureAddress(world) : {};
  if (isNotTestable(address)) return address;
  const options: TokenRequestOptions = {
    // Unless the check chooses: the way the profile registered the client (HTTP Basic when it does not say).
    method: spec.method ?? registeredAuthMethod(client),
    ...(spec.wrongSecret ? { secret: wrongSecret() } : spec.secret !== undefined ? { secret: spec.secret } : {}),
    ...(spec.scope ? { scope: spec.scope.join(' ') } : {}),
    ...(spec.grantType !== undefined ? { grantType: spec.grantType } : {}),
    ...(spec.retryInvalidScope === false ? { retryInvalidScope: false } : {}),
    // An invalid_scope retry of a request that may count as a failed login takes its own failure ration.
    ...(mayFail ? { retrySourceAddress: () => { const again = failureAddress(world); return isNotTestable(again) ? undefined : again; } } : {}),
    ...address,
  };
  rememberSituation(world, spec.situation);
  const exchange = await requestToken(world, client, options);
  // After an invalid_scope retry the token was issued for the scopes that retry sent.
  const issued = issuedFrom(exchange, client, spec.scope ?? scopeSentIn(exchange));
  if (issued) rememberIssued(world, issued);
  return exchange;
}

/** "<role> requests a token with <method>[ and a wrong secret]". */
export async function requestAsRole(world: CtkWorld, role: ClientRole, method: ClientAuthMethod, wrong = false): Promise<Exchange | NotTestable> {
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  const refused = wrong || role === 'unknown' || role === 'noClientCredentials' || method === 'none' || method === 'both';
  const who = role === 'unknown' ? 'an unknown client id' : `the client ${client.clientId}`;
  const situation = `${wrong ? 'a wrong client secret' : `the credentials of ${who}`} ${describeAuth(method)}${wrong ? ` for ${who}` : ''}`;
  return tokenRequest(world, client, { method, wrongSecret: wrong, expectRefusal: refused, situation });
}

/** A fresh token for a client, requested by this scenario (not the run's cached one). */
export async function freshToken(world: CtkWorld, role: ClientRole, scope?: readonly string[]): Promise<IssuedToken | Exchange | NotTestable> {
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  const exchange = await tokenRequest(world, client, { situation: `a token request of ${client.clientId}`, ...(scope ? { scope } : {}) });
  if (isNotTestable(exchange)) return exchange;
  return issuedFrom(exchange, client, scope ?? []) ?? exchange;
}

/** GET with the token request in the query string, or POST with the credentials in the query string (REQ-TOK-13). */
export async function requestWithCredentialsInUri(world: CtkWorld, client: ClientCredentials, method: 'GET' | 'POST'): Promise<Exchange | NotTestable> {
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  const query = new URLSearchParams({ ...targetTokenParameters(world.target), grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
  rememberSituation(world, method === 'GET' ? 'a GET request carrying grant_type and the client credentials in the query string' : 'a POST request carrying the client credentials in the query string');
  return sendToTokenEndpoint(world, {
    method,
    query,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' } : {}),
    ...address,
  });
}

/** 1 MiB: far beyond any token request, small enough to send in well under a second on loopback. */
export const OVERSIZED_BODY_BYTES = 1024 * 1024;

/** A JSON body, or a form padded past any sane size, with valid Basic credentials (REQ-TOK-14). */
export async function requestWithMalformedBody(world: CtkWorld, client: ClientCredentials, kind: 'json' | 'oversized'): Promise<Exchange | NotTestable> {
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  const authorization = basicAuthorization(client.clientId, client.clientSecret);
  if (kind === 'json') {
    rememberSituation(world, 'a token request with a JSON body ({"grant_type":"client_credentials"}) instead of a form');
    const json = { ...targetTokenParameters(world.target), grant_type: 'client_credentials' };
    return sendToTokenEndpoint(world, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(json), ...address });
  }
  rememberSituation(world, `a token request whose form body is padded to ${OVERSIZED_BODY_BYTES} bytes`);
  // The target's own parameters (audience, resource) go along: the size is then the one thing wrong with the request.
  const prefix = `${new URLSearchParams({ ...targetTokenParameters(world.target), grant_type: 'client_credentials' }).toString()}&ctk_padding=`;
  const body = prefix + 'a'.repeat(OVERSIZED_BODY_BYTES - prefix.length);
  return sendToTokenEndpoint(world, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body, ...address });
}
