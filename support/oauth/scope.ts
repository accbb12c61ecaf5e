/**
 * Scope at the token endpoint (RFC 6749 §3.3, §5.1): the server may grant less than was asked for, but must
 * then say what it granted; a scope the client may not have is refused with invalid_scope or left out. Both
 * answers conform, so neither raises an alarm. When the access token is a readable JWT, its scope claim shows
 * what was really granted (RFC 9068 §2.2.3) and is compared with what the response says.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check, doesNotApply, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import type { IssuedToken } from './issued.ts';
import { grantedScope, sameScopes, scopeValues } from './token-response.ts';
import { issuedAToken, judgeRefusal } from './token-errors.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { tokenResponseOf } from './token-client.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { isTagged } from './scenario.ts';
import type { ClientCredentials } from '../target/target.ts';
import { isNotTestable, type NotTestable } from './token-requests.ts';
import { ordinaryControl, refusalUnderControl } from './refusal-control.ts';
import { NotTestableError } from '../verdict/not-testable.ts';

/**
 * RFC 6749 §3.3: scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) — or the empty
 * string, which states that no scope was granted: Keycloak answers `"scope": ""`, and seed 001 documents exactly
 * that response, so it is no false statement of the granted scope.
 */
const SCOPE_SYNTAX = /^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/;

/** A scope value no target grants. */
export const UNKNOWN_SCOPE = 'ctk-unknown-scope';

/**
 * The scope a REQ-TOK-12 request adds to the client's own, by the feature's words: an unknown one, or one the
 * profile says the IdP must refuse this client (clients.readOnly.refusedScopes). Lacking the scoped route's
 * scope says nothing about what the IdP refuses (an IdP may let every client ask for every scope), so without
 * that statement the case is not testable rather than judged on a guess.
 */
/** The scopes the profile says the IdP refuses `client` (clients.readOnly.refusedScopes), or why there are none to judge. */
export function refusedScopesOf(client: ClientCredentials & { refusedScopes?: readonly string[] }): readonly string[] | NotTestable {
  const refused = (client.refusedScopes ?? []).filter((s) => !client.scopes.includes(s));
  if (refused.length > 0) return refused;
  // An IdP may grant every client every scope (RFC 6749 §3.3): with no refused scope named, there is nothing to refuse.
  return {
    notTestable: `the target profile names no scope the IdP must refuse ${client.clientId} (an IdP may grant every client every scope)`,
    remedy: 'list it in clients.readOnly.refusedScopes, if the IdP refuses that scope to that client',
    notApplicable: true,
  };
}

export function disallowedScope(phrase: string, client: ClientCredentials & { refusedScopes?: readonly string[] }): string | NotTestable {
  if (phrase === 'a scope the target does not know') return UNKNOWN_SCOPE;
  if (phrase !== 'a scope the target must refuse it') throw new Error(`unknown extra scope phrase "${phrase}"`);
  // With no refused scope named the case does not apply (the unknown-scope cases still judge REQ-TOK-12).
  const refused = refusedScopesOf(client);
  return isNotTestable(refused) ? refused : refused[0]!;
}

const claimScope = (token: string): string[] | undefined => {
  const claims = decodeJwt(token)?.claims;
  return claims && 'scope' in claims ? scopeValues(claims.scope) : undefined;
};

