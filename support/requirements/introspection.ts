import { type Requirement, rfc } from './types.ts';

/**
 * Token introspection (RFC 7662, issue 19): a protected resource asks the authorization server whether a token is
 * active and what it stands for. Every requirement binds targets that claim `token-introspection` (profile:
 * introspection). The kit calls the endpoint as the client the profile names (introspection.client) and compares
 * the answer with the token it obtained itself; answers are evidence, tokens are never shown.
 */
export const INTROSPECTION_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-INTRO-01',
    title: 'A valid access token, introspected by an authorized client, answers 200 with "active": true',
    level: 'MUST',
    source: 'RFC 7662 §2.2 (active: REQUIRED boolean, true for a token that is currently active)',
    link: rfc(7662, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
  },
  {
    id: 'REQ-INTRO-02',
    title: 'The members an active token\'s introspection states describe that token: client_id is the client it was issued to, exp is in the future, scope within what was granted',
    level: 'MUST',
    source: 'RFC 7662 §2.2 (client_id: the client that requested this token; exp: when it expires; scope: the scopes of this token)',
    link: rfc(7662, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
    note:
      'Each member is OPTIONAL; only members the answer states are compared. A member that names another client, a past ' +
      'exp or a scope the token never had breaks the member\'s definition, which the gateways that introspect act on.',
  },
  {
    id: 'REQ-INTRO-03',
    title: 'An expired access token answers "active": false',
    level: 'MUST',
    source: 'RFC 7662 §2.2 (a token that is not active MUST be answered with "active" false; §4: expired tokens are not active)',
    link: rfc(7662, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
    note: 'The token is the short-TTL client\'s (clients.shortTtl), introspected after its lifetime and 2 s more have passed.',
  },
  {
    id: 'REQ-INTRO-04',
    title: 'A token the server never issued (a random string, another issuer\'s token) answers "active": false',
    level: 'MUST',
    source: 'RFC 7662 §2.2 (a token that "does not exist on this server" MUST be answered with "active" false)',
    link: rfc(7662, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
    note: 'Another issuer\'s token is used where the profile names one (foreignIssuer); a random string always.',
  },
  {
    id: 'REQ-INTRO-05',
    title: 'The answer for an inactive token says nothing more than "active": false (no claims, no reason)',
    level: 'SHOULD',
    source: 'RFC 7662 §2.2 (the server SHOULD NOT include any additional information about an inactive token, including why it is inactive)',
    link: rfc(7662, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
  },
  {
    id: 'REQ-INTRO-06',
    title: 'An introspection request without client authentication is refused (400/401) and discloses nothing about the token',
    level: 'MUST',
    source: 'RFC 7662 §2.1 (the endpoint MUST also require some form of authorization to access it); §4 (the server MUST require authentication of protected resources)',
    link: rfc(7662, '2.1'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
  },
  {
    id: 'REQ-INTRO-07',
    title: 'An introspection request with a wrong client secret is refused (400/401) and discloses nothing about the token',
    level: 'MUST',
    source: 'RFC 7662 §2.1, §4 (authentication of the caller, e.g. RFC 6749 §2.3.1 client authentication)',
    link: rfc(7662, '2.1'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
  },
  {
    id: 'REQ-INTRO-08',
    title: 'A client the profile names as not allowed to introspect learns nothing about a valid token (refused, or "active": false)',
    level: 'SHOULD',
    source: 'RFC 7662 §4 (the server SHOULD require protected resources to be specifically authorized to call the introspection endpoint); §2.2 ("active" false when the caller is not allowed to introspect the token)',
    link: rfc(7662, '4'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-introspection',
    note: 'Judged only where the profile names such a client (introspection.notAllowedClient); otherwise not applicable: RFC 7662 lets any authenticated client introspect.',
  },
];
