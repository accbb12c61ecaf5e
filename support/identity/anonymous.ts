/**
 * Anonymous fallback (seed 004): calls made with no credentials or with failed ones, and the failed logins whose
 * result must be no more than anonymous. Failed logins are sent from a client IP of the scenario's own (when the
 * target lists any), so they never add to the failed-login count of the address the rest of the run uses.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { requestToken, tokenResponseOf, wrongSecret } from '../oauth/token-client.ts';
import { issuedAToken } from '../oauth/token-errors.ts';
import { refusalUnderControl } from '../oauth/refusal-control.ts';
import { wrongSecretServed } from '../oauth/unchecked-credentials.ts';
import { bearer, callGateway, isSuccess, type GatewayRouteName } from '../gateway/gateway-client.ts';
import { underControl } from '../gateway/positive-control.ts';
import { check } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { failedCredential } from '../gateway/bad-credentials.ts';
import { freshAddresses } from '../load/source-addresses.ts';
import { passwordLogin } from './human-login.ts';

/** The Authorization header(s) of "<credential>": "no credentials", an invalid token kind, or a malformed header kind. */
export async function anonymousAuthorization(world: CtkWorld, credential: string): Promise<{ authorization?: string | readonly string[] }> {
  if (credential === 'no credentials') return {};
  return { authorization: await failedCredential(world, credential) };
}

export async function callAsAnonymous(world: CtkWorld, route: GatewayRouteName, credential: string): Promise<Exchange | 'no such route'> {
  const customerId = world.target.users[0]?.customerId;
  if (route === 'customer data' && (!world.target.gateway?.routes.customerData || customerId === undefined)) return 'no such route';
  if (route === 'identity echo' && !world.target.gateway?.routes.identityEcho) return 'no such route';
  return callGateway(world, { route, ...(customerId !== undefined ? { customerId } : {}), ...(await anonymousAuthorization(world, credential)) });
}

export interface FailedLogin {
  /** The token endpoint's answer to the failed login. */
  readonly login: Exchange;
  /** A token the failed login nevertheless returned (seed 004's "auth_token"), if any. */
  readonly token?: string;
  /** What that token opened: the protected route's answer. */
  readonly protectedAnswer?: Exchange;
  /** Which login failed: its positive control is the same login with the right credential. */
  readonly kind: FailedLoginKind;
}

export type FailedLoginKind = 'the system client with a wrong secret' | 'the first test customer with a wrong password';

export async function failLogin(world: CtkWorld, kind: string): Promise<FailedLogin | { reason: string; remedy: string }> {
  const fresh = freshAddresses(world.target, 1);
  const sourceAddress = 'addresses' in fresh ? fresh.addresses[0] : undefined;
  const wrong = wrongSecret();
  let login: Exchange;
  if (kind === 'the system client with a wrong secret') {
    login = await requestToken(world, world.target.clients.system, { secret: wrong, ...(sourceAddress ? { sourceAddress } : {}) });
  } else if (kind === 'the first test customer with a wrong password') {
    const user = world.target.users[0];
    if (!user || !world.target.clients.web) return { reason: 'the target profile describes no test user or no web client', remedy: 'add users[] and clients.web to the target profile' };
    login = await passwordLogin(world, user, { password: wrong, keepAsLast: true, ...(sourceAddress ? { sourceAddress } : {}) });
  } else {
    throw new Error(`unknown failed login "${kind}" in the feature file`);
  }
  const loggedIn = kind as FailedLoginKind; // one of the two: anything else threw above
  const token = tokenResponseOf(login)?.access_token;
  if (!token) return { login, kind: loggedIn };
  // Seed 004's DataONE returns an "anonymous" auth_token on failure: whatever came back must open nothing protected.
  const protectedAnswer = await callGateway(world, { route: 'protected', authorization: bearer(token) });
  return { login, token, protectedAnswer, kind: loggedIn };
}

