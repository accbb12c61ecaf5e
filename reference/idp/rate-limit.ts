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

/** Deliberate defects for the kit's self-test (reference/idp/faults.ts); both off in the correct reference. */
export interface RateLimitFaults {
  /** Fault global-rate-limit: every IP counts against one shared key (seed 001 limits per IP). */
  readonly oneCounterForEveryIp?: boolean;
  /** Fault rate-limit-never-resets: an IP stays refused this long after its first 429, whatever Retry-After said. */
  readonly holdLimitedMs?: number;
  /**
   * Variation sliding-window-rate-limit (reference/variations.ts): count the requests served in the last second
   * (SlidingWindow) instead of fixed windows. Conformant too: never more than the limit in any one second.
   */
  readonly slidingWindow?: boolean;
  /** Clock of the sliding window (tests). */
  readonly now?: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class TokenRateLimit {
  private readonly limit: number;
  private limiter: RateLimiterMemory;
  private sliding: SlidingWindow | undefined;
  private readonly faults: RateLimitFaults;
  /** Fault rate-limit-never-resets: when each limited IP is let through again. */
  private readonly heldUntil = new Map<string, number>();

  constructor(requestsPerSecond: number, faults: RateLimitFaults = {}) {
    this.limit = requestsPerSecond;
    this.faults = faults;
    this.limiter = this.createLimiter();
    this.sliding = faults.slidingWindow ? new SlidingWindow(requestsPerSecond, faults.now) : undefined;
  }

  private createLimiter(): RateLimiterMemory {
    return new RateLimiterMemory({ points: this.limit, duration: 1 });
  }

  async check(ip: string): Promise<RateDecision> {
    const held = this.heldUntil.get(ip);
    // Fault rate-limit-never-resets: still refused, and still told to retry after one second.
    if (held !== undefined && Date.now() < held) return { allowed: false, retryAfterSeconds: 1 };
    if (this.sliding) return this.sliding.check(this.faults.oneCounterForEveryIp ? 'every-ip' : ip);
    try {
      await this.limiter.consume(this.faults.oneCounterForEveryIp ? 'every-ip' : ip, 1);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      if (this.faults.holdLimitedMs) this.heldUntil.set(ip, Date.now() + this.faults.holdLimitedMs);
      // RFC 6585 §4 / RFC 9110 §10.2.3: Retry-After in whole seconds, at least 1 (the window is one second).
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }

  /** Admin reset: every IP starts with a fresh window. */
  reset(): void {
    this.limiter = this.createLimiter();
    this.sliding = this.sliding ? new SlidingWindow(this.limit, this.faults.now) : undefined;
    this.heldUntil.clear();
  }
}

/**
 * A sliding one-second window per IP: a request is served when fewer than `limit` requests of that IP were served
 * in the second before it. Refused requests do not count (a client that backs off is not punished further).
 */
export class SlidingWindow {
  private readonly limit: number;
  private readonly now: () => number;
  private readonly served = new Map<string, number[]>();

  constructor(limit: number, now: () => number = Date.now) {
    this.limit = limit;
    this.now = now;
  }

  check(ip: string): RateDecision {
    const now = this.now();
    const recent = (this.served.get(ip) ?? []).filter((at) => now - at < 1000);
    if (recent.length >= this.limit) {
      this.served.set(ip, recent);
      // The oldest served request leaves the window first; whole seconds, at least 1 (RFC 9110 §10.2.3).
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + 1000 - now) / 1000)) };
    }
    recent.push(now);
    this.served.set(ip, recent);
    return { allowed: true };
  }
}
