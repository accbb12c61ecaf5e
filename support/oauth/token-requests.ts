/**
 * The token requests the feature files speak of, each recording what it sent (the "situation" the Then steps
 * name in their diagnoses) and, when it succeeded, the issued token. Requests the target may count as failed
 * logins go out from their own client IP (source-address.ts); the others from the default address, paced.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import { jsonOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { accessTokenFor, basicAuthorization, registeredAuthMethod, requestToken, scopeParameter, scopeSentIn, sendToTokenEndpoint, targetTokenParameters, wrongSecret, type ClientAuthMethod, type TokenRequestOptions } from './token-client.ts';
import { addressForFailures, NoFailureAddressLeft } from './source-address.ts';
import { clientFor, describeAuth, describeRole, MISSING_CLIENT_REMEDY, type ClientRole } from './clients.ts';
import { issuedFrom, rememberIssued, type IssuedToken } from './issued.ts';
import { scenarioRequirements } from './scenario.ts';
import { stateKey } from '../scenario-state.ts';

export interface NotTestable {
  readonly notTestable: string;
  readonly remedy?: string;
  /** The premise does not hold for this target (nothing to judge), rather than a missing prerequisite. */
  readonly notApplicable?: true;
}

const SITUATION = stateKey<string>('token request');
export const rememberSituation = (world: CtkWorld, situation: string): string => world.state.remember(SITUATION, situation);
export const theSituation = (world: CtkWorld): string => world.state.recall(SITUATION);

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
  /** The scope to request: default the client's declared scopes; null for a request without scope (REQ-TOK-19). */
  readonly scope?: readonly string[] | null;
  readonly grantType?: string | null;
  /** The request is expected to be refused: send it from a failure address. */
  readonly expectRefusal?: boolean;
  /** As TokenRequestOptions.secret: '' an empty secret, null no client_secret parameter. */
  readonly secret?: string | null;
  /** As TokenRequestOptions.secretExpectedValid: `secret` is a rotation's new one, guarded like the registered one. */
  readonly secretExpectedValid?: boolean;
  /** More form parameters (a password grant's username and password). */
  readonly extraParams?: Record<string, string>;
  readonly situation: string;
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
    ...(spec.secretExpectedValid ? { secretExpectedValid: true } : {}),
    ...(spec.scope === null ? { scope: null } : spec.scope ? { scope: spec.scope.join(' ') } : {}),
    ...(spec.grantType !== undefined ? { grantType: spec.grantType } : {}),
    ...(spec.extraParams ? { extraParams: spec.extraParams } : {}),
    ...address,
  };
  rememberSituation(world, spec.situation);
  const exchange = await requestToken(world, client, options);
  const issued = issuedFrom(exchange, client, scopeSentIn(exchange));
  if (issued) rememberIssued(world, issued);
  return exchange;
}

/** What a "<role> requests a token with <method>[ and a wrong secret]" step sent (unchecked-credentials.ts reads it). */
export interface SentCredentials {
  readonly role: ClientRole;
  readonly method: ClientAuthMethod;
  readonly wrong: boolean;
}
export const SENT_CREDENTIALS = stateKey<SentCredentials>('client credentials sent');

/** "<role> requests a token with <method>[ and a wrong secret]". */
export async function requestAsRole(world: CtkWorld, role: ClientRole, method: ClientAuthMethod, wrong = false): Promise<Exchange | NotTestable> {
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  const refused = wrong || role === 'unknown' || role === 'noClientCredentials' || method === 'none' || method === 'both';
  const who = role === 'unknown' ? 'an unknown client id' : `the client ${client.clientId}`;
  const situation = `${wrong ? 'a wrong client secret' : `the credentials of ${who}`} ${describeAuth(method)}${wrong ? ` for ${who}` : ''}`;
  world.state.remember(SENT_CREDENTIALS, { role, method, wrong });
  return tokenRequest(world, client, { method, wrongSecret: wrong, expectRefusal: refused, situation });
}

/** A fresh token for a client, requested by this scenario (not the run's cached one). */
export async function freshToken(world: CtkWorld, role: ClientRole, scope?: readonly string[]): Promise<IssuedToken | Exchange | NotTestable> {
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  const exchange = await tokenRequest(world, client, { situation: `a token request of ${client.clientId}`, ...(scope ? { scope } : {}) });
  if (isNotTestable(exchange)) return exchange;
  return issuedFrom(exchange, client, scopeSentIn(exchange)) ?? exchange;
}

