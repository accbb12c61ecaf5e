/**
 * The gateway's one decision per request: forward (with which identity) or refuse (with which RFC 6750
 * error). Kept apart from HTTP plumbing so each rule reads next to the clause it serves.
 */
import { decodeJwt, errors } from 'jose';
import type { AccessTokenClaims, AccessTokenValidator } from './access-token.ts';
import type { Refusal } from './challenge.ts';
import type { BearerCredentials } from './credentials.ts';
import { DpopRefused } from './dpop.ts';
import { CertificateBindingRefused } from './mtls.ts';
import { anonymousIdentity, identityOfToken, type ForwardedIdentity } from './identity.ts';
import type { RoutePolicy } from './routes.ts';

export type Admission =
  | { readonly kind: 'forward'; readonly identity: ForwardedIdentity }
  | { readonly kind: 'refuse'; readonly refusal: Refusal };

const forwardAs = (identity: ForwardedIdentity): Admission => ({ kind: 'forward', identity });
const refuseWith = (refusal: Refusal): Admission => ({ kind: 'refuse', refusal });

/**
 * Public routes and failed credentials (seed 004, "in the event of authentication failure, the auth_token
 * will provide identity equivalent to an anonymous user"): on a public route, a missing, malformed or
 * refused token does not block the request; it reaches the component as anonymous, marked
 * authentication "failed" — never with the identity the refused token claims. Protected routes never
 * fall back to anonymous: they refuse per RFC 6750 §3.1.
 */
