import type { VariationDefinition } from '../variations.ts';

/**
 * Conformant variations of the reference gateway (reference/variations.ts): behaviours real gateways show that
 * the clause allows. Each is one small branch in the gateway's code (`faults.has('name')`).
 */
export const GATEWAY_VARIATIONS = [
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
  {
    name: 'challenge-in-separate-fields',
    component: 'gateway',
    description: 'Refusals carry two WWW-Authenticate fields: the Bearer challenge, then a second scheme (Key realm="auth-ctk", as Kong\'s key-auth sends) in a field of its own.',
    allowedBy: 'RFC 9110 §11.6.1 (a server may send more than one challenge, in one WWW-Authenticate field or in several); RFC 9110 §5.3 (WWW-Authenticate is a list-based field).',
  },
  {
    name: 'challenge-description-punctuation',
    component: 'gateway',
    description: 'error_description ends with "[status=401; scheme=Bearer, realm=auth-ctk]": commas, "=", ";" and brackets inside the quoted value.',
    allowedBy: 'RFC 6750 §3: error_description values are %x20-21 / %x23-5B / %x5D-7E, which includes , = ; [ ] (RFC 9110 §5.6.4: a quoted-string may hold them).',
  },
  {
    name: 'body-access-token',
    component: 'gateway',
    description: 'The gateway also accepts the token in the access_token parameter of an application/x-www-form-urlencoded body (not with GET), and strips it before forwarding.',
    allowedBy: 'RFC 6750 §2.2: "Resource servers MAY support this method" (form-encoded body, single-part, a method other than GET).',
  },
  {
    name: 'query-access-token',
    component: 'gateway',
    description: 'The gateway also accepts (and validates) the token in the access_token URI query parameter, and strips it before forwarding.',
    allowedBy: 'RFC 6750 §2.3: "Resource servers MAY support this method"; its "SHOULD NOT be used" binds clients (the kit prints an advisory, RFC 9700 §4.3.2).',
  },
  {
    name: 'challenge-resource-metadata',
    component: 'gateway',
    description: 'Every Bearer challenge (also the one without credentials) carries resource_metadata="<gateway>/.well-known/oauth-protected-resource", and the gateway serves that document.',
    allowedBy: 'RFC 9728 §5.1 (resource_metadata auth-param in WWW-Authenticate); RFC 6750 §3 (auth-params besides the defined ones are allowed); it is not error information (§3.1).',
  },
  {
    name: 'gateway-rate-limit',
    component: 'gateway',
    description:
      'The gateway limits each client IP to limits.gateway.requestsPerSecond requests per second (fixed window, then 429 with Retry-After) and refuses an IP with 403 for blockSeconds after failedAttempts consecutive requests with invalid tokens; 127.0.0.1, the kit\'s ordinary address, is allow-listed. With it the reference claims gateway-rate-limiting and gateway-ip-blocking.',
    allowedBy:
      'RFC 6585 §4 (429 for too many requests; Retry-After MAY); RFC 6750 §3.1 and RFC 9110 §15.5.4 (a server may refuse a request, 403); the limits are the deployment\'s own claim (limits.gateway), and an operator\'s allow-list is its own choice: the kit judges the claim only from the other client IPs it sends from.',
    claims: ['gateway-rate-limiting', 'gateway-ip-blocking'],
  },
  // Issue 20: header and claim attacks
  {
    name: 'gateway-large-headers',
    component: 'gateway',
    description: 'The gateway takes request headers of up to 128 KiB in (as an Envoy with a raised max_request_headers_kb does): a 64 KiB forged token is validated like any other and refused with 401 invalid_token, not 431.',
    allowedBy: 'RFC 9110 §5.4 (a server only has to answer with a 4xx for fields larger than it wishes to process; how large that is is its own choice); RFC 6750 §3.1 (invalid_token: 401).',
  },
  // Issue 19: DPoP
  {
    name: 'dpop-nonce-required-at-gateway',
    component: 'gateway',
    description: 'Every DPoP proof must carry a nonce the gateway issued: a proof without one is refused 401 with WWW-Authenticate: DPoP error="use_dpop_nonce" and a DPoP-Nonce header.',
    allowedBy: 'RFC 9449 §9: a resource server MAY supply a nonce value to be included by the client in DPoP proofs sent to it (use_dpop_nonce, DPoP-Nonce).',
  },
  // Issue 19: introspection and revocation
  {
    name: 'gateway-introspects-opaque-tokens',
    component: 'gateway',
    description: 'A token that is no JWT is introspected at the IdP (RFC 7662, as the system client) instead of being refused as malformed: active, for this API, with sub and client_id, it is served like a valid JWT; anything else is refused as invalid_token.',
    allowedBy: 'RFC 7662 §1: a protected resource may ask the authorization server whether a token is active (opaque tokens); RFC 6750 §3.1 leaves how the resource server validates a token to it; invalid tokens are still refused with invalid_token.',
  },
] as const satisfies readonly VariationDefinition[];

export type GatewayVariationName = (typeof GATEWAY_VARIATIONS)[number]['name'];
