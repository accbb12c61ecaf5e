/**
 * REQ-AUTHZ-05 (RFC 6749 §4.1.3): a code is redeemable only by the client it was issued to. Another client of
 * the target presents the web front end's code with everything else right — the code_verifier and the
 * redirect_uri of the login — so that only the client differs.
 */
import type { CtkWorld } from '../world.ts';
import type { ClientCredentials } from '../target/target.ts';
import type { Exchange } from '../http/exchange.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { registeredAuthMethod, requestToken } from '../oauth/token-client.ts';
import type { HumanLogin } from '../browser/human-login.ts';
import { redemptionResource } from '../browser/code-redemption.ts';

/**
 * Another client than the web front end: one registered for authorization codes where the profile names one
 * (the confidential noClientCredentials client, or clients.publicWeb), else the system client.
 */
export function otherClient(world: CtkWorld): { readonly role: string; readonly client: ClientCredentials } {
  const { web, noClientCredentials, publicWeb, system } = world.target.clients;
  const candidates = [
    ['clients.noClientCredentials', noClientCredentials],
    ['clients.publicWeb', publicWeb],
    ['clients.system', system],
  ] as const;
  for (const [role, client] of candidates) if (client && client.clientId !== web?.clientId) return { role, client };
  throw new NotTestableError('the target profile names no client besides the web front end', { remedy: 'name another client (clients.system) in the target profile' });
}

export async function redeemWithOtherClient(world: CtkWorld, login: HumanLogin, code: string): Promise<{ readonly role: string; readonly exchange: Exchange }> {
  const { role, client } = otherClient(world);
  const exchange = await requestToken(world, client, {
    grantType: 'authorization_code',
    method: registeredAuthMethod(client),
    // Exactly the front end's redemption (its resource included), but for the client.
    extraParams: { code, redirect_uri: login.request.redirectUri, code_verifier: login.request.codeVerifier, ...redemptionResource(world) },
    targetParameters: false,
  });
  return { role, exchange };
}
