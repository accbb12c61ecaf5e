/**
 * RFC 7009 token revocation (issue 19): the kit revokes fresh tokens of its own (never the run's cached ones), an
 * unknown token, and a token without client authentication, then asks introspection (where claimed) and the gateway
 * (within the bound the profile states) whether the token is gone.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check, doesNotApply } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { bearer, callGateway, statusOf } from '../gateway/gateway-client.ts';
import { controlWithToken, underControl } from '../gateway/positive-control.ts';
import { describeIntrospection, endpointOf, introspect, introspectingClient, postToken, type Caller, type OwnToken } from './introspection.ts';

export async function revoke(world: CtkWorld, token: string, caller: Caller, keepAsLast = true): Promise<Exchange> {
  const endpoint = await endpointOf(world, world.target.revocation?.endpoint, 'revocation_endpoint', 'revocation');
  return postToken(world, endpoint, token, caller, keepAsLast);
}

/**
 * RFC 7009 §2: "Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of
 * access tokens"; §2.2.1 names the answer of a server that does not: 400 unsupported_token_type ("the client tried
 * to revoke an access token on a server not supporting this feature"). That answer to the revocation of a valid
 * access token misses a SHOULD, not the MUST of §2.2 (there was no successful revocation to answer 200).
 */
export const ACCESS_TOKEN_REVOCATION_SHOULD =
  'RFC 7009 §2 (the server SHOULD support the revocation of access tokens; one that does not answers 400 unsupported_token_type, §2.2.1)';

/** Whether the answer is RFC 7009 §2.2.1's refusal of the token's type. */
export const refusedTokenType = (exchange: Exchange): boolean =>
  exchange.response?.status === 400 && jsonOf(exchange)?.error === 'unsupported_token_type';

/** REQ-REVOKE-01 / -02: the revocation is answered 200. */
export function judgeRevocationAnswered200(world: CtkWorld, requirement: 'REQ-REVOKE-01' | 'REQ-REVOKE-02', exchange: Exchange, what: string): void {
  // A valid access token refused for its type: the server does not revoke access tokens, a SHOULD (RFC 7009 §2). An
  // unknown string (REQ-REVOKE-02) has no type the server could refuse: §2.2's 200 for an invalid token stands.
  const should = requirement === 'REQ-REVOKE-01' && refusedTokenType(exchange) ? { should: ACCESS_TOKEN_REVOCATION_SHOULD } : {};
  check(world, { requirement, expected: `HTTP 200 for the revocation of ${what} (RFC 7009 §2.2)`, observed: exchange, ...should }, () =>
    expect(exchange.response?.status, 'status').to.equal(200),
  );
}

/** The revocation the later checks rest on: answered 2xx, else they are blocked on REQ-REVOKE-01. */
export function revocationAccepted(exchange: Exchange): void {
  const status = statusOf(exchange);
  if (status === undefined || status < 200 || status > 299) {
    throw new PrerequisiteBlocked('REQ-REVOKE-01', `blocked: the revocation of the token was not accepted (${describeOutcome(exchange)})`, 'fix what REQ-REVOKE-01 reports; this requirement is judged once a revocation is accepted');
  }
}

/** Where the target does not claim introspection, the authorization server's own view of the token cannot be seen. */
function needIntrospection(world: CtkWorld, why: string): void {
  if (world.target.capabilities['token-introspection'] !== true) {
    throw new NotTestableError(`the target does not claim token-introspection: ${why}`, { remedy: 'describe introspection in the target profile if the IdP offers it (RFC 7662)' });
  }
}

/** REQ-REVOKE-03: right after the revocation, the introspecting client is told the token is inactive. */
export async function judgeRevokedInactive(world: CtkWorld, own: OwnToken): Promise<void> {
  needIntrospection(world, 'whether the revoked token is still active at the authorization server cannot be seen');
  const answer = await introspect(world, own.token, { client: introspectingClient(world.target) });
  check(world, {
    requirement: 'REQ-REVOKE-03',
    expected: `"active": false for the token of ${own.client.clientId} right after its revocation (RFC 7009 §2.1: the invalidation takes place immediately)`,
    observed: describeIntrospection(answer),
  }, () => {
    expect(answer.response?.status, 'status').to.equal(200);
    expect(jsonOf(answer)?.active, 'active').to.equal(false);
  });
}

