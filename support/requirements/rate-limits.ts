import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * Rate limits and IP blocking at the token endpoint, as seed 001 documents them: "Up to 50 requests per second from
 * the same IP are allowed, further requests will be rejected with a 429 response code. In case we detect suspicious
 * behavior such as continuous failed login attempts from the same IP, the IP will be temporarily blocked. When this
 * happens, you will start seeing connection errors, ssl/tls handshake errors or something similar."
 *
 * The numbers are the target's (limits.tokenRequestsPerSecond, limits.ipBlock); the kit sends from distinct
 * source addresses to act as distinct IPs and never exceeds limits.maxRequestsPerSecond / maxRequestsPerRun.
 */
export const RATE_LIMIT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-RL-01',
    title: 'Up to limits.tokenRequestsPerSecond token requests within one second from one IP are all served (no 429)',
    level: 'SEED',
    source: 'seed 001 (up to 50 requests per second from the same IP are allowed)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
  },
  {
    id: 'REQ-RL-02',
    title: 'Token requests clearly beyond the limit from one IP are refused with 429',
    level: 'SEED',
    source: 'seed 001 (further requests will be rejected with a 429 response code); RFC 6585 §4',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
  },
  {
    id: 'REQ-RL-03',
    title: 'A 429 answer says when to retry: a Retry-After header (delay-seconds or HTTP-date)',
    level: 'SHOULD',
    source: 'RFC 6585 §4 (MAY include a Retry-After header); RFC 9110 §10.2.3 (its syntax)',
    link: rfc(6585, '4'),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
    note: 'Stricter than RFC 6585, where Retry-After is only MAY: a 429 without it is a warning. A malformed Retry-After is a warning too.',
  },
  {
    id: 'REQ-RL-04',
    title: 'After limits.ipBlock.failedAttempts consecutive failed logins from one IP, that IP is blocked (connection errors or refusals)',
    level: 'SEED',
    source: 'seed 001 (continuous failed login attempts from the same IP: the IP will be temporarily blocked; connection errors or similar)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'ip-blocking',
    note: 'Any outcome without a token counts as blocked: connection reset or refused, TLS errors, timeouts, 403, 429, 503.',
  },
  {
    id: 'REQ-RL-05',
    title: 'A blocked IP stays blocked for limits.ipBlock.blockSeconds (not less) and is served again after it',
    level: 'SEED',
    source: 'seed 001 (the IP will be TEMPORARILY blocked; how long is the target profile\'s stated limits.ipBlock.blockSeconds)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'ip-blocking',
    note:
      'A correct request half-way through the stated block time (counted from the last failed login) must get no token (any outcome without a token counts as blocked, as in REQ-RL-04); then, the block time counted from that request later (a target may restart its block on every attempt), the IP must be served again (tolerance 1 s + 25 %). A block lifted early is this requirement\'s finding only: REQ-RL-04\'s probe comes right after the failures.',
  },
  {
    id: 'REQ-RL-06',
    title: 'A blocked IP does not block another IP: correct credentials from a second IP are still served',
    level: 'SEED',
    source: 'seed 001 (failed login attempts from THE SAME IP: that IP is blocked)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'ip-blocking',
  },
  {
    id: 'REQ-RL-07',
    title: 'A rate-limited IP does not limit another IP',
    level: 'SEED',
    source: 'seed 001 (50 requests per second FROM THE SAME IP)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
  },
  {
    id: 'REQ-RL-08',
    title: 'A rate-limited IP is served again once its second has passed (after Retry-After, when given)',
    level: 'SEED',
    source: 'seed 001 (a limit PER SECOND); RFC 6585 §4 (Retry-After: how long to wait before a new request)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
  },
  {
    id: 'REQ-RL-14',
    title:
      "The token endpoint's per-IP limit is no higher than stated: a fast burst from a fresh IP is served at most limits.tokenRequestsPerSecond times, plus what a token bucket refills while the burst lasts, before the first 429",
    level: 'SEED',
    source: 'seed 001 (Up to 50 requests per second from the same IP are allowed, further requests will be rejected with a 429 response code)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'rate-limiting',
    note:
      'Bound per burst: N + ceil(N × burst seconds) + max(2, 10 % of N) (support/load/rate-limit-location.ts). A fixed window the burst straddles may admit up to 2N, so the first burst within the bound passes, up to 5 bursts from fresh IPs; it fails only when no usable burst was within it. No 429 at all within 3N is REQ-RL-02\'s finding, a limit below the stated one REQ-RL-01\'s.',
  },
];
