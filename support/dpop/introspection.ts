/**
 * RFC 9449 §6.2 at the introspection endpoint (REQ-DPOP-11, REQ-DPOP-12): the system client gets a token with a valid
 * proof, and the profile's introspecting client asks about it. The answer must tell a resource server the binding
 * (cnf.jkt) and must not call the token a Bearer token. Only the members named are shown, never the token. An answer
 * without the binding for a token the issuer did not bind either (a JWT without cnf.jkt) is REQ-DPOP-02's one finding.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { jsonOf, type Exchange } from '../http/exchange.ts';
import { stateKey } from '../scenario-state.ts';
import { check, couldNotJudge, doesNotApply } from '../verdict/check.ts';
import { describeIntrospection, introspect, introspectingClient } from '../oauth/introspection.ts';
import { requireBoundToken, type BoundToken } from './client.ts';
import { explainedByUnboundToken } from './judges.ts';

export interface IntrospectedBoundToken {
  readonly bound: BoundToken;
  readonly exchange: Exchange;
}

export const INTROSPECTED_BOUND_TOKEN = stateKey<IntrospectedBoundToken>('the introspection answer for a DPoP-bound token');

/** The bound token (blocked by REQ-DPOP-01 without one), introspected as the profile's introspecting client. */
export async function introspectBoundToken(world: CtkWorld): Promise<IntrospectedBoundToken> {
  const bound = await requireBoundToken(world);
  const exchange = await introspect(world, bound.accessToken, { client: introspectingClient(world.target) });
  return world.state.remember(INTROSPECTED_BOUND_TOKEN, { bound, exchange });
}

const activeAnswer = (exchange: Exchange): Record<string, unknown> | undefined => {
  const json = jsonOf(exchange);
  return exchange.response?.status === 200 && json?.active === true ? json : undefined;
};

const notActive = (introspected: IntrospectedBoundToken) =>
  `the introspection endpoint does not report the fresh DPoP-bound token active (${describeIntrospection(introspected.exchange)}), so it says nothing about its binding; REQ-INTRO-01 judges the endpoint`;

/** REQ-DPOP-11: cnf.jkt is the thumbprint of the key the token was bound to. */
export function judgeIntrospectedBinding(world: CtkWorld, introspected: IntrospectedBoundToken): void {
  const expected = `cnf.jkt = ${introspected.bound.key.thumbprint} (the RFC 7638 thumbprint of the proof's key) in the introspection answer`;
  const answer = activeAnswer(introspected.exchange);
  if (!answer) return couldNotJudge(world, { requirement: 'REQ-DPOP-11', expected, why: notActive(introspected) });
  const cnf = answer.cnf as Record<string, unknown> | undefined;
  const named = cnf !== null && typeof cnf === 'object' && cnf.jkt === introspected.bound.key.thumbprint;
  if (!named && explainedByUnboundToken(world, introspected.bound, expected, 'REQ-DPOP-11')) return;
  check(world, { requirement: 'REQ-DPOP-11', expected, observed: `cnf ${cnf === undefined ? 'absent' : JSON.stringify(cnf)}` }, () => {
    expect(cnf, 'cnf member').to.be.an('object');
    expect(cnf?.jkt, 'cnf.jkt').to.equal(introspected.bound.key.thumbprint);
  });
}

/** REQ-DPOP-12: a token_type the answer states is "DPoP". */
export function judgeIntrospectedTokenType(world: CtkWorld, introspected: IntrospectedBoundToken): void {
  const expected = 'token_type "DPoP" in the introspection answer for a DPoP-bound token, where the answer states a token_type (RFC 9449 §6.2)';
  const answer = activeAnswer(introspected.exchange);
  if (!answer) return couldNotJudge(world, { requirement: 'REQ-DPOP-12', expected, why: notActive(introspected) });
  if (answer.token_type === undefined) return doesNotApply(world, { requirement: 'REQ-DPOP-12', expected, why: 'the answer states no token_type (OPTIONAL, RFC 7662 §2.2)' });
  const dpop = typeof answer.token_type === 'string' && answer.token_type.toLowerCase() === 'dpop';
  if (!dpop && explainedByUnboundToken(world, introspected.bound, expected, 'REQ-DPOP-12')) return;
  check(world, { requirement: 'REQ-DPOP-12', expected, observed: `token_type ${JSON.stringify(answer.token_type)}` }, () => {
    expect(typeof answer.token_type === 'string' ? answer.token_type.toLowerCase() : answer.token_type, 'token_type').to.equal('dpop');
  });
}
