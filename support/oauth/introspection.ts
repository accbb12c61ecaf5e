/**
 * RFC 7662 token introspection (issue 19): the kit asks the target's authorization server about tokens it obtained
 * itself, as the client the profile allows to introspect (introspection.client), as a client the profile names as
 * not allowed, with a wrong secret, or with no credentials at all. Judges compare the answer with the token; a
 * token is never shown, only what the answer says about it.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials, TargetDescription } from '../target/target.ts';
import { check, doesNotApply, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { findMetadata } from '../discovery/metadata.ts';
import { failureAddress, isNotTestable } from './token-requests.ts';
import { basicAuthorization, registeredAuthMethod, requestToken, tokenResponseOf, TokenUnavailableError, wrongSecret } from './token-client.ts';

/** Who calls the endpoint: a client with its own secret, the same client with a wrong one, or nobody. */
export type Caller = { readonly client: ClientCredentials; readonly wrongSecret?: boolean } | 'anonymous';

/** Members of an introspection answer that tell something about a token (RFC 7662 §2.2). */
export const TOKEN_MEMBERS = ['scope', 'client_id', 'username', 'token_type', 'exp', 'iat', 'nbf', 'sub', 'aud', 'iss', 'jti', 'cnf'];

/** A token the kit obtained itself, fresh (never the run's cached one: revocation must not touch other scenarios). */
export interface OwnToken {
  readonly token: string;
  readonly client: ClientCredentials;
  /** The scopes its token response states (or those requested). */
  readonly scopes: readonly string[];
  /** Seconds it lives, from expires_in or the profile. */
  readonly lifetimeSeconds?: number;
}

export async function freshTokenOf(world: CtkWorld, client: ClientCredentials): Promise<OwnToken> {
  const exchange = await requestToken(world, client, { keepAsLast: false });
  const response = tokenResponseOf(exchange);
  if (!response) throw new TokenUnavailableError(client.clientId, exchange);
  const scopes = typeof response.scope === 'string' ? response.scope.split(' ').filter(Boolean) : client.scopes.filter((s) => s !== 'openid');
  const lifetime = typeof response.expires_in === 'number' ? response.expires_in : client.ttlSeconds;
  return { token: response.access_token, client, scopes, ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}) };
}

/** The client the profile lets introspect (introspection.client). */
export function introspectingClient(target: TargetDescription): ClientCredentials {
  const role = target.introspection?.client ?? 'system';
  const client = target.clients[role];
  if (!client) throw new NotTestableError(`the profile names clients.${role} as the introspecting client, but gives no such client`, { remedy: 'name a client of the profile in introspection.client' });
  return client;
}

/** The client the profile says may not introspect (introspection.notAllowedClient), or undefined. */
export function notAllowedClient(target: TargetDescription): ClientCredentials | undefined {
  const role = target.introspection?.notAllowedClient;
  return role ? target.clients[role] : undefined;
}

/** The endpoint the profile names, else the metadata's `member` (RFC 8414 §2 / RFC 7662 §4, RFC 7009 §3). */
export async function endpointOf(world: CtkWorld, given: string | undefined, member: 'introspection_endpoint' | 'revocation_endpoint', field: string): Promise<string> {
  if (given) return given;
  const found = await findMetadata(world);
  const value = 'notFound' in found ? undefined : found.metadata?.[member];
  if (typeof value === 'string' && URL.canParse(value)) return value;
  throw new NotTestableError(`the profile names no ${field}.endpoint and ${'notFound' in found ? found.notFound : `the metadata document lists no ${member}`}`, {
    remedy: `name the endpoint in the target profile (${field}.endpoint)`,
  });
}

/**
 * POSTs `token` (RFC 7662 §2.1 / RFC 7009 §2.1: application/x-www-form-urlencoded, parameter token) to `endpoint`,
 * authenticated as the caller says: the way the client is registered (HTTP Basic unless client_secret_post).
 */
export async function postToken(world: CtkWorld, endpoint: string, token: string, caller: Caller, keepAsLast = true): Promise<Exchange> {
  // A call that fails client authentication may count as a failed login at an IdP that blocks IPs (seed 001): it
  // goes out from an address of its own, like the token requests meant to fail.
  const failing = caller === 'anonymous' || caller.wrongSecret === true;
  const address = failing ? failureAddress(world) : {};
  if (isNotTestable(address)) throw new NotTestableError(address.notTestable, { remedy: address.remedy });
  const form = new URLSearchParams({ token });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (caller !== 'anonymous') {
    const secret = caller.wrongSecret ? wrongSecret() : caller.client.clientSecret;
    if (registeredAuthMethod(caller.client) === 'body') {
      form.set('client_id', caller.client.clientId);
      form.set('client_secret', secret);
    } else {
      headers.authorization = basicAuthorization(caller.client.clientId, secret);
    }
  }
  return world.send({ method: 'POST', url: endpoint, headers, body: form.toString(), ...address }, { keepAsLast });
}

