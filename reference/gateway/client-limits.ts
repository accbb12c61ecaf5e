/**
 * Per-client-IP limits of the reference gateway (issue 16: gateway rate limit and IP block as the deployment's own
 * claims, REQ-GRL-*), switched on by the conformant variation gateway-rate-limit (reference/gateway/variations.ts)
 * or by a fault that needs it. Off, the gateway limits nothing and the reference does not claim either capability.
 *
 *   rate limit  at most limits.gateway.requestsPerSecond requests per IP in a fixed one-second window (the same
 *               limiter as the IdP's token endpoint, reference/idp/rate-limit.ts; Kong's rate-limiting plugin with
 *               `second: N, limit_by: ip` behaves the same way), then 429 with Retry-After (RFC 6585 §4);
 *   IP block    limits.gateway.ipBlock.failedAttempts consecutive requests with tokens that fail validation (401
 *               invalid_token) block the IP for blockSeconds (reference/idp/ip-block.ts's rules: a served valid
 *               token resets the count); a blocked IP gets 403 on every route, as HAProxy's `deny` or Kong's
 *               ip-restriction answer.
 *
 * 127.0.0.1 is allow-listed, as operators allow-list a monitoring host (nginx geo/map, HAProxy ACLs, mod_qos
 * exemptions): it is the address every ordinary scenario of the kit sends from — many of them deliberately with
 * invalid tokens, and quickly — so counting it would make the every-variation run trip over its own traffic. The
 * kit judges the claims only from the other client IPs it sends from (sourceAddresses, 127.0.0.2 and up).
 */
import { TokenRateLimit, type RateDecision } from '../idp/rate-limit.ts';
import { IpBlocker } from '../idp/ip-block.ts';
import type { GatewayLimits } from '../../support/target/target.ts';

/** Addresses the limits never count (see above). */
export const ALLOW_LISTED = new Set(['127.0.0.1', '::ffff:127.0.0.1', '::1']);

export type ClientDecision = { readonly kind: 'pass' } | { readonly kind: 'blocked' } | { readonly kind: 'limited'; readonly retryAfterSeconds: number };

/** The faults of these limits (reference/gateway/faults.ts), as switches. */
export interface ClientLimitFaults {
  /** gateway-rate-limit-not-enforced: claimed, never enforced. */
  readonly noRateLimit?: boolean;
  /**
   * The limit enforced, as a multiple of the stated one: 0.25 (gateway-rate-limit-below-stated), 1.6
   * (gateway-rate-limit-higher-than-claimed: within the 2N REQ-GRL-02 tolerates), 2.5 (gateway-rate-limit-above-stated).
   */
  readonly limitFactor?: number;
  /** gateway-429-never-lifted: an IP stays limited 20 s from its first 429, whatever Retry-After said. */
  readonly holdLimitedMs?: number;
  /** gateway-rate-limit-one-counter: every IP counts against one shared counter. */
  readonly oneCounterForEveryIp?: boolean;
  /** gateway-ip-block-not-enforced: claimed, never enforced. */
  readonly noBlock?: boolean;
  /** gateway-block-every-ip: one IP's invalid tokens block every IP. */
  readonly blockEveryIp?: boolean;
  /** gateway-never-unblock: a blocked IP stays blocked. */
  readonly neverUnblock?: boolean;
  /** gateway-block-lifted-early: the block lasts a tenth of blockSeconds (at least 0.5 s). */
  readonly liftEarly?: boolean;
}

export class GatewayClientLimits {
  private readonly rate: TokenRateLimit | undefined;
  private readonly blocker: IpBlocker | undefined;

  constructor(limits: GatewayLimits, faults: ClientLimitFaults = {}) {
    const perSecond = limits.requestsPerSecond;
    this.rate =
      perSecond === undefined || faults.noRateLimit
        ? undefined
        : new TokenRateLimit(Math.max(1, Math.floor(perSecond * (faults.limitFactor ?? 1))), {
            oneCounterForEveryIp: faults.oneCounterForEveryIp ?? false,
            ...(faults.holdLimitedMs ? { holdLimitedMs: faults.holdLimitedMs } : {}),
          });
    this.blocker =
      limits.ipBlock === undefined || faults.noBlock
        ? undefined
        : new IpBlocker({ ...limits.ipBlock, neverUnblock: faults.neverUnblock ?? false, blockEveryIp: faults.blockEveryIp ?? false, liftEarly: faults.liftEarly ?? false });
  }

  /** Before the request is handled: blocked (403), over the limit (429), or on. */
  async decide(ip: string | undefined): Promise<ClientDecision> {
    if (ip === undefined || ALLOW_LISTED.has(ip)) return { kind: 'pass' };
    if (this.blocker?.isBlocked(ip)) return { kind: 'blocked' };
    const rate: RateDecision = this.rate ? await this.rate.check(ip) : { allowed: true };
    return rate.allowed ? { kind: 'pass' } : { kind: 'limited', retryAfterSeconds: rate.retryAfterSeconds };
  }

  /** A request whose token failed validation (401 invalid_token). */
  invalidToken(ip: string | undefined): void {
    if (ip !== undefined && !ALLOW_LISTED.has(ip)) this.blocker?.recordFailure(ip);
  }

  /** A request with a valid token was served: the IP's invalid tokens are no longer consecutive. */
  validToken(ip: string | undefined): void {
    if (ip !== undefined && !ALLOW_LISTED.has(ip)) this.blocker?.recordSuccess(ip);
  }
}
