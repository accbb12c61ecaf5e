import { type Requirement, rfc, seed, SEEDS } from './types.ts';

const R6749 = (s: string) => rfc(6749, s);
const R7636 = (s: string) => rfc(7636, s);

/**
 * Human login through a real browser (issue 7): the authorization code grant (RFC 6749 §4.1) with PKCE
 * (RFC 7636), as seeds 000, 003 and 004 need it for humans behind a web front end. The kit plays the front end.
 *
 * What the human token is FOR is not declared here: its claims, the gateway's human identity and the customer
 * scoping are the identity requirements (REQ-ID-02..05, seeds 000/003), and failed logins blocking an IP is
 * REQ-RL-04 (seed 001). The browser scenarios judge those under their IDs: one behaviour, one ID, however the
 * human token was obtained.
 *
 * Deliberately NOT here: rejecting a tampered `state`. RFC 6749 §10.12 makes CSRF protection the CLIENT's duty
 * (the front end compares the state it sent with the one it gets back); the authorization server never sees
 * the front end's session and cannot detect a tampered state. What the server owes is to return the state
 * unchanged (REQ-HUM-02); the kit's front end does the comparison itself and refuses to redeem on a mismatch.
 */
export const HUMAN_LOGIN_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-HUM-01',
    title: 'A test user who logs in on the login page is sent back to the front end\'s redirect URI with an authorization code',
    level: 'MUST',
    source: 'RFC 6749 §4.1.2 (the authorization server issues a code and delivers it in the redirection URI)',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-HUM-02',
    title: 'The redirect back to the front end carries the state parameter exactly as the front end sent it',
    level: 'MUST',
    source: 'RFC 6749 §4.1.2 (state REQUIRED if present in the request: the exact value received from the client)',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-HUM-03',
    title: 'A wrong password on the login page issues no authorization code',
    level: 'MUST',
    source: 'RFC 6749 §3.1 (the authorization server MUST first verify the identity of the resource owner)',
    link: R6749('3.1'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-HUM-04',
    title: 'A wrong password on the login page shows the user a login error',
    level: 'SEED',
    source: 'seed 004 (login returns "auth_token or FAIL"; the failure is reported to the user)',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: 'No RFC clause asks for an error message; the seed does. Where the message appears is configurable (browserLogin.selectors.error).',
  },
  {
    id: 'REQ-HUM-05',
    title: 'A code redeemed with a redirect_uri other than the one of its authorization request is refused with invalid_grant',
    level: 'MUST',
    source: 'RFC 6749 §4.1.3 (MUST ensure redirect_uri is identical to the one in the authorization request), §5.2 (invalid_grant)',
    link: R6749('4.1.3'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-PKCE-01',
    title: 'A code obtained with an S256 code_challenge is redeemed at the token endpoint with its code_verifier for a Bearer access token',
    level: 'MUST',
    source: 'RFC 7636 §4.2 (S256 is Mandatory To Implement on the server), §4.5, §4.6; RFC 6749 §4.1.3, §4.1.4',
    link: R7636('4.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-PKCE-02',
    title: 'A code redeemed with a wrong code_verifier, or without one, is refused (invalid_grant) and yields no token',
    level: 'MUST',
    source: 'RFC 7636 §4.6 (values not equal: invalid_grant MUST be returned); RFC 9700 §2.1.1 (MUST enforce the correct usage of code_verifier)',
    link: R7636('4.6'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note:
      'A missing code_verifier may be answered with invalid_request (RFC 6749 §5.2: a required parameter is missing) ' +
      'or invalid_grant (OAuth 2.1 §4.1.3); both are accepted, a token is not.',
  },
  {
    id: 'REQ-PKCE-03',
    title: 'An authorization code cannot be redeemed twice: the second redemption is refused with invalid_grant',
    level: 'MUST',
    source: 'RFC 6749 §4.1.2 (if a code is used more than once, the authorization server MUST deny the request), §5.2',
    link: R6749('4.1.2'),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
    note: '§4.1.2 also says the server SHOULD revoke the tokens issued for the code; a JWT access token cannot be observed being revoked at the gateway, so that part is not judged.',
  },
];
