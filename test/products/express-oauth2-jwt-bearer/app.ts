/**
 * A tiny component behind Auth0's express-oauth2-jwt-bearer, as its README's "Getting started" configures it:
 * `auth({ issuerBaseURL, audience })` on every protected route (the issuer's discovery document gives the
 * JWKS), `requiredScopes(...)` on the route that needs a scope, and Express's default error handler, which the
 * README's "Error Handling" says sets the status and the `WWW-Authenticate` header from the error.
 */
import express from 'express';
import { createServer, type RequestListener, type Server } from 'node:http';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';

export interface StartedGateway {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export const ROUTES = { public: '/api/health', protected: '/api/items', scoped: '/api/items', scope: 'items:write' } as const;

/**
 * `jwksUri` and `cacheMaxAge`: the documented options (JwtVerifierOptions) that point a second instance at the kit's
 * JWKS relay and bound how long it keeps a fetched key set (issue 20, REQ-JWKS-01..04).
 */
export async function startExpressOauth2JwtBearer(options: { issuer: string; audience: string; jwksUri?: string; cacheMaxAge?: number }): Promise<StartedGateway> {
  const app = express();
  const checkJwt = auth({
    issuerBaseURL: options.issuer,
    audience: options.audience,
    ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
    ...(options.cacheMaxAge !== undefined ? { cacheMaxAge: options.cacheMaxAge } : {}),
  });
  app.get(ROUTES.public, (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get(ROUTES.protected, checkJwt, (_req, res) => {
    res.json({ items: [] });
  });
  app.post(ROUTES.scoped, checkJwt, requiredScopes(ROUTES.scope), (_req, res) => {
    res.status(201).json({ created: true });
  });
  return listen(app);
}

/** Listens on 127.0.0.1 and an ephemeral port, as a deployed Express app: `env` production (no stack traces in bodies). */
export async function listen(app: express.Express): Promise<StartedGateway> {
  app.set('env', 'production');
  return serveOnLoopback(app);
}

/** Any Node request handler (an Express app, Koa's app.callback()) on 127.0.0.1 and an ephemeral port. */
export async function serveOnLoopback(handler: RequestListener): Promise<StartedGateway> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
