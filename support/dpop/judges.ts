/**
 * The judges of RFC 9449 (REQ-DPOP-*). Every refusal judge first needs the matching acceptance in the same scenario:
 * at the token endpoint a token for a valid proof, at the gateway a bound token served with a valid proof. Without
 * it a refusal proves nothing (a server that knows no DPoP, or refuses every proof), and the check says it could
 * not judge; REQ-DPOP-01 and REQ-DPOP-05 report the acceptance itself.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { stateKey } from '../scenario-state.ts';
import { check, couldNotJudge, doesNotApply, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { explainedByIssuerDefect } from '../jwt/issued-token-defect.ts';
import { explainedByRouteRefusingBearer } from '../gateway/positive-control.ts';
import { missingChallengeOf401, servedWithoutAnyCredentials } from '../gateway/verdicts.ts';
import { errorCodeUnreadable } from '../oauth/token-errors.ts';
import { isClientError, isSuccess } from '../gateway/gateway-client.ts';
import { boundTokenFor, callWithBoundToken, dpopKeyFor, requestTokenWithProof, requireBoundToken, type BoundToken, type DpopCall } from './client.ts';
import type { ProofDefect } from './proof.ts';

// ---------------------------------------------------------------------------------------------------------------
// Token endpoint (RFC 9449 §5, §6)

/** REQ-DPOP-01: the answer to a valid proof is a token of type DPoP. */
export function judgeDpopTokenType(world: CtkWorld, bound: BoundToken): void {
  check(world, { requirement: 'REQ-DPOP-01', expected: '200 with an access_token and token_type "DPoP" for a token request with a valid DPoP proof', observed: tokenAnswer(bound) }, () => {
    expect(bound.accessToken, 'access_token').to.be.a('string');
    expect(bound.tokenType?.toLowerCase(), 'token_type').to.equal('dpop');
  });
}

/** REQ-DPOP-02: a JWT access token names the proof key's thumbprint in cnf.jkt; an opaque token is not judged here. */
export function judgeTokenBoundToKey(world: CtkWorld, bound: BoundToken): void {
  const expected = `cnf.jkt = ${bound.key.thumbprint} (the RFC 7638 thumbprint of the proof's key) in the access token`;
  if (bound.accessToken === undefined) {
    couldNotJudge(world, { requirement: 'REQ-DPOP-02', expected, why: `no access token to read (${describeOutcome(bound.exchange)}); REQ-DPOP-01 reports it` });
    return;
  }
  const jwt = decodeJwt(bound.accessToken);
  if (!jwt) {
    doesNotApply(world, { requirement: 'REQ-DPOP-02', expected, why: 'the access token is not a JWT the kit can read (§6.1 binds JWT access tokens; an opaque token is bound through introspection, §6.2)' });
    return;
  }
  const cnf = jwt.claims.cnf as Record<string, unknown> | undefined;
  check(world, { requirement: 'REQ-DPOP-02', expected, observed: `cnf ${cnf === undefined ? 'absent' : JSON.stringify(cnf)}` }, boundToKey(cnf, bound));
}

const boundToKey = (cnf: Record<string, unknown> | undefined, bound: BoundToken) => () => {
  expect(cnf, 'cnf claim').to.be.an('object');
  expect(cnf?.jkt, 'cnf.jkt').to.equal(bound.key.thumbprint);
};

/**
 * The cnf of a DPoP token that is a JWT not bound to the proof's key (no cnf.jkt, or another one): what REQ-DPOP-02
 * finds. Undefined where the token is bound as it should be, or is no JWT the kit can read.
 */
export function unboundJwtCnf(bound: BoundToken): { readonly cnf: Record<string, unknown> | undefined } | undefined {
  const jwt = bound.accessToken === undefined ? undefined : decodeJwt(bound.accessToken);
  if (!jwt) return undefined;
  const cnf = jwt.claims.cnf as Record<string, unknown> | undefined;
  return cnf !== null && typeof cnf === 'object' && cnf.jkt === bound.key.thumbprint ? undefined : { cnf };
}

function tokenAnswer(bound: BoundToken): string {
  const json = jsonOf(bound.exchange);
  const parts = [describeOutcome(bound.exchange)];
  if (json && 'token_type' in json) parts.push(`token_type ${JSON.stringify(json.token_type)}`);
  return parts.join(', ');
}

