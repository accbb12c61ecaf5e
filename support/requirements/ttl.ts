import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * Token lifetime (seed 004: "Need to specify a time to live for auth_tokens ... can the TTL be altered?";
 * seed 001: "Monitor the expires_in value"). That an expired token is refused at the gateway is the gateway's
 * REQ-BEARER-04 (refused, MUST) and REQ-BEARER-05 (401 invalid_token, SHOULD): expiry-and-ttl.feature judges
 * it under those IDs, with a short-TTL client so the wait stays a few seconds.
 */
export const TTL_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-TTL-01',
    title: 'expires_in is the lifetime the token has when issued: exp minus the time of the token response (within 2 s)',
    level: 'MUST',
    source: 'RFC 6749 §5.1 (expires_in: the lifetime in seconds of the access token); RFC 7519 §4.1.4, §4.1.6',
    link: rfc(6749, '5.1'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
    note:
      'expires_in itself is RECOMMENDED (REQ-TOK-04); when it is sent it must be true. It counts from the response, so ' +
      'it is compared with exp minus the response\'s Date (2 s: Date\'s 1 s resolution plus rounding), not with ' +
      'exp - iat: IdPs that backdate iat for clock skew (by minutes, as some do) state expires_in correctly. ' +
      'exp - iat is used only when the response has no Date. Issue 3\'s stricter "exp - iat" reading is REQ-TTL-02 (SHOULD).',
  },
  {
    id: 'REQ-TTL-02',
    title: 'iat is the time the token was issued: within 5 s of the Date of the token response, so exp - iat is the stated expires_in',
    level: 'SHOULD',
    source: 'RFC 7519 §4.1.6 (iat: the time at which the JWT was issued); RFC 9110 §6.6.1 (Date)',
    link: rfc(7519, '4.1.6'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
    note:
      'An IdP whose clock runs off issues tokens that gateways refuse early or accept late. No keyword binds the ' +
      'accuracy; 5 s (plus the 1 s resolution of Date) is far beyond NTP error. A warning.',
  },
  {
    id: 'REQ-TTL-03',
    title: 'The token lifetime is configurable per client: the short-TTL client\'s tokens live the TTL the target declares for it, and so do the system and read-only clients\' where the profile declares theirs',
    level: 'SEED',
    source: 'seed 004 (a time to live for auth_tokens that the system can alter)',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'core',
    capability: 'per-client-ttl',
    note: 'The lifetime is exp - iat when the token is a readable JWT, else expires_in; the declared TTL is clients.<role>.ttlSeconds (1 s tolerance). The short-TTL client must declare one; for the system and read-only clients a declaration is optional (none: not applicable to them), and one that is stated is judged, since a realm default that wins over the per-client setting changes every token while expires_in and exp still agree.',
  },
];
