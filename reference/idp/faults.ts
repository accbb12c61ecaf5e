import type { FaultDefinition } from '../faults.ts';

/**
 * Faults of the reference IdP: each names the requirements it breaks. Each is one small, clearly named branch
 * in the IdP's code (`faults.has('name')`); the code next to the branch says which requirement the correct
 * behaviour serves.
 */
export const IDP_FAULTS = [
  // --- client authentication (RFC 6749 §2.3.1, §5.2)
  {
    name: 'accept-wrong-secret',
    component: 'idp',
    description: 'Any secret is accepted for a known client (Basic and form body alike).',
    breaks: ['REQ-CAUTH-03', 'REQ-CAUTH-04'],
  },
  {
    name: 'ignore-basic-auth',
    component: 'idp',
    description: 'Credentials in an HTTP Basic header are ignored: a client that sends only Basic gets invalid_client.',
    breaks: ['REQ-CAUTH-01'],
  },
  {
    name: 'wrong-status-invalid-client',
    component: 'idp',
    description: 'invalid_client is answered with 400 and no WWW-Authenticate, also when the client used HTTP Basic.',
    breaks: ['REQ-CAUTH-03', 'REQ-CAUTH-05'],
  },
  // --- token response (RFC 6749 §5.1, §4.4.3, §5.2)
  {
    name: 'issue-refresh-token',
    component: 'idp',
    description: 'The client_credentials response carries a refresh_token.',
    breaks: ['REQ-TOK-07'],
  },
  {
    name: 'omit-no-store',
    component: 'idp',
    description: 'The token response has no Cache-Control: no-store.',
    breaks: ['REQ-TOK-05'],
  },
  {
    name: 'omit-pragma',
    component: 'idp',
    description: 'The token response has no Pragma: no-cache.',
    breaks: ['REQ-TOK-06'],
  },
  {
    name: 'wrong-token-type',
    component: 'idp',
    description: 'token_type is "JWT" instead of Bearer.',
    breaks: ['REQ-TOK-03'],
  },
  {
    name: 'plain-text-errors',
    component: 'idp',
    description: 'Token endpoint errors are text/plain ("error: invalid_client") instead of a JSON object.',
    // Every check that reads the error code from the JSON body sees none.
    breaks: ['REQ-TOK-09', 'REQ-TOK-10', 'REQ-TOK-11', 'REQ-TOK-12', 'REQ-TOK-15', 'REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05', 'REQ-CAUTH-06', 'REQ-CAUTH-07'],
  },
  {
    name: 'accept-any-scope',
    component: 'idp',
    description: 'A scope the client may not have is granted instead of refused with invalid_scope.',
    breaks: ['REQ-TOK-12'],
  },
  {
    name: 'unauthorized-client-gets-token',
    component: 'idp',
    description: 'A client registered without the client_credentials grant still gets a token for it.',
    breaks: ['REQ-TOK-15'],
  },
  {
    name: 'token-for-get-request',
    component: 'idp',
    description: 'GET /token with grant_type and credentials in the query string issues a token.',
    breaks: ['REQ-TOK-13'],
  },
  {
    name: 'server-error-on-json-body',
    component: 'idp',
    description: 'A JSON request body makes the token endpoint answer 500.',
    breaks: ['REQ-TOK-14'],
  },
  // --- access token format (RFC 9068) and expiry
  {
    name: 'jwt-typ-jwt',
    component: 'idp',
    description: 'Access tokens carry typ "JWT" instead of "at+jwt".',
    breaks: ['REQ-JWT-02'],
  },
  {
    name: 'missing-jti',
    component: 'idp',
    description: 'Access tokens carry no jti claim.',
    breaks: ['REQ-JWT-03'],
  },
  {
    name: 'expires-in-mismatch',
    component: 'idp',
    description: 'expires_in says 60 s more than the token\'s exp - iat.',
    breaks: ['REQ-TTL-01'],
  },
  {
    name: 'ignore-client-ttl',
    component: 'idp',
    description: 'The short-TTL client gets the default 300 s lifetime instead of its own.',
    breaks: ['REQ-TTL-03'],
  },
  // --- identity (seed 003)
  {
    name: 'sub-not-client-id',
    component: 'idp',
    description: 'Client-credentials tokens carry sub "service-account-<client_id>" instead of the client_id.',
    // With client_id != sub the system user is read as a human (seed 003): it loses the system's view.
    breaks: ['REQ-ID-01', 'REQ-ID-05', 'REQ-ID-07'],
  },
  {
    name: 'human-sub-is-client',
    component: 'idp',
    description: 'Human tokens carry sub = client_id instead of the customer.',
    // With client_id == sub the human is read as the system (seed 003): no customer, every customer's data.
    breaks: ['REQ-ID-02', 'REQ-ID-03', 'REQ-ID-04'],
  },
  // --- rate limit and IP block (seed 001)
  {
    name: 'no-rate-limit',
    component: 'idp',
    description: 'The token endpoint never answers 429.',
    // Without a 429 there is nothing to retry after, and no limited IP to compare another with.
    breaks: ['REQ-RL-02', 'REQ-RL-03', 'REQ-RL-07', 'REQ-RL-08'],
  },
  {
    name: 'rate-limit-without-retry-after',
    component: 'idp',
    description: 'The 429 answer has no Retry-After header.',
    breaks: ['REQ-RL-03'],
  },
  {
    name: 'no-ip-block',
    component: 'idp',
    description: 'Failed logins never block the IP.',
    // Without a block there is no unblocking to observe and no blocked IP to compare another with.
    breaks: ['REQ-RL-04', 'REQ-RL-05', 'REQ-RL-06'],
  },
  {
    name: 'never-unblock',
    component: 'idp',
    description: 'A blocked IP stays blocked after the block time.',
    breaks: ['REQ-RL-05'],
  },
  {
    name: 'block-every-ip',
    component: 'idp',
    description: 'Failed logins from one IP block every IP.',
    breaks: ['REQ-RL-06'],
  },
  // --- audit (seed 004)
  {
    name: 'audit-misses-failures',
    component: 'idp',
    description: 'Failed authentication attempts are not recorded in the audit log.',
    breaks: ['REQ-AUD-02'],
  },
  {
    name: 'audit-logs-secrets',
    component: 'idp',
    description: 'Audit entries carry the presented client secret or password.',
    breaks: ['REQ-AUD-03'],
  },
  // --- rotation (seed 002, RFC 7517)
  {
    name: 'rotation-keeps-old-secret',
    component: 'idp',
    description: 'After a secret rotation the old secret keeps working.',
    breaks: ['REQ-ROT-02'],
  },
  {
    name: 'key-rotation-drops-old-key',
    component: 'idp',
    description: 'Signing-key rotation removes the previous key from the JWKS, so tokens signed before no longer verify.',
    breaks: ['REQ-JWT-10'],
  },
  // --- discovery (RFC 8414)
  {
    name: 'discovery-issuer-mismatch',
    component: 'idp',
    description: 'The metadata\'s issuer has a trailing slash the tokens\' iss does not have.',
    breaks: ['REQ-DISC-02'],
  },
  {
    name: 'jwks-exposes-private-key',
    component: 'idp',
    description: 'The JWKS publishes the private RSA parameters (d, p, q, ...) along with the public key.',
    breaks: ['REQ-DISC-05'],
  },
  // --- browser login (RFC 7636, RFC 6749 §4.1)
  {
    name: 'pkce-not-checked',
    component: 'idp',
    description: 'The code_verifier is not checked: any (or no) verifier redeems the code.',
    breaks: ['REQ-PKCE-02'],
  },
  {
    name: 'code-reusable',
    component: 'idp',
    description: 'An authorization code can be redeemed more than once.',
    breaks: ['REQ-PKCE-03'],
  },
] as const satisfies readonly FaultDefinition[];

export type IdpFaultName = (typeof IDP_FAULTS)[number]['name'];

/** The active faults as the IdP's code asks for them: a typo in a fault name is a type error. */
export interface IdpFaults {
  has(name: IdpFaultName): boolean;
}
