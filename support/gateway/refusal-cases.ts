/**
 * Requests the gateway must refuse, by the phrases the features use ("a random string as bearer token on the
 * protected route"): one table, so every challenge check (401 carries one, it is well-formed) runs over the same
 * causes of refusal.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { bearer, callGateway, routeOf } from './gateway-client.ts';
import { NO_BEARER_CREDENTIALS, UnknownCredentialKindError, invalidToken, malformedAuthorization } from './bad-credentials.ts';

/**
 * Why a case cannot be sent to this target, with the remedy: a client the profile does not describe (not testable),
 * or a route the deployment does not have (`notApplicable`: every 401 of a route that does not exist is no gap).
 */
export interface CaseNotTestable {
  readonly notTestable: string;
  readonly remedy: string;
  readonly notApplicable?: true;
}

type Sender = (world: CtkWorld) => Promise<Exchange | CaseNotTestable>;

const NO_READ_ONLY: CaseNotTestable = { notTestable: 'the target profile describes no read-only client', remedy: 'add clients.readOnly to the target profile' };
const noRoute = (route: string): CaseNotTestable => ({ notTestable: `the target profile describes no ${route} route`, remedy: `describe it in gateway.routes of the target profile, if the deployment has one`, notApplicable: true });

/** A GET to one of the other routes the profile describes (RFC 9110 §15.5.2: every 401, whatever the route, carries a challenge). */
const onRoute = (route: 'identity echo' | 'customer data' | 'public', authorization: (world: CtkWorld) => Promise<string | undefined>): Sender => async (world) => {
  const customerId = world.target.users[0]?.customerId ?? 'ctk-no-such-customer';
  if (routeOf(world.target, route, customerId) === undefined) return noRoute(route);
  const value = await authorization(world);
  return callGateway(world, { route, customerId, ...(value === undefined ? {} : { authorization: value }) });
};

const onProtected = (authorization: () => Promise<string | readonly string[] | undefined>): Sender => async (world) =>
  callGateway(world, { route: 'protected', ...(await authorizationOf(authorization)) });

async function authorizationOf(make: () => Promise<string | readonly string[] | undefined>) {
  const value = await make();
  return value === undefined ? {} : { authorization: value };
}

export const REFUSAL_CASES: Readonly<Record<string, Sender>> = {
  'no credentials on the protected route': onProtected(async () => NO_BEARER_CREDENTIALS['no Authorization header']),
  'HTTP Basic credentials on the protected route': onProtected(async () => NO_BEARER_CREDENTIALS['an HTTP Basic Authorization header']),
  'a random string as bearer token on the protected route': async (world) =>
    callGateway(world, { route: 'protected', authorization: bearer(await invalidToken(world, 'a random string')) }),
  'a JWT with a tampered signature on the protected route': async (world) =>
    callGateway(world, { route: 'protected', authorization: bearer(await invalidToken(world, 'a JWT with a tampered signature')) }),
  'the scheme without a token on the protected route': onProtected(async () => malformedAuthorization('the scheme without a token')),
  'a token of the read-only client on the scoped route': async (world) => {
    const readOnly = world.target.clients.readOnly;
    if (!readOnly) return NO_READ_ONLY;
    return callGateway(world, { route: 'scoped', authorization: bearer(await accessTokenFor(world, readOnly)) });
  },
  'no credentials on the identity echo route': onRoute('identity echo', async () => undefined),
  'a random string as bearer token on the identity echo route': onRoute('identity echo', async (world) => bearer(await invalidToken(world, 'a random string'))),
  'no credentials on the customer data route': onRoute('customer data', async () => undefined),
  'a random string as bearer token on the public route': onRoute('public', async (world) => bearer(await invalidToken(world, 'a random string'))),
};

export async function sendRefusalCase(world: CtkWorld, phrase: string): Promise<Exchange | CaseNotTestable> {
  const sender = REFUSAL_CASES[phrase];
  if (!sender) throw new UnknownCredentialKindError(phrase, Object.keys(REFUSAL_CASES));
  return sender(world);
}
