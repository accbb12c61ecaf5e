import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * Anonymous fallback (seed 004, DataONE use case 12: "In the event of authentication failure, the auth_token will
 * provide identity equivalent to an anonymous user").
 *
 * Read together with RFC 6750: on a PUBLIC route a failed credential may be refused with 401 invalid_token (RFC 6750
 * §3.1) or served as anonymous (seed 004); both conform. What never conforms is a failed authentication that yields
 * protected data or an identity other than anonymous.
 */
export const ANONYMOUS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-ANON-01',
    title: 'A public resource is served to a caller without credentials',
    level: 'SEED',
    source: 'seed 004 (a caller without a successful login has an identity equivalent to an anonymous user, who may use what is public)',
    link: seed(SEEDS.dataOne),
    component: 'gateway',
    profile: 'gateway',
    capability: 'anonymous-fallback',
  },
  {
    id: 'REQ-ANON-02',
    title: 'A request without credentials reaches the component as an anonymous identity',
    level: 'SEED',
    source: 'seed 004 (identity equivalent to an anonymous user)',
    link: seed(SEEDS.dataOne),
    component: 'gateway',
    profile: 'gateway',
    capability: 'anonymous-fallback',
  },
  {
    id: 'REQ-ANON-03',
    title: 'A failed credential on a public route is served to the caller as anonymous — not refused, never with a non-anonymous identity',
    level: 'SEED',
    source: 'seed 004 (in the event of authentication failure, the auth_token will provide identity equivalent to an anonymous user)',
    link: seed(SEEDS.dataOne),
    component: 'gateway',
    profile: 'gateway',
    capability: 'anonymous-fallback',
    note:
      'RFC 6750 §3.1 alone would let a public route refuse a bad token (401 invalid_token); a target that claims the ' +
      'anonymous-fallback capability promises seed 004\'s behaviour instead, so a refusal fails this requirement.',
  },
  {
    id: 'REQ-ANON-04',
    title: 'A request without a valid token never gets protected data: protected routes, customer data included, refuse it',
    level: 'MUST',
    source: 'RFC 6749 §7 (the resource server MUST validate the access token); seed 004 (anonymous is not authenticated)',
    link: rfc(6749, '7'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'One cause, one finding: a protected route that serves a request without any credentials validates no token. Where a ' +
      'bad token, a malformed header or a token without the scope is served on a route that also serves a request without ' +
      'credentials, this requirement reports it once; the requirement judging that answer (REQ-BEARER-02, -04, -05, -10, ...) ' +
      'is "not judged: REQ-ANON-04\'s finding explains this answer". A route that refuses the bare request and serves the bad ' +
      'token breaks that token\'s own requirement.',
  },
  {
    id: 'REQ-ANON-05',
    title: 'A failed login yields no more than anonymous: no access token, or one that opens no protected resource',
    level: 'SEED',
    source: 'seed 004 (on authentication failure the auth_token provides identity equivalent to an anonymous user); RFC 6749 §5.2',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'core',
    capability: 'anonymous-fallback',
    note: 'An OAuth IdP answers a failed login with an RFC 6749 §5.2 error and no token: the caller stays anonymous, which conforms.',
  },
];
