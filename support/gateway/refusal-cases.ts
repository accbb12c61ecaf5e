/**
 * Requests the gateway must refuse, by the phrases the features use ("a random string as bearer token on the
 * protected route"): one table, so every challenge check (401 carries one, it is well-formed) runs over the same
 * causes of refusal.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { bearer, callGateway } from './gateway-client.ts';
import { NO_BEARER_CREDENTIALS, UnknownCredentialKindError, invalidToken, malformedAuthorization } from './bad-credentials.ts';

type Sender = (world: CtkWorld) => Promise<Exchange | 'not testable'>;

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
    if (!readOnly) return 'not testable';
    return callGateway(world, { route: 'scoped', authorization: bearer(await accessTokenFor(world, readOnly)) });
  },
};

export async function sendRefusalCase(world: CtkWorld, phrase: string): Promise<Exchange | 'not testable'> {
  const sender = REFUSAL_CASES[phrase];
  if (!sender) throw new UnknownCredentialKindError(phrase, Object.keys(REFUSAL_CASES));
  return sender(world);
}