export async function introspect(world: CtkWorld, token: string, caller: Caller, keepAsLast = true): Promise<Exchange> {
  const endpoint = await endpointOf(world, world.target.introspection?.endpoint, 'introspection_endpoint', 'introspection');
  return postToken(world, endpoint, token, caller, keepAsLast);
}

/** What an answer says, for messages: status, active, and which token members it carries (never their values but client_id). */
export function describeIntrospection(exchange: Exchange): string {
  const json = jsonOf(exchange);
  if (exchange.response?.status !== 200 || !json) return describeOutcome(exchange);
  const members = Object.keys(json).filter((k) => k !== 'active');
  return `HTTP 200, active=${JSON.stringify(json.active)}${members.length ? `, members ${members.join(', ')}${json.client_id !== undefined ? ` (client_id ${JSON.stringify(json.client_id)})` : ''}` : ', no other member'}`;
}

const isActive = (exchange: Exchange): boolean => exchange.response?.status === 200 && jsonOf(exchange)?.active === true;

/**
 * The positive control of every negative check: the allowed client's introspection of this token says active.
 * Else the check is blocked on REQ-INTRO-01, which reports it.
 */
export async function introspectionControl(world: CtkWorld, own: OwnToken): Promise<void> {
  const control = await introspect(world, own.token, { client: introspectingClient(world.target) }, false);
  if (!isActive(control)) {
    throw new PrerequisiteBlocked('REQ-INTRO-01', `blocked: the introspecting client's own introspection of a fresh token of ${own.client.clientId} is not active (${describeIntrospection(control)})`, 'fix what REQ-INTRO-01 reports; this requirement is judged once a valid token introspects as active');
  }
}

/** REQ-INTRO-01: 200 with "active": true. */
export function judgeActive(world: CtkWorld, exchange: Exchange, own: OwnToken): void {
  check(world, {
    requirement: 'REQ-INTRO-01',
    expected: `200 with a JSON object whose "active" is true, for a fresh access token of ${own.client.clientId}`,
    observed: describeIntrospection(exchange),
  }, () => {
    expect(exchange.response?.status, 'status').to.equal(200);
    expect(jsonOf(exchange)?.active, 'active').to.equal(true);
  });
}

/** REQ-INTRO-02: the members the answer states are the token's. Needs an active answer (else REQ-INTRO-01's finding). */
export function judgeMembersDescribeToken(world: CtkWorld, exchange: Exchange, own: OwnToken): void {
  const json = jsonOf(exchange);
  if (!isActive(exchange)) {
    throw new PrerequisiteBlocked('REQ-INTRO-01', `blocked: the introspection of a fresh token of ${own.client.clientId} is not active (${describeIntrospection(exchange)})`, 'fix what REQ-INTRO-01 reports');
  }
  const now = Date.now() / 1000;
  const skew = world.target.limits.clockSkewSeconds;
  const stated = typeof json!.scope === 'string' ? json!.scope.split(' ').filter(Boolean) : undefined;
  check(world, {
    requirement: 'REQ-INTRO-02',
    expected: `the members stated describe the token: client_id ${JSON.stringify(own.client.clientId)}, exp in the future, scope within ${JSON.stringify(own.scopes)}`,
    observed: `client_id ${JSON.stringify(json!.client_id)}, exp ${typeof json!.exp === 'number' ? `${Math.round(json!.exp - now)} s from now` : JSON.stringify(json!.exp)}, scope ${JSON.stringify(json!.scope)}`,
  }, () => {
    if (json!.client_id !== undefined) expect(json!.client_id, 'client_id').to.equal(own.client.clientId);
    if (json!.exp !== undefined) expect(Number(json!.exp), 'exp (plus the clock leeway) is in the future').to.be.greaterThan(now - skew);
    if (stated !== undefined && own.scopes.length > 0) for (const s of stated) expect(own.scopes, `scope ${s} was never granted`).to.include(s);
  });
}

/** REQ-INTRO-03 / REQ-INTRO-04: a properly authorized call about an inactive token gets 200 with "active": false. */
export function judgeInactive(world: CtkWorld, requirement: 'REQ-INTRO-03' | 'REQ-INTRO-04', exchange: Exchange, what: string): void {
  check(world, {
    requirement,
    expected: `200 with "active": false for ${what} (RFC 7662 §2.2)`,
    observed: describeIntrospection(exchange),
  }, () => {
    expect(exchange.response?.status, 'status').to.equal(200);
    expect(jsonOf(exchange)?.active, 'active').to.equal(false);
  });
}

