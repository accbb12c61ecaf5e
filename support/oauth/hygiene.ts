/**
 * Token endpoint hygiene (issue 20): a request that repeats a parameter (REQ-TOK-23), the client secret repeated
 * back (REQ-TOK-24), error answers a cache may keep (REQ-TOK-25), two tokens under one jti (REQ-TOK-26). The
 * requests are correct but for the one defect under test, and each judge says what it looked at.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { authorizationOf, describeOutcome, formOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { check, couldNotJudge, doesNotApply } from '../verdict/check.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { registeredAuthMethod, requestToken, sendToTokenEndpoint, tokenRequestBody, tokenResponseOf, TokenUnavailableError, type ClientAuthMethod } from './token-client.ts';
import { failureAddress, isNotTestable, rememberSituation, type NotTestable } from './token-requests.ts';
import { judgeRefusal, refusalForAnotherReason } from './token-errors.ts';
import { directivesOf } from './token-response.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { credentialRefusalUnderControl } from './refusal-control.ts';

// --- REQ-TOK-23: a repeated parameter ----------------------------------------------------------------------

/**
 * The parameters the kit repeats, and how the client authenticates for each: the way the profile registered it
 * ('registered'), except for client_id, which is in the form only with body credentials.
 */
export const REPEATABLE: Readonly<Record<string, ClientAuthMethod | 'registered'>> = { grant_type: 'registered', scope: 'registered', client_id: 'body' };

/**
 * A client_credentials request that carries `parameter` twice with the same value: the one thing wrong with it is the
 * repetition (RFC 6749 §3.2). The same request without the repetition must get a token first (the control): else a
 * refusal could be about anything, and the check is blocked on the requirement that reports the missing token.
 */
export async function requestWithRepeatedParameter(world: CtkWorld, client: ClientCredentials, parameter: string): Promise<Exchange | NotTestable> {
  const how = REPEATABLE[parameter];
  if (!how) throw new Error(`the kit does not repeat "${parameter}": one of ${Object.keys(REPEATABLE).join(', ')}`);
  const method = how === 'registered' ? registeredAuthMethod(client) : how;
  const control = await requestToken(world, client, { method, keepAsLast: false });
  if (!tokenResponseOf(control)) {
    if (method === 'body') {
      throw new PrerequisiteBlocked('REQ-CAUTH-02', `blocked: the same request without the repeated ${parameter}, credentials in the form body, got no token (${describeOutcome(control)})`, 'fix what REQ-CAUTH-02 reports; this requirement is judged once that request gets a token');
    }
    throw new TokenUnavailableError(client.clientId, control);
  }
  const { headers, body } = tokenRequestBody(client, { method }, world.target);
  const params = new URLSearchParams(body);
  const value = params.get(parameter);
  if (value === null) {
    return { notTestable: `the kit's token request of ${client.clientId} carries no ${parameter} to repeat`, remedy: parameter === 'scope' ? `list the scopes of ${client.clientId} in the target profile` : 'see the client\'s registration in the target profile' };
  }
  params.append(parameter, value);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  rememberSituation(world, `a client_credentials request of ${client.clientId} whose form carries ${parameter} twice (the same value both times)`);
  return sendToTokenEndpoint(world, { method: 'POST', headers, body: params.toString(), ...address });
}

/**
 * Why the answer is no evidence about the repetition, or undefined. Only the rate limit: an invalid_scope for a
 * repeated scope is about the repetition, since the control got a token for that scope.
 */
export const repeatedParameterNotJudgeable = (exchange: Exchange): string | undefined =>
  exchange.response?.status === 429 ? refusalForAnotherReason(exchange) : undefined;

/**
 * Besides invalid_request, the §5.2 code for a malformed value of the repeated parameter itself: a server that reads
 * the two values as one malformed value refuses rightly, and says which parameter it could not use.
 */
export const ALSO_ACCEPTED_FOR_REPEATED: Readonly<Record<string, string>> = { grant_type: 'unsupported_grant_type', scope: 'invalid_scope', client_id: 'invalid_client' };

/**
 * REQ-TOK-23: no token, and RFC 6749 §5.2's invalid_request (or the code of the parameter's own malformed value). The
 * error format is REQ-TOK-09's: where the answer is no JSON error object, the code is not judged here. The status
 * (400) is REQ-TOK-17's, as for every §5.2 refusal: fault non-client-errors-403 warned REQ-TOK-23 beside it.
 */
