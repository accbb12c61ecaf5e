import { type Requirement, rfc } from './types.ts';

const R6749 = (s: string) => rfc(6749, s);
const R9700 = (s: string) => rfc(9700, s);
const R9207 = (s: string) => rfc(9207, s);

/**
 * Authorization endpoint hardening (issue 20): what RFC 6749 §4.1, RFC 7636, RFC 9700 (the OAuth security BCP)
 * and RFC 9207 ask of the endpoint the browser login starts at. The redirect_uri and PKCE checks are plain HTTP
 * requests to the endpoint (no login: the server answers them before any login page); the code's client binding
 * and `iss` are judged on one browser login.
 *
 * RFC 6749 §4.1.2's code reuse and lifetime (REQ-AUTHZ-07..09): REQ-PKCE-03 judges the MUST of a reused code (the
 * second redemption is refused); REQ-AUTHZ-07 the SHOULD after it (what the first redemption issued is revoked), seen
 * only where the kit can see a token's state: introspection, a gateway with a declared revocation bound, or a
 * refresh token. The code's lifetime is the profile's declaration (limits.authorizationCodeSeconds), waited out
 * where the wait is short (REQ-AUTHZ-08) and compared with the ten minutes the clause recommends (REQ-AUTHZ-09).
 */
export const AUTHORIZATION_ENDPOINT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-AUTHZ-01',
    title: 'An authorization request with a redirect_uri never registered for the client is not redirected to that URI',
    level: 'MUST',
    source: 'RFC 6749 §4.1.2.1 and §3.1.2.4 (MUST NOT automatically redirect the user-agent to the invalid redirection URI); RFC 9700 §4.11.2',
    link: R6749('4.1.2.1'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-AUTHZ-02',
    title: 'redirect_uri is matched exactly: the registered URI extended by a path segment, a suffix or a query parameter is not redirected to',
    level: 'MUST',
    source: 'RFC 9700 §2.1 and §4.1.3 (authorization servers MUST utilize exact string matching); RFC 6749 §4.1.2.1',
    link: R9700('4.1.3'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note:
      'The port is not varied: RFC 9700 §2.1 exempts the port of loopback redirect URIs of native apps (RFC 8252 §7.3), ' +
      'and the kit receives logins at a loopback URI.',
  },
  {
    id: 'REQ-AUTHZ-03',
    title: 'An authorization request of a public client without a code_challenge is refused',
    level: 'SHOULD',
    source: 'RFC 9700 §2.1.1 (public clients MUST use PKCE; authorization servers MUST support PKCE)',
    link: R9700('2.1.1'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note:
      'RFC 9700 puts the MUST on the public client, not on the server; a server that lets a public client go without ' +
      'PKCE leaves its codes open to interception (§4.5), so the kit expects the refusal, as a warning.',
  },
  {
    id: 'REQ-AUTHZ-04',
    title: 'An authorization request with code_challenge_method=plain is refused by a server that supports S256',
    level: 'SHOULD',
    source: 'RFC 9700 §2.1.1 (clients SHOULD use a challenge method that does not expose the verifier; S256 is the only one); RFC 7636 §4.2, §7.2',
    link: R9700('2.1.1'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: 'RFC 7636 §4.2 lets a server support plain: accepting it is a warning, never a failure.',
  },
  {
    id: 'REQ-AUTHZ-05',
    title: 'A code issued to the web front end, redeemed with another client\'s credentials, is refused and yields no token',
    level: 'MUST',
    source: 'RFC 6749 §4.1.3 (MUST ensure that the authorization code was issued to the authenticated confidential client), §5.2 (invalid_grant)',
    link: R6749('4.1.3'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: 'invalid_grant or unauthorized_client (the other client may not hold the grant at all) are both accepted; a token is not.',
  },
  {
    id: 'REQ-AUTHZ-06',
    title: 'Where the server advertises authorization_response_iss_parameter_supported, its authorization responses (errors included) carry iss equal to the issuer',
    level: 'MUST',
    source: 'RFC 9207 §2 (authorization responses, including error responses, MUST contain iss), §3 (its metadata parameter)',
    link: R9207('2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: 'Judged only where the metadata advertises the parameter: RFC 9207 binds servers that support it.',
  },
  {
    id: 'REQ-AUTHZ-07',
    title: 'A code presented a second time makes the server revoke the tokens its first redemption issued',
    level: 'SHOULD',
    source: 'RFC 6749 §4.1.2 (if an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code)',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note:
      'Seen where the kit can see a token\'s state: introspection (RFC 7662, the profile\'s introspection entry), the gateway ' +
      'where the profile declares a revocation bound (limits.revocationSeconds: a gateway that validates self-contained ' +
      'JWTs cannot know), and the refresh token where the first redemption gave one. Without any of them: not testable.',
  },
  {
    id: 'REQ-AUTHZ-08',
    title: 'An authorization code is refused with invalid_grant once the lifetime the target declares has passed',
    level: 'MUST',
    source: 'RFC 6749 §4.1.2 (the authorization code MUST expire shortly after it is issued), §5.2 (invalid_grant: the authorization grant is expired)',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note:
      'The lifetime is the profile\'s limits.authorizationCodeSeconds; the kit waits it plus 2 s from the moment the code ' +
      'reached the front end (the code was issued before), and only where that is at most 15 s or limits.longWaits allows more.',
  },
  {
    id: 'REQ-AUTHZ-09',
    title: 'The authorization code lifetime the target declares is at most 10 minutes',
    level: 'SHOULD',
    source: 'RFC 6749 §4.1.2 (a maximum authorization code lifetime of 10 minutes is RECOMMENDED)',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: 'Judged on the declaration (limits.authorizationCodeSeconds); REQ-AUTHZ-08 holds the code to it.',
  },
];