/**
 * REQ-INTRO-04: a token the server never issued (a random string, another issuer's genuine token) introspects as
 * inactive. "active": false proves something only from an endpoint that says active for a token it did issue: one that
 * answers false to every token (or to every request of the kit's) would pass it, and REQ-INTRO-05 ("nothing more")
 * with it. So an inactive answer is judged after the positive control the other negative checks run first
 * (introspectionControl): the introspecting client's introspection of a fresh token of the system client says active;
 * else the scenario is blocked on REQ-INTRO-01, which reports it. Any other answer fails on its own, no control needed.
 */
export async function judgeNeverIssuedInactive(world: CtkWorld, exchange: Exchange, what: string): Promise<void> {
  if (exchange.response?.status === 200 && jsonOf(exchange)?.active === false) {
    await introspectionControl(world, await freshTokenOf(world, world.target.clients.system));
  }
  judgeInactive(world, 'REQ-INTRO-04', exchange, what);
}

/** REQ-INTRO-05: an inactive answer says nothing more. Judged only on an answer that says active false. */
export function judgeNothingMoreWhenInactive(world: CtkWorld, exchange: Exchange, what: string): void {
  const json = jsonOf(exchange);
  const expected = `the answer for ${what} carries "active": false and nothing else (RFC 7662 §2.2 SHOULD NOT)`;
  if (exchange.response?.status !== 200 || json?.active !== false) {
    doesNotApply(world, { requirement: 'REQ-INTRO-05', expected, observed: describeIntrospection(exchange), why: 'the answer does not say the token is inactive (REQ-INTRO-03/04 judge that)' });
    return;
  }
  const extra = Object.keys(json).filter((k) => k !== 'active');
  check(world, { requirement: 'REQ-INTRO-05', expected, observed: describeIntrospection(exchange) }, () => expect(extra, 'members besides active').to.deep.equal([]));
}

/**
 * REQ-INTRO-06 / -07 / -08: a caller who may not learn about the token learns nothing: refused (400/401/403) or
 * answered 200 with "active": false alone (§2.2 allows that for a caller not allowed to introspect the token);
 * never active true, never a member that tells something about the token.
 */
export function judgeDisclosesNothing(world: CtkWorld, requirement: 'REQ-INTRO-06' | 'REQ-INTRO-07' | 'REQ-INTRO-08', exchange: Exchange, who: string): void {
  const status = exchange.response?.status;
  const json = jsonOf(exchange);
  const disclosed = json ? TOKEN_MEMBERS.filter((m) => json[m] !== undefined) : [];
  if (requirement === 'REQ-INTRO-08' && inactiveAnswerSaysMore(world, exchange, disclosed, who)) return;
  check(world, {
    requirement,
    expected: `the introspection of a valid token by ${who} is refused (400/401/403), or answered "active": false alone; it tells nothing about the token`,
    observed: describeIntrospection(exchange),
  }, () => {
    expect(status, 'an HTTP answer').to.not.equal(undefined);
    expect(json?.active, 'active').to.not.equal(true);
    expect(disclosed, 'token members in the answer').to.deep.equal([]);
    expect(status === 200 || status === 400 || status === 401 || status === 403, `status ${status}`).to.equal(true);
  });
}

/** The requirement an inactive answer that carries more than "active": false breaks (RFC 7662 §2.2 SHOULD NOT). */
const INACTIVE_SAYS_MORE_ROOT = 'REQ-INTRO-05';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A client not allowed to introspect that is
 * answered "active": false, as RFC 7662 §2.2 allows, but with the token's members beside it, met the server's inactive
 * answer, which says more than it should: REQ-INTRO-05's finding (a SHOULD, as REQ-INTRO-08 is), and REQ-INTRO-08 is
 * not judged on it. Seen in the same answer; an "active": true answer, or members outside an inactive answer, stay
 * REQ-INTRO-08's own. True when it reported.
 */
export function inactiveAnswerSaysMore(world: CtkWorld, exchange: Exchange, disclosed: readonly string[], who: string): boolean {
  const json = jsonOf(exchange);
  if (exchange.response?.status !== 200 || json?.active !== false || disclosed.length === 0) return false;
  if (!requirementApplies(world.target, INACTIVE_SAYS_MORE_ROOT)) return false;
  const extra = Object.keys(json).filter((k) => k !== 'active');
  reportRootCause(
    world,
    { requirement: INACTIVE_SAYS_MORE_ROOT, expected: `the inactive answer to ${who} carries "active": false and nothing else (RFC 7662 §2.2 SHOULD NOT)`, observed: describeIntrospection(exchange) },
    () => expect(extra, 'members besides active').to.deep.equal([]),
    [{ requirement: 'REQ-INTRO-08', expected: `the introspection of a valid token by ${who} is refused (400/401/403), or answered "active": false alone` }],
    { why: `the answer says "active": false, as a caller not allowed to introspect may be told, and carries ${disclosed.join(', ')} beside it: the server's inactive answer says more` },
  );
  return true;
}

/** A token this server never issued: random, long enough to look like one. */
export const unknownToken = (): string => `ctk-not-a-token-${randomBytes(24).toString('base64url')}`;
