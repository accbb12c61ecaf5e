/**
 * A tiny component behind express-jwt + jwks-rsa, as their documentation puts them together:
 * - express-jwt README "Usage" / "Required Parameters" / "Additional Options": `expressjwt({ secret, algorithms,
 *   audience, issuer })` in front of the routes it protects; the decoded token on `req.auth`;
 * - jwks-rsa EXAMPLES.md "Integrations" (express/express-jwt) and "Configuration": `expressJwtSecret({ cache:
 *   true, rateLimit: true, jwksRequestsPerMinute, jwksUri })` as the `secret`;
 * - express-jwt README "Usage": a claim the route needs is checked in the handler, refused with
 *   `res.sendStatus(401)` (the README's `if (!req.auth.admin) return res.sendStatus(401);`);
 * - express-jwt README "Error handling": the error handler it documents, verbatim — 401 "invalid token...".
 */
import express from 'express';
import { expressjwt, type Request as JWTRequest } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { listen, ROUTES, type StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';

/** `before`: middleware another product puts in front of every route (a rate limiter), installed first. */
export async function startExpressJwt(options: { issuer: string; audience: string; jwksUri: string; before?: (app: express.Express) => void }): Promise<StartedGateway> {
  const app = express();
  options.before?.(app);
  const checkJwt = expressjwt({
    secret: jwksRsa.expressJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 10, jwksUri: options.jwksUri }),
    audience: options.audience,
    issuer: options.issuer,
    algorithms: ['RS256'],
  });
  app.get(ROUTES.public, (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get(ROUTES.protected, checkJwt, (_req, res) => {
    res.json({ items: [] });
  });
  app.post(ROUTES.scoped, checkJwt, (req: JWTRequest, res) => {
    const scopes = String(req.auth?.scope ?? '').split(' ');
    if (!scopes.includes(ROUTES.scope)) return res.sendStatus(401);
    res.status(201).json({ created: true });
  });
  app.use((err: Error, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.name === 'UnauthorizedError') {
      res.status(401).send('invalid token...');
    } else {
      next(err);
    }
  });
  return listen(app);
}
