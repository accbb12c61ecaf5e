/**
 * Issue 19, REQ-CAUTH-11: the client its operator disabled (fixtures clients.disabled) stays registered, with its
 * secret, and gets no token: oidc-provider does not find it, so every request in its name is invalid_client (RFC 6749
 * §5.2), whichever way it authenticates. Fault disabled-client-gets-token: the switch is ignored. Variation
 * disabled-client-unauthorized-client: the client is authenticated first and refused with unauthorized_client, as
 * IdPs that tell "disabled" from "unknown" do.
 */
import type Provider from 'oidc-provider';
import type { OidcContext } from 'oidc-provider';
import type { ClientRegistry } from './clients.ts';
import type { IdpFaults } from './faults.ts';

export function refuseDisabledClients(provider: Provider, clients: ClientRegistry, faults: IdpFaults): void {
  if (faults.has('disabled-client-gets-token')) return;
  if (faults.has('disabled-client-unauthorized-client')) {
    provider.use(async (ctx: OidcContext, next: () => Promise<void>) => {
      await next();
      const body = ctx.body as Record<string, unknown> | undefined;
      // Only once oidc-provider authenticated the client (a token is about to go out): a wrong secret stays invalid_client.
      if (ctx.path === '/token' && typeof body?.access_token === 'string' && clients.isDisabled(ctx.oidc?.client?.clientId)) {
        ctx.status = 400;
        ctx.body = { error: 'unauthorized_client', error_description: 'the client is disabled' };
      }
    });
    return;
  }
  const Client = provider.Client as unknown as { find: (id: string, ...rest: unknown[]) => Promise<unknown> };
  const find = Client.find.bind(Client);
  Client.find = async (id: string, ...rest: unknown[]) => (clients.isDisabled(id) ? undefined : find(id, ...rest));
}
