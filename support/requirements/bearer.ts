import { type Requirement, rfc } from './types.ts';

const R6750 = (s: string) => rfc(6750, s);
const R9110 = (s: string) => rfc(9110, s);

/**
 * The gateway as an RFC 6750 resource server that validates RFC 9068 JWT access tokens.
 *
 * Grading, clause by clause (RFC 6750 §3 and §3.1 mix MUST and SHOULD in one paragraph, so the catalogue splits
 * them): the WWW-Authenticate challenge is a MUST (§3; RFC 9110 §15.5.2 for every 401), the error CODES and the
 * STATUS per code are SHOULD (§3: "SHOULD include the error attribute"; §3.1: "SHOULD respond with 401/400/403"),
 * and never serving a request whose token does not validate is a MUST (RFC 6749 §7, RFC 9068 §4).
 */
export const BEARER_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-BEARER-01',
    title: 'A request with a valid access token in the Authorization header reaches the protected resource',
    level: 'MUST',
    source: 'RFC 6750 §2.1 (resource servers MUST support the Authorization request header field)',
    link: R6750('2.1'),
    component: 'gateway',
    profile: 'gateway',
  },
  {
    id: 'REQ-BEARER-02',
    title: 'A request to a protected route without credentials is refused with a WWW-Authenticate: Bearer challenge',
    level: 'MUST',
    source: 'RFC 6750 §3 (no credentials: MUST include WWW-Authenticate; challenges MUST use the scheme "Bearer"); RFC 6749 §7',
    link: R6750('3'),
    component: 'gateway',
    profile: 'gateway',
    note: 'The status itself (401) is REQ-BEARER-16: RFC 6750 mandates the challenge, not the status code. A 401 without any Bearer challenge is reported once, as REQ-BEARER-13 (every 401, RFC 9110 §15.5.2 with RFC 6750 §3); this requirement is then not judged on that answer — one cause, one finding. It fails on its own for an answer that is no refusal, or a refusal other than 401 without a Bearer challenge. The other half of the same §3 sentence, a token that does not enable access, is REQ-BEARER-20: another request, its own finding.',
  },
  {
    id: 'REQ-BEARER-03',
    title: 'A request without credentials (or with another scheme, such as Basic) gets no error code or other error information in the challenge',
    level: 'SHOULD',
    source: 'RFC 6750 §3.1 (request lacks any authentication information, e.g. an unsupported authentication method: SHOULD NOT include an error code or other error information)',
    link: R6750('3.1'),
    component: 'gateway',
    profile: 'gateway',
  },
  {
    id: 'REQ-BEARER-04',
    title: 'A request without a valid access token (garbled, tampered signature, malformed Authorization header) never reaches the protected resource',
    level: 'MUST',
    source: 'RFC 6749 §7 (the resource server MUST validate the access token); RFC 9068 §4 (MUST validate the signature)',
    link: rfc(6749, '7'),
    component: 'gateway',
    profile: 'gateway',
    note: 'Judged on a 2xx (let through: failed) or a 4xx (refused: held). A 5xx or no answer for a bad token is neither: it is reported once, as REQ-BEARER-12, and this requirement is not judged on it.',
  },
  {
    id: 'REQ-BEARER-05',
    title: 'A refused access token gets 401 with WWW-Authenticate: Bearer error="invalid_token"',
    level: 'SHOULD',
    source: 'RFC 6750 §3 (a request with a token that failed authentication SHOULD get the error attribute), §3.1 (invalid_token: SHOULD respond 401)',
    link: R6750('3.1'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'Judges the status (401) and the error code (SHOULD). Refusing the token at all is REQ-BEARER-04 (MUST); the challenge itself ' +
      'is a MUST: on a 401 REQ-BEARER-13\'s, on any other refusal REQ-BEARER-20\'s. Where the challenge is missing, the error code ' +
      'is missing with it and is that one finding, not a second: a 401 without a challenge is not judged here, and a 403 or 400 ' +
      'without one is judged on its status alone (a warning of its own: status and challenge are two clauses).',
  },
  {
    id: 'REQ-BEARER-06',
    title: 'A malformed Authorization header is answered with 400 and error="invalid_request"',
    level: 'SHOULD',
    source: 'RFC 6750 §2.1 (credentials = "Bearer" 1*SP b64token), §3.1 (invalid_request: otherwise malformed; SHOULD respond 400)',
    link: R6750('3.1'),
    component: 'gateway',
    profile: 'gateway',
    note: 'Granting access for a malformed header is REQ-BEARER-04 (MUST); only the 400 status and the error code are SHOULD.',
  },
  {
    id: 'REQ-BEARER-07',
    title: 'A valid token without the scope the route requires gets 403 with error="insufficient_scope" (and a scope attribute, when sent, names the scope needed)',
    level: 'SHOULD',
    source: 'RFC 6750 §3.1 (insufficient_scope: SHOULD respond 403, MAY include the scope attribute with the scope necessary)',
    link: R6750('3.1'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'Judges the status (403), the error code and the scope attribute (SHOULD). The challenge itself is RFC 6750 §3\'s MUST ' +
      '(a token without the route\'s scope "does not contain an access token that enables access"): REQ-BEARER-20 judges it, ' +
      'REQ-BEARER-13 on a 401. A 403 without a Bearer challenge (a separate policy layer such as Envoy RBAC or Kong ACL) is that ' +
      'one finding, and this requirement is not judged on it; a 401 or 400 without one is judged on its status alone.',
  },
  {
    id: 'REQ-BEARER-08',
    title: 'A valid token without the scope the route requires never reaches the resource',
    level: 'MUST',
    source: 'RFC 6749 §7 (the resource server MUST ensure that the token\'s scope covers the requested resource)',
    link: rfc(6749, '7'),
    component: 'gateway',
    profile: 'gateway',
  },
  {
    id: 'REQ-BEARER-09',
    title: 'The Bearer scheme name is matched case-insensitively ("bearer", "BEARER")',
    level: 'SHOULD',
    source: 'RFC 9110 §11.1 (the authentication scheme is a case-insensitive token); RFC 6750 §2.1',
    link: R9110('11.1'),
    component: 'gateway',
    profile: 'gateway',
    note: 'Graded SHOULD: RFC 6750 §2.1 shows only "Bearer" in its grammar, and several gateways match it case-sensitively.',
  },
  {
    id: 'REQ-BEARER-10',
    title: 'A gateway that reads access tokens from the URI query (access_token=...) validates them: a tampered one there never gets through',
    level: 'MUST',
    source: 'RFC 6750 §2.3 (resource servers MAY support the query method), §3.1 (invalid_token); RFC 6749 §7 (the resource server MUST validate the access token)',
    link: R6750('2.3'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'Serving a valid token from the query conforms: the "SHOULD NOT be used" of §2.3 binds clients. The kit then prints an advisory ' +
      '(RFC 9700 §4.3.2: tokens in URIs leak into logs and history), which is no verdict and no warning.',
  },
  {
    id: 'REQ-BEARER-11',
    title: 'A request that carries the token by more than one method (header and query) is refused with 400 invalid_request',
    level: 'SHOULD',
    source: 'RFC 6750 §2 (clients MUST NOT use more than one method), §3.1 (invalid_request: uses more than one method; SHOULD respond 400)',
    link: R6750('3.1'),
    component: 'gateway',
    profile: 'gateway',
  },
  {
    id: 'REQ-BEARER-12',
    title: 'The gateway never answers a bad token (garbage, unknown kid, unsigned, oversized) with a 5xx server error',
    level: 'MUST',
    source: 'RFC 6750 §3 (a request without a token that enables access MUST get a Bearer challenge), §3.1 (the refusals are 400/401/403); RFC 9110 §15.6',
    link: R6750('3'),
    component: 'gateway',
    profile: 'gateway',
    note: 'A 5xx says the server erred (RFC 9110 §15.6): it gives the client no challenge to act on, and hides a validation path that crashes on input an attacker controls.',
  },
  {
    id: 'REQ-BEARER-13',
    title: 'Every 401 from the gateway carries a WWW-Authenticate header with a Bearer challenge',
    level: 'MUST',
    source: 'RFC 9110 §15.5.2 (a server generating a 401 MUST send WWW-Authenticate with at least one challenge); RFC 6750 §3',
    link: R9110('15.5.2'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'Judged on every 401 the kit meets, in passing where a scenario is about something else (a refused token\'s error code). ' +
      'A 401 without a Bearer challenge is one finding, this one: the requirements that read that challenge (REQ-BEARER-02, ' +
      '-05, -07, -20) are not judged again on the missing challenge (a status other than theirs stays their own clause). A refusal with another status without a challenge is REQ-BEARER-02\'s ' +
      '(no credentials) or REQ-BEARER-20\'s (a token that does not enable access).',
  },
  {
    id: 'REQ-BEARER-14',
    title: 'The Bearer challenge carries at least one auth-param (for example realm)',
    level: 'SHOULD',
    source: 'RFC 6750 §3 ("This scheme MUST be followed by one or more auth-param values")',
    link: R6750('3'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'RFC 6750 §3 says MUST, but HTTP\'s own challenge grammar (RFC 9110 §11.2) makes parameters optional, the client loses ' +
      'nothing by a bare "Bearer", and widely used servers (Spring Security without a realm) send one: a warning, not a failure.',
  },
  {
    id: 'REQ-BEARER-15',
    title: 'The WWW-Authenticate header is well-formed: RFC 9110 challenge syntax, realm/scope/error/error_description/error_uri at most once, values in the allowed characters',
    level: 'MUST',
    source: 'RFC 9110 §11.2, §2.2 (senders MUST NOT generate protocol elements that do not match the grammar); RFC 6750 §3 (attributes MUST NOT appear more than once; values MUST NOT include characters outside %x20-21 / %x23-5B / %x5D-7E)',
    link: R6750('3'),
    component: 'gateway',
    profile: 'gateway',
  },
  {
    id: 'REQ-BEARER-16',
    title: 'A request to a protected route without credentials is answered with status 401',
    level: 'SHOULD',
    source: 'RFC 9110 §15.5.2 (401: the request lacks valid authentication credentials); RFC 6750 §3 (its example)',
    link: R9110('15.5.2'),
    component: 'gateway',
    profile: 'gateway',
    note: 'No clause makes 401 itself a MUST (RFC 9110 §11.6.1: the server "can" reply 401); the challenge is REQ-BEARER-02 (MUST).',
  },
  // RFC 6750 §3's other half: the challenge on the refusal of a token that does not enable access
  {
    id: 'REQ-BEARER-20',
    title: 'A refusal of an access token that does not enable access (an invalid token, or a valid one without the route\'s scope) carries a WWW-Authenticate header with a Bearer challenge, whatever its status',
    level: 'MUST',
    source:
      'RFC 6750 §3 ("If the protected resource request does not include authentication credentials or does not contain an access ' +
      'token that enables access to the protected resource, the resource server MUST include the HTTP "WWW-Authenticate" response ' +
      'header field"; "All challenges defined by this specification MUST use the auth-scheme value "Bearer"")',
    link: R6750('3'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'The challenge is the MUST; its status (401 for invalid_token, 403 for insufficient_scope) and error code stay REQ-BEARER-05/-07 ' +
      '(SHOULD, RFC 6750 §3.1), judged on the same answer as a clause of their own, as REQ-BEARER-16 beside REQ-BEARER-02 for no ' +
      'credentials. Judged where the kit refuses a token: the invalid tokens of REQ-BEARER-05\'s scenarios (random, tampered, ' +
      'unknown key, alg none, foreign key, expired, wrong iss/aud/typ, jku/x5u, crit) and the read-only token on the scoped route ' +
      '(REQ-BEARER-07). One cause, one finding: a 401 without a Bearer challenge is REQ-BEARER-13\'s finding, a 2xx ' +
      'REQ-BEARER-04/-08\'s, a 5xx or no answer REQ-BEARER-12\'s; this requirement is not judged on those. Not judged on refusals ' +
      'that are not about the token (another customer\'s record, a rate limit\'s 429). A gateway that refuses no credentials and ' +
      'bad tokens alike without a challenge (keycloak-connect\'s 403 "Access denied") fails this and REQ-BEARER-02: two requests, ' +
      'the two halves of the §3 sentence, each its own finding. Where the scope is decided by a separate policy layer that answers ' +
      '403 without a challenge (Envoy RBAC, Kong ACL), RFC 9110 §15.5.4 would let a plain 403 go without one, but RFC 6750 §3 is ' +
      'the resource server\'s own clause and names this case: a failure.',
  },
];