/** The spoiled proofs of the feature's outlines, in the feature's words. */
export const PROOF_DEFECTS: Readonly<Record<string, ProofDefect>> = {
  'names another HTTP method (htm)': 'wrong-htm',
  'names another URI (htu)': 'wrong-htu',
  'was made an hour ago (iat)': 'stale-iat',
  'is not signed (alg none)': 'alg-none',
  'is signed with a symmetric algorithm (HS256)': 'symmetric-alg',
  'has a signature that does not verify': 'bad-signature',
  'is typed JWT instead of dpop+jwt (typ)': 'wrong-typ',
  'carries the private key in its jwk': 'private-key-in-jwk',
  'carries no ath': 'no-ath',
  'carries the ath of another token': 'other-token-ath',
};

export function proofDefect(words: string): ProofDefect {
  const defect = PROOF_DEFECTS[words];
  if (!defect) throw new Error(`unknown DPoP proof defect "${words}"; known: ${Object.keys(PROOF_DEFECTS).join(' | ')}`);
  return defect;
}

export interface SpoiledTokenRequest {
  readonly words: string;
  readonly exchange: Exchange;
  /** The valid proof's request of the same scenario was answered with a DPoP token. */
  readonly controlled: { readonly held: boolean; readonly observed: string };
}

export const SPOILED_TOKEN_REQUEST = stateKey<SpoiledTokenRequest>('a token request with a spoiled DPoP proof');

/** The valid proof's token first (the control), then the same request with the proof spoiled as `words` says. */
export async function requestTokenWithSpoiledProof(world: CtkWorld, words: string): Promise<SpoiledTokenRequest> {
  const defect = proofDefect(words);
  const control = await boundTokenFor(world, { keepAsLast: false });
  const held = control.accessToken !== undefined && control.tokenType?.toLowerCase() === 'dpop';
  const exchange = await requestTokenWithProof(world, await dpopKeyFor(world), defect);
  return world.state.remember(SPOILED_TOKEN_REQUEST, { words, exchange, controlled: { held, observed: tokenAnswer(control) } });
}

