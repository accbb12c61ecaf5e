/**
 * The rate limit of the IdP's other OAuth endpoints (issue 22). Seed 001: "the OAuth2.0 endpoints are protected with
 * rate-limiting. Up to 50 requests per second from the same IP are allowed, further requests will be rejected with a
 * 429 response code." The token endpoint has its own limiter (rate-limit.ts, in idp.ts); the authorization endpoint
 * (the human login's entry, /auth and oidc-provider's /auth/{uid} resume), the JWKS and the discovery document (both
 * of its URLs: OpenID and RFC 8414) get one each here, at the same per-IP limit and with the same window. One limiter
 * per endpoint: the seed gives one figure for "the OAuth2.0 endpoints" and the kit judges each endpoint on its own
 * (REQ-RL-09 to -13), which a limiter per endpoint and one budget across them (variation oauth-endpoints-one-budget)
 * both satisfy.
 */
import type { IdpFaults } from './faults.ts';
import { TokenRateLimit, type RateDecision } from './rate-limit.ts';

export type OAuthEndpoint = 'authorization' | 'jwks' | 'discovery';

/** Which limited endpoint a request path is, if any. */
export function limitedEndpointOf(path: string): OAuthEndpoint | undefined {
  if (path === '/auth' || path.startsWith('/auth/')) return 'authorization';
  if (path === '/jwks') return 'jwks';
  if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') return 'discovery';
  return undefined;
}

export class OAuthEndpointLimits {
  private readonly limiters: Readonly<Record<OAuthEndpoint, TokenRateLimit>>;
  private readonly faults: IdpFaults;

  /** `tokenLimit`: the token endpoint's limiter, which variation oauth-endpoints-one-budget shares with these. */
  constructor(requestsPerSecond: number, faults: IdpFaults, tokenLimit?: TokenRateLimit) {
    this.faults = faults;
    // Fault oauth-endpoints-one-counter-for-every-ip: every IP counts against one shared limit (REQ-RL-12).
    // Variation sliding-window-rate-limit: the same window as the token endpoint's.
    // Fault oauth-endpoints-limit-never-resets: a limited IP stays limited for 20 s, whatever its Retry-After said (REQ-RL-13).
    const options = {
      oneCounterForEveryIp: faults.has('oauth-endpoints-one-counter-for-every-ip'),
      holdLimitedMs: faults.has('oauth-endpoints-limit-never-resets') ? 20_000 : 0,
      slidingWindow: faults.has('sliding-window-rate-limit'),
    };
    // Variation oauth-endpoints-one-budget: the other reading of the seed's one figure: every OAuth endpoint,
    // the token endpoint included, counts against one per-IP budget.
    const shared = faults.has('oauth-endpoints-one-budget') ? tokenLimit : undefined;
    this.limiters = {
      authorization: shared ?? new TokenRateLimit(requestsPerSecond, options),
      jwks: shared ?? new TokenRateLimit(requestsPerSecond, options),
      discovery: shared ?? new TokenRateLimit(requestsPerSecond, options),
    };
  }

  /** Whether the endpoint serves this request from `ip`; every endpoint outside the three is not limited here. */
  async check(endpoint: OAuthEndpoint, ip: string): Promise<RateDecision> {
    if (this.exempt(endpoint)) return { allowed: true };
    return this.limiters[endpoint].check(ip);
  }

  /** Faults that leave one endpoint out of seed 001's limit (REQ-RL-09, -10, -11). */
  private exempt(endpoint: OAuthEndpoint): boolean {
    if (endpoint === 'authorization') return this.faults.has('authorization-endpoint-not-rate-limited');
    if (endpoint === 'jwks') return this.faults.has('jwks-not-rate-limited');
    return this.faults.has('discovery-not-rate-limited');
  }

  /** Admin reset: every IP starts with fresh windows. */
  reset(): void {
    for (const limiter of Object.values(this.limiters)) limiter.reset();
  }
}
