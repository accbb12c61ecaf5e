/**
 * Corrections to oidc-provider's token endpoint answers where RFC 6749 reads stricter than its defaults, as one
 * Koa middleware around the token route (provider.use). It runs after oidc-provider produced its answer and
 * before the answer is sent, so it also reports every outcome (audit, failed-login counting) in time: the kit's
 * next request already sees the effect.
 */
import type { OidcContext } from 'oidc-provider';
import type { ProviderState } from './provider.ts';

export function tokenEndpointCorrections(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.path !== '/token') return next();

    if (faults.has('server-error-on-json-body') && /json/i.test(ctx.get('content-type'))) {
      ctx.status = 500;
      ctx.body = 'Internal Server Error';
      return;
    }

    await next();
    const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : undefined;
    const params = ctx.oidc?.params as Record<string, unknown> | undefined;

    // RFC 6749 §5.2: "no client authentication included" is invalid_client (oidc-provider says invalid_request).
    if (body?.error === 'invalid_request' && params && !ctx.headers.authorization && !params.client_id && !params.client_secret) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication is required' };
    }

    // RFC 6749 §5.2: an authenticated client using a grant it is not registered for is unauthorized_client
    // (oidc-provider says invalid_request).
    const client = ctx.oidc?.client;
    const grantType = params?.grant_type;
    if (body?.error === 'invalid_request' && client && typeof grantType === 'string' && !client.grantTypeAllowed(grantType)) {
      ctx.status = 400;
      ctx.body = { error: 'unauthorized_client', error_description: `this client is not allowed the ${grantType} grant` };
    }

    if (ctx.status === 401) {
      if (faults.has('wrong-status-invalid-client')) {
        ctx.status = 400;
        ctx.res.removeHeader('www-authenticate');
      } else if (!ctx.res.hasHeader('www-authenticate')) {
        // RFC 7235 §3.1: a 401 carries a challenge; RFC 6749 §5.2: the scheme the client can use is Basic.
        ctx.set('WWW-Authenticate', `Basic realm="${state.issuer}"`);
      }
    }

    // RFC 6749 §5.1: no caching of token endpoint answers (REQ-TOK-05, REQ-TOK-06).
    if (faults.has('omit-no-store')) ctx.res.removeHeader('cache-control');
    else ctx.set('Cache-Control', 'no-store');
    if (!faults.has('omit-pragma')) ctx.set('Pragma', 'no-cache');

    state.onTokenOutcome(ctx);

    if (faults.has('plain-text-errors') && ctx.status >= 400) {
      const error = (ctx.body as Record<string, unknown> | undefined)?.error;
      ctx.body = `error: ${String(error)}`;
      ctx.set('Content-Type', 'text/plain; charset=utf-8');
    }
  };
}