/** REQ-TOK-08: what was granted is what was asked for, or the response says what was granted. */
export function judgeGrantedScopeStated(world: CtkWorld, issued: IssuedToken): 'judged' | { notTestable: string } {
  const response = issued.response!;
  const granted = grantedScope(response, issued.requestedScope);
  const inToken = claimScope(issued.token);
  if (granted.stated) {
    // Stated: §5.1 is satisfied when the value is a scope (§3.3 syntax). Whether the token's scope claim agrees
    // with it is REQ-TOK-16's check (RFC 9068 §2.2.3), not this one: one cause, one finding.
    check(
      world,
      { requirement: 'REQ-TOK-08', expected: 'a scope member stating the granted scope as space-delimited scope-tokens (RFC 6749 §3.3)', observed: `scope ${JSON.stringify(response.scope)}` },
      () => expect(response.scope, 'scope syntax').to.match(SCOPE_SYNTAX),
    );
    return 'judged';
  }
  if (inToken === undefined) return { notTestable: 'the response omits scope and the access token shows no scope claim, so what was granted cannot be seen' };
  check(
    world,
    {
      requirement: 'REQ-TOK-08',
      expected: `either the requested scope ${JSON.stringify(issued.requestedScope.join(' '))} granted, or a scope member stating what was granted instead`,
      observed: `no scope member (which says the requested scope was granted), but the token's scope claim is ${JSON.stringify(inToken.join(' '))}`,
    },
    () => expect(sameScopes(inToken, issued.requestedScope), 'token scope equals requested').to.equal(true),
  );
  return 'judged';
}

/**
 * REQ-TOK-12: a scope the client may not have is refused with invalid_scope, or left out of the granted scope
 * (which then has to be stated, or the omission would say it was granted). A refusal is judged only where the same
 * client's request without that scope gets a token (refusal-control.ts): an endpoint that refuses every request says
 * nothing about scopes, whatever its error code.
 */
export async function judgeDisallowedScope(world: CtkWorld, exchange: Exchange, client: ClientCredentials, requested: readonly string[], disallowed: string, situation: string): Promise<void> {
  const response = tokenResponseOf(exchange);
  if (!response) {
    await refusalUnderControl(world, exchange, situation, ordinaryControl(world, client, requested.filter((s) => s !== disallowed)));
    judgeRefusal(world, exchange, {
      requirement: 'REQ-TOK-12',
      codes: ['invalid_scope'],
      situation,
      ...(isTagged(world, 'REQ-TOK-09') ? { formatRequirement: 'REQ-TOK-09' } : {}),
      ...(isTagged(world, 'REQ-TOK-17') ? { statusRequirement: 'REQ-TOK-17' } : {}),
    });
    return;
  }
  // A token, not a refusal: the refusal's format (REQ-TOK-09) and status (REQ-TOK-17) have nothing to judge here,
  // whichever way REQ-TOK-12 goes — as in judgeScopeLessAnswer. Left unrecorded, an IdP that rightly leaves the scope
  // out would have them "not judged" in this scenario, and its core profile never complete.
  for (const requirement of ['REQ-TOK-09', 'REQ-TOK-17'].filter((r) => isTagged(world, r))) {
    doesNotApply(world, { requirement, expected: `a JSON error with status 400 if ${situation} is refused`, why: `the server issued a token (${describeOutcome(exchange)}): no refusal to judge` });
  }
  const granted = grantedScope(response, requested);
  check(
    world,
    {
      requirement: 'REQ-TOK-12',
      expected: `invalid_scope, or a token whose stated scope leaves "${disallowed}" out, for ${situation}`,
      observed: granted.stated
        ? `a token with scope ${JSON.stringify(response.scope)}`
        : `a token without a scope member, which per RFC 6749 §5.1 means the requested ${JSON.stringify(requested.join(' '))} was granted`,
    },
    () => expect(granted.values).to.not.include(disallowed),
  );
  const inToken = claimScope(response.access_token);
  if (inToken !== undefined) {
    check(
      world,
      { requirement: 'REQ-TOK-12', expected: `an access token whose scope claim leaves "${disallowed}" out`, observed: `the token's scope claim ${JSON.stringify(inToken.join(' '))}` },
      () => expect(inToken).to.not.include(disallowed),
    );
  }
}

