import { type Requirement, rfc } from './types.ts';

/**
 * Token attacks at the gateway (issue 20) that need a clause of their own. The rest of them — key sources named in
 * the header (jku, x5u), kid injection, oversized tokens — are judged under REQ-BEARER-04/-05/-12, whose clauses are
 * exact for them: RFC 9068 §4 (the resource server MUST use the keys the authorization server provides) and
 * RFC 9110 §15.6 (no 5xx for a client's bad input). An iat in the future (REQ-BEARER-19) has no clause that demands
 * its refusal: it is the expectation, graded SHOULD.
 */
export const GATEWAY_TOKEN_ATTACK_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-BEARER-17',
    title: 'A token whose crit header lists an extension the gateway does not understand is refused, however correct its signature',
    level: 'MUST',
    source: 'RFC 7515 §4.1.11 (crit: extensions that MUST be understood and processed; if one is not understood and supported, the JWS is invalid; crit MUST be understood and processed by implementations); RFC 9068 §4',
    link: rfc(7515, '4.1.11'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'jwt-access-tokens',
    note: 'Judged with the target\'s test signer (@requires-test-token-signer): only a correctly signed token leaves crit as the one reason to refuse it. Without a signer the check is not testable, with that reason.',
  },
  {
    id: 'REQ-BEARER-18',
    title: 'A correctly signed token without a typ header is refused as no RFC 9068 access token',
    level: 'SHOULD',
    source: 'RFC 9068 §4 (resource servers MUST verify that the typ header value is "at+jwt" or "application/at+jwt" and reject tokens carrying any other value); RFC 8725 §3.11 (explicit typing)',
    link: rfc(9068, '4'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'rfc9068-access-tokens',
    note:
      'Graded SHOULD: the clause\'s "reject tokens carrying any other value" is read by widely used validators (Spring Security\'s ' +
      'JwtTypeValidator allows an empty typ) as leaving a token with no typ at all to the other checks. A token of another ' +
      'type (typ "JWT", as ID tokens carry) is REQ-BEARER-04 (MUST) in access-token-format.feature. Judged with the test signer.',
  },
  {
    id: 'REQ-BEARER-19',
    title: "A correctly signed token whose iat lies beyond the gateway's clock leeway in the future (an hour) is refused",
    level: 'SHOULD',
    source: 'RFC 7519 §4.1.6 (iat: the time at which the JWT was issued — a token issued in the future is implausible); RFC 7519 §4.1.4-§4.1.5 (a small leeway for clock skew)',
    link: rfc(7519, '4.1.6'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'jwt-access-tokens',
    note:
      'No RFC clause obliges a resource server to refuse a token whose iat is in the future: RFC 7519 §4.1.6 defines iat, and ' +
      'RFC 9068 §4 lists no iat check. Issue 20 asks for the refusal, so a gateway that serves such a token is reported with a ' +
      'warning, never a failure. Judged with the test signer (iat an hour ahead, exp an hour after it), after its plain token was served.',
  },
];
