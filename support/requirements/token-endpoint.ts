import { type Requirement, rfc, seed, SEEDS } from './types.ts';

const R6749 = (s: string) => rfc(6749, s);

/** The token endpoint (RFC 6749 §3.2, §4.4, §5) as seed 001 documents it for system users. */
export const TOKEN_ENDPOINT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-TOK-01',
    title: 'A confidential client with valid credentials obtains an access token with the client_credentials grant',
    level: 'MUST',
    source: 'RFC 6749 §4.4.2, §4.4.3',
    link: R6749('4.4.3'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-02',
    title:
      'The successful token response is a JSON object (application/json) with a non-empty access_token, a token_type, ' +
      'and numeric values (expires_in) as JSON numbers',
    level: 'MUST',
    source: 'RFC 6749 §5.1 (access_token, token_type REQUIRED; application/json; numerical values as JSON numbers)',
    link: R6749('5.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-03',
    title: 'token_type is Bearer (compared case-insensitively)',
    level: 'MUST',
    source: 'RFC 6749 §5.1, §7.1; RFC 6750 §4; seed 001',
    link: R6749('5.1'),
    component: 'idp',
    profile: 'core',
    note: 'RFC 6749 §5.1 says the value is case insensitive, so "bearer" conforms.',
  },
  {
    id: 'REQ-TOK-04',
    title: 'The token response states the token lifetime in expires_in (a positive integer of seconds)',
    level: 'SHOULD',
    source: 'RFC 6749 §5.1 (RECOMMENDED); seed 001, seed 004 (time to live)',
    link: R6749('5.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-05',
    title: 'The token response carries Cache-Control: no-store',
    level: 'MUST',
    source: 'RFC 6749 §5.1',
    link: R6749('5.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-06',
    title: 'The token response carries Pragma: no-cache',
    level: 'SHOULD',
    source: 'RFC 6749 §5.1',
    link: R6749('5.1'),
    component: 'idp',
    profile: 'core',
    note:
      'RFC 6749 §5.1 says MUST, but RFC 9111 §5.4 deprecates Pragma and OAuth 2.1 drops it; ' +
      'a missing Pragma is reported as a warning so that current servers are not failed for it.',
  },
  {
    id: 'REQ-TOK-07',
    title: 'No refresh token is issued for the client_credentials grant',
    level: 'SHOULD',
    source: 'RFC 6749 §4.4.3 (SHOULD NOT); seed 001',
    link: R6749('4.4.3'),
    component: 'idp',
    profile: 'core',
    note:
      'For a target that claims no-refresh-tokens (it follows seed 001\'s guide), REQ-TOK-22 judges the same refresh token by the ' +
      'seed\'s word instead: one refresh token is one finding, so this warning does not apply there.',
  },
  {
    id: 'REQ-TOK-08',
    title: 'When the granted scope differs from the requested scope, the response states it in scope',
    level: 'MUST',
    source: 'RFC 6749 §5.1, §3.3',
    link: R6749('3.3'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-09',
    title: 'Error responses are a JSON object (application/json) whose error member is a single ASCII error code',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (error REQUIRED; parameters in the entity-body as application/json)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note: 'Which code each refusal carries is judged by the requirement of that refusal; the status by REQ-TOK-17.',
  },
  {
    id: 'REQ-TOK-10',
    title: 'A request without grant_type is refused with 400 invalid_request',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_request), §4.4.2',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note: 'unsupported_grant_type is also accepted: an absent grant type can be read as an unsupported one.',
  },
  {
    id: 'REQ-TOK-11',
    title: 'An unknown grant_type is refused with 400 unsupported_grant_type',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (unsupported_grant_type)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TOK-12',
    title: 'A scope the client may not have is refused with 400 invalid_scope, or left out of the granted scope',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_scope), §3.3',
    link: R6749('3.3'),
    component: 'idp',
    profile: 'core',
    note: '§3.3 lets the server ignore part of the requested scope; then the response must name the scope it granted.',
  },
  {
    id: 'REQ-TOK-13',
    title: 'The token endpoint issues no token for a GET request or for credentials sent in the request URI',
    level: 'SHOULD',
    source: 'RFC 6749 §3.2 (the client MUST use POST), §2.3.1 (credentials MUST NOT be included in the request URI)',
    link: R6749('2.3.1'),
    component: 'idp',
    profile: 'core',
    note:
      'Both MUSTs bind the client; RFC 6749 places no MUST on the server to refuse. A server that serves such a ' +
      'request invites secrets into access logs and browser history, so it is warned about, not failed.',
  },
  {
    id: 'REQ-TOK-14',
    title: 'Malformed requests (a JSON body instead of a form, an oversized body) never get a 5xx or a hang',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_request: the request is malformed); RFC 9110 §15.6 (5xx means the server failed)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'A 4xx refusal conforms. So does a token: §3.2 binds the client to the form encoding and §3.1 tells the server ' +
      'to ignore unknown parameters, so a server that reads JSON (Auth0 does) or a large padded body is lenient, not broken.',
  },
  {
    id: 'REQ-TOK-15',
    title: 'A client not allowed the client_credentials grant is refused with unauthorized_client',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (unauthorized_client), §4.4',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note: 'Testable only when the target names a client that is not allowed the grant.',
  },
  {
    id: 'REQ-TOK-16',
    title: 'The scope a token response states (or, left out, the requested one: RFC 6749 §5.1) agrees with the scope claim of the token',
    level: 'SHOULD',
    source: 'RFC 9068 §2.2.3; RFC 6749 §5.1',
    link: rfc(9068, '2.2.3'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
  },
  {
    id: 'REQ-TOK-17',
    title: 'Token endpoint errors other than invalid_client are answered with status 400',
    level: 'SHOULD',
    source: 'RFC 6749 §5.2 (responds with 400 Bad Request unless specified otherwise)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      '§5.2 states the 400 without a capitalised keyword, and clients act on the error code, not the status: another 4xx ' +
      '(Keycloak answers unauthorized_client with 401) is a warning.',
  },
  {
    id: 'REQ-TOK-18',
    title: 'The token endpoint is served over TLS (https)',
    level: 'MUST',
    source: 'RFC 6749 §3.2 (the authorization server MUST require the use of TLS)',
    link: R6749('3.2'),
    component: 'idp',
    profile: 'core',
    note: 'Loopback addresses (127.0.0.0/8, ::1, localhost) are exempt: they never leave the machine (local test deployments).',
  },
  {
    id: 'REQ-TOK-20',
    title: 'A client registered for client credentials only is refused the password grant with unauthorized_client or unsupported_grant_type',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (unauthorized_client: the client is not authorized to use this grant type; unsupported_grant_type: the server does not support it), §4.3',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'The request carries a test user\'s real credentials (users[0]), so the refusal is about the grant; without a test user ' +
      'the kit sends made-up ones, and an invalid_grant answer (about the made-up password) is then no evidence: not testable.',
  },
  {
    id: 'REQ-TOK-19',
    title: 'A token request without scope is served with a default scope, or refused with invalid_scope',
    level: 'MUST',
    source: 'RFC 6749 §3.3 (if the client omits the scope parameter, the server MUST either use a pre-defined default value or fail the request indicating an invalid scope)',
    link: R6749('3.3'),
    component: 'idp',
    profile: 'core',
    note:
      'Only this scenario sends a request without scope: every other token request of the kit carries the scopes the ' +
      'profile declares for the client, so a server that requires a scope is judged here once, not in every check.',
  },
  {
    id: 'REQ-TOK-21',
    title:
      'The token request exactly as seed 001\'s guide shows it (curl --form: multipart/form-data with a grant_type part, ' +
      'HTTP Basic) gets a token or a 4xx refusal, never a 5xx, a hang or a dropped connection',
    level: 'MUST',
    source:
      'seed 001 (the sample curl request: --form \'grant_type="client_credentials"\'); RFC 6749 §3.2 (application/x-www-form-urlencoded: ' +
      'the server may refuse it); RFC 9110 §15.6 (5xx means the server failed)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'core',
    note:
      'A user following the guide sends this request. §3.2 binds the client to the form encoding, so the server may refuse it: a 4xx ' +
      'JSON error (invalid_request, unsupported_grant_type) passes. A token passes too (a lenient server that serves its own guide); ' +
      'the check then notes that it was accepted. Only what HTTP rules out fails here: a 5xx, a hang, a dropped connection. A refusal ' +
      'that is no application/json error object is judged in passing as REQ-TOK-09 (the format of every error): one cause, one finding.',
  },
  {
    id: 'REQ-TOK-22',
    title: 'A target that follows seed 001 issues no refresh token with the client_credentials grant',
    level: 'SEED',
    source: 'seed 001 ("the Client Credentials flow does not support refresh tokens"; "it is up to the client to acquire a new access token")',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'core',
    capability: 'no-refresh-tokens',
    note:
      'RFC 6749 §4.4.3 only says SHOULD NOT (REQ-TOK-07, a warning); the guide states it as a fact its clients build on (they renew ' +
      'with id and secret). For a target that claims no-refresh-tokens this requirement supersedes REQ-TOK-07, so a refresh token ' +
      'is reported once, failed by the seed\'s word.',
  },
];

/** Client authentication at the token endpoint (RFC 6749 §2.3.1, §5.2). */
export const CLIENT_AUTHENTICATION_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-CAUTH-01',
    title: 'The token endpoint accepts client credentials in an HTTP Basic Authorization header',
    level: 'MUST',
    source: 'RFC 6749 §2.3.1 (MUST support HTTP Basic)',
    link: R6749('2.3.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-CAUTH-02',
    title: 'The token endpoint accepts client_id and client_secret in the form body',
    level: 'SEED',
    source: 'seed 001 (post request with credentials in the body); RFC 6749 §2.3.1 (MAY)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-post',
  },
  {
    id: 'REQ-CAUTH-03',
    title: 'A wrong secret sent with HTTP Basic gets 401 invalid_client with WWW-Authenticate: Basic',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_client: MUST respond 401 with WWW-Authenticate matching the scheme used)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-CAUTH-04',
    title: 'A wrong secret or an unknown client in the form body gets invalid_client (400 or 401) and no token',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_client)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-CAUTH-05',
    title: 'An unknown client_id sent with HTTP Basic gets 401 invalid_client with WWW-Authenticate: Basic',
    level: 'MUST',
    source: 'RFC 6749 §5.2 (invalid_client)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-CAUTH-06',
    title: 'A request that uses more than one client authentication method is refused with invalid_request',
    level: 'SHOULD',
    source: 'RFC 6749 §5.2 (invalid_request: more than one mechanism), §2.3',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note:
      'The MUST NOT in §2.3 binds the client; §5.2 names the error the server gives. A server that accepts the request ' +
      '(e.g. uses the Basic header and ignores the body) is lenient, not broken: a warning.',
  },
  {
    id: 'REQ-CAUTH-07',
    title: 'A request without any client authentication gets no token',
    level: 'MUST',
    source: 'RFC 6749 §4.4.2 (the client MUST authenticate), §3.2.1',
    link: R6749('4.4.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-CAUTH-08',
    title: 'A request without any client authentication is refused with invalid_client',
    level: 'SHOULD',
    source: 'RFC 6749 §5.2 (invalid_client: e.g. no client authentication included)',
    link: R6749('5.2'),
    component: 'idp',
    profile: 'core',
    note: '§5.2 names this case only as an example of invalid_client; servers that answer invalid_request ("client_id missing") are warned, not failed.',
  },
  {
    id: 'REQ-CAUTH-09',
    title: 'Every 401 answer of the token endpoint carries a WWW-Authenticate challenge',
    level: 'MUST',
    source: 'RFC 9110 §15.5.2 (a 401 response MUST send WWW-Authenticate); RFC 6749 §5.2',
    link: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
    component: 'idp',
    profile: 'core',
    note: 'RFC 6749 §5.2 lets the server answer invalid_client with 401 also when the credentials were in the body; then HTTP requires the challenge.',
  },
  {
    id: 'REQ-CAUTH-10',
    title: 'Client credentials in HTTP Basic are form-urlencoded before base64, and the server decodes them',
    level: 'SHOULD',
    source: 'RFC 6749 §2.3.1 (client id and password are encoded with application/x-www-form-urlencoded)',
    link: R6749('2.3.1'),
    component: 'idp',
    profile: 'core',
    note:
      'Checkable only with a secret (or client id) that the encoding changes (+ % : & space ...). §2.3.1 states the ' +
      'encoding without a capitalised keyword for the server, and servers that skip the decoding are common: a warning.',
  },
  {
    id: 'REQ-CAUTH-12',
    title: 'A client that authenticates with HTTP Basic and names another client_id in the form body gets no token for that other client',
    level: 'MUST',
    source: 'RFC 6749 §4.4.2 (the authorization server MUST authenticate the client), §3.2.1',
    link: R6749('4.4.2'),
    component: 'idp',
    profile: 'core',
    note:
      'The system client\'s Basic credentials with the read-only client\'s id (and no secret) in the form body: a token for the ' +
      'read-only client was bought with the system client\'s secret. A client_id without a secret is no second authentication ' +
      'method (§2.3), so a refusal of any kind (400 invalid_request, 401 invalid_client; judged where the same Basic request ' +
      'without the other client_id gets a token, else blocked) and a token of the system client both pass; only a token that names the read-only client in client_id, azp or sub (read from the JWT, or through introspection) ' +
      'fails, judged against both clients\' own tokens. A token that names neither is not testable. Where the read-only client\'s ' +
      'id alone gets a token too, that is REQ-CAUTH-07\'s finding and this requirement is not judged on it.',
  },
];