/**
 * REQ-TOK-12 for a request WITHOUT scope (RFC 6749 §3.3: the server uses a pre-defined default, or fails with
 * invalid_scope): the default may be anything the client may have, never a scope the profile says the IdP refuses the
 * client (clients.readOnly.refusedScopes). A refusal keeps every such scope from the client, so it holds (its form is
 * REQ-TOK-19's business, judged on the system client's scope-less request) — where the client's ordinary request, with
 * its scopes, gets a token (refusal-control.ts). A 5xx or no answer is no refusal and no grant: not testable, with what
 * came. A token is judged by what it states: the
 * response's scope member and the token's scope claim; where neither says what was granted, nothing here applies.
 * Only the listed scopes are judged, not "the client's declared scopes": Keycloak's default client scopes (profile,
 * email) are no scope the client is refused.
 */
export async function judgeDefaultScopeWithinClient(world: CtkWorld, exchange: Exchange, client: ClientCredentials, refused: readonly string[], situation: string): Promise<void> {
  const expected = `no token, or a token whose granted scope holds none of ${refused.map((s) => `"${s}"`).join(', ')}, for ${situation} (the default scope of RFC 6749 §3.3 is still only what the client may have)`;
  // Any 2xx with an access token grants what it states (a 201 is REQ-TOK-01's finding, not a refusal).
  if (!issuedAToken(exchange)) {
    const status = exchange.response?.status;
    if (status === undefined || status >= 500) {
      throw new NotTestableError(`${situation} got ${describeOutcome(exchange)}: a server error or no answer is neither a refusal nor a grant, so it shows nothing of the default scope`, {
        remedy: 'see why the token endpoint fails a request without scope (REQ-TOK-19 judges the system client\'s)',
      });
    }
    await refusalUnderControl(world, exchange, situation, ordinaryControl(world, client));
    check(world, { requirement: 'REQ-TOK-12', expected, observed: exchange }, () => expect(issuedAToken(exchange)).to.equal(false));
    return;
  }
  const response = jsonOf(exchange)!;
  const stated = typeof response.scope === 'string' ? scopeValues(response.scope) : undefined;
  const inToken = claimScope(String(response.access_token));
  if (stated === undefined && inToken === undefined) {
    doesNotApply(world, { requirement: 'REQ-TOK-12', expected, why: `the token response states no scope and the token carries no readable scope claim (${describeOutcome(exchange)}): what the default granted is not said anywhere` });
    return;
  }
  if (stated !== undefined) {
    check(world, { requirement: 'REQ-TOK-12', expected, observed: `a token with scope ${JSON.stringify(response.scope)}` }, () =>
      expect(stated.filter((s) => refused.includes(s)), 'REQ-TOK-12 (RFC 6749 §3.3): the default scope grants a scope the client may not have').to.deep.equal([]),
    );
  }
  if (inToken !== undefined) {
    check(world, { requirement: 'REQ-TOK-12', expected: `an access token whose scope claim holds none of ${refused.map((s) => `"${s}"`).join(', ')}`, observed: `the token's scope claim ${JSON.stringify(inToken.join(' '))}` }, () =>
      expect(inToken.filter((s) => refused.includes(s)), 'REQ-TOK-12 (RFC 6749 §3.3): the default scope in the token grants a scope the client may not have').to.deep.equal([]),
    );
  }
}

/** REQ-TOK-16: the scope the response states is the token's scope claim. */
export function judgeStatedScopeMatchesClaim(world: CtkWorld, issued: IssuedToken): 'judged' | { notTestable: string } {
  // RFC 6749 §5.1: a response may leave scope out only "if identical to the scope requested by the client", so an
  // omitted scope states the requested one; only a scope-less request leaves nothing stated (a default applies).
  const requested = issued.requestedScope.join(' ');
  const stated = typeof issued.response?.scope === 'string' ? issued.response.scope : requested !== '' ? requested : undefined;
  const inToken = claimScope(issued.token);
  if (stated === undefined) return { notTestable: 'neither the request nor the token response names a scope to compare' };
  if (inToken === undefined) return { notTestable: 'the access token has no scope claim to compare (REQ-JWT-09 judges that)' };
  if (unstatedScopeChange(world, issued, inToken)) return 'judged';
  check(
    world,
    { requirement: 'REQ-TOK-16', expected: `the scope claim of the token equal to the ${typeof issued.response?.scope === 'string' ? 'stated' : 'requested (the response omits scope, RFC 6749 §5.1)'} scope ${JSON.stringify(stated)}`, observed: `scope claim ${JSON.stringify(inToken.join(' '))}` },
    () => expect(sameScopes(scopeValues(stated), inToken), 'same scopes').to.equal(true),
  );
  return 'judged';
}

