import type { FaultDefinition } from '../faults.ts';
import type { IdpVariationName } from '../variations.ts';

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
    description: 'Any secret is accepted for a known client (Basic and form body alike), at the introspection endpoint too.',
    // One cause, one finding: the wrong secret in the form body is the same unchecked secret as with HTTP Basic, so
    // REQ-CAUTH-04 is not judged on it (support/oauth/unchecked-credentials.ts); accept-wrong-secret-in-form-body
    // breaks REQ-CAUTH-04 alone. Two findings on purpose: the introspection endpoint's client authentication (RFC 7662
    // §2.1, REQ-INTRO-07) is another endpoint's check, which a product may do (and fix) apart from the token endpoint's.
    breaks: ['REQ-CAUTH-03', 'REQ-INTRO-07'],
  },
  {
    name: 'token-endpoint-refuses-everything-401',
    component: 'idp',
    description: 'The token endpoint answers every request, a correct one too, with 401 invalid_client and a Basic challenge.',
    // One cause, one finding: every refusal check of the token endpoint is judged only where the system client's ordinary
    // token request gets a token in the same scenario (its positive control), else blocked on REQ-TOK-01
    // (test/earned-passes.test.ts runs the token endpoint's features against it). REQ-CAUTH-01 and -02 are blocked on it too:
    // the secret is refused whichever way it is sent, so no method is the cause (support/oauth/auth-method-cause.ts).
    // So are REQ-PKJWT-01, REQ-CSJWT-01 and REQ-MTLS-01: their correct requests get the same 401 as the system client's
    // valid secret (support/oauth/valid-credentials-refused.ts). The refusals are audited (seed 004), not counted for
    // the IP block.
    breaks: ['REQ-TOK-01'],
  },
  {
    name: 'token-endpoint-refuses-everything-400',
    component: 'idp',
    description: 'The token endpoint answers every request, a correct one too, with 400 invalid_request ("grant_type is missing"), as when a proxy in front of it loses the form body.',
    breaks: ['REQ-TOK-01'],
  },
  {
    name: 'ignore-basic-auth',
    component: 'idp',
    description: 'Credentials in an HTTP Basic header are ignored: a client that sends only Basic gets invalid_client.',
    // One cause, one finding: the system client's ordinary request (HTTP Basic) is refused too, but its secret in the form
    // body gets a token, so REQ-TOK-01 is not judged on it (support/oauth/auth-method-cause.ts; test/earned-passes.test.ts).
    breaks: ['REQ-CAUTH-01'],
  },
  {
    name: 'wrong-status-invalid-client',
    component: 'idp',
    description: 'invalid_client is answered with 400 and no WWW-Authenticate, also when the client used HTTP Basic.',
    // One cause, one finding: the unknown client's refusal in the same shape is REQ-CAUTH-03's finding again, REQ-CAUTH-05 is
    // not judged on it (support/oauth/unchecked-credentials.ts explainedByInvalidClientShape); unknown-client-wrong-status
    // breaks REQ-CAUTH-05 alone.
    breaks: ['REQ-CAUTH-03'],
  },
  // --- token response (RFC 6749 §5.1, §4.4.3, §5.2)
  {
    name: 'issue-refresh-token',
    component: 'idp',
    description: 'The client_credentials response carries a refresh_token (the reference claims seed 001\'s no-refresh-tokens).',
    breaks: ['REQ-TOK-22'],
  },
  {
    name: 'issue-refresh-token-unclaimed',
    component: 'idp',
    description: 'The client_credentials response carries a refresh_token, and the reference does not claim no-refresh-tokens (RFC 6749 only).',
    breaks: ['REQ-TOK-07'],
    unclaims: ['no-refresh-tokens'],
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
    // One cause, one finding: every refusal's format is REQ-TOK-09's (judgeRefusal records it there in passing where
    // a scenario does not judge REQ-TOK-09 itself); the code and status of an unreadable refusal are not judged.
    breaks: ['REQ-TOK-09'],
  },
  {
    name: 'accept-any-scope',
    component: 'idp',
    description: 'A scope the client may not have is granted instead of refused with invalid_scope.',
    breaks: ['REQ-TOK-12'],
  },
  {
    name: 'unknown-scope-alone-unstated',
    component: 'idp',
    description: 'A request naming only scopes the server does not know gets a token for the client\'s scopes, and the response leaves scope out (which states the unknown scope as granted).',
    breaks: ['REQ-TOK-12'],
  },
  {
    name: 'password-grant-for-any-client',
    component: 'idp',
    description: 'Every client may use the password grant: a client registered for client credentials only gets a user\'s token with grant_type=password.',
    breaks: ['REQ-TOK-20'],
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
  {
    name: 'multipart-token-request-500',
    component: 'idp',
    description: 'The token request exactly as seed 001\'s guide shows it (curl --form: multipart/form-data) makes the token endpoint answer 500.',
    breaks: ['REQ-TOK-21'],
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
    // With client_id != sub the system user is read as a human (seed 003): it loses the system's view. One cause, one
    // finding: how it is passed on (REQ-ID-07) and what it is served (REQ-ID-05) follow from the token.
    breaks: ['REQ-ID-01'],
  },
  {
    name: 'human-sub-is-client',
    component: 'idp',
    description: 'Human tokens carry sub = client_id instead of the customer.',
    // With client_id == sub the human is read as the system (seed 003): no customer, every customer's data. One cause,
    // one finding: what the gateway and the component then do with such a token (REQ-ID-03, -04, -10, -12) follows
    // from the token and is not judged on it (support/identity/verdicts.ts humanTokenNamesItsCustomer).
    breaks: ['REQ-ID-02'],
  },
  {
    name: 'customer-id-is-client-id',
    component: 'idp',
    description: 'The second test customer\'s id is the read-only client\'s id (fixture data), so their tokens carry that client\'s subject.',
    breaks: ['REQ-ID-10'],
  },
  {
    name: 'on-behalf-token-exchange',
    component: 'idp',
    description: 'RFC 8693 token exchange is offered to every client: the system client exchanges a customer\'s token for one of its own (the on-behalf flow seed 003 rejected).',
    breaks: ['REQ-ID-11'],
  },
  // --- rate limit and IP block (seed 001)
  {
    name: 'no-rate-limit',
    component: 'idp',
    description: 'The token endpoint never answers 429.',
    // Without a 429 there is nothing to retry after. REQ-RL-07/-08 are not testable without a limited IP, so this fault
    // cannot report them (global-rate-limit and rate-limit-never-resets do).
    breaks: ['REQ-RL-02', 'REQ-RL-03'],
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
    // Two findings on purpose: a client's failed authentication at the token endpoint (REQ-AUD-02) and a wrong password on
    // the login page (REQ-AUD-04) are different operations that products audit as different events, fixed apart.
    breaks: ['REQ-AUD-02', 'REQ-AUD-04'],
  },
  {
    name: 'login-attempts-not-audited',
    component: 'idp',
    description: 'Attempts on the login page (a human logging on) are not recorded in the audit log; client-credentials attempts still are.',
    breaks: ['REQ-AUD-04'],
  },
  {
    name: 'audit-logs-secrets',
    component: 'idp',
    description: 'Audit entries carry the presented client secret or password.',
    breaks: ['REQ-AUD-03'],
  },
  {
    name: 'audit-logs-secrets-late',
    component: 'idp',
    description: 'Audit entries carry the presented client secret or password, and reach the log 1 s after the answer (stamped with the time of the attempt), as a log fed by a queue does.',
    // The lag alone is conformant (the kit reads the log again for up to 3 s before it concludes an attempt is missing,
    // REQ-AUD-01/02/04 pass); the secret is the defect. A judge that reads the log once, right after the answers, sees
    // none of the scenario's entries and would pass a log that writes every secret down.
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
    name: 'secret-rotation-revokes-tokens',
    component: 'idp',
    description: 'A client-secret rotation also replaces the signing key and drops the old one: tokens issued before the rotation stop verifying at the gateway.',
    breaks: ['REQ-ROT-03'],
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
    // The code_challenge is dropped at the authorization endpoint, so a request without one, or with a plain one,
    // goes on to the login too (REQ-AUTHZ-03, -04). Three findings on purpose: checking the verifier (RFC 7636 §4.6) and
    // refusing a missing or a plain challenge (RFC 9700 §2.1.1) are separate decisions; a server that checks every
    // verifier may still take both requests, so fixing one leaves the others.
    breaks: ['REQ-PKCE-02', 'REQ-AUTHZ-03', 'REQ-AUTHZ-04'],
  },
  {
    name: 'code-reusable',
    component: 'idp',
    description: 'An authorization code can be redeemed more than once.',
    breaks: ['REQ-PKCE-03'],
  },
  // --- issue 5 completion: one fault for every IdP requirement the reference can break
  // token response (RFC 6749 §5.1, §3.3, §5.2)
  {
    name: 'token-status-201',
    component: 'idp',
    description: 'A successful client_credentials answer has status 201 Created instead of 200 OK.',
    // One cause, one finding: every scenario that first asks "was a token issued" reports the 201 under REQ-TOK-01,
    // and its own requirement (REQ-TOK-08, -16, REQ-CAUTH-01) is not judged on it (support/oauth/token-response.ts).
    breaks: ['REQ-TOK-01'],
  },
  {
    name: 'token-response-text-plain',
    component: 'idp',
    description: 'The successful token response carries its JSON with Content-Type text/plain.',
    breaks: ['REQ-TOK-02'],
  },
  {
    name: 'omit-expires-in',
    component: 'idp',
    description: 'The token response has no expires_in.',
    breaks: ['REQ-TOK-04'],
  },
  {
    name: 'unstated-scope-change',
    component: 'idp',
    description: 'A request for some of the client\'s scopes is granted all of them, and the response leaves scope out.',
    // Leaving scope out states the requested scope (RFC 6749 §5.1), which the token's scope claim then contradicts: one
    // cause, REQ-TOK-08's finding, and REQ-TOK-16 is not judged on it (support/oauth/scope.ts unstatedScopeChange);
    // scope-claim-disagrees breaks REQ-TOK-16 alone.
    breaks: ['REQ-TOK-08'],
  },
  {
    name: 'scope-claim-disagrees',
    component: 'idp',
    description: 'The response states the requested scope, but the token\'s scope claim holds every scope of the client.',
    breaks: ['REQ-TOK-16'],
  },
  {
    name: 'scope-less-invalid-request',
    component: 'idp',
    description: 'A client_credentials request without scope is refused with 400 invalid_request instead of a default scope or invalid_scope; with a scope it is served.',
    breaks: ['REQ-TOK-19'],
  },
  {
    name: 'scope-less-403-empty',
    component: 'idp',
    description: 'A client_credentials request without scope is refused with 403 and an empty body (a real IdP, issue 16); with a scope it is served.',
    // Only the scenario about the scope-less request may see it: every other token request carries the declared scopes.
    breaks: ['REQ-TOK-09'],
  },
  {
    name: 'non-client-errors-403',
    component: 'idp',
    description: 'Token endpoint errors other than invalid_client (invalid_request, invalid_scope, ...) are answered with 403.',
    breaks: ['REQ-TOK-17'],
  },
  // client authentication (RFC 6749 §2.3.1, §5.2; seed 001)
  {
    name: 'ignore-body-credentials',
    component: 'idp',
    description: 'A client_secret in the form body is ignored: a client that sends its credentials only in the body gets invalid_client.',
    // Where the client's ordinary request is the form body (client_secret_post), its refusal is REQ-CAUTH-02's finding too,
    // HTTP Basic being served (support/oauth/auth-method-cause.ts); the reference's ordinary request is HTTP Basic.
    breaks: ['REQ-CAUTH-02'],
  },
  {
    name: 'no-auth-invalid-request',
    component: 'idp',
    description: 'A request without any client authentication is refused with 400 invalid_request instead of invalid_client.',
    breaks: ['REQ-CAUTH-08'],
  },
  {
    name: 'no-challenge-for-body-auth',
    component: 'idp',
    description: 'A 401 for a client that did not use the Authorization header carries no WWW-Authenticate challenge.',
    breaks: ['REQ-CAUTH-09'],
  },
  {
    name: 'basic-not-form-decoded',
    component: 'idp',
    description: 'HTTP Basic credentials are compared as sent, without form-urldecoding (secrets with + % : & space fail).',
    breaks: ['REQ-CAUTH-10'],
  },
  // access token format (RFC 9068)
  {
    name: 'opaque-access-tokens',
    component: 'idp',
    description: 'Client-credentials access tokens are opaque random strings instead of JWTs (human tokens stay JWTs).',
    // One cause, one finding: a token that is no JWS is REQ-JWT-01's finding; the other REQ-JWT claim checks are not
    // judged on it (support/jwt/claims.ts notAJwt). The identity checks read an opaque token's claims through
    // introspection (support/identity/claims.ts readClaims): seed 003 is about the token's identity, not its format.
    breaks: ['REQ-JWT-01'],
  },
  {
    name: 'alg-none-tokens',
    component: 'idp',
    description: 'Access tokens are unsecured JWTs: header alg "none" and an empty signature.',
    // One cause, one finding: an unsigned token is REQ-JWT-04's finding; whether it is asymmetrically signed (REQ-JWT-05)
    // or verifies with a published key (REQ-JWT-07) is not judged on it (support/jwt/claims.ts unsecured).
    breaks: ['REQ-JWT-04'],
  },
  {
    name: 'hs256-tokens',
    component: 'idp',
    description: 'Access tokens are signed with HS256 and a shared secret instead of the published RSA key.',
    // The issuer's finding: RFC 9068 §2.1 allows a symmetric signature (asymmetric is RECOMMENDED, REQ-JWT-05's
    // SHOULD). Its key is shared, never published, so REQ-JWT-07, -10 and -11 are not judged on an HS* token. The
    // reference gateway verifies only with published keys and refuses these tokens: in a whole run REQ-BEARER-01 fails
    // on that (a warning never explains a MUST away; README "One cause, one finding"), and REQ-ROT-06 is not judged
    // where the self-service interface refuses the owner's token as the gateway refuses every token
    // (test/symmetric-tokens.test.ts).
    breaks: ['REQ-JWT-05'],
  },
  {
    name: 'iss-not-issuer',
    component: 'idp',
    description: 'Access tokens carry iss "<issuer>/realms/other" instead of the issuer identifier.',
    breaks: ['REQ-JWT-06'],
  },
  {
    name: 'unpublished-signing-key',
    component: 'idp',
    description: 'Access tokens are signed with an RSA key (and kid) the JWKS does not publish.',
    breaks: ['REQ-JWT-07'],
  },
  {
    name: 'wrong-audience',
    component: 'idp',
    description: 'Access tokens carry aud "https://other-api.auth-ctk.test" instead of the API audience.',
    breaks: ['REQ-JWT-08'],
  },
  {
    name: 'missing-scope-claim',
    component: 'idp',
    description: 'A token issued for part of the client\'s scopes (an explicit request for one of them) carries no scope claim.',
    breaks: ['REQ-JWT-09'],
  },
  {
    name: 'key-rotation-keeps-old-kid',
    component: 'idp',
    description: 'Signing-key rotation publishes the new key but keeps signing with the old one.',
    breaks: ['REQ-JWT-11'],
  },
  {
    name: 'client-id-claim-other-client',
    component: 'idp',
    description: 'Client-credentials tokens name another registered client in client_id (and sub, so that sub = client_id still holds).',
    // Seed 003's check reads sub = client_id = the requesting client, so it sees the other client too: one cause,
    // REQ-JWT-12's finding, and REQ-ID-01 is not judged on it (support/identity/other-client.ts); sub-not-client-id
    // breaks REQ-ID-01 alone.
    breaks: ['REQ-JWT-12'],
  },
  {
    name: 'iat-behind-clock',
    component: 'idp',
    description: 'iat is written from a clock 30 s behind; exp is right.',
    // The lifetime read from exp - iat would grow by 30 s too; where iat is not the time of issue, REQ-TTL-03 reads exp -
    // Date instead (support/jwt/ttl.ts lifetimeFromIssue), so the tokens, which do live their TTL, are one finding.
    breaks: ['REQ-TTL-02'],
  },
  // discovery (RFC 8414)
  {
    name: 'metadata-text-plain',
    component: 'idp',
    description: 'The metadata document is served with Content-Type text/plain.',
    breaks: ['REQ-DISC-01'],
  },
  {
    name: 'metadata-without-token-endpoint',
    component: 'idp',
    description: 'The metadata has no token_endpoint.',
    breaks: ['REQ-DISC-03'],
  },
  {
    name: 'metadata-jwks-uri-not-found',
    component: 'idp',
    description: 'The metadata\'s jwks_uri names a path the IdP answers with 404 (the real JWKS stays where the target says).',
    breaks: ['REQ-DISC-04'],
  },
  {
    name: 'metadata-token-endpoint-not-found',
    component: 'idp',
    description: 'The metadata\'s token_endpoint names a path the IdP answers with 404 (the real token endpoint stays where it was).',
    breaks: ['REQ-DISC-11'],
  },
  {
    name: 'metadata-without-client-credentials',
    component: 'idp',
    description: 'grant_types_supported leaves client_credentials out.',
    breaks: ['REQ-DISC-06'],
  },
  {
    name: 'metadata-without-client-secret-basic',
    component: 'idp',
    description: 'token_endpoint_auth_methods_supported leaves client_secret_basic out.',
    breaks: ['REQ-DISC-07'],
  },
  {
    name: 'metadata-without-client-secret-post',
    component: 'idp',
    description: 'token_endpoint_auth_methods_supported leaves client_secret_post out.',
    breaks: ['REQ-DISC-08'],
  },
  {
    name: 'metadata-without-response-types',
    component: 'idp',
    description: 'The metadata has no response_types_supported.',
    breaks: ['REQ-DISC-09'],
  },
  // rotation, audit, login, anonymous, rate limit (seeds 001-004, RFC 7636)
  {
    name: 'rotation-returns-wrong-secret',
    component: 'idp',
    description: 'A secret rotation answers with a new secret other than the one it stores: the new secret is refused.',
    breaks: ['REQ-ROT-01'],
  },
  {
    name: 'audit-misses-successes',
    component: 'idp',
    description: 'Successful authentications are not recorded in the audit log.',
    // Two findings on purpose: a client's authentication at the token endpoint (REQ-AUD-01) and a human login on the login
    // page (REQ-AUD-04) are different operations that products audit as different events, fixed apart.
    breaks: ['REQ-AUD-01', 'REQ-AUD-04'],
  },
  {
    name: 'login-redirect-without-code',
    component: 'idp',
    description: 'After a successful login the browser is sent back to the front end without the code parameter.',
    breaks: ['REQ-HUM-01'],
  },
  {
    name: 'pkce-verifier-refused',
    component: 'idp',
    description: 'The code_verifier is hashed twice before the S256 comparison, so even the right verifier is refused.',
    breaks: ['REQ-PKCE-01'],
  },
  {
    name: 'failed-password-login-issues-token',
    component: 'idp',
    description: 'A password-grant login with a wrong password for a known user still gets that user\'s access token.',
    breaks: ['REQ-ANON-05'],
  },
  {
    name: 'rate-limit-below-documented',
    component: 'idp',
    description: 'The token endpoint allows 20 requests per second per IP instead of the documented limit.',
    breaks: ['REQ-RL-01'],
  },
  // --- one narrow fault per requirement that the broader faults above trip only after an earlier check
  {
    name: 'missing-grant-type-defaults',
    component: 'idp',
    description: 'A form request without grant_type is treated as client_credentials: an authenticated client gets a token.',
    breaks: ['REQ-TOK-10'],
  },
  {
    name: 'unknown-grant-as-invalid-request',
    component: 'idp',
    description: 'An unknown grant_type is refused with 400 invalid_request instead of unsupported_grant_type.',
    breaks: ['REQ-TOK-11'],
  },
  {
    name: 'unauthenticated-request-gets-token',
    component: 'idp',
    description: 'A client_credentials request with no client authentication at all (no Authorization, no client_id, no client_secret) is issued a token of the system client.',
    breaks: ['REQ-CAUTH-07'],
  },
  {
    name: 'global-rate-limit',
    component: 'idp',
    description: 'The token endpoint counts every IP against one shared per-second limit: a rate-limited IP limits every other IP.',
    breaks: ['REQ-RL-07'],
  },
  {
    name: 'rate-limit-never-resets',
    component: 'idp',
    description: 'A rate-limited IP stays limited for 20 s from its first 429, although the 429 says Retry-After: 1.',
    breaks: ['REQ-RL-08'],
  },
  // Issue 22: deletes, front-end system user, rotation ownership
  {
    name: 'rotation-by-anyone',
    component: 'idp',
    description: "The self-service rotation interface rotates a client's secret for any valid token of the IdP, not only its owner's, and shows that caller the new secret (seed 002).",
    // One cause, one finding: the new secret in that answer is how every rotation is answered, REQ-ROT-05 is not judged
    // on it (support/admin/self-service-rotation.ts rotatedForOtherCaller); rotation-refusal-shows-secret breaks REQ-ROT-05 alone.
    breaks: ['REQ-ROT-04'],
  },
  {
    name: 'self-service-refuses-owner',
    component: 'idp',
    description: 'The self-service rotation interface refuses the customer who owns the client too: nobody can rotate their own secret (seed 002).',
    breaks: ['REQ-ROT-06'],
  },
  {
    name: 'front-end-token-names-a-customer',
    component: 'idp',
    description: "The web front end's own system user gets client-credentials tokens whose sub is the first test customer: the gateway passes it on as that human (seed 000).",
    breaks: ['REQ-ID-16'],
  },
  {
    name: 'front-end-system-user-unconfined',
    component: 'idp',
    description: "The web front end's own system user is registered with every scope of the system client, so its token reaches customer data the front end does not need (seed 000; RFC 9700 §2.3).",
    breaks: ['REQ-ID-17'],
  },
  // Issue 20: token endpoint hygiene
  {
    name: 'two-auth-methods-accepted',
    component: 'idp',
    description: 'A token request with HTTP Basic and client credentials in the form body too is served (the body\'s credentials are dropped) instead of refused with invalid_request.',
    breaks: ['REQ-CAUTH-06'],
  },
  {
    name: 'accept-duplicate-parameters',
    component: 'idp',
    description: 'The token request form is read into a plain object before oidc-provider sees it: a repeated parameter is served with its last value instead of refused.',
    breaks: ['REQ-TOK-23'],
  },
  {
    name: 'echo-client-secret',
    component: 'idp',
    description: 'Every token endpoint error names the request\'s client credentials in its error_description, the submitted client secret included.',
    breaks: ['REQ-TOK-24'],
  },
  {
    name: 'errors-without-no-store',
    component: 'idp',
    description: 'Only answers with a token carry Cache-Control: no-store; the errors oidc-provider answers (invalid_client, invalid_request, ...) carry none.',
    breaks: ['REQ-TOK-25'],
  },
  {
    name: 'jti-per-client',
    component: 'idp',
    description: 'The jti of a client-credentials token is derived from the client id alone: every token of a client carries the same jti.',
    breaks: ['REQ-TOK-26'],
  },
  // Issue 20: authorization endpoint
  {
    name: 'redirect-uri-any-accepted',
    component: 'idp',
    description: 'The authorization endpoint accepts any redirect_uri for a client, another host\'s too, and redirects its answers there.',
    // One cause, one finding: the extended registered URI redirected to is this finding again, REQ-AUTHZ-02 is not judged
    // on it (support/authorization/judges.ts redirectedToAnotherHostToo); redirect-uri-prefix-match breaks REQ-AUTHZ-02.
    breaks: ['REQ-AUTHZ-01'],
  },
  {
    name: 'redirect-uri-prefix-match',
    component: 'idp',
    description: 'The authorization endpoint accepts a redirect_uri that starts with a registered one (extra path, suffix or query).',
    breaks: ['REQ-AUTHZ-02'],
  },
  {
    name: 'pkce-optional-for-public-clients',
    component: 'idp',
    description: 'A public client\'s authorization request without code_challenge goes on to the login.',
    breaks: ['REQ-AUTHZ-03'],
  },
  {
    name: 'pkce-plain-accepted',
    component: 'idp',
    description: 'The authorization endpoint accepts code_challenge_method=plain besides S256.',
    breaks: ['REQ-AUTHZ-04'],
  },
  {
    name: 'code-not-bound-to-client',
    component: 'idp',
    description: 'A code is redeemed for whichever client presents it: another client\'s credentials get the front end\'s tokens.',
    breaks: ['REQ-AUTHZ-05'],
  },
  {
    name: 'authorization-response-without-iss',
    component: 'idp',
    description: 'Authorization responses (codes and errors) carry no iss, although the metadata advertises authorization_response_iss_parameter_supported.',
    breaks: ['REQ-AUTHZ-06'],
  },
  // Issue 22: rate limits on the other OAuth endpoints
  {
    name: 'authorization-endpoint-not-rate-limited',
    component: 'idp',
    description: 'The authorization endpoint (the human login\'s entry) is left out of seed 001\'s rate limit: it never answers 429.',
    breaks: ['REQ-RL-09'],
  },
  {
    name: 'jwks-not-rate-limited',
    component: 'idp',
    description: 'The JWKS (jwks_uri) is left out of seed 001\'s rate limit: it never answers 429.',
    breaks: ['REQ-RL-10'],
  },
  {
    name: 'discovery-not-rate-limited',
    component: 'idp',
    description: 'The discovery document (OpenID and RFC 8414 metadata) is left out of seed 001\'s rate limit: it never answers 429.',
    breaks: ['REQ-RL-11'],
  },
  {
    name: 'oauth-endpoints-one-counter-for-every-ip',
    component: 'idp',
    description: 'The authorization endpoint, the JWKS and the discovery document each count every IP against one shared per-second limit: an IP rate-limited there limits every other IP.',
    breaks: ['REQ-RL-12'],
  },
  {
    name: 'oauth-endpoints-limit-never-resets',
    component: 'idp',
    description: 'An IP rate-limited at the authorization endpoint, the JWKS or the discovery document stays limited there for 20 s from its first 429, although the 429 says Retry-After: 1.',
    breaks: ['REQ-RL-13'],
  },
  // Issue 19: private_key_jwt (RFC 7523 client assertions; reference/idp/jwt-client-auth.ts)
  {
    name: 'assertion-key-not-registered',
    component: 'idp',
    description: 'The private_key_jwt client is registered with another public key than the one it signs with: even its correct assertions are refused.',
    breaks: ['REQ-PKJWT-01'],
  },
  {
    name: 'accept-assertion-wrong-aud',
    component: 'idp',
    description: "A client assertion is accepted whatever its aud names (the IdP's own check skips the audience).",
    breaks: ['REQ-PKJWT-02'],
  },
  {
    name: 'accept-expired-assertion',
    component: 'idp',
    description: 'A client assertion is accepted after its exp has passed (the IdP\'s own check skips exp).',
    breaks: ['REQ-PKJWT-03'],
  },
  {
    name: 'accept-replayed-assertion',
    component: 'idp',
    description: 'Used client assertion jti values are not remembered: the same assertion authenticates the client again until its exp.',
    breaks: ['REQ-PKJWT-04'],
  },
  {
    name: 'accept-unsigned-assertion',
    component: 'idp',
    description: 'A client assertion with alg "none" (no signature) is accepted when its claims are right.',
    breaks: ['REQ-PKJWT-05'],
  },
  {
    name: 'accept-hs256-public-key-assertion',
    component: 'idp',
    description: "A client assertion with alg HS256 is verified with the client's registered public key (PEM) as the HMAC secret: algorithm confusion.",
    breaks: ['REQ-PKJWT-06'],
  },
  {
    name: 'accept-assertion-any-key',
    component: 'idp',
    description: "An asymmetrically signed client assertion is accepted without verifying its signature against the client's registered key (alg allow-list and claims still checked).",
    breaks: ['REQ-PKJWT-07'],
  },
  {
    name: 'assertion-refusal-invalid-grant',
    component: 'idp',
    description: 'A refused client assertion is answered with 400 invalid_grant instead of invalid_client.',
    breaks: ['REQ-PKJWT-08'],
  },
  // Issue 19: DPoP
  {
    name: 'dpop-token-type-bearer',
    component: 'idp',
    description: 'A token issued for a valid DPoP proof is bound to its key, but the token response calls it token_type "Bearer".',
    breaks: ['REQ-DPOP-01'],
  },
  {
    name: 'dpop-token-without-cnf',
    component: 'idp',
    description: 'A token issued for a valid DPoP proof (token_type DPoP) carries no cnf.jkt, so no resource server can tell it is bound (the gateway then refuses it with the DPoP scheme).',
    // One cause, one finding: the gateway's refusal of that token, and an introspection answer without its binding
    // (REQ-DPOP-11, -12), are this finding again, not judged on it (support/dpop/judges.ts explainedByUnboundToken);
    // dpop-scheme-unsupported and gateway-introspection-drops-cnf break REQ-DPOP-05 on their own,
    // introspection-omits-dpop-binding and introspection-dpop-token-type-bearer REQ-DPOP-11 and -12.
    breaks: ['REQ-DPOP-02'],
  },
  {
    name: 'dpop-proof-alg-none-accepted',
    component: 'idp',
    description: 'A DPoP proof whose alg the IdP cannot verify (none, HS256) is dropped instead of refused: the request gets a plain Bearer token.',
    breaks: ['REQ-DPOP-03'],
  },
  {
    name: 'dpop-wrong-error-code',
    component: 'idp',
    description: 'A token request refused for its DPoP proof is answered with error "invalid_request" instead of "invalid_dpop_proof".',
    breaks: ['REQ-DPOP-04'],
  },
  // Issue 19: introspection and revocation
  {
    name: 'introspection-never-active',
    component: 'idp',
    description: 'The introspection endpoint answers "active": false for every token, valid ones included (RFC 7662 §2.2).',
    breaks: ['REQ-INTRO-01'],
  },
  {
    name: 'introspection-wrong-client-id',
    component: 'idp',
    description: "The introspection of an active token names another client as the one it was issued to (RFC 7662 §2.2 client_id).",
    breaks: ['REQ-INTRO-02'],
  },
  {
    name: 'introspection-expired-active',
    component: 'idp',
    description: 'The introspection endpoint does not look at exp: an expired JWT access token is reported active (RFC 7662 §2.2).',
    breaks: ['REQ-INTRO-03'],
  },
  {
    name: 'introspection-trusts-foreign-tokens',
    component: 'idp',
    description: "The introspection endpoint reports any JWT its keys verify as active, whatever its iss: the second issuer's tokens too (RFC 7662 §2.2).",
    breaks: ['REQ-INTRO-04'],
  },
  {
    name: 'introspection-reveals-inactive',
    component: 'idp',
    description: 'The answer for an inactive token carries its sub, client_id and exp and the reason it is inactive (RFC 7662 §2.2 SHOULD NOT), also to a client not allowed to introspect it (§4).',
    // One cause, one finding: the not-allowed client's "active": false with the token's members is the same inactive
    // answer, REQ-INTRO-08 is not judged on it (support/oauth/introspection.ts inactiveAnswerSaysMore).
    breaks: ['REQ-INTRO-05'],
  },
  {
    name: 'introspection-without-client-auth',
    component: 'idp',
    description: 'An introspection request without any client credentials is answered like an authenticated one, claims included (RFC 7662 §2.1).',
    breaks: ['REQ-INTRO-06'],
  },
  {
    name: 'introspection-for-any-client',
    component: 'idp',
    description: 'Every authenticated client may introspect, the read-only client the reference names as not allowed included (RFC 7662 §4).',
    breaks: ['REQ-INTRO-08'],
  },
  {
    name: 'revocation-answers-204',
    component: 'idp',
    description: 'A successful revocation is answered 204 No Content instead of 200 (RFC 7009 §2.2).',
    breaks: ['REQ-REVOKE-01'],
  },
  {
    name: 'revocation-error-on-unknown-token',
    component: 'idp',
    description: 'Revoking a token the IdP does not know is answered 400 invalid_token instead of 200 (RFC 7009 §2.2).',
    breaks: ['REQ-REVOKE-02'],
  },
  {
    name: 'revocation-ignored',
    component: 'idp',
    description: 'The revocation endpoint answers 200 and revokes nothing: the token stays active (RFC 7009 §2.1).',
    breaks: ['REQ-REVOKE-03'],
  },
  {
    name: 'revocation-without-client-auth',
    component: 'idp',
    description: 'A revocation request without any client credentials revokes the token it names (RFC 7009 §2.1).',
    breaks: ['REQ-REVOKE-05'],
  },
  // Issue 20: authorization code reuse and lifetime (RFC 6749 §4.1.2)
  {
    name: 'code-reuse-keeps-tokens',
    component: 'idp',
    description: 'A code presented a second time is refused, but the access token its first redemption gave stays active.',
    breaks: ['REQ-AUTHZ-07'],
  },
  {
    name: 'code-outlives-declared-lifetime',
    component: 'idp',
    description: 'Authorization codes are redeemable for five minutes, although the IdP declares they live 6 s (limits.authorizationCodeSeconds).',
    breaks: ['REQ-AUTHZ-08'],
  },
  {
    name: 'code-lifetime-over-ten-minutes',
    component: 'idp',
    description: 'Authorization codes live, and are declared to live, 15 minutes (limits.authorizationCodeSeconds: 900).',
    breaks: ['REQ-AUTHZ-09'],
  },
  // Issue 19: client_secret_jwt (RFC 7523 / OpenID Connect Core §9; reference/idp/jwt-client-auth.ts) and a disabled client
  {
    name: 'secret-jwt-secret-mismatch',
    component: 'idp',
    description: 'The client_secret_jwt client is registered with another secret than the one it has: even its correct assertions are refused.',
    breaks: ['REQ-CSJWT-01'],
  },
  {
    name: 'secret-jwt-accept-wrong-aud',
    component: 'idp',
    description: 'A client_secret_jwt assertion is accepted whatever its aud names.',
    breaks: ['REQ-CSJWT-02'],
  },
  {
    name: 'secret-jwt-accept-expired',
    component: 'idp',
    description: 'A client_secret_jwt assertion is accepted after its exp has passed.',
    breaks: ['REQ-CSJWT-03'],
  },
  {
    name: 'secret-jwt-accept-missing-jti',
    component: 'idp',
    description: 'A client_secret_jwt assertion without a jti is accepted (so no replay of it can be told apart).',
    breaks: ['REQ-CSJWT-04'],
  },
  {
    name: 'secret-jwt-accept-replay',
    component: 'idp',
    description: "The client_secret_jwt client's used assertion jti values are not remembered: the same assertion gets a token again.",
    breaks: ['REQ-CSJWT-05'],
  },
  {
    name: 'secret-jwt-accept-wrong-secret',
    component: 'idp',
    description: "A client_secret_jwt assertion with any HS256 MAC is accepted: the MAC is not checked against the client's secret.",
    breaks: ['REQ-CSJWT-06'],
  },
  {
    name: 'secret-jwt-accept-unsigned',
    component: 'idp',
    description: 'A client_secret_jwt assertion with alg "none" (no MAC) is accepted when its claims are right.',
    breaks: ['REQ-CSJWT-07'],
  },
  {
    name: 'secret-jwt-refusal-invalid-grant',
    component: 'idp',
    description: 'A refused client_secret_jwt assertion is answered with 400 invalid_grant instead of invalid_client.',
    breaks: ['REQ-CSJWT-08'],
  },
  {
    name: 'disabled-client-gets-token',
    component: 'idp',
    description: 'The client its operator disabled still gets tokens with its old secret: the switch is not looked at.',
    breaks: ['REQ-CAUTH-11'],
  },
  // DPoP and introspection (RFC 9449 §6.2)
  {
    name: 'introspection-omits-dpop-binding',
    component: 'idp',
    description: 'The introspection answer for a DPoP-bound token carries no cnf: an introspecting resource server cannot learn the key it is bound to (RFC 9449 §6.2).',
    breaks: ['REQ-DPOP-11'],
  },
  {
    name: 'introspection-dpop-token-type-bearer',
    component: 'idp',
    description: 'The introspection answer for a DPoP-bound token states token_type "Bearer" instead of "DPoP" (RFC 9449 §6.2).',
    breaks: ['REQ-DPOP-12'],
  },
  // Issue 19: TLS on the main URLs (RFC 9325); each needs the https mode of the reference (variation https-reference)
  {
    name: 'tls-1.0-accepted',
    component: 'idp',
    description: 'The IdP\'s and the gateway\'s https listeners negotiate TLS 1.0 (and so 1.1) with a client that offers only it (OpenSSL security level 0).',
    // One cause, one finding: TLS 1.1 negotiated where TLS 1.0 is too is this finding again (support/tls/judges.ts
    // olderVersionNegotiatedToo); tls-1.1-accepted breaks REQ-TLS-02 alone.
    breaks: ['REQ-TLS-01'],
    needs: ['https-reference'],
  },
  {
    name: 'tls-1.1-accepted',
    component: 'idp',
    description: 'The IdP\'s and the gateway\'s https listeners negotiate TLS 1.1 with a client that offers only it (but not TLS 1.0).',
    breaks: ['REQ-TLS-02'],
    needs: ['https-reference'],
  },
  {
    name: 'tls-1.3-only',
    component: 'idp',
    description: 'The https listeners refuse TLS 1.2: a client that cannot speak TLS 1.3 gets no connection (RFC 9325 §3.1.1: TLS 1.2 MUST be supported).',
    breaks: ['REQ-TLS-03'],
    needs: ['https-reference'],
  },
  {
    name: 'tls-1.2-only',
    component: 'idp',
    description: 'The https listeners stop at TLS 1.2: a client offering only TLS 1.3 gets no connection (RFC 9325 §3.1.1: TLS 1.3 SHOULD be supported).',
    breaks: ['REQ-TLS-04'],
    needs: ['https-reference'],
  },
  {
    name: 'certificate-for-another-host',
    component: 'idp',
    description: 'The https listeners present a certificate (of the trusted run CA) issued for another host: neither 127.0.0.1 nor localhost is among its names.',
    breaks: ['REQ-TLS-05'],
    needs: ['https-reference'],
  },
  {
    name: 'expired-certificate',
    component: 'idp',
    description: 'The https listeners present a certificate of the trusted run CA, for the right host, that expired yesterday.',
    breaks: ['REQ-TLS-06'],
    needs: ['https-reference'],
  },
  {
    name: 'token-endpoint-over-plain-http',
    component: 'idp',
    description: 'The IdP\'s plain-http twin of its https URL processes token requests (credentials in clear) instead of redirecting them.',
    breaks: ['REQ-TLS-07'],
    needs: ['https-reference'],
  },
  // Issue 19: mutual TLS (RFC 8705), reference/idp/mtls.ts
  {
    name: 'mtls-client-certificate-refused',
    component: 'idp',
    description: 'No client certificate is ever taken as verified: the mTLS client gets invalid_client even with its registered certificate (RFC 8705 §2).',
    breaks: ['REQ-MTLS-01'],
  },
  {
    name: 'mtls-any-certificate-accepted',
    component: 'idp',
    description: 'tls_client_auth ignores the subject: any certificate of a trusted CA authenticates the mTLS client (RFC 8705 §2.1).',
    breaks: ['REQ-MTLS-02'],
  },
  {
    name: 'mtls-refusal-invalid-request',
    component: 'idp',
    description: 'A token request refused for its client certificate is answered 400 invalid_request instead of invalid_client (RFC 8705 §2).',
    breaks: ['REQ-MTLS-03'],
  },
  {
    name: 'mtls-thumbprint-hex',
    component: 'idp',
    description: 'The cnf.x5t#S256 of a certificate-bound JWT is the hex SHA-256 of the certificate instead of its base64url (RFC 8705 §3.1).',
    breaks: ['REQ-MTLS-04'],
  },
  {
    name: 'mtls-token-not-bound',
    component: 'idp',
    description: 'A JWT issued over mTLS to the client of certificate-bound tokens carries no cnf (RFC 8705 §3.1).',
    breaks: ['REQ-MTLS-05'],
  },
  {
    name: 'metadata-without-certificate-bound-tokens',
    component: 'idp',
    description: 'The metadata leaves out tls_client_certificate_bound_access_tokens although the IdP binds tokens (RFC 8705 §3.3).',
    breaks: ['REQ-MTLS-09'],
  },
  {
    name: 'metadata-without-mtls-endpoint-aliases',
    component: 'idp',
    description: 'The metadata leaves out mtls_endpoint_aliases: the mTLS token endpoint on its own port cannot be found from it (RFC 8705 §5).',
    breaks: ['REQ-MTLS-10'],
  },
  // --- one cause, one finding (REQ-CAUTH-04 as an independent deviation)
  {
    name: 'accept-wrong-secret-in-form-body',
    component: 'idp',
    description: 'A wrong secret is accepted for a known client when it is sent in the form body; HTTP Basic is still checked.',
    breaks: ['REQ-CAUTH-04'],
  },
  // --- one cause, one finding (the dependents' own deviations)
  {
    name: 'unknown-client-wrong-status',
    component: 'idp',
    description: 'An unknown client id sent with HTTP Basic is answered with 400 invalid_client and no WWW-Authenticate; a wrong secret of a known client still gets 401 with a Basic challenge.',
    breaks: ['REQ-CAUTH-05'],
  },
  {
    name: 'rotation-refusal-shows-secret',
    component: 'idp',
    description: "The self-service rotation interface refuses another caller (403) but puts the client's registered secret into the refusal, where a rotation's answer holds the new one (seed 002).",
    breaks: ['REQ-ROT-05'],
  },
  // --- rate limit located (seed 001, REQ-RL-14)
  {
    name: 'rate-limit-above-documented',
    component: 'idp',
    description: 'The token endpoint allows 80 requests per second per IP instead of the documented 50 (within the 2N that REQ-RL-02 tolerates).',
    breaks: ['REQ-RL-14'],
  },
  // --- the lifetime the profile declares for the ordinary clients (seed 004, REQ-TTL-03)
  {
    name: 'declared-ttl-overridden',
    component: 'idp',
    description: 'Every client configured for a lifetime of a minute or more (300 s) gets tokens that live an hour: a realm default wins over the per-client setting. expires_in and exp agree; only the short-TTL client keeps its own.',
    breaks: ['REQ-TTL-03'],
  },
  // --- the metadata's JWK Set holds the signing key (RFC 8414 §2, REQ-DISC-04)
  {
    name: 'metadata-jwks-uri-stale-set',
    component: 'idp',
    description: "The metadata's jwks_uri names a JWK Set (200, a keys array) whose only key has another kid than the one the tokens are signed with: a realm's old set. The real JWKS stays where the target profile says.",
    breaks: ['REQ-DISC-04'],
  },
  // --- the default scope of a request without scope (RFC 6749 §3.3, REQ-TOK-12)
  {
    name: 'default-scope-is-every-scope',
    component: 'idp',
    description: 'A client_credentials request without scope is granted every API scope the IdP knows, also those the client may not have (the read-only client gets the write scope); requests naming a scope are judged as before.',
    breaks: ['REQ-TOK-12'],
  },
  // --- client authentication without a secret (RFC 6749 §3.2, §3.2.1, §4.4.2; REQ-CAUTH-07)
  {
    name: 'secret-checked-only-when-sent',
    component: 'idp',
    description: "The secret is checked only when one is sent: a client_credentials form with a confidential client's client_id and no client_secret, or client_secret= (empty), gets a token.",
    breaks: ['REQ-CAUTH-07'],
  },
  {
    name: 'basic-empty-password-accepted',
    component: 'idp',
    description: "HTTP Basic with a confidential client's id and an empty password (`<client id>:`) gets a client_credentials token.",
    breaks: ['REQ-CAUTH-07'],
  },
  {
    name: 'form-secret-never-checked',
    component: 'idp',
    description: 'Any secret in the form body, an empty one (client_secret=) too, is accepted for a known client; HTTP Basic is still checked.',
    // One cause, one finding: the wrong secret's token (REQ-CAUTH-04) is explained by the empty secret's (REQ-CAUTH-07),
    // support/oauth/unchecked-credentials.ts; accept-wrong-secret-in-form-body, which needs a non-empty secret, breaks REQ-CAUTH-04 alone.
    breaks: ['REQ-CAUTH-07'],
  },
  // --- the token goes to the client that authenticated (RFC 6749 §4.4.2; REQ-CAUTH-12)
  {
    name: 'body-client-id-wins-over-basic',
    component: 'idp',
    description: "HTTP Basic credentials of one client with another client's client_id (no client_secret) in the form body: the Basic secret is checked, then the token is issued to the client the body names.",
    breaks: ['REQ-CAUTH-12'],
  },
  {
    name: 'body-client-id-served-without-secret',
    component: 'idp',
    description: "A client_credentials form with a known client_id and no client_secret is served as that client, with or without an HTTP Basic header beside it (the header is dropped): no secret is checked for the client the body names.",
    // One cause, one finding: the Basic request that names another client_id (REQ-CAUTH-12) gets that client's token for
    // this cause, REQ-CAUTH-12 is not judged on it (support/oauth/cross-client-id.ts); body-client-id-wins-over-basic
    // breaks REQ-CAUTH-12 alone.
    breaks: ['REQ-CAUTH-07'],
  },
  // --- IP block duration (seed 001, REQ-RL-05: blocked for the stated limits.ipBlock.blockSeconds, not less)
  {
    name: 'ip-block-lifted-early',
    component: 'idp',
    description: 'A blocked IP is let in again after a tenth of the stated block time (at least 0.5 s), not after blockSeconds.',
    // The probe right after the failures is still blocked (REQ-RL-04) and the IP is served again later (as REQ-RL-05 wants):
    // only the half-way request of REQ-RL-05 sees the short block.
    breaks: ['REQ-RL-05'],
  },
  // --- rotation: a warm credential cache, a rotation for HTTP Basic only (seed 002, REQ-ROT-01/-02)
  {
    name: 'rotation-credential-cache',
    component: 'idp',
    description: 'A successful client authentication is cached per client id and secret for 60 s: the old secret, used just before a rotation, keeps getting tokens after it.',
    breaks: ['REQ-ROT-02'],
  },
  {
    name: 'rotation-only-for-basic',
    component: 'idp',
    description: 'A secret rotation takes effect for HTTP Basic only: the form-body path checks the secret the client was registered with before any rotation, so there the old secret gets a token and the new one is refused.',
    // Two findings, two observations: the reference's rotation client may authenticate in the form body (client-secret-post,
    // no tokenEndpointAuthMethod), so the new secret refused there is REQ-ROT-01's and the old one accepted REQ-ROT-02's.
    breaks: ['REQ-ROT-01', 'REQ-ROT-02'],
  },
  // --- the characters of error_description and error_uri (RFC 6749 §5.2, REQ-TOK-27)
  {
    name: 'multi-line-error-description',
    component: 'idp',
    description:
      'Every token endpoint error\'s error_description runs over several lines as Microsoft Entra ID\'s do: the description, then ' +
      '"\\r\\nTrace ID: <uuid>\\r\\nCorrelation ID: <uuid>\\r\\nTimestamp: <time>", with trace_id and correlation_id members beside it.',
    breaks: ['REQ-TOK-27'],
  },
  {
    name: 'error-uri-unencoded',
    component: 'idp',
    description: 'Every token endpoint error carries an error_uri whose path holds a space (".../docs/token errors#invalid_client"), not percent-encoded.',
    breaks: ['REQ-TOK-27'],
  },
  {
    name: 'jwks-empty-set',
    component: 'idp',
    description: 'The JWK Set endpoint serves an empty set ({"keys":[]}): no published key verifies any access token.',
    // One cause, one finding: the gateway that rightly refuses every token then (REQ-BEARER-01) is not judged on it
    // (support/jwt/unpublished-key.ts); the refusal checks behind the gateway's positive control are not judged either.
    breaks: ['REQ-JWT-07'],
  },
] as const satisfies readonly FaultDefinition[];

export type IdpFaultName = (typeof IDP_FAULTS)[number]['name'];

/** The active faults as the IdP's code asks for them: a typo in a fault name is a type error. */
export interface IdpFaults {
  has(name: IdpFaultName | IdpVariationName): boolean;
}
