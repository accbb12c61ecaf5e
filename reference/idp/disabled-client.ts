/**
 * Issue 19, REQ-CAUTH-11: the client its operator disabled (fixtures clients.disabled) stays registered, with its
 * secret, and gets no token: oidc-provider does not find it, so every request in its name is invalid_client (RFC 6749
 * §5.2), whichever way it authenticates. Fault disabled-client-gets-token: the switch is ignored.
 */
import type Provider from 'oidc-provider';
import type { ClientRegistry } from './clients.ts';
import type { IdpFaults } from './faults.ts';

export function refuseDisabledClients(provider: Provider, clients: ClientRegistry, faults: IdpFaults): void {
  if (faults.has('disabled-client-gets-token')) return;
  const Client = provider.Client as unknown as { find: (id: string, ...rest: unknown[]) => Promise<unknown> };
  const find = Client.find.bind(Client);
  Client.find = async (id: string, ...rest: unknown[]) => (clients.isDisabled(id) ? undefined : find(id, ...rest));
}
