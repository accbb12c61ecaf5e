/**
 * A gateway that limits per client IP, built the way rate-limiter-flexible documents it, in front of express-jwt:
 * - the rate limit: README "Usage" — `new RateLimiterMemory({ points, duration })`, `consume(remoteAddress)`, a
 *   rejection when there are not enough points — with the headers of the README's "RateLimiterRes object" section,
 *   verbatim (`"Retry-After": rateLimiterRes.msBeforeNext / 1000`, ...), on a 429 (the README's Express middleware
 *   link answers 429 "Too Many Requests");
 * - the IP block after invalid tokens: the README's "Login endpoint protection" pattern (wiki, linked from the
 *   README): `get(key)` first and refuse while `consumedPoints > points`, `consume(key)` on each failure (here:
 *   express-jwt's UnauthorizedError), `delete(key)` on success; `blockDuration` blocks the key once it consumed more
 *   than its points;
 * - express-jwt as in ../express-jwt/app.ts (README "Usage", "Error handling").
 * The key is `req.ip`: Express's remote address (no `trust proxy`), so each 127.0.0.x the kit sends from is a client.
 */
import express from 'express';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { listen, ROUTES, type StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';

/** What the profile claims (profile.yaml limits.gateway): 20 per second; blocked from the 5th invalid token, for 3 s. */
export const LIMITS = { requestsPerSecond: 20, maxConsecutiveInvalidTokens: 4, blockSeconds: 3 } as const;

export async function startRateLimitedGateway(options: { issuer: string; audience: string; jwksUri: string }): Promise<StartedGateway> {
  const opts = { points: LIMITS.requestsPerSecond, duration: 1 };
  const rateLimiter = new RateLimiterMemory(opts);
  const invalidTokensByIp = new RateLimiterMemory({ keyPrefix: 'invalid_token_ip', points: LIMITS.maxConsecutiveInvalidTokens, duration: 60 * 60, blockDuration: LIMITS.blockSeconds });
  const ip = (req: express.Request): string => req.ip ?? 'unknown';

  const app = express();
  app.use(async (req, res, next) => {
    const blocked = await invalidTokensByIp.get(ip(req));
    if (blocked !== null && blocked.consumedPoints > LIMITS.maxConsecutiveInvalidTokens) {
      res.set('Retry-After', String(Math.round(blocked.msBeforeNext / 1000) || 1));
      res.status(429).send('Too Many Requests');
      return;
    }
    try {
      await rateLimiter.consume(ip(req));
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      const headers = {
        'Retry-After': rejection.msBeforeNext / 1000,
        'X-RateLimit-Limit': opts.points,
        'X-RateLimit-Remaining': rejection.remainingPoints,
        'X-RateLimit-Reset': Math.ceil((Date.now() + rejection.msBeforeNext) / 1000),
      };
      res.set(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])));
      res.status(429).send('Too Many Requests');
    }
  });
  const checkJwt = expressjwt({
    secret: jwksRsa.expressJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 10, jwksUri: options.jwksUri }),
    audience: options.audience,
    issuer: options.issuer,
    algorithms: ['RS256'],
  });
  const served = (req: express.Request, _res: express.Response, next: express.NextFunction) => {
    void invalidTokensByIp.delete(ip(req)).then(() => next(), next);
  };
  app.get(ROUTES.public, (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get(ROUTES.protected, checkJwt, served, (_req, res) => {
    res.json({ items: [] });
  });
  app.use((err: Error, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.name !== 'UnauthorizedError') return next(err);
    // A failed token counts towards the block (a rejection here only means the key is blocked now).
    invalidTokensByIp.consume(ip(req)).catch(() => undefined).finally(() => res.status(401).send('invalid token...'));
  });
  return listen(app);
}
