/**
 * The judges of RFC 8705 (REQ-MTLS-*). Every refusal judge first needs the matching acceptance in the same scenario:
 * at the token endpoint a token for the registered certificate (REQ-MTLS-01), at the gateway the bound token served
 * with its certificate (REQ-MTLS-06). Without it a refusal proves nothing, and the check says it could not judge.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { stateKey } from '../scenario-state.ts';
import { check, couldNotJudge, doesNotApply } from '../verdict/check.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { explainedByIssuerDefect } from '../jwt/issued-token-defect.ts';
import { explainedByRouteRefusingBearer } from '../gateway/positive-control.ts';
import { missingChallengeOf401, servedWithoutAnyCredentials } from '../gateway/verdicts.ts';
import { blockWhereEveryValidRequestIsRefused } from '../oauth/valid-credentials-refused.ts';
import { tokenResponseOf } from '../oauth/token-client.ts';
import { issuedWithAnother2xx } from '../oauth/token-response.ts';
import { isClientError, isSuccess } from '../gateway/gateway-client.ts';
import { introspect, introspectingClient } from '../oauth/introspection.ts';
import { callMtlsGateway, mtlsOf, mtlsTokenEndpoint, readMetadata, registeredThumbprint, requestMtlsToken, type Presented } from './client.ts';

// ---------------------------------------------------------------------------------------------------------------
// Token endpoint (RFC 8705 §2)

export interface MtlsToken {
  readonly exchange: Exchange;
  readonly accessToken?: string;
}

const TOKEN = stateKey<MtlsToken>('an access token of the mTLS client');

/** The mTLS client's token for its registered certificate, requested once per scenario. */
export async function mtlsTokenFor(world: CtkWorld, options: { keepAsLast?: boolean } = {}): Promise<MtlsToken> {
  const known = world.state.peek(TOKEN);
  if (known) return known;
  const exchange = await requestMtlsToken(world, 'registered', options);
  const accessToken = tokenResponseOf(exchange)?.access_token;
  return world.state.remember(TOKEN, { exchange, ...(accessToken ? { accessToken } : {}) });
}

/** REQ-MTLS-01: the registered certificate gets a token. */
export async function judgeMtlsTokenIssued(world: CtkWorld, token: MtlsToken): Promise<void> {
  const expected = '200 with an access_token for a client_credentials request over the mTLS token endpoint with the registered certificate';
  if (issuedWithAnother2xx(world, token.exchange, 'REQ-MTLS-01', expected)) return;
  await blockWhereEveryValidRequestIsRefused(world, token.exchange, 'a client_credentials request over the mTLS token endpoint with the registered certificate');
  check(world, { requirement: 'REQ-MTLS-01', expected, observed: token.exchange }, () => {
    expect(token.exchange.response?.status, 'status').to.equal(200);
    expect(token.accessToken, 'access_token').to.be.a('string');
  });
}

/** The refused certificates of the feature's outline, in the feature's words. */
export const PRESENTED: Readonly<Record<string, Presented>> = {
  'without a client certificate': 'none',
  'with a certificate of another subject from a CA the server trusts': 'other-subject',
  'with a certificate of its own subject from a CA the server does not trust': 'untrusted',
  'with another client certificate': 'other-subject',
};

export function presentedBy(words: string): Presented {
  const presented = PRESENTED[words];
  if (!presented) throw new Error(`unknown certificate "${words}"; known: ${Object.keys(PRESENTED).join(' | ')}`);
  return presented;
}

export interface RefusedTokenRequest {
  readonly words: string;
  readonly exchange: Exchange;
  readonly controlled: { readonly held: boolean; readonly observed: string };
}

export const REFUSED_TOKEN_REQUEST = stateKey<RefusedTokenRequest>('a token request of the mTLS client with a wrong certificate');

/** The registered certificate's token first (the control), then the same request presenting what `words` says. */
export async function requestTokenPresenting(world: CtkWorld, words: string): Promise<RefusedTokenRequest> {
  const presented = presentedBy(words);
  const control = await mtlsTokenFor(world, { keepAsLast: false });
  const exchange = await requestMtlsToken(world, presented);
  return world.state.remember(REFUSED_TOKEN_REQUEST, { words, exchange, controlled: { held: control.accessToken !== undefined, observed: describeOutcome(control.exchange) } });
}

