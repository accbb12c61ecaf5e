/**
 * A tiny component behind koa-jwt + jwks-rsa, as koa-jwt's README puts them together:
 * - "Example": a first middleware with the README's "Custom 401 handling" (401 and the body "Protected resource,
 *   use Authorization header to get access"), then the unprotected route, then `app.use(jwt(...))`, then the
 *   protected middleware (routes matched on ctx.path, as the example does);
 * - "Token Verification Exceptions": `jwt({ secret: koaJwtSecret({ jwksUri, cache: true, cacheMaxEntries: 5,
 *   cacheMaxAge: 10 h }), audience, issuer })` for a JWKS provider;
 * - koa-jwt has no scope helper: the scoped route refuses a token without the scope with `ctx.throw(403)`,
 *   Koa's way to refuse.
 */
import Koa from 'koa';
import jwt from 'koa-jwt';
import { koaJwtSecret } from 'jwks-rsa';
import { ROUTES, serveOnLoopback, type StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';

export async function startKoaJwt(options: { issuer: string; audience: string; jwksUri: string }): Promise<StartedGateway> {
  const app = new Koa();
  app.use((ctx, next) =>
    next().catch((err: { status?: number }) => {
      if (401 == err.status) {
        ctx.status = 401;
        ctx.body = 'Protected resource, use Authorization header to get access\n';
      } else {
        throw err;
      }
    }),
  );
  app.use((ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === ROUTES.public) {
      ctx.body = { status: 'up' };
      return undefined;
    }
    return next();
  });
  app.use(
    jwt({
      secret: koaJwtSecret({ jwksUri: options.jwksUri, cache: true, cacheMaxEntries: 5, cacheMaxAge: 10 * 60 * 60 * 1000 }),
      audience: options.audience,
      issuer: options.issuer,
    }),
  );
  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === ROUTES.protected) {
      ctx.body = { items: [] };
    } else if (ctx.method === 'POST' && ctx.path === ROUTES.scoped) {
      const scopes = String((ctx.state.user as { scope?: string } | undefined)?.scope ?? '').split(' ');
      if (!scopes.includes(ROUTES.scope)) ctx.throw(403);
      ctx.status = 201;
      ctx.body = { created: true };
    }
  });
  return serveOnLoopback(app.callback());
}