/** REQ-REVOKE-05: refused (400/401), and the token is still active where introspection shows it. */
export async function judgeUnauthenticatedRevocationRefused(world: CtkWorld, exchange: Exchange, own: OwnToken): Promise<void> {
  const status = statusOf(exchange);
  const stillActive = world.target.capabilities['token-introspection'] === true ? await introspect(world, own.token, { client: introspectingClient(world.target) }, false) : undefined;
  check(world, {
    requirement: 'REQ-REVOKE-05',
    expected: `the revocation of a token of ${own.client.clientId} without client authentication is refused (400/401, RFC 7009 §2.2.1 / RFC 6749 §5.2)${stillActive ? ' and the token stays active' : ''}`,
    observed: `${describeOutcome(exchange)}${stillActive ? `; introspection afterwards: ${describeIntrospection(stillActive)}` : ''}`,
  }, () => {
    expect(status === 400 || status === 401, `status ${status}`).to.equal(true);
    if (stillActive) expect(jsonOf(stillActive)?.active, 'the token is still active').to.equal(true);
  });
}

/** The longest bound the kit waits out; a larger one is not testable in a run. */
export const MAX_REVOCATION_WAIT_SECONDS = 120;

/**
 * Before the revocation, the protected route is sent the token that will be revoked: the positive control of
 * REQ-REVOKE-04's refusal with the judged token itself, and what shows a gateway that caches "valid" per token (an
 * authorizer result cache, an introspection cache keyed by the token) and so admits the token after its revocation
 * for as long as the entry lives. Where REQ-REVOKE-04 will not be judged (no bound declared, or one longer than the
 * kit waits) nothing is sent.
 */
export async function serveBeforeRevocation(world: CtkWorld, own: OwnToken): Promise<void> {
  const bound = world.target.limits.revocationSeconds;
  if (bound === undefined || bound > MAX_REVOCATION_WAIT_SECONDS) return;
  await controlWithToken(world, own.token, `the token of ${own.client.clientId} before its revocation`);
}

/**
 * REQ-REVOKE-04: after the revocation, the protected route refuses the token within the bound (polled once a second).
 * The positive control is the same token served before the revocation (serveBeforeRevocation), where the scenario
 * sent it; else the system client's own token.
 */
export async function judgeGatewayRefusesRevoked(world: CtkWorld, own: OwnToken, revokedAt: number): Promise<void> {
  const bound = world.target.limits.revocationSeconds;
  if (bound === undefined) {
    // The clause's condition (a bound the deployment declares) did not arise: not applicable, with the reason.
    doesNotApply(world, {
      requirement: 'REQ-REVOKE-04',
      expected: `the protected route refuses the revoked token of ${own.client.clientId} within the bound the target declares (limits.revocationSeconds)`,
      why: 'the target states no bound (limits.revocationSeconds): a gateway that validates self-contained JWTs accepts a revoked token until its exp, which no clause forbids; state the bound (0 for a gateway that introspects every token) to have the gateway judged',
    });
    return;
  }
  if (bound > MAX_REVOCATION_WAIT_SECONDS) {
    throw new NotTestableError(`limits.revocationSeconds is ${bound} s; the kit waits at most ${MAX_REVOCATION_WAIT_SECONDS} s in a run`, { remedy: 'run the check against a deployment with a shorter propagation delay' });
  }
  const expected = `the protected route refuses the revoked token of ${own.client.clientId} (401) within ${bound} s of its revocation (limits.revocationSeconds)`;
  if (!(await underControl(world, 'protected', ['REQ-REVOKE-04'], expected))) return;
  let last: Exchange;
  for (;;) {
    last = await callGateway(world, { route: 'protected', authorization: bearer(own.token) });
    const refused = statusOf(last) === 401;
    const elapsed = (Date.now() - revokedAt) / 1000;
    if (refused || elapsed > bound + 1) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const elapsed = Math.round((Date.now() - revokedAt) / 100) / 10;
  check(world, { requirement: 'REQ-REVOKE-04', expected, observed: `${describeOutcome(last)} ${elapsed} s after the revocation` }, () =>
    expect(statusOf(last), 'status').to.equal(401),
  );
}
