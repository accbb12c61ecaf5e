import { type Requirement, seed, SEEDS } from './types.ts';

/**
 * Seed 001's rate limit on the OAuth endpoints other than the token endpoint (issue 22): "For security and
 * reliability reasons, the OAuth2.0 endpoints are protected with rate-limiting. Up to 50 requests per second from
 * the same IP are allowed, further requests will be rejected with a 429 response code."
 *
 * "The OAuth2.0 endpoints" is plural: the token endpoint (REQ-RL-01..08) and the authorization endpoint, the JWKS
 * (jwks_uri) and the discovery document the target publishes. The sentence gives ONE figure and does not say whether
 * the endpoints share it; what every reading promises is that an IP sending up to the limit per second to one
 * endpoint, and nothing else, is served, and one sending far more to it gets 429. So the kit applies the figure to
 * each endpoint on its own, from a client IP of its own per endpoint, and judges nothing that depends on a shared
 * budget: a limiter per endpoint and one budget across them both pass.
 *
 * Capability oauth-endpoints-rate-limiting: a profile that claims seed 001's rate-limiting and says nothing of
 * this one claims it too (the seed documents the limit for every OAuth endpoint); a deployment that limits the token
 * endpoint only says `oauth-endpoints-rate-limiting: false` and gets "not applicable" with that reason.
 */
const CLAUSE =
  'seed 001 ("the OAuth2.0 endpoints are protected with rate-limiting. Up to 50 requests per second from the same IP are allowed, further requests will be rejected with a 429 response code"); RFC 6585 §4';
const EACH_ENDPOINT =
  'The seed gives one figure for "the OAuth2.0 endpoints" without saying whether they share it: the kit applies limits.tokenRequestsPerSecond to EACH endpoint on its own, from a client IP of its own (what every reading of the sentence promises), and never judges a shared budget. Both halves of the sentence are judged: the limit\'s worth within one second served, a burst far beyond it met with 429.';

export const OAUTH_ENDPOINT_RATE_LIMIT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-RL-09',
    title: 'The authorization endpoint serves up to limits.tokenRequestsPerSecond requests within one second from one IP, and refuses a burst clearly beyond it with 429',
    level: 'SEED',
    source: `${CLAUSE} — the figure read as applying to each endpoint on its own (the seed does not say they share it): here the authorization endpoint, RFC 6749 §3.1`,
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'oauth-endpoints-rate-limiting',
    note: `${EACH_ENDPOINT} The request is the human login's authorization request (clients.web, PKCE S256) at idp.authorizationEndpoint, never a front end's browserLogin.loginUrl; served means any answer but 429 and errors (a login page or a redirect to it).`,
  },
  {
    id: 'REQ-RL-10',
    title: 'The JWKS (jwks_uri) serves up to limits.tokenRequestsPerSecond requests within one second from one IP, and refuses a burst clearly beyond it with 429',
    level: 'SEED',
    source: `${CLAUSE} — the figure read as applying to each endpoint on its own (the seed does not say they share it): here the JWK Set document, RFC 8414 §2 jwks_uri`,
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'oauth-endpoints-rate-limiting',
    note: `${EACH_ENDPOINT} Served means a 2xx answer.`,
  },
  {
    id: 'REQ-RL-11',
    title: 'The discovery document serves up to limits.tokenRequestsPerSecond requests within one second from one IP, and refuses a burst clearly beyond it with 429',
    level: 'SEED',
    source: `${CLAUSE} — the figure read as applying to each endpoint on its own (the seed does not say they share it): here the metadata document, OpenID Connect Discovery 1.0 §4 / RFC 8414 §3`,
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'oauth-endpoints-rate-limiting',
    note: `${EACH_ENDPOINT} Served means a 2xx answer.`,
  },
  {
    id: 'REQ-RL-12',
    title: 'An IP rate-limited at the JWKS does not limit another IP there',
    level: 'SEED',
    source: 'seed 001 (up to 50 requests per second FROM THE SAME IP, on "the OAuth2.0 endpoints")',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'oauth-endpoints-rate-limiting',
    note: 'Judged at the JWKS, which every target that issues JWTs publishes (jwks_uri); REQ-RL-07 judges the same at the token endpoint.',
  },
  {
    id: 'REQ-RL-13',
    title: 'An IP rate-limited at the JWKS is served there again once its second has passed (after Retry-After, when given)',
    level: 'SEED',
    source: 'seed 001 (a limit PER SECOND on "the OAuth2.0 endpoints"); RFC 6585 §4 (Retry-After: how long to wait before a new request)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'rate-limits',
    capability: 'oauth-endpoints-rate-limiting',
    note: 'Judged at the JWKS: a limit there that never ends would keep every verifier of the IP from the keys. REQ-RL-08 judges the same at the token endpoint; the wait and its tolerance are the same.',
  },
];
