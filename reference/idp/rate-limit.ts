/**
 * Token-endpoint rate limit per client IP (seed 001: "Up to 50 requests per second from the same IP are
 * allowed, further requests will be rejected with a 429 response code").
 *
 * Window semantics (rate-limiter-flexible's RateLimiterMemory with duration 1): a FIXED one-second window per
 * IP that opens with that IP's first request; within it the first `limit` requests pass and the rest get 429
 * until the window closes; the next request opens a new window. So a burst of `limit` requests always passes,
 * `limit + n` in one window gives n refusals, and a burst that straddles two windows can pass up to 2 x limit
 * in slightly more than a second (the usual fixed-window edge; the seed's wording does not pin the window).
 * The IP is the TCP peer (socket remoteAddress): the kit sends from distinct 127.0.0.x source addresses so that
 * one IP's burst does not disturb another's.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class TokenRateLimit {
  private readonly limit: number;
  private limiter: RateLimiterMemory;

  constructor(requestsPerSecond: number) {
    this.limit = requestsPerSecond;
    this.limiter = this.createLimiter();
  }

  private createLimiter(): RateLimiterMemory {
    return new RateLimiterMemory({ points: this.limit, duration: 1 });
  }

  async check(ip: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(ip, 1);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // RFC 6585 §4 / RFC 9110 §10.2.3: Retry-After in whole seconds, at least 1 (the window is one second).
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }

  /** Admin reset: every IP starts with a fresh window. */
  reset(): void {
    this.limiter = this.createLimiter();
  }
}
