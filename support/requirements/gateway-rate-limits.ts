import { type Requirement, rfc } from './types.ts';

/**
 * Rate limits and IP blocking at the GATEWAY (issue 16): what canvas deployments put in front of their APIs (Kong's
 * rate-limiting plugin with `limit_by: ip`, APISIX limit-count, HAProxy stick tables, mod_qos). No seed promises
 * them: they are the deployment's own claims, stated in its target profile (capabilities gateway-rate-limiting and
 * gateway-ip-blocking, numbers in limits.gateway). So these requirements bind only a target that claims them (a
 * target that does not is "not applicable", never passed), and a break of a stated claim is "failed", the way a
 * break of seed 001's token-endpoint limits is (REQ-RL-*; level SEED: a documented promise, checked when claimed).
 * The kit sends from distinct source addresses, within the same opt-in load caps as the token-endpoint checks.
 */
const claim = (field: string): string => `target profile claim (${field})`;
const CLAIM_NOTE =
  'The number is the deployment\'s own claim (target profile), not a seed\'s: level SEED here means "a documented promise, judged only when the profile claims it".';

export const GATEWAY_RATE_LIMIT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-GRL-01',
    title: 'Up to limits.gateway.requestsPerSecond requests with a valid token within one second from one IP are all served by the gateway (no 429)',
    level: 'SEED',
    source: `${claim('limits.gateway.requestsPerSecond: per client IP')}`,
    link: rfc(6585, '4'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note: CLAIM_NOTE,
  },
  {
    id: 'REQ-GRL-02',
    title: 'Requests clearly beyond the gateway\'s limit from one IP are refused with 429',
    level: 'SEED',
    source: `${claim('limits.gateway.requestsPerSecond')}; RFC 6585 §4 (429 Too Many Requests)`,
    link: rfc(6585, '4'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note: CLAIM_NOTE,
  },
  {
    id: 'REQ-GRL-09',
    title:
      "The gateway's per-IP limit is no higher than claimed: a fast burst with a valid token from a fresh IP is served at most limits.gateway.requestsPerSecond times, plus what a token bucket refills while the burst lasts, before the first 429",
    level: 'SEED',
    source: `${claim('limits.gateway.requestsPerSecond: per client IP')}; RFC 6585 §4 (429 Too Many Requests)`,
    link: rfc(6585, '4'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note:
      `${CLAIM_NOTE} Bound per burst: N + ceil(N × burst seconds) + max(2, 10 % of N) (support/load/rate-limit-location.ts, as REQ-RL-14 at the token endpoint). A fixed window the burst straddles may admit up to 2N, so the first burst within the bound passes, up to 5 bursts from fresh IPs; it fails only when no usable burst was within it. No 429 within 3N, or more than 2N within one second, is REQ-GRL-02's finding; a limit below the claim REQ-GRL-01's.`,
  },
  {
    id: 'REQ-GRL-03',
    title: 'A Retry-After on the gateway\'s 429 is valid (delay-seconds or HTTP-date); a 429 without one is allowed',
    level: 'MUST',
    source: 'RFC 9110 §10.2.3 (Retry-After syntax), §2.2 (a sender MUST NOT generate protocol elements that do not match the grammar); RFC 6585 §4 (a 429 MAY include Retry-After)',
    link: rfc(9110, '10.2.3'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note: 'Graded by the clause, not stricter: RFC 6585 §4 makes Retry-After a MAY, so its absence passes (unlike REQ-RL-03, which the seed\'s integration guide makes a SHOULD); only a malformed one breaks RFC 9110.',
  },
  {
    id: 'REQ-GRL-04',
    title: 'After limits.gateway.ipBlock.failedAttempts consecutive requests with invalid tokens from one IP, the gateway refuses that IP (connection error or refusal, never served)',
    level: 'SEED',
    source: claim('limits.gateway.ipBlock.failedAttempts'),
    link: rfc(6750, '3.1'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-ip-blocking',
    note: `${CLAIM_NOTE} Any outcome other than a 2xx for a valid token counts as refused: a reset or refused connection, a timeout, 403, 429, 503.`,
  },
  {
    id: 'REQ-GRL-05',
    title: 'An IP the gateway blocked stays blocked for limits.gateway.ipBlock.blockSeconds (not less) and is served again after it',
    level: 'SEED',
    source: claim('limits.gateway.ipBlock.blockSeconds'),
    link: rfc(6750, '3.1'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-ip-blocking',
    note: `${CLAIM_NOTE} A valid token half-way through the stated block time (counted from the last invalid token) must not be served (any outcome other than a 2xx counts as refused, as in REQ-GRL-04); then, the block time counted from that request later (a gateway may restart its block on every attempt), the IP must be served again (tolerance 1 s + 25 %). A block lifted early is this requirement's finding only: REQ-GRL-04's probe comes right after the invalid tokens.`,
  },
  {
    id: 'REQ-GRL-06',
    title: 'An IP the gateway blocked does not block another IP: a valid token from a second IP is still served',
    level: 'SEED',
    source: claim('limits.gateway.ipBlock: per client IP'),
    link: rfc(6750, '3.1'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-ip-blocking',
    note: CLAIM_NOTE,
  },
  {
    id: 'REQ-GRL-07',
    title: 'An IP the gateway rate-limited does not limit another IP',
    level: 'SEED',
    source: claim('limits.gateway.requestsPerSecond: per client IP'),
    link: rfc(6585, '4'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note: CLAIM_NOTE,
  },
  {
    id: 'REQ-GRL-08',
    title: 'An IP the gateway rate-limited is served again once its second has passed (after Retry-After, when given)',
    level: 'SEED',
    source: `${claim('limits.gateway.requestsPerSecond: a limit per second')}; RFC 6585 §4 (Retry-After: how long to wait before a new request)`,
    link: rfc(6585, '4'),
    component: 'gateway',
    profile: 'rate-limits',
    capability: 'gateway-rate-limiting',
    note: CLAIM_NOTE,
  },
];