/**
 * REQ-ANON-05 (seed 004): a failed login yields no token, or one that opens nothing protected. Both outcomes are
 * also what a target gives that logs nobody in this way (a token endpoint that refuses everything), or a protected
 * route that serves nobody. So each is judged after its positive control, in the same scenario: no token, where the
 * same login with the right secret or password gets one; a refused token, where the protected route serves a valid
 * token. Otherwise the failed login proves nothing: not testable, with what the control got. A target that does not
 * offer the password grant to its web client (every IdP that logs humans in through a login page only: RFC 6749
 * §4.3 is optional, and OAuth 2.1 drops it) has no password login to fail: the customer row does not apply there, and
 * the system client's row judges the requirement. Returns 'skipped' (the step's result) for that row.
 */
export async function judgeFailedLoginAnonymous(world: CtkWorld, requirement: string, failed: FailedLogin): Promise<'skipped' | undefined> {
  const expected = 'no access token after a failed login (RFC 6749 §5.2 error), or a token that the gateway treats as anonymous: no protected resource';
  // A wrong secret that got a genuine token is no failed login: REQ-CAUTH-03/-04's finding (fault accept-wrong-secret).
  if (failed.kind === 'the system client with a wrong secret' && failed.protectedAnswer && isSuccess(failed.protectedAnswer) && wrongSecretServed(world, failed.login, { requirement, expected })) return undefined;
  if (!failed.token) {
    const noPasswordGrant = await loginUnderControl(world, failed);
    if (noPasswordGrant) return world.notApplicable([requirement], noPasswordGrant);
  } else if (failed.protectedAnswer && !isSuccess(failed.protectedAnswer) && !(await underControl(world, 'protected', [requirement], expected))) return undefined;
  check(world, {
    requirement,
    expected,
    observed: failed.protectedAnswer
      ? `the failed login returned a token (${describeOutcome(failed.login)}); with it the protected route answered ${describeOutcome(failed.protectedAnswer)}`
      : `the failed login returned no token: ${describeOutcome(failed.login)}`,
  }, () => expect(failed.protectedAnswer !== undefined && isSuccess(failed.protectedAnswer), 'the failed login opened a protected resource').to.equal(false));
  return undefined;
}

/** The error codes of a token endpoint that does not let this client use the password grant (RFC 6749 §5.2). */
const PASSWORD_GRANT_NOT_OFFERED = ['unsupported_grant_type', 'unauthorized_client'];

/**
 * Returns undefined where the same login with the right credential gets a token; the reason the customer row does not
 * apply where the token endpoint says it does not offer the password grant; throws not testable (or blocked) otherwise.
 */
async function loginUnderControl(world: CtkWorld, failed: FailedLogin): Promise<string | undefined> {
  if (failed.kind === 'the system client with a wrong secret') {
    await refusalUnderControl(world, failed.login, 'the system client\'s token request with a wrong secret');
    return undefined;
  }
  const user = world.target.users[0]!;
  const control = await passwordLogin(world, user);
  if (issuedAToken(control)) {
    world.log(`positive control: the password login of ${user.username} with the right password got a token, so the refused wrong password is about the password`);
    return undefined;
  }
  const error = jsonOf(control)?.error;
  if (typeof error === 'string' && PASSWORD_GRANT_NOT_OFFERED.includes(error) && control.response!.status === 400) {
    return `the target does not log customers in with a password sent to the token endpoint: the password login of ${user.username} with the right password is refused too (${describeOutcome(control)}), so there is no such login to fail; the system client's row judges the requirement`;
  }
  throw new NotTestableError(
    `the password login of ${user.username} with the right password gets no token either (${describeOutcome(control)}), so the refused wrong password (${describeOutcome(failed.login)}) proves nothing about seed 004's failed login`,
    { remedy: 'check users[].password and clients.web in the target profile; the customer row is judged where the right password gets a token (grant_type=password, RFC 6749 §4.3)' },
  );
}
