/**
 * REQ-CAUTH-11 (issue 19): a client the target has disabled gets no new token. The kit cannot disable a client on a
 * real target, so the profile names one (clients.disabled: its id and the secret it had). The control: the system
 * client, with the same authentication method and the same request shape, gets a token first, so a refusal of the
 * disabled client is about that client, not about the request.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { check } from '../verdict/check.ts';
import { registeredAuthMethod, requestToken, tokenResponseOf, TokenUnavailableError } from './token-client.ts';
import { describeAuth } from './clients.ts';
import { failureAddress, isNotTestable, rememberSituation, type NotTestable } from './token-requests.ts';
import { issuedAToken } from './token-errors.ts';

export const DISABLED_CLIENT_REQUIREMENT = 'REQ-CAUTH-11';

/** The profile's disabled client, or why there is none. */
export function disabledClient(world: CtkWorld): ClientCredentials | NotTestable {
  return (
    world.target.clients.disabled ?? {
      notTestable: 'the target profile names no disabled client',
      remedy: 'disable a test client at the IdP and name it in the target profile (clients.disabled: clientId, clientSecret: ${VAR} with the secret it had, scopes); README "A disabled client"',
    }
  );
}

/** After the control (the system client gets a token the same way): the disabled client's token request, from a failure address. */
export async function requestAsDisabledClient(world: CtkWorld, client: ClientCredentials): Promise<Exchange | NotTestable> {
  const method = registeredAuthMethod(client);
  const system = world.target.clients.system;
  const control = await requestToken(world, system, { method, keepAsLast: false });
  if (!tokenResponseOf(control)) throw new TokenUnavailableError(system.clientId, control);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  rememberSituation(world, `a client_credentials request of the disabled client ${client.clientId} with the secret it had, ${describeAuth(method)} (the same request of ${system.clientId} got a token)`);
  return requestToken(world, client, { method, ...address });
}

/** REQ-CAUTH-11: an error answer (4xx) and no access token. The error code is recorded, not graded. */
export function judgeDisabledClientRefused(world: CtkWorld, exchange: Exchange, situation: string): void {
  const status = exchange.response?.status;
  const error = jsonOf(exchange)?.error;
  const observed = `${describeOutcome(exchange)}${issuedAToken(exchange) ? ' with an access_token' : ''}${typeof error === 'string' ? ` (error ${error})` : ''}`;
  check(
    world,
    {
      requirement: DISABLED_CLIENT_REQUIREMENT,
      expected: `an error answer (4xx, e.g. 401 invalid_client, RFC 6749 §5.2) and no access token for ${situation}: the profile says this client is disabled`,
      observed,
    },
    () => {
      expect(issuedAToken(exchange), 'an access token was issued to a client the profile says is disabled').to.equal(false);
      expect(status, 'HTTP status of the refusal (RFC 6749 §5.2: 400, or 401 for invalid_client)').to.be.a('number').within(400, 499);
    },
  );
}
