import type { VariationDefinition } from '../variations.ts';

/**
 * Conformant variations of the reference IdP (reference/variations.ts): behaviours real IdPs show that the clause
 * allows. Each is one small branch in the IdP's code (`faults.has('name')`) next to the clause it rests on.
 */
export const IDP_VARIATIONS = [
  {
    name: 'scope-required',
    component: 'idp',
    description: 'A client_credentials request without scope is refused with 400 invalid_scope; with the client\'s scopes it is served.',
    allowedBy: 'RFC 6749 §3.3: if the client omits scope the server MUST either use a default or fail the request with invalid_scope.',
  },
  {
    name: 'lowercase-token-type',
    component: 'idp',
    description: 'token_type is "bearer".',
    allowedBy: 'RFC 6749 §5.1: the token_type value is case insensitive.',
  },
  {
    name: 'token-response-extras',
    component: 'idp',
    description: 'The token response carries members of its own ("not-before-policy", "ext_expires_in").',
    allowedBy: 'RFC 6749 §5.1: the client MUST ignore unrecognized value names in the response.',
  },
  {
    name: 'nbf-claim',
    component: 'idp',
    description: 'Access tokens carry nbf (equal to iat).',
    allowedBy: 'RFC 7519 §4.1.5 (nbf is OPTIONAL); RFC 9068 §2.2 lets the token carry claims beyond its required ones.',
  },
  {
    name: 'aud-array',
    component: 'idp',
    description: 'The access token\'s aud is an array: the API\'s audience and another one.',
    allowedBy: 'RFC 7519 §4.1.3: aud is a string or an array of strings; the recipient checks it is among them (RFC 9068 §4).',
  },
  {
    name: 'typ-application-at-jwt',
    component: 'idp',
    description: 'The access token\'s typ header is "application/at+jwt".',
    allowedBy: 'RFC 9068 §2.1 and §4: typ is "at+jwt" or "application/at+jwt" (RFC 7515 §4.1.9 lets the "application/" prefix be omitted).',
  },
  {
    name: 'scope-reordered',
    component: 'idp',
    description: 'The token response lists the granted scopes in another order than requested.',
    allowedBy: 'RFC 6749 §3.3: scope is a list of space-delimited strings whose order does not matter.',
  },
  {
    name: 'jwks-minimal-members',
    component: 'idp',
    description: 'The published keys carry neither "use" nor "alg".',
    allowedBy: 'RFC 7517 §4.2 and §4.4: use and alg are OPTIONAL members of a JWK.',
  },
  {
    name: 'invalid-client-400-for-body-auth',
    component: 'idp',
    description: 'invalid_client for credentials sent in the form body (or none at all) is a 400 without a challenge; HTTP Basic still gets 401 with WWW-Authenticate.',
    allowedBy: 'RFC 6749 §5.2: the server MAY return 401 (only when the client used the Authorization header MUST it).',
  },
  {
    name: 'retry-after-http-date',
    component: 'idp',
    description: 'A 429 (of the token endpoint and of the other OAuth endpoints) states Retry-After as an HTTP-date instead of seconds.',
    allowedBy: 'RFC 6585 §4 and RFC 9110 §10.2.3: Retry-After is an HTTP-date or a number of seconds.',
  },
  {
    name: 'sliding-window-rate-limit',
    component: 'idp',
    description: 'The rate limits (the token endpoint\'s and the other OAuth endpoints\') count the requests of the last second (a sliding window) instead of fixed one-second windows.',
    allowedBy: 'seed 001: "Up to 50 requests per second from the same IP are allowed" names no window; a sliding window never lets more than 50 through in any second.',
  },
  {
    name: 'blocked-ip-answers-403',
    component: 'idp',
    description: 'A blocked IP gets 403 with a JSON error instead of a dropped connection.',
    allowedBy: 'seed 001: a blocked IP will "start seeing connection errors, ssl/tls handshake errors or something similar".',
  },
  {
    name: 'jwks-extra-keys',
    component: 'idp',
    description: 'The JWKS also publishes an EC key that signs nothing yet (a key published ahead of its rotation).',
    allowedBy: 'RFC 7517 §5: a JWK Set holds any number of keys; RFC 9068 §4 / RFC 7515 §4.1.4: the verifier picks the key by kid.',
  },
  {
    name: 'fractional-numeric-dates',
    component: 'idp',
    description: 'The access token\'s iat and exp (and nbf) are NumericDates with a fraction: the instant of issue in milliseconds.',
    allowedBy: 'RFC 7519 §2: a NumericDate is a JSON numeric value of seconds, "non-integer values can be represented".',
  },
  {
    name: 'extra-access-token-claims',
    component: 'idp',
    description: 'The access token also carries azp, scp (an array), roles, ver, tid, and a UUID jti.',
    allowedBy: 'RFC 9068 §2.2 (and §2.2.3.1 for roles): the token MAY carry claims beyond its required ones; RFC 7519 §4.1.7 leaves the jti format to the issuer.',
  },
  {
    name: 'token-error-members',
    component: 'idp',
    description: 'Every token endpoint error carries error_description (with a backtick, single quotes, brackets, "#", "~" and "!": the edges of §5.2\'s set) and error_uri (with a query and a fragment) beside error.',
    allowedBy: 'RFC 6749 §5.2: error_description and error_uri are OPTIONAL members of the error response; error_description may hold %x20-21 / %x23-5B / %x5D-7E, error_uri %x21 / %x23-5B / %x5D-7E.',
  },
  {
    name: 'basic-challenge-charset',
    component: 'idp',
    description: 'The 401 challenge of the token endpoint reads Basic realm="...", charset="UTF-8".',
    allowedBy: 'RFC 7617 §2.1: the Basic challenge MAY carry the charset auth-param (value "UTF-8") besides realm.',
  },
  {
    name: 'metadata-extras',
    component: 'idp',
    description: 'The metadata lists more grant types and client authentication methods (device_code, private_key_jwt, tls_client_auth...) and members of its own.',
    allowedBy: 'RFC 8414 §2: additional metadata parameters MAY be used; the *_supported lists name every value the server supports.',
  },
  {
    name: 'metadata-jwks-uri-elsewhere',
    component: 'idp',
    description: "The metadata's jwks_uri names another URL (/jwks-mirror) than the profile's idp.jwksUri; it serves the same JWK Set, as a CDN or a realm-scoped path does.",
    allowedBy: 'RFC 8414 §2: jwks_uri is any URL of the JWK Set document that contains the signing key(s); nothing ties it to one path.',
  },
  {
    name: 'scope-omitted-as-requested',
    component: 'idp',
    description: 'The token response leaves scope out when it granted exactly the requested scope.',
    allowedBy: 'RFC 6749 §5.1: scope is OPTIONAL if identical to the scope requested by the client.',
  },
  // Issue 20: authorization endpoint
  {
    name: 'authorization-error-page-200',
    component: 'idp',
    description: 'The authorization endpoint shows the errors it does not redirect (an unregistered redirect_uri) on a page served with 200.',
    allowedBy: 'RFC 6749 §4.1.2.1: the server SHOULD inform the resource owner of the error and MUST NOT redirect; no status code is prescribed for that page.',
  },
  {
    name: 'oauth-endpoints-one-budget',
    component: 'idp',
    description: 'One per-IP budget for every OAuth endpoint: the token endpoint\'s, the authorization endpoint\'s, the JWKS\'s and the discovery document\'s requests of an IP count together against the one limit.',
    allowedBy: 'seed 001: "the OAuth2.0 endpoints are protected with rate-limiting. Up to 50 requests per second from the same IP are allowed": one figure per IP, which may be read as shared by the endpoints (the kit judges each endpoint on its own, what every reading promises).',
  },
  // Issue 19: private_key_jwt
  {
    name: 'assertion-aud-issuer-only',
    component: 'idp',
    description: 'A client assertion is accepted only with aud = the issuer identifier; the token endpoint URL is refused (Auth0, draft-ietf-oauth-rfc7523bis).',
    allowedBy: 'RFC 7523 §3 item 3: aud identifies the authorization server; the token endpoint URL only MAY be used. draft-ietf-oauth-rfc7523bis makes the issuer identifier the one value.',
  },
  // Issue 19: DPoP
  {
    name: 'dpop-nonce-required',
    component: 'idp',
    description: 'Every token request with a DPoP proof must carry a server nonce: the first is answered 400 use_dpop_nonce with a DPoP-Nonce header.',
    allowedBy: 'RFC 9449 §8: an authorization server MAY supply a nonce value to be included by the client in DPoP proofs (use_dpop_nonce, DPoP-Nonce).',
  },
  // Issue 19: a disabled client
  {
    name: 'disabled-client-unauthorized-client',
    component: 'idp',
    description: 'The disabled client is authenticated, then refused with 400 unauthorized_client ("the client is disabled") instead of 401 invalid_client.',
    allowedBy: 'RFC 6749 §5.2: unauthorized_client is "The authenticated client is not authorized to use this authorization grant type"; no clause names the code for a disabled client, and either one refuses it (REQ-CAUTH-11 grades no code).',
  },
  // Issue 19: TLS on the main URLs
  {
    name: 'https-reference',
    component: 'idp',
    description:
      'The IdP and the gateway serve their main URLs over https (TLS 1.2 and 1.3) with a certificate of a CA made for the run, valid for 127.0.0.1 and localhost; ' +
      'the IdP keeps a plain-http twin that answers every request with 308 to the https URL and reads nothing. The kit trusts the run\'s CA, its browser ignores certificate errors of that target only.',
    allowedBy:
      'RFC 9325 §3.1.1 (TLS 1.2 MUST be supported, 1.3 SHOULD; 1.0 and 1.1 MUST NOT be negotiated) and RFC 6749 §3.2 (the token endpoint MUST require TLS): what a production IdP and gateway do. ' +
      'A redirect from port 80 processes no credentials, so it does not break §3.2.',
  },
  // Issue 19: mutual TLS (RFC 8705)
  {
    name: 'mtls-self-signed-client-auth',
    component: 'idp',
    description: 'The mTLS client is registered for self_signed_tls_client_auth: by its certificate itself (jwks with x5c), whatever its chain and subject, instead of tls_client_auth by subject DN.',
    allowedBy: 'RFC 8705 §2.2: self-signed certificate mutual-TLS client authentication, the other method of §2; the server matches the presented certificate against the client\'s registered one.',
  },
] as const satisfies readonly VariationDefinition[];

export type IdpVariationName = (typeof IDP_VARIATIONS)[number]['name'];
