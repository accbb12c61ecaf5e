import { type Requirement, rfc, seed, SEEDS } from './types.ts';

const R6749 = (s: string) => rfc(6749, s);
const GUIDE = seed(SEEDS.integrationGuide);

/**
 * How an integration (a client) handles its tokens. The kit plays the IdP and the API on loopback for a
 * client under test (support/client-harness/) and judges what it sees the client do.
 *
 * Grading. Seed 001 is the guide addressed to integrations, so what it tells them to do binds every client
 * certified under profile "client": SEED here needs no capability (there is no target to claim one), a
 * break is "failed". Where the seed itself says "recommended", or the only clause is a MAY/"ought to",
 * the level is SHOULD (warning), and the note says so.
 */
export const CLIENT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-CLI-01',
    title: 'The client under test runs to the harness contract: it makes its API calls and reports one result line per call',
    level: 'MUST',
    source: 'auth-ctk client harness contract (README, "Certifying a client")',
    link: 'README.md#certifying-a-client',
    component: 'client',
    profile: 'client',
    note:
      'Not an RFC clause: without calls and result lines nothing else can be observed. A client that crashes, ' +
      'stays silent, or outlives SIGTERM by more than the grace period fails it; the other checks then say "not testable".',
  },
  {
    id: 'REQ-CLI-02',
    title: 'The client obtains an access token before its first API call and sends it with every call',
    level: 'SEED',
    source: 'seed 001 (sequence: authenticate with id and secret, then call the API with the access token)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
  },
  {
    id: 'REQ-CLI-03',
    title: 'Token requests are POSTs with an application/x-www-form-urlencoded body carrying grant_type=client_credentials',
    level: 'MUST',
    source: 'RFC 6749 §3.2 (MUST use POST), §4.4.2 (form-urlencoded, grant_type REQUIRED); seed 001',
    link: R6749('4.4.2'),
    component: 'client',
    profile: 'client',
    note:
      "Seed 001's curl sample uses --form, which sends multipart/form-data; its text says " +
      'application/x-www-form-urlencoded, as RFC 6749 §4.4.2 requires. A client copying the sample fails this check.',
  },
  {
    id: 'REQ-CLI-04',
    title: 'The client authenticates with HTTP Basic or with client_id/client_secret in the body: exactly one method, never in the URI',
    level: 'MUST',
    source: 'RFC 6749 §2.3 (MUST NOT use more than one method), §2.3.1 (MUST NOT be included in the request URI); seed 001',
    link: R6749('2.3.1'),
    component: 'client',
    profile: 'client',
    note:
      'RFC 6749 §2.3.1 calls credentials in the body NOT RECOMMENDED, but seed 001 documents them as one of the ' +
      "two ways to ask this IdP for a token, so a body-authenticating client is not warned.",
  },
  {
    id: 'REQ-CLI-05',
    title: 'The client secret is sent to the token endpoint only: never to the API or any other host',
    level: 'SEED',
    source: 'seed 001 (id and secret authenticate at the Token URL); RFC 6749 §2.1 (a confidential client keeps its credentials confidential), §2.3',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'No RFC sentence says "MUST NOT send the secret to a resource server" in those words; the seed gives the ' +
      'secret one destination and RFC 6749 defines a confidential client as one that keeps it confidential. Graded SEED: failed when broken.',
  },
  {
    id: 'REQ-CLI-06',
    title: 'The access token is sent only to the API it was issued for: never to another host, not even after a redirect',
    level: 'MUST',
    source: 'RFC 6749 §10.3 (access tokens MUST be kept confidential, shared only with the resource servers they are valid for); RFC 6750 §5.3',
    link: R6749('10.3'),
    component: 'client',
    profile: 'client',
  },
  {
    id: 'REQ-CLI-07',
    title: 'The client renews its token before it expires (proactive renewal) and sends the new one from then on',
    level: 'SHOULD',
    source: 'seed 001 ("When to acquire a new token": 1. Before expiration (recommended))',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'The seed calls renewal before expiration "recommended" and also allows renewal on a 401 (guideline 2), ' +
      'so a client that waits for the 401 is warned, not failed. Re-authentication on the 401 is REQ-CLI-09. ' +
      'A renewal is a new token in use: a client that requests it on time but goes on sending the old one (until ' +
      'the API refuses it at expiry) renewed nothing, and is warned too. A call in flight when the new token ' +
      'arrived may carry the old one: the first API request after the token response, and any within 400 ms of ' +
      'it (support/client-harness/scenarios.ts, renewedTokenUse).',
  },
  {
    id: 'REQ-CLI-08',
    title: 'Renewal starts when 80-90% of the token lifetime (expires_in) has elapsed: not earlier, not later',
    level: 'SHOULD',
    source: 'seed 001 ("Set up a renewal process to trigger when 80-90% of the token lifetime has elapsed", recommended)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'Part of the seed\'s recommended guideline, hence SHOULD. The harness allows 150 ms before 80% and 400 ms ' +
      'after 90% of a 5 s lifetime for timer and scheduling jitter on a loaded machine (support/client-harness/judges.ts). ' +
      'A client that renews a fixed time before expiry (say 30 s) instead of at a fraction of the lifetime renews at ' +
      'once with these short tokens and is warned: the seed states the rule as a fraction.',
  },
  {
    id: 'REQ-CLI-09',
    title: 'After a 401 with WWW-Authenticate error="invalid_token" the client requests a new token at once, once: no loop',
    level: 'SEED',
    source: 'seed 001 (error="invalid_token": "request a new one immediately"; sequence diagram); RFC 6750 §3.1 (invalid_token)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
  },
  {
    id: 'REQ-CLI-10',
    title: 'The call refused with 401 invalid_token is retried once with the new token, transparently for the application',
    level: 'SHOULD',
    source: 'seed 001 (renewal "typically handled through an interceptor ... transparent"); RFC 6750 §3.1 (the client MAY ... retry)',
    link: rfc(6750, '3.1'),
    component: 'client',
    profile: 'client',
    note: 'RFC 6750 makes the retry a MAY and the seed describes it as the typical pattern: stricter than the clauses, so SHOULD.',
  },
  {
    id: 'REQ-CLI-11',
    title: 'A 403 insufficient_scope or 400 invalid_request does not start a re-authentication or retry loop',
    level: 'SEED',
    source: 'seed 001 (only invalid_token calls for a new token; other errors: "review RFC 6750 §3.1"; rate limits and IP blocking); RFC 6750 §3.1',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note: 'At most one new token and one retry per refused call; a loop hammers the rate-limited token endpoint seed 001 blocks IPs for.',
  },
  {
    id: 'REQ-CLI-12',
    title: 'A 403 insufficient_scope or 400 invalid_request does not make the client fetch a new token at all',
    level: 'SHOULD',
    source: 'RFC 6750 §3.1 (a new token and retry is named for invalid_token only); seed 001 (other errors need review, not a new token)',
    link: rfc(6750, '3.1'),
    component: 'client',
    profile: 'client',
    note: 'A single pointless re-authentication is wasteful, not forbidden by a MUST: warning. A loop is REQ-CLI-11.',
  },
  {
    id: 'REQ-CLI-13',
    title: 'After a 429 with Retry-After (token endpoint or API), the client sends nothing more to that server until the time has passed',
    level: 'SHOULD',
    source: 'RFC 9110 §10.2.3 (the user agent "ought to wait" Retry-After); RFC 6585 §4; seed 001 (rate limits: 429, then IP blocking)',
    link: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-10.2.3',
    component: 'client',
    profile: 'client',
    note: 'No MUST binds the client: RFC 9110 says it "ought to" wait, RFC 6585 lets the server send Retry-After (MAY). Warning.',
  },
  {
    id: 'REQ-CLI-14',
    title: 'While the identity provider is down, calls the client can serve from its cache are served',
    level: 'SEED',
    source: 'seed 002 ("if ... any of these services are down, the app will continue to function as expected due to ... default caches")',
    link: seed(SEEDS.selfHosted),
    component: 'client',
    profile: 'client',
    capability: 'offline-cache',
  },
  {
    id: 'REQ-CLI-15',
    title: 'When the identity provider is back, the client obtains a new token and calls the API again',
    level: 'SEED',
    source: 'seed 002 (services down for a while, then caches are updated again); seed 001 (acquire a new token)',
    link: seed(SEEDS.selfHosted),
    component: 'client',
    profile: 'client',
    note: 'The harness waits 8 s after the IdP returns (an outage of 4 s, so a client\'s back-off has not grown past a few seconds) for a new token and a 200 from the API.',
  },
  // ---- issue 22: seed 001's bare 401, IP block and invalid_client; seed 002's API down ----------------------------
  {
    id: 'REQ-CLI-16',
    title: 'A 401 without error details (no error in WWW-Authenticate) does not start a re-authentication or retry loop',
    level: 'SEED',
    source:
      'seed 001 ("If no error details are provided: The issue may require further investigation (incorrect endpoint, network issues, or server-side problems)"; rate limits and IP blocking)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'The seed asks for investigation, not for a new token; its sequence diagram re-authenticates "when response code is unauthenticated", ' +
      'so one new token and one retry per refused call is not failed. More than that is a loop against the rate-limited token endpoint ' +
      'whose IP blocking the same guide describes. ("may require" is the seed\'s guess at the cause, not a permission.)',
  },
  {
    id: 'REQ-CLI-17',
    title: 'While its IP is blocked (every connection reset), the client does not reconnect in a loop',
    level: 'SEED',
    source:
      'seed 001 ("continuous failed login attempts from the same IP, the IP will be temporarily blocked. When this happens, you will start seeing connection errors, ssl/tls handshake errors or something similar")',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'The harness resets every TCP connection to its IdP and API for 3 s (it cannot make TLS fail on plain loopback HTTP; a reset is the ' +
      '"something similar"). Failed: more connection attempts to a server than one try and two retries per call the client reports (a call still in flight when the block ends counts, unreported), and ' +
      'more than the back-off pace of REQ-CLI-18 — a client retrying inside a call keeps the block going.',
  },
  {
    id: 'REQ-CLI-18',
    title: 'While its IP is blocked, the client backs off: at most 2 connection attempts a second to each server',
    level: 'SHOULD',
    source: 'seed 001 (a blocked IP sees "connection errors, ssl/tls handshake errors or something similar"; the block is temporary)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'The seed describes the block but does not tell clients to back off, hence SHOULD (a warning). The harness asks for a call every ' +
      '100 ms; a client that tries once per call makes 10 attempts a second, exponential back-off from 500 ms about 1. Bound: 2 a second ' +
      'over the block, plus the first attempt (support/client-harness/scenarios.ts BLOCKED_ATTEMPTS_PER_SECOND).',
  },
  {
    id: 'REQ-CLI-19',
    title: 'After invalid_client (a rotated secret), the client stops sending the rejected secret: at most 1 token request a second',
    level: 'SEED',
    source:
      'seed 002 ("Users will also be able to rotate their secret"); seed 001 ("continuous failed login attempts from the same IP, the IP will be temporarily blocked"); RFC 6749 §5.2 (invalid_client)',
    link: GUIDE,
    component: 'client',
    profile: 'client',
    note:
      'After a rotation the old secret cannot succeed again; sending it on is the "continuous failed login attempts" seed 001 blocks an IP for, ' +
      'which takes the client\'s other calls down with it. The seed gives no number: the kit reads "continuous" as more than one attempt a ' +
      'second over the 4 s after the first invalid_client (5 allowed: one may follow at once). Exponential back-off passes; one attempt ' +
      'per application call (every 100 ms here) fails.',
  },
  {
    id: 'REQ-CLI-20',
    title: 'While the API is down, the client goes on serving its calls from its cache',
    level: 'SEED',
    source: 'seed 002 ("if for some reason any of these UCP services are down, then the ucw-app will continue to function as expected due to the code shipping with default caches")',
    link: seed(SEEDS.selfHosted),
    component: 'client',
    profile: 'client',
    capability: 'offline-cache',
    note: 'REQ-CLI-14 covers the identity service down; this is the API services down (every API request closed unanswered for 4 s).',
  },
  {
    id: 'REQ-CLI-21',
    title: 'When the API is back, the client calls it again and updates from it',
    level: 'SEED',
    source: 'seed 002 ("in order for our customers to update their caches with the latest data from UCP services"; services down "for some reason", then back)',
    link: seed(SEEDS.selfHosted),
    component: 'client',
    profile: 'client',
    note: 'The harness waits 8 s after the API returns for a 200 the application sees, as REQ-CLI-15 does for the IdP.',
  },
];