export function judgeRepeatedParameterRefused(world: CtkWorld, exchange: Exchange, parameter: string, situation: string): void {
  const also = ALSO_ACCEPTED_FOR_REPEATED[parameter];
  judgeRefusal(world, exchange, { requirement: 'REQ-TOK-23', codes: ['invalid_request', ...(also ? [also] : [])], situation, formatRequirement: 'REQ-TOK-09', statusRequirement: 'REQ-TOK-17' });
}

// --- REQ-TOK-24: the secret a request carried is not in the answer -----------------------------------------

/** A secret shorter than this is looked for only inside the Basic credential: a short string turns up in any text by chance. */
export const MIN_SEARCHED_SECRET = 8;

interface CarriedSecret {
  /** Strings whose presence in the answer shows the secret: the raw secret, its encodings, the Basic credential. */
  readonly needles: readonly string[];
  /** Where the request carried it, for messages: "HTTP Basic", "the form body". */
  readonly where: string;
}

const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/** The client secret(s) the recorded request carried, and the forms in which an answer could repeat them. */
export function secretsCarried(exchange: Exchange): CarriedSecret[] {
  const carried: CarriedSecret[] = [];
  const secretForms = (secret: string): string[] => (secret.length >= MIN_SEARCHED_SECRET ? [secret, encodeURIComponent(secret), formEncode(secret)] : []);
  const authorization = authorizationOf(exchange.request);
  const basic = authorization !== undefined ? /^basic\s+(\S+)\s*$/i.exec(authorization) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const secret = colon >= 0 ? decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) : '';
    carried.push({ needles: [...new Set([basic[1]!, ...secretForms(secret)])], where: 'HTTP Basic' });
  }
  const form = formOf(exchange.request);
  for (const secret of form?.getAll('client_secret') ?? []) {
    const needles = secretForms(secret);
    if (needles.length > 0) carried.push({ needles: [...new Set(needles)], where: 'the form body' });
  }
  return carried;
}

/** Where in the answer one of `needles` appears: "the body", "header x-debug". Never the needle itself. */
export function whereRepeated(exchange: Exchange, needles: readonly string[]): string[] {
  const response = exchange.response;
  if (!response) return [];
  const places: string[] = [];
  const contains = (text: string) => needles.some((n) => text.includes(n));
  if (contains(response.body)) places.push('the body');
  for (const [name, value] of response.rawHeaders) if (contains(value)) places.push(`header ${name.toLowerCase()}`);
  return [...new Set(places)];
}

/**
 * REQ-TOK-24: the answer, whatever it is, repeats no client secret the request carried. The secret is never printed.
 * A refusal is looked at only where the client's own secret sent the same way gets a token (refusal-control.ts): an
 * endpoint that refuses every request answers from somewhere its error path never runs, so its silence proves nothing.
 */
export async function judgeSecretNotRepeated(world: CtkWorld, exchange: Exchange, situation: string): Promise<void> {
  const expected = `an answer to ${situation} that does not repeat the client secret the request carried (raw, form-urlencoded, or as the Basic credential), in its body or headers`;
  const carried = secretsCarried(exchange);
  if (carried.length === 0) {
    couldNotJudge(world, { requirement: 'REQ-TOK-24', expected, why: `the request carried no client secret the kit could look for (a secret shorter than ${MIN_SEARCHED_SECRET} characters in the form body is not searched)` });
    return;
  }
  if (!exchange.response) {
    couldNotJudge(world, { requirement: 'REQ-TOK-24', expected, why: `no HTTP answer came (${describeOutcome(exchange)})` });
    return;
  }
  await credentialRefusalUnderControl(world, exchange, situation);
  const places = [...new Set(carried.flatMap((c) => whereRepeated(exchange, c.needles).map((p) => `${p} (the secret sent in ${c.where})`)))];
  const searched = `HTTP ${exchange.response.status}: body (${exchange.response.body.length} chars) and ${exchange.response.rawHeaders.length} header line(s) searched`;
  check(
    world,
    { requirement: 'REQ-TOK-24', expected, observed: places.length === 0 ? `${searched}; the secret does not appear` : `${searched}; the secret appears in ${places.join(', ')}` },
    () => expect(places, 'where the answer repeats the secret').to.deep.equal([]),
  );
}

