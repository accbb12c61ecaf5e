/**
 * Conformant variations of the reference stack: the converse of the faults (reference/faults.ts). Each is a way
 * real IdPs and gateways behave that the clause (or the seed's own words) allows but the default reference does
 * not happen to do. The kit's own tests run the whole suite against the reference with every variation on and
 * require it to stay clean: a kit that fails a correct product is as wrong as one that misses a defect.
 *
 * Variations travel in the same switch set as faults (AUTH_CTK_FAULTS, `--faults`); each server checks them with
 * `faults.has(name)` next to the code they change.
 */
export interface VariationDefinition {
  /** kebab-case name, used on the command line: --faults scope-required */
  readonly name: string;
  readonly component: 'idp' | 'gateway';
  /** What the varied reference does. */
  readonly description: string;
  /** The clause or seed sentence that allows it: why no check may fail it. */
  readonly allowedBy: string;
}

export const VARIATIONS = [
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
    description: 'A 429 states Retry-After as an HTTP-date instead of seconds.',
    allowedBy: 'RFC 6585 §4 and RFC 9110 §10.2.3: Retry-After is an HTTP-date or a number of seconds.',
  },
  {
    name: 'sliding-window-rate-limit',
    component: 'idp',
    description: 'The token rate limit counts the requests of the last second (a sliding window) instead of fixed one-second windows.',
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
    name: 'challenge-with-extras',
    component: 'gateway',
    description: 'WWW-Authenticate lists error before realm, always with error_description, and offers a second scheme (DPoP) after Bearer.',
    allowedBy: 'RFC 6750 §3 (auth-params in any order, error_description MAY); RFC 9110 §11.6.1 (a header may carry several challenges).',
  },
  {
    name: 'gateway-empty-error-body',
    component: 'gateway',
    description: 'The gateway\'s 401 and 403 refusals have an empty body (the error is in WWW-Authenticate only).',
    allowedBy: 'RFC 6750 §3: the error is conveyed in the WWW-Authenticate header; no response body is defined.',
  },
] as const satisfies readonly VariationDefinition[];

export type VariationName = (typeof VARIATIONS)[number]['name'];
export type IdpVariationName = Extract<(typeof VARIATIONS)[number], { component: 'idp' }>['name'];
export type GatewayVariationName = Extract<(typeof VARIATIONS)[number], { component: 'gateway' }>['name'];

export const isVariation = (name: string): boolean => VARIATIONS.some((v) => v.name === name);