/** REQ-DPOP-03 (no token for the spoiled proof) and REQ-DPOP-04 (its error code). */
export function judgeSpoiledProofRefused(world: CtkWorld, request: SpoiledTokenRequest): void {
  const expected = `no access token for a proof that ${request.words}: a 4xx error answer (RFC 9449 §4.3)`;
  const codeExpected = 'error "invalid_dpop_proof" (or "use_dpop_nonce") in the refusal (RFC 9449 §5, §8)';
  if (!request.controlled.held) {
    const why = `the same request with a valid proof got no DPoP token either (${request.controlled.observed}), so a refusal proves nothing; REQ-DPOP-01 reports it`;
    couldNotJudge(world, { requirement: 'REQ-DPOP-03', expected, why });
    couldNotJudge(world, { requirement: 'REQ-DPOP-04', expected: codeExpected, why });
    return;
  }
  const { exchange } = request;
  const json = jsonOf(exchange);
  check(world, { requirement: 'REQ-DPOP-03', expected, observed: exchange }, () => {
    expect(isClientError(exchange), 'a 4xx answer').to.equal(true);
    expect(json?.access_token, 'access_token').to.equal(undefined);
  });
  if (errorCodeUnreadable(world, exchange, 'REQ-DPOP-04', codeExpected, `a token request with a proof that ${request.words}`)) return;
  check(world, { requirement: 'REQ-DPOP-04', expected: codeExpected, observed: `error ${JSON.stringify(json?.error)} (${describeOutcome(exchange)})` }, () => {
    expect(json?.error).to.be.oneOf(['invalid_dpop_proof', 'use_dpop_nonce']);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway (RFC 9449 §7)

export interface GatewayDpopCall {
  readonly requirement: 'REQ-DPOP-06' | 'REQ-DPOP-07' | 'REQ-DPOP-08' | 'REQ-DPOP-09';
  /** What the call sent, in words, for the expectation. */
  readonly what: string;
  /** Undefined when the positive control failed: the call was not sent. */
  readonly exchange?: Exchange;
}

export const GATEWAY_DPOP_CALL = stateKey<GatewayDpopCall>('a gateway call with a DPoP-bound token');

/**
 * REQ-DPOP-05, the positive control of every gateway refusal: the bound token, the DPoP scheme and a valid proof
 * reach the protected route. Sent once per scenario.
 */
const CONTROL = stateKey<{ held: boolean; exchange: Exchange }>('the DPoP positive control');

export async function dpopControl(world: CtkWorld): Promise<{ held: boolean; exchange: Exchange }> {
  const known = world.state.peek(CONTROL);
  if (known) return known;
  const bound = await requireBoundToken(world);
  const { exchange } = await callWithBoundToken(world, bound, { scheme: 'DPoP', keepAsLast: false });
  world.log(`DPoP positive control (protected route): ${isSuccess(exchange) ? 'served' : 'NOT served'} — ${describeOutcome(exchange)}`);
  return world.state.remember(CONTROL, { held: isSuccess(exchange), exchange });
}

export async function judgeDpopServed(world: CtkWorld, exchange: Exchange): Promise<void> {
  const expected = '2xx for the DPoP-bound token sent with "Authorization: DPoP" and a valid proof (htm, htu, ath)';
  if (!isSuccess(exchange) && explainedByUnboundToken(world, await boundTokenFor(world, { keepAsLast: false }), expected)) return;
  if (!isSuccess(exchange) && (await explainedByIssuerDefect(world, 'REQ-DPOP-05', exchange, expected))) return;
  if (await explainedByRouteRefusingBearer(world, 'REQ-DPOP-05', exchange, expected)) return;
  check(world, { requirement: 'REQ-DPOP-05', expected, observed: exchange }, () => {
    expect(isSuccess(exchange), 'a 2xx answer').to.equal(true);
  });
}

/** The requirement a DPoP token that does not name its proof's key in cnf.jkt breaks (RFC 9449 §6.1). */
const UNBOUND_TOKEN_ROOT = 'REQ-DPOP-02';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A DPoP token that, where the token itself (a
 * JWT) carries no cnf.jkt of the proof's key, is a token no resource server can tell is bound to that proof:
 * REQ-DPOP-02's finding, the token endpoint's. What follows from it is not judged on it: the gateway not serving it
 * with its proof (REQ-DPOP-05), the introspection answer naming no binding (REQ-DPOP-11) or calling it a Bearer token
 * (REQ-DPOP-12) for a token the issuer did not bind. Seen in the token the scenario sent, no request more; a token
 * bound as it should be leaves the answer `requirement`'s own. True when it reported (the scenario stops at
 * REQ-DPOP-02, a MUST).
 */
export function explainedByUnboundToken(world: CtkWorld, bound: BoundToken, expected: string, requirement = 'REQ-DPOP-05'): boolean {
  const unbound = unboundJwtCnf(bound);
  if (!unbound || !requirementApplies(world.target, UNBOUND_TOKEN_ROOT)) return false;
  reportRootCause(
    world,
    { requirement: UNBOUND_TOKEN_ROOT, expected: `cnf.jkt = ${bound.key.thumbprint} (the RFC 7638 thumbprint of the proof's key) in the access token`, observed: `cnf ${unbound.cnf === undefined ? 'absent' : JSON.stringify(unbound.cnf)}` },
    boundToKey(unbound.cnf, bound),
    [{ requirement, expected }],
    { why: `the DPoP token carries no cnf.jkt of its proof's key (cnf ${unbound.cnf === undefined ? 'absent' : JSON.stringify(unbound.cnf)}), so no resource server can tell it is bound to the proof` },
  );
  return true;
}

/** The gateway calls of the feature, each in the words of its scenario. */
export type GatewayDpopCallKind = 'bearer-without-proof' | 'bearer-with-proof' | 'other-key' | 'replay' | { readonly defect: ProofDefect; readonly words: string };

/** Sends the call `kind` after the positive control; records what was sent for the refusal judge. */
export async function callGatewayWithBoundToken(world: CtkWorld, kind: GatewayDpopCallKind): Promise<GatewayDpopCall> {
  const bound = await requireBoundToken(world);
  const { requirement, what, call } = await describeCall(world, kind);
  const control = await dpopControl(world);
  if (!control.held) {
    couldNotJudge(world, {
      requirement,
      expected: `the gateway refuses ${what}`,
      why: `the protected route does not serve the bound token with a valid proof either (positive control: ${describeOutcome(control.exchange)}), so a refusal proves nothing; REQ-DPOP-05 reports it (or the issuer's requirement its tokens break where they carry a defect RFC 9068 §4 has a resource server refuse: REQ-JWT-02, -06, -07, -08)`,
    });
    return world.state.remember(GATEWAY_DPOP_CALL, { requirement, what });
  }
  if (kind === 'replay') {
    const first = await callWithBoundToken(world, bound, { scheme: 'DPoP', keepAsLast: false });
    if (!isSuccess(first.exchange) || first.proofJwt === undefined) {
      couldNotJudge(world, { requirement, expected: `the gateway refuses ${what}`, why: `the proof's first use was not served (${describeOutcome(first.exchange)})` });
      return world.state.remember(GATEWAY_DPOP_CALL, { requirement, what });
    }
    const { exchange } = await callWithBoundToken(world, bound, { scheme: 'DPoP', proofJwt: first.proofJwt });
    return world.state.remember(GATEWAY_DPOP_CALL, { requirement, what, exchange });
  }
  const { exchange } = await callWithBoundToken(world, bound, call);
  return world.state.remember(GATEWAY_DPOP_CALL, { requirement, what, exchange });
}

async function describeCall(world: CtkWorld, kind: GatewayDpopCallKind): Promise<{ requirement: GatewayDpopCall['requirement']; what: string; call: DpopCall }> {
  if (kind === 'bearer-without-proof') return { requirement: 'REQ-DPOP-06', what: 'the DPoP-bound token sent as "Authorization: Bearer" without a proof', call: { scheme: 'Bearer', withoutProof: true } };
  if (kind === 'bearer-with-proof') return { requirement: 'REQ-DPOP-06', what: 'the DPoP-bound token sent as "Authorization: Bearer" with a valid proof beside it', call: { scheme: 'Bearer' } };
  if (kind === 'other-key') return { requirement: 'REQ-DPOP-07', what: 'the DPoP-bound token with a proof signed by another key than the one in cnf.jkt', call: { scheme: 'DPoP', proofKey: await dpopKeyFor(world) } };
  if (kind === 'replay') return { requirement: 'REQ-DPOP-09', what: 'a DPoP proof sent a second time (the same jti)', call: { scheme: 'DPoP' } };
  return { requirement: 'REQ-DPOP-08', what: `the DPoP-bound token with a proof that ${kind.words}`, call: { scheme: 'DPoP', defect: kind.defect } };
}

/**
 * The refusal judge of REQ-DPOP-06..09: a 4xx, never the resource. A 2xx on a protected route that serves a request
 * without any credentials too is REQ-ANON-04's one finding (fault anonymous-gets-protected-data failed REQ-DPOP-06,
 * -07, -08 and warned REQ-DPOP-09 beside it): the route validates no token, bound or not.
 */
export async function judgeGatewayRefusedDpopCall(world: CtkWorld, call: GatewayDpopCall): Promise<void> {
  if (!call.exchange) return; // recorded as could-not-judge when it was not sent
  const exchange = call.exchange;
  const expected = `a 4xx refusal of ${call.what}`;
  if (await servedWithoutAnyCredentials(world, call.requirement, exchange, expected)) return;
  check(world, { requirement: call.requirement, expected, observed: exchange }, () => {
    expect(isClientError(exchange), 'a 4xx answer').to.equal(true);
  });
}

/** RFC 9110 challenges in WWW-Authenticate: does one of them use the DPoP scheme? Quoted strings are skipped. */
export function hasDpopChallenge(values: readonly string[]): boolean {
  return values.some((value) => /(?:^|,)\s*DPoP(?:\s|,|$)/i.test(value.replace(/"(?:[^"\\]|\\.)*"/g, '""')));
}

/** REQ-DPOP-10: the 401 refusing a DPoP request names the DPoP scheme in its challenge. */
export function judgeDpopChallenge(world: CtkWorld, call: GatewayDpopCall): void {
  const expected = 'a WWW-Authenticate challenge with the DPoP scheme on the 401 (RFC 9449 §7.1)';
  if (!call.exchange) {
    couldNotJudge(world, { requirement: 'REQ-DPOP-10', expected, why: 'the DPoP request was not sent: its positive control failed' });
    return;
  }
  const exchange = call.exchange;
  if (exchange.response?.status !== 401) {
    doesNotApply(world, { requirement: 'REQ-DPOP-10', expected, why: `the refusal is not a 401 (${describeOutcome(exchange)})` });
    return;
  }
  const values = exchange.response.rawHeaders.filter(([name]) => name.toLowerCase() === 'www-authenticate').map(([, value]) => value);
  // A 401 with no challenge at all breaks RFC 9110 §15.5.2 whatever the scheme: REQ-BEARER-13's one finding (fault
  // no-www-authenticate warned here beside it). A 401 that challenges only with another scheme stays REQ-DPOP-10's.
  if (values.length === 0 && missingChallengeOf401(world, exchange, 'REQ-DPOP-10', expected)) return;
  check(world, { requirement: 'REQ-DPOP-10', expected, observed: values.length ? `WWW-Authenticate: ${values.join(' | ')}` : 'no WWW-Authenticate header' }, () => {
    expect(hasDpopChallenge(values), 'a DPoP challenge').to.equal(true);
  });
}