/**
 * GET with the token request in the query string, or POST with the credentials in the query string (REQ-TOK-13).
 * The request is a correct one but for the defect under test: the client's declared scopes and the target's
 * parameters go along, and the same request as a proper POST must get a token first (the control, through
 * accessTokenFor: without it the check is blocked on REQ-TOK-01), so that a refusal can be read as a refusal of
 * the defect.
 */
export async function requestWithCredentialsInUri(world: CtkWorld, client: ClientCredentials, method: 'GET' | 'POST'): Promise<Exchange | NotTestable> {
  await accessTokenFor(world, client);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  const scope = scopeParameter(client, {});
  const request = new URLSearchParams({ ...targetTokenParameters(world.target), grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const credentials = new URLSearchParams({ client_id: client.clientId, client_secret: client.clientSecret });
  rememberSituation(world, method === 'GET' ? 'a GET request carrying grant_type, scope and the client credentials in the query string' : 'a POST request whose form carries grant_type and scope, and whose query string carries the client credentials');
  if (method === 'GET') return sendToTokenEndpoint(world, { method, query: new URLSearchParams([...request, ...credentials]), ...address });
  return sendToTokenEndpoint(world, { method, query: credentials, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.toString(), ...address });
}

/**
 * REQ-TOK-20: the password grant asked for by a client registered for client credentials only. With a test user of
 * the profile the credentials are real, so the only thing wrong is the grant; without one they are made up.
 */
export async function passwordGrantOfSystemClient(world: CtkWorld): Promise<Exchange | NotTestable> {
  const client = world.target.clients.system;
  const user = world.target.users[0];
  const credentials = user ? { username: user.username, password: user.password } : { username: 'ctk-no-such-user', password: wrongSecret() };
  world.state.remember(MADE_UP_USER, user === undefined);
  return tokenRequest(world, client, {
    grantType: 'password',
    extraParams: credentials,
    expectRefusal: true,
    situation: `a password grant request of ${client.clientId} (registered for client credentials) for ${user ? `the test user ${user.username}` : 'a made-up user'}`,
  });
}

const MADE_UP_USER = stateKey<boolean>('password grant request (made-up user or not)');

/** A refusal for the made-up user's credentials (invalid_grant) says nothing about the grant: why, or undefined. */
export function refusedForMadeUpUser(world: CtkWorld, exchange: Exchange): string | undefined {
  if (world.state.peek(MADE_UP_USER) !== true || jsonOf(exchange)?.error !== 'invalid_grant') return undefined;
  return `the password request, sent for a made-up user because the profile names no test user, was refused for the user's credentials (invalid_grant), which shows nothing about the grant`;
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

/**
 * The value seed 001's curl sample sends: `--form 'grant_type="client_credentials"'`. curl's -F parser takes a
 * double-quoted value as the quoted form of the value and strips the quotes (measured with this machine's curl: the
 * part's content is `client_credentials`), so the quotes in the guide are shell-and-curl syntax, not data.
 */
export const GUIDE_GRANT_TYPE_VALUE = 'client_credentials';

/**
 * REQ-TOK-21: the token request exactly as seed 001's guide shows it. `curl --form 'grant_type="client_credentials"'`
 * sends multipart/form-data with one part, grant_type, whose content is client_credentials (curl strips the quotes).
 * HTTP Basic and curl's default Accept (any type), as in the sample. The target's own parameters
 * (audience, resource) go along as parts of their own, so the encoding is the one thing that differs from a request
 * the target serves. It may be refused, so it goes out from a failure address.
 */
export async function requestAsTheGuideShows(world: CtkWorld, client: ClientCredentials): Promise<Exchange | NotTestable> {
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  rememberSituation(world, `the guide's curl request (multipart/form-data, grant_type=${GUIDE_GRANT_TYPE_VALUE}, HTTP Basic)`);
  const boundary = `------------------------${randomBytes(11).toString('hex')}`;
  const parts = { grant_type: GUIDE_GRANT_TYPE_VALUE, ...targetTokenParameters(world.target) };
  const body =
    Object.entries(parts)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}--\r\n`;
  return sendToTokenEndpoint(world, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: basicAuthorization(client.clientId, client.clientSecret), accept: '*/*' },
    body,
    ...address,
  });
}
