import type { FaultDefinition } from '../faults.ts';

const gateway = (name: string, description: string, breaks: readonly string[]): FaultDefinition => ({
  name,
  component: 'gateway',
  description,
  breaks,
});

/** A fault in the gateway's per-IP limits: it needs the variation that switches them on and claims them. */
const gatewayLimits = (name: string, description: string, breaks: readonly string[]): FaultDefinition => ({
  ...gateway(name, description, breaks),
  needs: ['gateway-rate-limit'],
});

/**
 * Every check a 401 without a proper challenge can trip (RFC 6750 §3, RFC 9110 §11.6.1). Not REQ-BEARER-14/-15:
 * their checks judge a challenge that is there, so a missing one (or an admitted request) cannot be reported under
 * them; bare-bearer-challenge and duplicate-challenge-attribute break those.
 */
const CHALLENGE_CHECKS = ['REQ-BEARER-13'];

/**
 * Faults of the reference gateway: each names the requirements it breaks. `breaks` lists every requirement a
 * scenario can see broken by the fault (a refused request that now gets through also loses its challenge, so
 * the challenge checks are listed too), so the fault-injection self-test can tell a catch from collateral noise.
 */
export const GATEWAY_FAULTS: readonly FaultDefinition[] = [
  // Token validation (RFC 9068 §4): an invalid token must never reach the resource (REQ-BEARER-04) and is
  // answered 401 invalid_token (REQ-BEARER-05).
  gateway('accept-expired-token', 'accepts an access token whose exp has passed', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('accept-nbf-in-future', 'accepts an access token whose nbf is still in the future', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('accept-alg-none', 'accepts an unsigned token (alg "none") at its word', ['REQ-BEARER-04', 'REQ-BEARER-05', 'REQ-BEARER-12']),
  gateway(
    'accept-alg-none-other-case',
    'refuses alg "none" but accepts an unsigned token whose alg is "None" or "NONE" (a blocklist of the exact string)',
    ['REQ-BEARER-04', 'REQ-BEARER-05'],
  ),
  gateway('trusts-embedded-jwk', 'verifies a token that carries its own public key (header jwk) with that key', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway(
    'accept-foreign-key',
    'skips the signature check: a tampered signature or an unknown kid is accepted (on public routes too, as the identity it claims)',
    // One cause, one finding: the same bad token served as somebody on the public route (REQ-ANON-03) or reaching
    // customer data (REQ-ANON-04) is REQ-BEARER-04's finding (support/gateway/verdicts.ts acceptedBadToken).
    ['REQ-BEARER-04', 'REQ-BEARER-05', 'REQ-BEARER-12', ...CHALLENGE_CHECKS],
  ),
  gateway('ignore-audience', 'does not check that aud contains this API', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('ignore-issuer', 'does not check that iss is the trusted issuer', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  // Only a genuine token of another issuer shows it: the kit's signed tokens name an issuer that publishes no keys.
  gateway(
    'trusts-token-issuer',
    "takes the signing keys from the issuer the token names (its discovery document's jwks_uri) instead of only the trusted issuer's: a token of any issuer that publishes its keys is accepted",
    ['REQ-BEARER-04', 'REQ-BEARER-05'],
  ),
  // One cause, one finding: the token without typ served too is REQ-BEARER-04's finding again, REQ-BEARER-18 is not judged on
  // it (support/jwt/header-attacks.ts typIgnored); typ-optional breaks REQ-BEARER-18 alone.
  gateway('ignore-typ', 'accepts tokens whose typ is not at+jwt (e.g. an ID token), or that carry none', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  // A 500 for a bad token is one finding, REQ-BEARER-12's: the refusal's own judges are not judged on it (serverErrorForBadToken).
  gateway('gateway-500-on-unknown-kid', 'answers 500 when the token names a kid the JWKS does not hold', ['REQ-BEARER-12']),
  // Bearer error responses (RFC 6750 §3, §3.1)
  // One cause, one finding: every judge that meets a 401 without a challenge reports it under REQ-BEARER-13 (judgeChallengeOf401).
  gateway('no-www-authenticate', 'answers 401 without a WWW-Authenticate header', CHALLENGE_CHECKS),
  gateway('identity-echo-401-without-challenge', 'answers a GET to the identity echo route without a valid token with 401 and no WWW-Authenticate (the protected route keeps its challenge)', ['REQ-BEARER-13']),
  gateway('wrong-error-code', 'refuses an invalid token with error="invalid_request" instead of invalid_token', ['REQ-BEARER-05']),
  gateway('error-code-without-credentials', 'puts error="invalid_token" in the challenge when no credentials were sent', ['REQ-BEARER-03']),
  gateway('insufficient-scope-as-401', 'answers a token lacking the route scope with 401 instead of 403', ['REQ-BEARER-07']),
  gateway('ignore-scope', 'lets a valid token without the route scope through', ['REQ-BEARER-07', 'REQ-BEARER-08']),
  gateway('bare-bearer-challenge', 'answers a request without credentials with WWW-Authenticate: Bearer alone, without realm or any other auth-param', ['REQ-BEARER-14']),
  gateway('duplicate-challenge-attribute', 'writes error="invalid_token" twice in the challenge refusing an invalid token', ['REQ-BEARER-15']),
  gateway('no-credentials-as-403', 'refuses a request without credentials on a protected route with 403 (and the Bearer challenge) instead of 401', ['REQ-BEARER-16']),
  gateway('malformed-authorization-as-401', 'answers a malformed Authorization header with 401 invalid_token instead of 400 invalid_request', ['REQ-BEARER-06']),
  // How the token is sent (RFC 6750 §2)
  // Reading the query is a conformant variation (query-access-token, RFC 6750 §2.3 MAY); not validating what it reads is not.
  gateway('query-token-unchecked', 'reads access tokens from the access_token URI query parameter and trusts them without checking the signature', ['REQ-BEARER-10']),
  gateway('accept-token-sent-twice', 'accepts a request that carries the token by more than one method', ['REQ-BEARER-11']),
  gateway('case-sensitive-bearer', 'recognises only the exact spelling "Bearer"; "bearer <token>" counts as no credentials', ['REQ-BEARER-09']),
  // Admitting valid tokens (RFC 6750 §2.1): a route misconfigured so no token can pass. Only REQ-BEARER-01 reports
  // it: every other check that needs the route to serve (the scheme's letter case, rotated keys, tokens from before a
  // rotation, customer data) first runs the positive control, and is not judged where the control fails.
  gateway(
    'protected-route-scope-typo',
    'the protected route is configured to need the scope "catalog.read" (a typo for catalog:read) that no client is granted: every valid token is refused there with 403 insufficient_scope',
    ['REQ-BEARER-01'],
  ),
  // A gateway that never answers a protected request (issue 15): every refusal check must then be "not judged" for
  // want of a positive control, never passed; the one finding is that a valid token is not served.
  gateway(
    'silent-protected-routes',
    'resets the connection of every request to a protected route without answering (the public route still works)',
    ['REQ-BEARER-01'],
  ),
  gateway(
    'protected-routes-503',
    'answers 503 Service Unavailable to every request to a protected route (the public route still works)',
    ['REQ-BEARER-01'],
  ),
  // Signing-key rollover (RFC 7517 §5, RFC 9068 §4): keys are looked up by kid in a JWK Set that must be fetched
  // again when a token names a kid the cached set does not hold.
  gateway(
    'jwks-never-refreshed',
    'fetches the JWK Set once and keeps it for ever: a token signed with a key published after that first fetch (a rotated key) is refused with 401 invalid_token',
    // One cause, one finding: an earlier token of a key published after the first fetch, refused, is REQ-JWT-11's finding
    // where a fresh token of the current key is refused too (support/jwt/key-pickup.ts); REQ-JWT-10 is not judged on it.
    ['REQ-JWT-11'],
  ),
  // Anonymous fallback (seed 004) and identity propagation (seeds 000, 003)
  gateway(
    'anonymous-gets-protected-data',
    'forwards requests without a valid token to protected routes as anonymous instead of refusing them',
    // One cause, one finding: a protected route that serves a request without any credentials validates no token
    // (REQ-ANON-04); the judges of a bad token, a malformed header or a missing challenge that was served there are not
    // judged on it (support/gateway/verdicts.ts servedWithoutAnyCredentials).
    ['REQ-ANON-04'],
  ),
  // One cause, one finding: a failed credential refused there too (REQ-ANON-03) is not judged on the closed route.
  gateway('public-route-needs-token', 'treats the public route as protected: a caller without credentials is refused with 401 instead of served', ['REQ-ANON-01']),
  gateway(
    'public-route-refuses-failed-credentials',
    'refuses a failed credential on the public route (401 invalid_token, 400 for a malformed header) instead of serving the caller as anonymous; without credentials it is served',
    ['REQ-ANON-03'],
  ),
  gateway(
    'forward-no-identity',
    'forwards admitted requests without the identity header, so the component cannot tell who calls',
    // Not REQ-ANON-02/03: a request that reaches the component with no identity at all is anonymous (seed 004;
    // support/identity/echo.ts isAnonymous), so those checks rightly pass under this fault. One cause, one finding:
    // REQ-ID-06 reports the missing identity; REQ-ID-03, -04, -05, -07 are not judged on an answer it explains.
    ['REQ-ID-06'],
  ),
  gateway(
    'anonymous-as-service-account',
    "passes a caller without a (valid) token on to the component as the gateway's own service account (kind system) instead of as anonymous",
    // One cause, one finding: a caller without any credential is already served as the service account (REQ-ANON-02);
    // one with a failed credential or forged headers (REQ-ANON-03, REQ-ID-09) is not judged on that same identity.
    ['REQ-ANON-02'],
  ),
  // One cause, one finding: the customers' data a human then reads or writes follows from the identity the component
  // was given (REQ-ID-04, -12 not judged on it: support/identity/verdicts.ts wrongIdentityBehindCustomerData).
  gateway('forward-human-as-system', 'tells the component every token is a system user (kind "system"), so humans see (and may write) every customer', ['REQ-ID-03']),
  // One cause, one finding: the customers' data it is then refused (REQ-ID-05) follows from that identity.
  gateway('forward-system-as-human', 'tells the component every token is a human (kind human, the sub as customer), so a system user is limited to one "customer"', ['REQ-ID-07']),
  gateway('forward-raw-token', "passes the caller's Authorization header (its raw access token) on to the component", ['REQ-ID-08']),
  gateway('accept-spoofed-identity', 'passes an X-Auth-Identity header sent by the caller on instead of its own', ['REQ-ID-09']),
  // Per-IP limits (variation gateway-rate-limit; the deployment's claims in limits.gateway, REQ-GRL-*). Without a 429
  // or a block there is nothing to retry after, recover from or compare another IP with: those checks are then not
  // testable, and the narrower faults below break them.
  gatewayLimits('gateway-rate-limit-not-enforced', 'claims gateway-rate-limiting but never answers 429', ['REQ-GRL-02']),
  gatewayLimits('gateway-rate-limit-below-stated', 'answers 429 from a quarter of the stated per-IP limit (12/s where 50/s is claimed)', ['REQ-GRL-01']),
  gatewayLimits('gateway-429-bad-retry-after', 'sends Retry-After: "a moment" with its 429 (not delay-seconds, not an HTTP-date)', ['REQ-GRL-03']),
  gatewayLimits('gateway-rate-limit-one-counter', 'counts every client IP against one shared per-second limit: a rate-limited IP limits every other IP', ['REQ-GRL-07']),
  gatewayLimits('gateway-429-never-lifted', 'keeps a rate-limited IP at 429 for 20 s from its first 429, although the 429 says Retry-After: 1', ['REQ-GRL-08']),
  gatewayLimits('gateway-ip-block-not-enforced', 'claims gateway-ip-blocking but never blocks an IP, however many invalid tokens it sends', ['REQ-GRL-04']),
  gatewayLimits('gateway-block-every-ip', "one IP's invalid tokens block every client IP", ['REQ-GRL-06']),
  gatewayLimits('gateway-never-unblock', 'a blocked IP stays blocked after the stated block time', ['REQ-GRL-05']),
  // Issue 20: token endpoint hygiene
  gateway(
    'client-id-falls-back-to-sub',
    'admits a token without client_id and reads its sub as the client id: client_id == sub, so it is passed on as a system user (seed 003)',
    // The component then serves that "system user" every customer's records too: one cause, REQ-ID-13's finding, and
    // REQ-ID-14 is not judged on it (support/identity/no-client-id.ts passedOnAsSystem); no-client-id-reads-every-customer
    // breaks REQ-ID-14 alone.
    ['REQ-ID-13'],
  ),
  // Issue 20: header and claim attacks
  gateway('trusts-jku', 'verifies a token with the JWK Set its jku header names (loopback URLs): a token of anyone who serves a JWK Set is accepted', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('trusts-x5u', 'verifies a token with the certificate its x5u header names (loopback URLs), self-signed or not', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway(
    'kid-path-traversal',
    'reads the HMAC key of an HS256 token from the file its kid names: a kid of "../../dev/null" makes the empty string the key',
    ['REQ-BEARER-04', 'REQ-BEARER-05'],
  ),
  gateway('kid-quote-500', "answers 500 when a token's kid holds a quote (its key lookup query breaks on it)", ['REQ-BEARER-12']),
  gateway('ignores-crit', 'accepts a token whose crit header lists an extension the gateway does not understand', ['REQ-BEARER-17', 'REQ-BEARER-05']),
  gateway('typ-optional', 'checks typ only where the token carries one: a correctly signed token without typ is accepted', ['REQ-BEARER-18']),
  gateway('oversized-token-500', 'takes headers of up to 128 KiB in and answers an access token longer than 8 KiB with 500', ['REQ-BEARER-12']),
  gateway('huge-kid-500', 'answers 500 to a token whose kid is longer than 1 KiB (its key cache cannot hold it)', ['REQ-BEARER-12']),
  // Issue 20: JWKS robustness
  gateway('jwks-refetch-unbounded', 'fetches the JWK Set again for every token with an unknown kid (no cooldown): made-up kids make it hammer the IdP', ['REQ-JWKS-01']),
  gateway('jwks-down-fails-open', 'accepts a token unverified when the JWK Set answers an error (a JWKS that is down)', ['REQ-JWKS-02']),
  gateway('jwks-slow-fails-open', 'accepts a token unverified when the JWK Set does not answer in time (a slow JWKS)', ['REQ-JWKS-03']),
  // Issue 20: canvas
  gateway(
    'identity-header-duplicate-passes',
    "strips a caller's X-Auth-Identity only when it comes once: two copies (any letter case) go on to the component ahead of the gateway's own, and the component reads the first",
    ['REQ-ID-09'],
  ),
  // Issue 20: JWKS robustness (the key-set cache)
  gateway('jwks-cached-for-ever', 'keeps a fetched JWK Set until a token names a kid it lacks: a key removed from the set stays accepted', ['REQ-JWKS-04']),
  // Issue 20: canvas. Needs tokens that carry roles: the reference IdP issues them with its variation extra-access-token-claims.
  {
    ...gateway('forward-without-roles', "passes the identity on without the token's roles claim (roles: []), the scopes still there", ['REQ-CANVAS-02']),
    needs: ['extra-access-token-claims'],
  },
  // Issue 20: iat in the future
  gateway('accept-iat-in-future', 'accepts a correctly signed token whose iat lies an hour in the future (no iat check, as jose does by default)', ['REQ-BEARER-19']),
  // Issue 19: DPoP
  // A gateway that does not know the DPoP scheme refuses every DPoP request: the refusal checks are then not judged
  // (their positive control fails), and REQ-DPOP-05 reports the gateway once.
  gateway('dpop-scheme-unsupported', 'does not know the DPoP authentication scheme: a DPoP-bound token sent with "Authorization: DPoP" and a valid proof is refused as no credentials', ['REQ-DPOP-05']),
  gateway('dpop-bound-token-accepted-as-bearer', 'serves a DPoP-bound access token (cnf.jkt) sent as a plain Bearer token, with or without a proof', ['REQ-DPOP-06']),
  gateway('dpop-ignores-key-binding', "accepts a DPoP proof signed by any key: never compares the proof key's thumbprint with the token's cnf.jkt", ['REQ-DPOP-07']),
  gateway('dpop-ignores-ath', 'never checks the proof\'s ath: a proof without ath, or with the hash of another token, is accepted', ['REQ-DPOP-08']),
  gateway('dpop-ignores-htu', 'never checks the proof\'s htu: a proof made for another URI is accepted', ['REQ-DPOP-08']),
  gateway('dpop-proof-replay-accepted', 'keeps no record of the proofs it has seen: a proof (same jti) sent a second time is served again', ['REQ-DPOP-09']),
  gateway('dpop-challenge-bearer-only', 'refuses a DPoP request with a 401 whose WWW-Authenticate names the Bearer scheme only', ['REQ-DPOP-10']),
  // DPoP and introspection (RFC 9449 §6.2), on the introspecting gateway (its variation). The faulty gateway asks the
  // IdP about every token, JWTs too (the reference IdP introspects its own JWTs), so the defect shows on the default
  // reference as on opaque tokens. A bound token that looks unbound is refused with a valid proof; its refusal checks
  // are then not judged (REQ-DPOP-05 reports it).
  {
    ...gateway('gateway-introspection-drops-cnf', 'introspects every token and keeps only the identity members of the answer, dropping cnf: a DPoP-bound token looks unbound, so the bound token with the DPoP scheme and a valid proof is refused', ['REQ-DPOP-05']),
    needs: ['gateway-introspects-opaque-tokens'],
  },
  // Issue 19: mutual TLS (RFC 8705 §3), reference/gateway/mtls.ts
  gateway('gateway-certificate-binding-hex', 'compares the hex SHA-256 of the client certificate with cnf.x5t#S256 (a base64url value): a certificate-bound token is refused even with its own certificate', ['REQ-MTLS-06']),
  gateway('gateway-ignores-certificate-binding', 'never looks at cnf.x5t#S256: a certificate-bound token is served without a certificate, or with any certificate', ['REQ-MTLS-07']),
  gateway('gateway-accepts-bound-token-without-certificate', 'compares a presented certificate with cnf.x5t#S256, but serves a certificate-bound token over a connection without any certificate', ['REQ-MTLS-07']),
  gateway('gateway-certificate-mismatch-invalid-request', 'refuses a certificate-bound token presented without its certificate with a 401 whose challenge says invalid_request instead of invalid_token', ['REQ-MTLS-08']),
  // --- one cause, one finding: REQ-BEARER-02 on its own (anonymous-gets-protected-data is REQ-ANON-04's one finding)
  gateway('no-credentials-no-challenge', 'refuses a request without credentials with 403 and no WWW-Authenticate header', ['REQ-BEARER-02', 'REQ-BEARER-16']),
  // A 500 for a request without a token is no refusal at all: REQ-BEARER-12's one finding (RFC 9110 §15.6), as for a
  // bad token; the challenge (REQ-BEARER-02) and the status (REQ-BEARER-16) are not judged again on it.
  gateway('no-credentials-server-error', 'answers a request without credentials (or with the scheme alone) on a protected route with 500 and no WWW-Authenticate header', ['REQ-BEARER-12']),
  // --- gateway rate limit above its claim (product matrix, fastify-rate-limit: a 429 after 2.5 × the claim passed)
  // More than 2N within one second is REQ-GRL-02's finding; REQ-GRL-09 is not judged again on it.
  gatewayLimits('gateway-rate-limit-above-stated', 'answers 429 only from 2.5 times the stated per-IP limit (125/s where 50/s is claimed): a limit, but not the claimed one', ['REQ-GRL-02']),
  // --- gateway rate limit located (REQ-GRL-09): above the claim, yet within the 2N that REQ-GRL-02 tolerates
  gatewayLimits('gateway-rate-limit-higher-than-claimed', 'answers 429 only from 1.6 times the stated per-IP limit (80/s where 50/s is claimed: a limiter set for two replicas, or a typo), within the 2N a fixed window may admit in one second', ['REQ-GRL-09']),
  // --- one cause, one finding: REQ-ID-14 on its own (client-id-falls-back-to-sub is REQ-ID-13's one finding)
  gateway(
    'no-client-id-reads-every-customer',
    'admits a token without client_id as a human (no system user: seed 003 conforms), and the component serves a human identity without client_id every customer\'s records',
    ['REQ-ID-14'],
  ),
  // --- RFC 6750 §3: the Bearer challenge on the refusal of a token that does not enable access (REQ-BEARER-20)
  gateway(
    'invalid-token-403-without-challenge',
    'refuses an invalid Bearer access token (tampered, expired, unknown key, alg none, another issuer or audience) with 403 and no WWW-Authenticate header',
    // Two clauses, two findings on the same answer, as no-credentials-no-challenge's REQ-BEARER-02 and -16: the missing
    // challenge is REQ-BEARER-20's (MUST), the 403 instead of 401 REQ-BEARER-05's (SHOULD). The missing error code goes
    // with the missing challenge: REQ-BEARER-05 is judged on the status alone (support/gateway/verdicts.ts judgeTokenRefusal).
    ['REQ-BEARER-20', 'REQ-BEARER-05'],
  ),
  // The status is right (403): the missing challenge, with its error code, is REQ-BEARER-20's one finding; REQ-BEARER-07
  // is not judged on it.
  gateway('insufficient-scope-without-challenge', "refuses a valid token without the route's scope with 403 and no WWW-Authenticate header (a scope policy layer's plain 403)", ['REQ-BEARER-20']),
  // --- RFC 9068 §4: aud and iss are required, and iss matches exactly (a verifier that compares them only when present)
  gateway('gateway-aud-checked-only-when-present', 'compares aud with this API only where the token carries one: a correctly signed token without aud is served', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('gateway-iss-checked-only-when-present', 'compares iss with the trusted issuer only where the token carries one: a correctly signed token without iss is served', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  gateway('gateway-iss-trailing-slash-ignored', 'compares iss with the trusted issuer ignoring a trailing slash: a correctly signed token whose iss is the issuer plus "/" is served', ['REQ-BEARER-04', 'REQ-BEARER-05']),
  // --- gateway decision cache (RFC 7519 §4.1.4 / RFC 9068 §4: the current time MUST be before exp, at every request)
  gateway(
    'gateway-caches-valid-decision',
    'caches "valid" per token string for 300 s (an authorizer result cache, an introspection cache) and admits a token it once admitted from that cache without checking exp again: an expired token it served before its exp is served on',
    ['REQ-BEARER-04'],
  ),
  // --- seed 004 on the public route: a correctly signed token whose claims fail is no identity either (REQ-ANON-03)
  gateway(
    'public-route-checks-signature-only',
    'on the public route, a correctly signed token that is expired, or meant for another audience or issuer, is taken at its word: its identity is passed on instead of an anonymous one (the protected route refuses it)',
    ['REQ-ANON-03'],
  ),
  // --- REQ-ID-09: forged identity fields besides the subject (kind, roles) that a gateway keeps from the caller
  // Only a caller who forges an identity header gets them: the other identity checks send none, and are not judged on it.
  gateway('forwards-caller-roles', "keeps the roles of an X-Auth-Identity header the caller sent next to the token's (oauth2-proxy's X-Forwarded-Groups pattern); subject, client id and kind stay the token's", ['REQ-ID-09']),
  // Shown only by a customer's token: a system client's token is of kind system already, so its forged "system" changes nothing.
  gateway('forwards-caller-kind', "takes the kind of an X-Auth-Identity header the caller sent instead of the token's: a customer who sends kind \"system\" is passed on as the system", ['REQ-ID-09']),
  // --- gateway IP block duration (REQ-GRL-05: blocked for the stated limits.gateway.ipBlock.blockSeconds, not less)
  // --- broad faults: the gateway validates nothing at all. One cause, one finding: REQ-ANON-04's (a protected route
  // serves a request without any credentials); a bad token served on the public route as somebody (REQ-ANON-03) or a
  // "bearer" spelling served (REQ-BEARER-09) is not judged on a route that validates nothing.
  gateway(
    'gateway-validates-nothing',
    "validates nothing on any route (its authentication plugin left out of the config): every request is forwarded, a token's claims taken at their word, a request without one as anonymous",
    ['REQ-ANON-04'],
  ),
  gatewayLimits('gateway-block-lifted-early', 'lets a blocked IP in again after a tenth of the stated block time (at least 0.5 s)', ['REQ-GRL-05']),
];