/** REQ-MTLS-02 (no token) and REQ-MTLS-03 (invalid_client). A handshake the server breaks off is a refusal without an error code. */
export function judgeMtlsRefused(world: CtkWorld, request: RefusedTokenRequest): void {
  const expected = `no access token for a request ${request.words} (RFC 8705 §2)`;
  const codeExpected = 'an RFC 6749 §5.2 error response with error "invalid_client" (RFC 8705 §2)';
  if (!request.controlled.held) {
    const why = `the same request with the registered certificate got no token either (${request.controlled.observed}), so a refusal proves nothing; REQ-MTLS-01 reports it`;
    couldNotJudge(world, { requirement: 'REQ-MTLS-02', expected, why });
    couldNotJudge(world, { requirement: 'REQ-MTLS-03', expected: codeExpected, why });
    return;
  }
  const { exchange } = request;
  const json = jsonOf(exchange);
  check(world, { requirement: 'REQ-MTLS-02', expected, observed: exchange }, () => {
    expect(tokenResponseOf(exchange) !== undefined, 'an access token was issued').to.equal(false);
  });
  check(world, { requirement: 'REQ-MTLS-03', expected: codeExpected, observed: exchange.response ? `error ${JSON.stringify(json?.error)} (${describeOutcome(exchange)})` : describeOutcome(exchange) }, () => {
    expect(isClientError(exchange), 'a 4xx answer (no HTTP answer at all: the TLS handshake was broken off)').to.equal(true);
    expect(json?.error, 'error').to.equal('invalid_client');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The binding (RFC 8705 §3.1, §3.2)

/** Where the token's confirmation was read, and what it says. */
interface Confirmation {
  readonly source: 'the JWT access token' | 'the introspection response';
  readonly cnf: unknown;
}

async function confirmationOf(world: CtkWorld, accessToken: string): Promise<Confirmation | string> {
  const jwt = decodeJwt(accessToken);
  if (jwt) return { source: 'the JWT access token', cnf: jwt.claims.cnf };
  if (!world.target.introspection) return 'the access token is not a JWT the kit can read and the profile offers no introspection (§3.2)';
  const exchange = await introspect(world, accessToken, { client: introspectingClient(world.target) }, false);
  const json = jsonOf(exchange);
  if (exchange.response?.status !== 200 || json?.active !== true) return `the introspection of the token did not answer active (${describeOutcome(exchange)})`;
  return { source: 'the introspection response', cnf: json.cnf };
}

const x5tOf = (cnf: unknown): unknown => (cnf && typeof cnf === 'object' ? (cnf as Record<string, unknown>)['x5t#S256'] : undefined);

/** REQ-MTLS-05 (the token names a certificate) and REQ-MTLS-04 (the right one, base64url without padding). */
export async function judgeTokenBoundToCertificate(world: CtkWorld, token: MtlsToken): Promise<void> {
  const thumbprint = registeredThumbprint(mtlsOf(world.target));
  const expected = `cnf.x5t#S256 = ${thumbprint} (the base64url SHA-256 of the presented certificate)`;
  if (token.accessToken === undefined) {
    const why = `no access token to read (${describeOutcome(token.exchange)}); REQ-MTLS-01 reports it`;
    couldNotJudge(world, { requirement: 'REQ-MTLS-05', expected, why });
    couldNotJudge(world, { requirement: 'REQ-MTLS-04', expected, why });
    return;
  }
  const confirmation = await confirmationOf(world, token.accessToken);
  if (typeof confirmation === 'string') {
    doesNotApply(world, { requirement: 'REQ-MTLS-05', expected, why: confirmation });
    doesNotApply(world, { requirement: 'REQ-MTLS-04', expected, why: confirmation });
    return;
  }
  const x5t = x5tOf(confirmation.cnf);
  check(world, { requirement: 'REQ-MTLS-05', expected: `a cnf with x5t#S256 in ${confirmation.source}`, observed: `cnf ${confirmation.cnf === undefined ? 'absent' : JSON.stringify(confirmation.cnf)}` }, () => {
    expect(x5t, 'cnf.x5t#S256').to.be.a('string');
  });
  if (typeof x5t !== 'string') {
    doesNotApply(world, { requirement: 'REQ-MTLS-04', expected, why: `${confirmation.source} names no certificate (REQ-MTLS-05 reports it)` });
    return;
  }
  check(world, { requirement: 'REQ-MTLS-04', expected, observed: `cnf.x5t#S256 = ${x5t} in ${confirmation.source}` }, () => {
    expect(x5t, 'cnf.x5t#S256').to.equal(thumbprint);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway (RFC 8705 §3)

/** The bound token a gateway check needs; without one the check is blocked, never failed. */
async function requireBoundToken(world: CtkWorld): Promise<string> {
  const token = await mtlsTokenFor(world, { keepAsLast: false });
  if (token.accessToken === undefined) {
    throw new PrerequisiteBlocked('REQ-MTLS-01', `no access token for the registered certificate (REQ-MTLS-01: ${describeOutcome(token.exchange)})`, 'fix what REQ-MTLS-01 reports; the gateway\'s certificate-binding checks run once the mTLS client gets a token');
  }
  const jwt = decodeJwt(token.accessToken);
  if (jwt) {
    const x5t = x5tOf(jwt.claims.cnf);
    const thumbprint = registeredThumbprint(mtlsOf(world.target));
    if (x5t === undefined) throw new PrerequisiteBlocked('REQ-MTLS-05', 'the token issued over mTLS names no certificate (no cnf.x5t#S256, REQ-MTLS-05): the gateway cannot know it is bound', 'fix what REQ-MTLS-05 reports');
    if (x5t !== thumbprint) throw new PrerequisiteBlocked('REQ-MTLS-04', 'the token issued over mTLS names another certificate than the one presented (REQ-MTLS-04): the gateway would rightly refuse it', 'fix what REQ-MTLS-04 reports');
  }
  return token.accessToken;
}

const CONTROL = stateKey<{ held: boolean; exchange: Exchange }>('the mTLS gateway positive control');

/** REQ-MTLS-06, the positive control of every gateway refusal: the bound token with its certificate. Sent once per scenario. */
export async function mtlsGatewayControl(world: CtkWorld): Promise<{ held: boolean; exchange: Exchange }> {
  const known = world.state.peek(CONTROL);
  if (known) return known;
  const exchange = await callMtlsGateway(world, await requireBoundToken(world), 'registered', { keepAsLast: false });
  world.log(`mTLS positive control (protected route, registered certificate): ${isSuccess(exchange) ? 'served' : 'NOT served'} — ${describeOutcome(exchange)}`);
  return world.state.remember(CONTROL, { held: isSuccess(exchange), exchange });
}

export async function judgeMtlsServed(world: CtkWorld, exchange: Exchange): Promise<void> {
  const expected = '2xx for the certificate-bound token over the gateway\'s mTLS listener with the certificate it is bound to';
  // One cause, one finding: a token the issuer got wrong (RFC 9068 §4) is refused rightly (issued-token-defect.ts).
  if (!isSuccess(exchange) && (await explainedByIssuerDefect(world, 'REQ-MTLS-06', exchange, expected))) return;
  if (await explainedByRouteRefusingBearer(world, 'REQ-MTLS-06', exchange, expected)) return;
  check(world, { requirement: 'REQ-MTLS-06', expected, observed: exchange }, () => {
    expect(isSuccess(exchange), 'a 2xx answer').to.equal(true);
  });
}

export interface GatewayMtlsCall {
  readonly what: string;
  /** Undefined when the positive control failed: the call was not sent. */
  readonly exchange?: Exchange;
}

export const GATEWAY_MTLS_CALL = stateKey<GatewayMtlsCall>('a gateway call with a certificate-bound token');

/** The control first; then the bound token presenting what `words` says. */
export async function callGatewayPresenting(world: CtkWorld, words: string): Promise<GatewayMtlsCall> {
  const presented = presentedBy(words);
  const token = await requireBoundToken(world);
  const what = `the certificate-bound token over the gateway's mTLS listener ${words}`;
  const control = await mtlsGatewayControl(world);
  if (!control.held) {
    const why = `the gateway does not serve the bound token with its own certificate either (positive control: ${describeOutcome(control.exchange)}), so a refusal proves nothing; REQ-MTLS-06 reports it (or the issuer's requirement its tokens break where they carry a defect RFC 9068 §4 has a resource server refuse: REQ-JWT-02, -06, -07, -08)`;
    couldNotJudge(world, { requirement: 'REQ-MTLS-07', expected: `the gateway refuses ${what}`, why });
    couldNotJudge(world, { requirement: 'REQ-MTLS-08', expected: '401 with error="invalid_token"', why });
    return world.state.remember(GATEWAY_MTLS_CALL, { what });
  }
  // Another certificate: one the server trusts where the profile gives it, else one no server can trust.
  const other = presented === 'other-subject' && !mtlsOf(world.target).otherCertificate ? 'untrusted' : presented;
  const exchange = await callMtlsGateway(world, token, other);
  return world.state.remember(GATEWAY_MTLS_CALL, { what, exchange });
}

/**
 * REQ-MTLS-07 (never served) and REQ-MTLS-08 (401 invalid_token, where an HTTP answer came). A 2xx where the protected
 * route serves a request without any credentials too is REQ-ANON-04's one finding (fault anonymous-gets-protected-data
 * failed REQ-MTLS-07 beside it): the gateway validates no token, bound or not.
 */
export async function judgeGatewayRefusedMtlsCall(world: CtkWorld, call: GatewayMtlsCall): Promise<void> {
  if (!call.exchange) return; // recorded as could-not-judge when it was not sent
  const exchange = call.exchange;
  if (await servedWithoutAnyCredentials(world, ['REQ-MTLS-07', 'REQ-MTLS-08'], exchange, `no 2xx for ${call.what}`)) return;
  check(world, { requirement: 'REQ-MTLS-07', expected: `no 2xx for ${call.what}`, observed: exchange }, () => {
    expect(isSuccess(exchange), 'served').to.equal(false);
  });
  const expected = '401 with a Bearer challenge whose error is "invalid_token" (RFC 8705 §3, RFC 6750 §3.1)';
  if (!exchange.response) {
    doesNotApply(world, { requirement: 'REQ-MTLS-08', expected, why: `no HTTP answer (${describeOutcome(exchange)}): the TLS layer refused the connection` });
    return;
  }
  if (isSuccess(exchange)) {
    doesNotApply(world, { requirement: 'REQ-MTLS-08', expected, why: 'the request was served (REQ-MTLS-07 reports it)' });
    return;
  }
  // A 401 without a Bearer challenge at all is REQ-BEARER-13's one finding (fault no-www-authenticate failed both).
  if (missingChallengeOf401(world, exchange, 'REQ-MTLS-08', expected)) return;
  const challenges = exchange.response.rawHeaders.filter(([name]) => name.toLowerCase() === 'www-authenticate').map(([, value]) => value);
  check(world, { requirement: 'REQ-MTLS-08', expected, observed: describeOutcome(exchange) }, () => {
    expect(exchange.response!.status, 'status').to.equal(401);
    expect(challenges.some((c) => /(?:^|[\s,])error\s*=\s*"?invalid_token"?/i.test(c)), 'error="invalid_token" in WWW-Authenticate').to.equal(true);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata (RFC 8705 §3.3, §5)

const METADATA = stateKey<Record<string, unknown> | undefined>('the authorization server metadata');

export async function mtlsMetadata(world: CtkWorld): Promise<Record<string, unknown> | undefined> {
  if (world.state.has(METADATA)) return world.state.recall(METADATA);
  return world.state.remember(METADATA, await readMetadata(world));
}

export async function judgeBoundTokensAnnounced(world: CtkWorld): Promise<void> {
  const expected = 'tls_client_certificate_bound_access_tokens: true in the metadata (RFC 8705 §3.3)';
  const doc = await mtlsMetadata(world);
  if (!doc) {
    doesNotApply(world, { requirement: 'REQ-MTLS-09', expected, why: 'the target has no metadata document the kit can read (discovery reports it)' });
    return;
  }
  const value = doc.tls_client_certificate_bound_access_tokens;
  check(world, { requirement: 'REQ-MTLS-09', expected, observed: `tls_client_certificate_bound_access_tokens ${value === undefined ? 'absent' : JSON.stringify(value)}` }, () => {
    expect(value).to.equal(true);
  });
}

export async function judgeMtlsAliasAnnounced(world: CtkWorld): Promise<void> {
  const mtls = mtlsOf(world.target);
  const doc = await mtlsMetadata(world);
  const endpoint = await mtlsTokenEndpoint(world, mtls);
  const expected = `mtls_endpoint_aliases.token_endpoint = ${endpoint} in the metadata (RFC 8705 §5)`;
  if (!doc) {
    doesNotApply(world, { requirement: 'REQ-MTLS-10', expected, why: 'the target has no metadata document the kit can read (discovery reports it)' });
    return;
  }
  if (!mtls.tokenEndpoint || endpoint === doc.token_endpoint) {
    doesNotApply(world, { requirement: 'REQ-MTLS-10', expected, why: 'the mTLS token endpoint is the metadata\'s own token_endpoint (or the profile names none): no alias is needed' });
    return;
  }
  const aliases = doc.mtls_endpoint_aliases as Record<string, unknown> | undefined;
  check(world, { requirement: 'REQ-MTLS-10', expected, observed: `mtls_endpoint_aliases ${aliases === undefined ? 'absent' : JSON.stringify(aliases)}` }, () => {
    expect(aliases, 'mtls_endpoint_aliases').to.be.an('object');
    expect(aliases?.token_endpoint, 'mtls_endpoint_aliases.token_endpoint').to.equal(endpoint);
  });
}
