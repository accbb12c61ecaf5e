/**
 * A gateway that limits per client IP with express-rate-limit, configured as its readme's "Usage" shows, in front of
 * express-jwt:
 * - `rateLimit({ windowMs, limit, standardHeaders: 'draft-8', legacyHeaders: false, ipv6Subnet: 56 })` and
 *   `app.use(limiter)` ("Apply the rate limiting middleware to all requests"), with the readme's own window and limit
 *   replaced by this deployment's: 20 requests per 1000 ms;
 * - everything else is the library's default: the built-in MemoryStore ("The rate limiter comes with a built-in
 *   memory store"), the default keyGenerator ("defaults to IP address": `req.ip`; no `trust proxy`, so each 127.0.0.x
 *   the kit sends from is a client of its own), statusCode 429, the default message, and the Retry-After header the
 *   middleware sets on every refusal when standard or legacy headers are on (dist: `setRetryAfterHeader`, "By default,
 *   the number of seconds remaining until the window resets");
 * - express-jwt as in ../express-jwt/app.ts (README "Usage", "Error handling"; the scope check in the handler).
 * express-rate-limit has no IP block (its readme's option table has none): the profile does not claim one.
 */
import { rateLimit } from 'express-rate-limit';
import type { StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';
import { startExpressJwt } from '../express-jwt/app.ts';

/** What the profile claims (profile.yaml limits.gateway.requestsPerSecond): 20 requests per 1000 ms per IP. */
export const LIMITS = { windowMs: 1000, limit: 20 } as const;

export async function startExpressRateLimitGateway(options: { issuer: string; audience: string; jwksUri: string }): Promise<StartedGateway> {
  const limiter = rateLimit({
    windowMs: LIMITS.windowMs,
    limit: LIMITS.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ipv6Subnet: 56,
  });
  // The same express-jwt app as ../express-jwt, the limiter in front of every route.
  return startExpressJwt({ ...options, before: (app) => app.use(limiter) });
}
