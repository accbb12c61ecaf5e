/**
 * Anonymous fallback (seed 004): calls made with no credentials or with failed ones, and the failed logins whose
 * result must be no more than anonymous. Failed logins are sent from a client IP of the scenario's own (when the
 * target lists any), so they never add to the failed-login count of the address the rest of the run uses.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { requestToken, tokenResponseOf, wrongSecret } from '../oauth/token-client.ts';
import { bearer, callGateway, type GatewayRouteName } from '../gateway/gateway-client.ts';
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
  const token = tokenResponseOf(login)?.access_token;
  if (!token) return { login };
  // Seed 004's DataONE returns an "anonymous" auth_token on failure: whatever came back must open nothing protected.
  const protectedAnswer = await callGateway(world, { route: 'protected', authorization: bearer(token) });
  return { login, token, protectedAnswer };
}