export async function admit(
  policy: RoutePolicy,
  credentials: BearerCredentials,
  validate: AccessTokenValidator,
  faults: ReadonlySet<string>,
  /** RFC 9449 §7, §7.2: may this validated token be used the way the request presents it (dpop.ts)? Throws DpopRefused. */
  senderConstraint?: (claims: AccessTokenClaims, token: string, scheme: 'Bearer' | 'DPoP') => Promise<void>,
): Promise<Admission> {
  // Fault public-route-needs-token: the public route is handled as if it were protected.
  const isPublic = policy.public && !faults.has('public-route-needs-token');
  const anonymousAllowed = isPublic || faults.has('anonymous-gets-protected-data');
  // Fault public-route-refuses-failed-credentials: a failed credential on the public route is refused as on a
  // protected one (RFC 6750 would allow it; a target claiming seed 004's anonymous fallback does not, REQ-ANON-03).
  const fallbackOnFailure = anonymousAllowed && !faults.has('public-route-refuses-failed-credentials');
  const fallback = (authentication: 'none' | 'failed'): Admission =>
    forwardAs(faults.has('anonymous-as-service-account') ? serviceAccountIdentity(authentication) : anonymousIdentity(authentication));

  // Fault gateway-validates-nothing (a broad fault: authentication switched off on every route, a plugin left out of
  // the gateway's config): every request is forwarded, a token's claims taken at their word, no token anonymous.
  // REQ-ANON-04 reports it once (a protected route serves a request without any credentials); every check of what
  // the gateway refuses or admits is not judged on a route that validates nothing (support/gateway/verdicts.ts).
  if (faults.has('gateway-validates-nothing')) {
    if (credentials.kind !== 'token') return forwardAs(anonymousIdentity('none'));
    try {
      return forwardAs(identityOfToken(decodeJwt(credentials.token) as AccessTokenClaims, {}));
    } catch {
      return forwardAs(anonymousIdentity('failed'));
    }
  }
  if (credentials.kind === 'malformed') {
    if (fallbackOnFailure) return fallback('failed');
    if (faults.has('malformed-authorization-as-401') && credentials.cause === 'header') {
      return refuseWith({ status: 401, challenge: { error: 'invalid_token', description: credentials.detail }, detail: credentials.detail });
    }
    // RFC 6750 §3.1 invalid_request: malformed request, or a token sent by more than one method -> 400.
    return refuseWith({ status: 400, challenge: { error: 'invalid_request', description: credentials.detail }, detail: credentials.detail });
  }

  if (credentials.kind === 'absent') {
    if (anonymousAllowed) return fallback('none');
    // Fault no-credentials-no-challenge (one-cause-one-finding area): RFC 6750 §3, a request without credentials MUST
    // get a WWW-Authenticate header with a Bearer challenge (REQ-BEARER-02); here a 403 without any challenge.
    if (faults.has('no-credentials-no-challenge')) return refuseWith({ status: 403, detail: credentials.detail });
    // Fault no-credentials-server-error: a 500 without a challenge, no refusal at all (REQ-BEARER-12's one finding).
    if (faults.has('no-credentials-server-error')) return refuseWith({ status: 500, detail: 'internal error' });
    // RFC 6750 §3: 401 with a Bearer challenge; §3.1: no error code when the request carried no credentials.
    // Fault bare-bearer-challenge: `WWW-Authenticate: Bearer` with no auth-param at all (REQ-BEARER-14, SHOULD).
    const challenge = faults.has('error-code-without-credentials')
      ? { error: 'invalid_token' as const, description: 'no access token' }
      : { bare: faults.has('bare-bearer-challenge') };
    // RFC 6750 §3 / RFC 9110 §15.5.2: the answer is 401; fault no-credentials-as-403 answers 403 with the same
    // challenge (REQ-BEARER-16).
    return refuseWith({ status: faults.has('no-credentials-as-403') ? 403 : 401, challenge, detail: credentials.detail });
  }

  let identity: ForwardedIdentity;
  try {
    // Fault query-token-unchecked: a token read from the URI query is taken at its word (REQ-BEARER-10).
    const claims = faults.has('query-token-unchecked') && credentials.via === 'query' ? (decodeJwt(credentials.token) as AccessTokenClaims) : await validate(credentials.token);
    await senderConstraint?.(claims, credentials.token, credentials.scheme ?? 'Bearer');
    identity = identityOfToken(claims, { humanAsSystem: faults.has('forward-human-as-system'), systemAsHuman: faults.has('forward-system-as-human') });
  } catch (error) {
    // Fault public-route-checks-signature-only (REQ-ANON-03): on a public route a correctly signed token whose claims
    // fail (expired, another audience or issuer) is taken at its word, and its identity is passed on.
    if (isPublic && faults.has('public-route-checks-signature-only') && failedOnClaims(error)) {
      return forwardAs(identityOfToken(decodeJwt(credentials.token) as AccessTokenClaims, {}));
    }
    if (fallbackOnFailure) return fallback('failed');
    const reason = error instanceof Error ? error.message : 'the access token could not be validated';
    // Fault kid-quote-500 (issue 20): the validator reports a key lookup that crashed on the kid.
    const kind = (error as { kind?: string }).kind;
    if ((faults.has('gateway-500-on-unknown-kid') && kind === 'unknown-key') || kind === 'key-lookup-crashed') {
      return refuseWith({ status: 500, detail: 'internal error' });
    }
    // Fault invalid-token-403-without-challenge: an invalid Bearer token refused with a plain 403, no WWW-Authenticate
    // (RFC 6750 §3: a token that does not enable access MUST get a Bearer challenge, REQ-BEARER-20; §3.1: 401, REQ-BEARER-05).
    // DPoP and certificate-binding refusals keep their own answers: their clauses are others' (REQ-DPOP-*, REQ-MTLS-*).
    if (faults.has('invalid-token-403-without-challenge') && credentials.scheme !== 'DPoP' && !(error instanceof DpopRefused) && !(error instanceof CertificateBindingRefused)) {
      return refuseWith({ status: 403, detail: reason });
    }
    // RFC 6750 §3.1 invalid_token: expired, revoked, malformed, or otherwise invalid -> 401. Also when the
    // keys cannot be fetched (issue 12: an unreachable JWKS is a 401, never a 500 and never an accept).
    // RFC 8705 §3: a certificate-bound token without its certificate is invalid_token too (mtls.ts, whose fault may say otherwise).
    const code = faults.has('wrong-error-code') ? 'invalid_request' : error instanceof CertificateBindingRefused ? error.code : 'invalid_token';
    // RFC 9449 §7.1: a refused DPoP request, or a bound token sent as Bearer, is also answered with a DPoP challenge
    // (fault dpop-challenge-bearer-only leaves it out, REQ-DPOP-10).
    const dpopError = error instanceof DpopRefused ? error.code : undefined;
    const dpop = (credentials.scheme === 'DPoP' || dpopError) && !faults.has('dpop-challenge-bearer-only')
      ? { usedScheme: credentials.scheme ?? ('Bearer' as const), error: dpopError ?? code, ...(error instanceof DpopRefused && error.nonce ? { nonce: error.nonce } : {}) }
      : undefined;
    // Fault duplicate-challenge-attribute: error="invalid_token" appears twice in the challenge (REQ-BEARER-15).
    return refuseWith({ status: 401, challenge: { error: code, description: reason, errorTwice: faults.has('duplicate-challenge-attribute'), ...(dpop ? { dpop } : {}) }, detail: reason });
  }

  // RFC 6750 §3.1 insufficient_scope: the token is valid but lacks the route's scope -> 403 with the scope needed.
  const scope = requiredScope(policy, faults);
  if (scope && !faults.has('ignore-scope') && !identity.scopes.includes(scope)) {
    const detail = `the access token lacks the scope ${scope}`;
    // Fault insufficient-scope-without-challenge: a scope policy layer's plain 403, no WWW-Authenticate (RFC 6750 §3:
    // a token that does not enable access MUST get a Bearer challenge, REQ-BEARER-20).
    if (faults.has('insufficient-scope-without-challenge')) return refuseWith({ status: 403, detail });
    return refuseWith({
      status: faults.has('insufficient-scope-as-401') ? 401 : 403,
      challenge: { error: 'insufficient_scope', description: detail, scope },
      detail,
    });
  }
  return forwardAs(identity);
}

/**
 * The scope a route needs. Fault protected-route-scope-typo: the GET route that reads the catalog is configured with
 * "catalog.read" instead of "catalog:read", a scope no client is granted, so no valid token ever passes there.
 */
function requiredScope(policy: RoutePolicy, faults: ReadonlySet<string>): string | undefined {
  if (faults.has('protected-route-scope-typo') && policy.method === 'GET' && policy.scope === 'catalog:read') return 'catalog.read';
  return policy.scope;
}

/**
 * Fault anonymous-as-service-account: a caller without a (valid) token is passed on as the gateway's own service
 * account, a system identity, instead of as anonymous (seed 004) — the component then trusts it like a client.
 */
function serviceAccountIdentity(authentication: 'none' | 'failed'): ForwardedIdentity {
  return { ...anonymousIdentity(authentication), kind: 'system', sub: 'ctk-gateway', client_id: 'ctk-gateway' };
}

/** A refusal for the token's claims alone (exp, nbf, iss, aud): its signature verified. */
function failedOnClaims(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof errors.JWTExpired || (cause instanceof errors.JWTClaimValidationFailed && ['iss', 'aud', 'nbf'].includes(cause.claim));
}