/** The requirement a response that leaves scope out although the granted scope differs breaks (RFC 6749 §5.1). */
const UNSTATED_SCOPE_ROOT = 'REQ-TOK-08';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A response without scope says the requested
 * scope was granted (RFC 6749 §5.1); a token whose scope claim is another one then shows a granted scope the response
 * did not state: REQ-TOK-08's finding, and REQ-TOK-16 (the stated scope agrees with the claim) is not judged on that
 * answer. Seen in the same answer, no request more; a response that states a scope the claim contradicts is
 * REQ-TOK-16's own. True when it reported (the scenario stops at REQ-TOK-08, a MUST).
 */
export function unstatedScopeChange(world: CtkWorld, issued: IssuedToken, inToken: readonly string[]): boolean {
  if (typeof issued.response?.scope === 'string' || issued.requestedScope.length === 0 || sameScopes(inToken, issued.requestedScope)) return false;
  if (!requirementApplies(world.target, UNSTATED_SCOPE_ROOT)) return false;
  const requested = JSON.stringify(issued.requestedScope.join(' '));
  reportRootCause(
    world,
    {
      requirement: UNSTATED_SCOPE_ROOT,
      expected: `either the requested scope ${requested} granted, or a scope member stating what was granted instead`,
      observed: `no scope member (which says the requested scope was granted), but the token's scope claim is ${JSON.stringify(inToken.join(' '))}`,
    },
    () => expect(sameScopes(inToken, issued.requestedScope), 'token scope equals requested').to.equal(true),
    [{ requirement: 'REQ-TOK-16', expected: `the scope claim of the token equal to the requested (the response omits scope, RFC 6749 §5.1) scope ${requested}` }],
    { why: 'the response leaves scope out although the token was granted another scope: the change is unstated' },
  );
  return true;
}

/**
 * REQ-TOK-19 (RFC 6749 §3.3): a request without scope gets a token for the server's default scope, or is refused
 * with invalid_scope — a JSON error (REQ-TOK-09) with status 400 (REQ-TOK-17) like every §5.2 refusal. A refusal is
 * judged only where the same request with the client's scopes (its ordinary one) gets a token: else what is refused is
 * not the missing scope (refusal-control.ts).
 */
export async function judgeScopeLessAnswer(world: CtkWorld, exchange: Exchange, code: string, situation: string): Promise<void> {
  if (issuedAToken(exchange)) {
    check(world, { requirement: 'REQ-TOK-19', expected: `a token for the default scope, or invalid_scope, for ${situation}`, observed: exchange }, () =>
      expect(issuedAToken(exchange)).to.equal(true),
    );
    // The refusal's format and status are judged only where there is a refusal.
    for (const requirement of ['REQ-TOK-09', 'REQ-TOK-17']) {
      doesNotApply(world, { requirement, expected: `a JSON error with status 400 if ${situation} is refused`, why: `the server applied a default scope and issued a token (${describeOutcome(exchange)}): no refusal to judge` });
    }
    return;
  }
  await refusalUnderControl(world, exchange, situation);
  judgeRefusal(world, exchange, {
    requirement: 'REQ-TOK-19',
    codes: [code],
    situation: `${situation} (the server uses no default scope)`,
    formatRequirement: 'REQ-TOK-09',
    statusRequirement: 'REQ-TOK-17',
  });
}
