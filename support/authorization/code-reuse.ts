/**
 * REQ-AUTHZ-07 (RFC 6749 §4.1.2): "If an authorization code is used more than once, the authorization server MUST
 * deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code."
 * REQ-PKCE-03 judges the MUST; this module the SHOULD after it.
 *
 * A revocation shows only where the kit can see a token's state, so before the code is presented again the kit
 * finds out where it can look, each with a positive control on the very token it will judge:
 *   - introspection (RFC 7662, the profile's introspection entry): the token introspects as active now;
 *   - the gateway, where the profile declares a revocation bound (limits.revocationSeconds; a gateway that validates
 *     self-contained JWTs cannot know of a revocation): the protected route serves the token now;
 *   - the refresh token, where the first redemption gave one: presenting it is the check itself.
 * Without any of them the requirement is not testable, with the reason; never passed.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { registeredAuthMethod, requestToken, tokenResponseOf } from '../oauth/token-client.ts';
import { describeIntrospection, introspect, introspectingClient } from '../oauth/introspection.ts';
import { MAX_REVOCATION_WAIT_SECONDS } from '../oauth/revocation.ts';
import { bearer, callGateway, isSuccess, statusOf } from '../gateway/gateway-client.ts';

const REQUIREMENT = 'REQ-AUTHZ-07';
const CLAUSE = 'RFC 6749 §4.1.2: the server SHOULD revoke (when possible) all tokens previously issued based on a code used more than once';

/** How long introspection may take to show the revocation: it is the server's own view, asked once a second. */
export const INTROSPECTION_GRACE_SECONDS = 3;

/** What the first redemption issued, and where the kit can see whether it is still valid. */
export interface ReuseWatch {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** The introspecting client was told the access token is active before the reuse. */
  readonly introspection: boolean;
  /** The gateway served the access token before the reuse, and the profile declares this bound. */
  readonly gatewayBoundSeconds?: number;
}

/**
 * Before the code is presented again: where the kit can see the first redemption's tokens, with the control of each.
 * Throws NotTestableError when it can see them nowhere.
 */