// --- REQ-TOK-25: error answers carry Cache-Control: no-store ----------------------------------------------

/** REQ-TOK-25, on an error answer the same endpoint gives where its good request beside it gets a token (refusal-control.ts). */
export async function judgeErrorNotStored(world: CtkWorld, exchange: Exchange, situation: string): Promise<void> {
  const expected = `Cache-Control: no-store on the error answer to ${situation}`;
  const status = exchange.response?.status;
  if (status === undefined) {
    couldNotJudge(world, { requirement: 'REQ-TOK-25', expected, why: `no HTTP answer came (${describeOutcome(exchange)})` });
    return;
  }
  if (status < 400) {
    doesNotApply(world, { requirement: 'REQ-TOK-25', expected, why: `the answer is no error (${describeOutcome(exchange)}); REQ-TOK-05 judges no-store on an answer with a token` });
    return;
  }
  await credentialRefusalUnderControl(world, exchange, situation);
  const value = exchange.response!.headers['cache-control'];
  check(world, { requirement: 'REQ-TOK-25', expected, observed: `HTTP ${status}, Cache-Control: ${value === undefined ? '(absent)' : JSON.stringify(value)}` }, () =>
    expect(directivesOf(value), 'Cache-Control directives').to.include('no-store'),
  );
}

// --- REQ-TOK-26: one jti per token -----------------------------------------------------------------------

export interface TokenPair {
  readonly client: ClientCredentials;
  readonly tokens: readonly [string, string];
  readonly scopes: readonly [string, string];
}

/**
 * Two tokens of the system client, one request right after the other (from the default address, paced as every
 * ordinary request is): the first for all its scopes, the second for its first scope only where it has more than
 * one, so that the two are different data objects even in the same second.
 */
export async function twoTokensInARow(world: CtkWorld, client: ClientCredentials): Promise<TokenPair> {
  const own = client.scopes.filter((s) => s !== 'openid');
  const second = own.length > 1 ? own.slice(0, 1).join(' ') : undefined;
  const first = await requestToken(world, client, { keepAsLast: false });
  const next = await requestToken(world, client, second !== undefined ? { scope: second } : {});
  const a = tokenResponseOf(first);
  const b = tokenResponseOf(next);
  if (!a) throw new TokenUnavailableError(client.clientId, first);
  if (!b) throw new TokenUnavailableError(client.clientId, next);
  rememberSituation(world, `two token requests of ${client.clientId}, one right after the other`);
  return { client, tokens: [a.access_token, b.access_token], scopes: [client.scopes.join(' ') || '(none)', second ?? (client.scopes.join(' ') || '(none)')] };
}

/** REQ-TOK-26: two different tokens carry different jti values (RFC 7519 §4.1.7). */
export function judgeDistinctJti(world: CtkWorld, pair: TokenPair): void {
  const expected = `two different access tokens of ${pair.client.clientId}, issued one right after the other, with different jti values`;
  const [a, b] = pair.tokens.map((t) => decodeJwt(t));
  if (!a || !b) {
    couldNotJudge(world, { requirement: 'REQ-TOK-26', expected, why: 'the access tokens are not JWTs the kit can read (REQ-JWT-01 judges that)' });
    return;
  }
  if (pair.tokens[0] === pair.tokens[1]) {
    couldNotJudge(world, { requirement: 'REQ-TOK-26', expected, why: 'the server answered the same token twice: one data object, whose one jti is right (RFC 7519 §4.1.7 is about different objects)' });
    return;
  }
  const [jtiA, jtiB] = [a.claims.jti, b.claims.jti];
  if (typeof jtiA !== 'string' || typeof jtiB !== 'string') {
    couldNotJudge(world, { requirement: 'REQ-TOK-26', expected, why: 'a token carries no jti string (REQ-JWT-03 judges the missing claim)' });
    return;
  }
  const iat = (c: Record<string, unknown>) => (typeof c.iat === 'number' ? String(c.iat) : '(none)');
  check(
    world,
    {
      requirement: 'REQ-TOK-26',
      expected,
      observed: `scope "${pair.scopes[0]}" then "${pair.scopes[1]}", iat ${iat(a.claims)} and ${iat(b.claims)}: jti ${JSON.stringify(jtiA)} and ${JSON.stringify(jtiB)}`,
    },
    () => expect(jtiB, 'jti of the second token').to.not.equal(jtiA),
  );
}