export async function watchFirstRedemption(world: CtkWorld, redemption: Exchange): Promise<ReuseWatch> {
  const issued = tokenResponseOf(redemption);
  if (!issued) throw new PrerequisiteBlocked('REQ-PKCE-01', `blocked: the code's first redemption gave no token (${describeOutcome(redemption)})`, 'fix what REQ-PKCE-01 reports');
  const why: string[] = [];

  let introspection = false;
  if (world.target.capabilities['token-introspection'] === true) {
    const client = introspectingClient(world.target);
    const answer = await introspect(world, issued.access_token, { client }, false);
    introspection = answer.response?.status === 200 && jsonOf(answer)?.active === true;
    if (!introspection) why.push(`${client.clientId}'s introspection of the fresh access token does not say active (${describeIntrospection(answer)}), so it cannot show a revocation`);
  } else {
    why.push('the target does not claim token introspection (RFC 7662)');
  }

  let gatewayBoundSeconds: number | undefined;
  const bound = world.target.limits.revocationSeconds;
  if (bound === undefined) {
    why.push('the profile declares no bound within which the gateway refuses a revoked token (limits.revocationSeconds; a gateway that validates self-contained JWTs cannot know of a revocation)');
  } else if (!world.target.gateway) {
    why.push('the profile names no gateway');
  } else if (bound > MAX_REVOCATION_WAIT_SECONDS) {
    why.push(`limits.revocationSeconds is ${bound} s, longer than the kit waits (${MAX_REVOCATION_WAIT_SECONDS} s)`);
  } else {
    const served = await callGateway(world, { route: 'protected', authorization: bearer(issued.access_token), keepAsLast: false });
    if (isSuccess(served)) gatewayBoundSeconds = bound;
    else why.push(`the protected route does not serve the fresh access token (${describeOutcome(served)}), so its refusal would prove nothing`);
  }

  const refreshToken = typeof issued.refresh_token === 'string' && issued.refresh_token !== '' ? issued.refresh_token : undefined;
  if (!refreshToken) why.push('the first redemption gave no refresh token');

  if (!introspection && gatewayBoundSeconds === undefined && !refreshToken) {
    throw new NotTestableError(`the kit cannot see whether the tokens of the code's first redemption are revoked: ${why.join('; ')}`, {
      remedy: 'describe the IdP\'s introspection endpoint in the target profile (introspection:), or declare limits.revocationSeconds for a gateway that learns of revocations',
    });
  }
  return { accessToken: issued.access_token, ...(refreshToken ? { refreshToken } : {}), introspection, ...(gatewayBoundSeconds !== undefined ? { gatewayBoundSeconds } : {}) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * After the code was presented again: the second redemption must have been refused (REQ-PKCE-03's finding
 * otherwise: this requirement is blocked on it), and each place the kit can look shows the first tokens revoked.
 */
export async function judgeReuseRevokes(world: CtkWorld, watch: ReuseWatch, second: Exchange): Promise<void> {
  if (tokenResponseOf(second)) {
    throw new PrerequisiteBlocked('REQ-PKCE-03', `blocked: the code presented a second time gave a token again (${describeOutcome(second)}), so it was not "used more than once" in the clause's sense`, 'fix what REQ-PKCE-03 reports');
  }
  const reusedAt = Date.now();

  if (watch.introspection) {
    const client = introspectingClient(world.target);
    let answer: Exchange;
    for (;;) {
      answer = await introspect(world, watch.accessToken, { client }, false);
      if (jsonOf(answer)?.active !== true || Date.now() - reusedAt >= INTROSPECTION_GRACE_SECONDS * 1000) break;
      await sleep(1000);
    }
    check(world, {
      requirement: REQUIREMENT,
      expected: `${client.clientId}'s introspection of the access token of the code's first redemption no longer says active within ${INTROSPECTION_GRACE_SECONDS} s of the code being presented again (it said active before; ${CLAUSE})`,
      observed: `${describeIntrospection(answer)} ${Math.round((Date.now() - reusedAt) / 100) / 10} s after the second presentation`,
    }, () => expect(jsonOf(answer)?.active, '"active" for the first redemption\'s access token').to.not.equal(true));
  }

  if (watch.gatewayBoundSeconds !== undefined) {
    const bound = watch.gatewayBoundSeconds;
    let last: Exchange;
    for (;;) {
      last = await callGateway(world, { route: 'protected', authorization: bearer(watch.accessToken), keepAsLast: false });
      if (statusOf(last) === 401 || (Date.now() - reusedAt) / 1000 > bound + 1) break;
      await sleep(1000);
    }
    check(world, {
      requirement: REQUIREMENT,
      expected: `the protected route refuses (401) the access token of the code's first redemption within ${bound} s (limits.revocationSeconds) of the code being presented again (it served the token before; ${CLAUSE})`,
      observed: `${describeOutcome(last)} ${Math.round((Date.now() - reusedAt) / 100) / 10} s after the second presentation`,
    }, () => expect(statusOf(last), 'status for the first redemption\'s access token').to.equal(401));
  }

  if (watch.refreshToken) {
    const web = world.target.clients.web!;
    const refreshed = await requestToken(world, web, {
      grantType: 'refresh_token',
      method: registeredAuthMethod(web),
      extraParams: { refresh_token: watch.refreshToken },
      // No scope: a scope the grant lacks would be refused for that reason (RFC 6749 §6), not for the revocation.
      scope: null,
      targetParameters: false,
      keepAsLast: false,
    });
    const expected = `the refresh token of the code's first redemption gets no token once the code was presented again (400 invalid_grant: RFC 6749 §5.2; ${CLAUSE})`;
    // No control is possible (presenting the refresh token before would rotate or spend it): a refusal counts only
    // as invalid_grant, the error of a revoked grant; another error says nothing about the revocation.
    const error = jsonOf(refreshed)?.error;
    if (!tokenResponseOf(refreshed) && error !== 'invalid_grant') {
      couldNotJudge(world, { requirement: REQUIREMENT, expected, why: `the refresh token was refused with another error than invalid_grant (${describeOutcome(refreshed)}), which does not say it was revoked` });
      return;
    }
    check(world, { requirement: REQUIREMENT, expected, observed: refreshed }, () => expect(tokenResponseOf(refreshed), 'a token issued for the refresh token').to.equal(undefined));
  }
}
