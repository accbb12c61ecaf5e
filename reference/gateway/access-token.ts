/**
 * Validating a JWT access token the way RFC 9068 §4 tells a resource server to: signature against the
 * issuer's published keys (JWKS, selected by `kid`), an allow-list of asymmetric algorithms, `typ` at+jwt,
 * `iss`, `aud`, and `exp`/`nbf` (and an `iat` not in the future, RFC 7519 §4.1.6) with a small clock leeway.
 * Built on jose's jwtVerify; the faults below are deliberate holes, each named by the requirement it breaks
 * (see faults.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, EmbeddedJWK, errors, importX509, jwtVerify, type JWTPayload, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';

/**
 * RFC 9068 §4 / RFC 8725 §3.1: only asymmetric algorithms the IdP may use. Never `none` (RFC 8725 §3.2) and
 * never HS* (a public key used as an HMAC secret is the classic key-confusion attack, RFC 8725 §2.1).
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;

export interface AccessTokenClaims extends JWTPayload {
  readonly sub: string;
  readonly client_id: string;
  readonly scope?: string;
  readonly roles?: unknown;
}

/**
 * Why a token was refused: `unknown-key` and `keys-unavailable` are kept apart so they are never a 500.
 * `key-lookup-crashed` arises only under faults kid-quote-500 and huge-kid-500 (the admission answers it with a 500).
 */
export type RefusalKind = 'invalid' | 'unknown-key' | 'keys-unavailable' | 'key-lookup-crashed';

export class AccessTokenRefused extends Error {
  readonly kind: RefusalKind;
  constructor(kind: RefusalKind, description: string, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'AccessTokenRefused';
    this.kind = kind;
  }
}

export interface AccessTokenValidatorOptions {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string;
  readonly clockSkewSeconds: number;
  readonly jwksCooldownMs: number;
  readonly jwksTimeoutMs: number;
  readonly jwksMaxAgeMs: number;
  readonly faults: ReadonlySet<string>;
  /** Variation gateway-introspects-opaque-tokens: where and as which client to introspect a token that is no JWT. */
  readonly introspection?: { readonly endpoint: string; readonly clientId: string; readonly clientSecret: string; readonly timeoutMs: number };
}

export type AccessTokenValidator = (token: string) => Promise<AccessTokenClaims>;

/** One line per jose failure, safe to send back in error_description (no token content). */
function refusalOf(error: unknown): AccessTokenRefused {
  if (error instanceof AccessTokenRefused) return error;
  const refused = (kind: RefusalKind, description: string) => new AccessTokenRefused(kind, description, { cause: error });
  if (error instanceof errors.JWTExpired) return refused('invalid', 'the access token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf': return refused('invalid', 'the access token is not valid yet (nbf)');
      case 'iss': return refused('invalid', 'the access token was not issued by the trusted issuer');
      case 'aud': return refused('invalid', 'the access token is not meant for this API (aud)');
      case 'typ': return refused('invalid', 'the token is not a JWT access token (typ must be at+jwt, RFC 9068 section 4)');
      default: return refused('invalid', `the access token claim ${error.claim} is missing or invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('invalid', 'the signing algorithm is not allowed');
  if (error instanceof errors.JWKSNoMatchingKey) return refused('unknown-key', 'the access token is signed with an unknown key');
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('invalid', 'the access token signature is invalid');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return refused('invalid', 'the access token is malformed');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')) {
    return refused('keys-unavailable', 'the signing keys could not be fetched');
  }
  if (error instanceof TypeError && /fetch failed/.test(error.message)) return refused('keys-unavailable', 'the signing keys could not be fetched');
  return refused('invalid', 'the access token could not be validated');
}

/** Fault gateway-iss-trailing-slash-ignored: the issuer, and the issuer with one trailing slash more or less. */
function issuerSpellings(issuer: string): string[] {
  const bare = issuer.replace(/\/+$/, '');
  return [issuer, bare, `${bare}/`];
}

/** Unverified peek at the claims, used only to pick a fake clock for the time faults and by the claim faults. */
function peekClaims(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

export function accessTokenValidator(options: AccessTokenValidatorOptions): AccessTokenValidator {
  const { faults } = options;
  // Fault jwks-never-refreshed: the first JWK Set fetched is kept for ever (no refetch for an unknown kid, no
  // expiry of the cache), so keys published after that fetch are never seen.
  const neverRefresh = faults.has('jwks-never-refreshed');
  // Fault jwks-refetch-unbounded (REQ-JWKS-01): no cooldown at all, so every token with an unknown kid costs the IdP
  // one JWK Set request (kid spraying amplified onto the IdP).
  const cooldown = neverRefresh ? Infinity : faults.has('jwks-refetch-unbounded') ? 0 : options.jwksCooldownMs;
  const keys = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: cooldown,
    // Fault jwks-cached-for-ever (REQ-JWKS-04): the set is fetched again for an unknown kid only, never because it is
    // old, so a key removed from it stays trusted as long as no token with a new kid comes along.
    cacheMaxAge: neverRefresh || faults.has('jwks-cached-for-ever') ? Infinity : options.jwksMaxAgeMs,
    timeoutDuration: options.jwksTimeoutMs,
  });

  /** The clock the exp/nbf checks use: now, unless a time fault moves it to where the token looks valid. */
  function clockFor(token: string): Date | undefined {
    if (!faults.has('accept-expired-token') && !faults.has('accept-nbf-in-future')) return undefined;
    const claims = peekClaims(token);
    let now = Date.now() / 1000;
    if (faults.has('accept-expired-token') && typeof claims?.exp === 'number' && claims.exp <= now) now = claims.exp - 1;
    if (faults.has('accept-nbf-in-future') && typeof claims?.nbf === 'number' && claims.nbf > now) now = claims.nbf;
    return new Date(now * 1000);
  }

  // Fault trusts-token-issuer: the keys come from whatever issuer the token names (its discovery document).
  const keysOfIssuer = faults.has('trusts-token-issuer') ? issuerKeyDiscovery(options) : undefined;

  const validate = async function validate(token: string): Promise<AccessTokenClaims> {
    // Variation gateway-introspects-opaque-tokens: a token that is not a JWS compact serialization is asked about at
    // the IdP's introspection endpoint (RFC 7662) instead of being refused as malformed.
    // Fault gateway-introspection-drops-cnf asks about every token, JWTs too.
    if (options.introspection && faults.has('gateway-introspects-opaque-tokens') && (token.split('.').length !== 3 || faults.has('gateway-introspection-drops-cnf'))) return introspected(token, options);
    // Fault accept-alg-none: an unsigned token is taken at its word.
    if (faults.has('accept-alg-none') && safeAlg(token) === 'none') return decodeJwt(token) as AccessTokenClaims;
    // Fault accept-alg-none-other-case: only the exact string "none" is refused; "None"/"NONE" are taken at their word.
    const alg = safeAlg(token);
    if (faults.has('accept-alg-none-other-case') && typeof alg === 'string' && alg !== 'none' && alg.toLowerCase() === 'none') return decodeJwt(token) as AccessTokenClaims;
    // Fault trusts-embedded-jwk: a token that brings its own public key (header jwk) is verified with it.
    if (faults.has('trusts-embedded-jwk') && embedsKey(token)) {
      try {
        const { payload } = await jwtVerify(token, EmbeddedJWK, { algorithms: [...ALLOWED_ALGORITHMS], issuer: options.issuer, audience: options.audience, clockTolerance: options.clockSkewSeconds, requiredClaims: ['exp', 'sub', 'client_id'] });
        return payload as AccessTokenClaims;
      } catch (error) {
        throw refusalOf(error);
      }
    }
    // Issue 20: header and claim attacks (faults trusts-jku, trusts-x5u, kid-path-traversal, kid-quote-500).
    const header = safeHeader(token);
    const attacked = header && (await headerFault(token, header, options));
    if (attacked) return attacked;
    const named = peekClaims(token)?.iss;
    if (keysOfIssuer && typeof named === 'string' && named !== options.issuer) {
      try {
        const { payload } = await jwtVerify(token, await keysOfIssuer(named), { algorithms: [...ALLOWED_ALGORITHMS], issuer: named, audience: options.audience, clockTolerance: options.clockSkewSeconds, requiredClaims: ['exp', 'sub', 'client_id'] });
        return payload as AccessTokenClaims;
      } catch (error) {
        throw refusalOf(error);
      }
    }

    const verifyOptions: JWTVerifyOptions = {
      algorithms: [...ALLOWED_ALGORITHMS],
      // RFC 9068 §4: typ must be at+jwt (jose also accepts the application/at+jwt spelling).
      // Fault typ-optional (issue 20): typ is checked only where the token carries one.
      ...(faults.has('ignore-typ') || (faults.has('typ-optional') && header?.typ === undefined) ? {} : { typ: 'at+jwt' }),
      // RFC 9068 §4: iss must exactly match the issuer the gateway trusts (jose then requires it too).
      // Fault gateway-iss-checked-only-when-present compares it only where the token has one; fault
      // gateway-iss-trailing-slash-ignored takes the issuer with or without a trailing slash.
      ...(faults.has('ignore-issuer') || (faults.has('gateway-iss-checked-only-when-present') && peekClaims(token)?.iss === undefined)
        ? {}
        : { issuer: faults.has('gateway-iss-trailing-slash-ignored') ? issuerSpellings(options.issuer) : options.issuer }),
      // RFC 9068 §4: aud must contain this API's identifier (jose then requires it too). Fault
      // gateway-aud-checked-only-when-present compares it only where the token has one.
      ...(faults.has('ignore-audience') || (faults.has('gateway-aud-checked-only-when-present') && peekClaims(token)?.aud === undefined) ? {} : { audience: options.audience }),
      // RFC 7519 §4.1.4/§4.1.5 with RFC 9068 §4: reject expired and not-yet-valid tokens, with a small leeway.
      clockTolerance: options.clockSkewSeconds,
      currentDate: clockFor(token),
      // RFC 9068 §2.2: exp, sub, client_id are REQUIRED; the forwarded identity is built from sub/client_id (seed 003).
      // Fault client-id-falls-back-to-sub lets a token without client_id in (below).
      // Fault no-client-id-reads-every-customer admits it too, passed on as a human (client_id null).
      requiredClaims: faults.has('client-id-falls-back-to-sub') || faults.has('no-client-id-reads-every-customer') ? ['exp', 'sub'] : ['exp', 'sub', 'client_id'],
      // RFC 7515 §4.1.11: jose refuses a crit it does not know; fault ignores-crit calls every one "understood".
      ...(faults.has('ignores-crit') && Array.isArray(header?.crit) ? { crit: Object.fromEntries(header.crit.map((name) => [name, true])) } : {}),
    };
    try {
      const { payload } = await jwtVerify(token, keys, verifyOptions);
      // Fault client-id-falls-back-to-sub (REQ-ID-13): a missing client_id is read as the subject's, so client_id ==
      // sub and seed 003's rule sees a system user in a token that never said which client it was issued to.
      if (faults.has('client-id-falls-back-to-sub') && payload.client_id === undefined) payload.client_id = payload.sub;
      const clientIdMayLack = faults.has('no-client-id-reads-every-customer') && payload.client_id === undefined;
      if (typeof payload.sub !== 'string' || (typeof payload.client_id !== 'string' && !clientIdMayLack)) {
        throw new AccessTokenRefused('invalid', 'the access token sub and client_id must be strings');
      }
      // RFC 7519 §4.1.6: iat is when the token was issued; one later than now (with the leeway exp and nbf get) cannot
      // be, and jose accepts it. Issue 20 asks for the refusal (REQ-BEARER-19). Fault accept-iat-in-future skips it.
      // The real clock, not a time fault's (which moves it back to an expired token's exp), and not floored: a
      // fractional iat of the instant of issue (variation fractional-numeric-dates) is never ahead of it.
      if (!faults.has('accept-iat-in-future') && typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + options.clockSkewSeconds) {
        throw new AccessTokenRefused('invalid', 'the access token was issued in the future (iat)');
      }
      return payload as AccessTokenClaims;
    } catch (error) {
      const refusal = refusalOf(error);
      // Faults jwks-down-fails-open / jwks-slow-fails-open (REQ-JWKS-02, -03): keys that cannot be fetched (the
      // JWKS answers an error, or not in time) are taken as a reason to trust the token unverified ("fail open").
      if (refusal.kind === 'keys-unavailable') {
        const timedOut = error instanceof errors.JWKSTimeout;
        if ((timedOut && faults.has('jwks-slow-fails-open')) || (!timedOut && faults.has('jwks-down-fails-open'))) return decodeJwt(token) as AccessTokenClaims;
      }
      // Fault accept-foreign-key: a signature that does not verify (or a key nobody published) is ignored.
      if (faults.has('accept-foreign-key') && refusal.kind !== 'keys-unavailable' && isSignatureProblem(error)) {
        return decodeJwt(token) as AccessTokenClaims;
      }
      throw refusal;
    }
  };
  // Fault gateway-caches-valid-decision (REQ-BEARER-04): a positive decision is kept per token string (below).
  return faults.has('gateway-caches-valid-decision') ? cachingValidDecisions(validate) : validate;
}

/** How long fault gateway-caches-valid-decision keeps a decision: AWS API Gateway's authorizer result TTL default. */
const CACHED_DECISION_MS = 300_000;

/**
 * Fault gateway-caches-valid-decision (REQ-BEARER-04; REQ-REVOKE-04 where the gateway introspects): "valid" is cached
 * per token string for 300 s, as an API Gateway Lambda authorizer's result cache or an introspection cache keyed by
 * the token does, and served from the cache without looking at exp again (nor asking the IdP again for an introspected
 * token). A token the gateway once admitted is admitted on until the entry goes, after its exp or revocation too.
 * Refusals are not cached (the scope and sender checks after validation still run on every request).
 */
function cachingValidDecisions(validate: AccessTokenValidator): AccessTokenValidator {
  const decisions = new Map<string, { readonly claims: AccessTokenClaims; readonly until: number }>();
  return async (token) => {
    const now = Date.now();
    const cached = decisions.get(token);
    if (cached && cached.until > now) return cached.claims;
    const claims = await validate(token);
    for (const [key, entry] of decisions) if (entry.until <= now) decisions.delete(key);
    decisions.set(token, { claims, until: now + CACHED_DECISION_MS });
    return claims;
  };
}

/**
 * Fault trusts-token-issuer (REQ-BEARER-04): "dynamic" key discovery from the token's own `iss` — the JWK Set
 * named by `${iss}/.well-known/openid-configuration` — so any issuer that publishes keys is trusted, a known
 * real-world hole. Only loopback issuers are looked up (the reference never leaves the machine); any other is
 * refused as an issuer whose keys cannot be found, as the untrusted issuers of the kit's signed tokens are.
 */
function issuerKeyDiscovery(options: AccessTokenValidatorOptions): (issuer: string) => Promise<ReturnType<typeof createRemoteJWKSet>> {
  const known = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();
  const discover = async (issuer: string) => {
    const url = new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new AccessTokenRefused('invalid', 'the access token was not issued by a known issuer');
    const response = await fetch(url, { signal: AbortSignal.timeout(options.jwksTimeoutMs) });
    const jwksUri = response.ok ? ((await response.json()) as { jwks_uri?: unknown }).jwks_uri : undefined;
    if (typeof jwksUri !== 'string') throw new AccessTokenRefused('invalid', 'the access token was not issued by a known issuer');
    return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: options.jwksTimeoutMs });
  };
  return (issuer) => {
    let keys = known.get(issuer);
    if (!keys) {
      keys = discover(issuer);
      keys.catch(() => known.delete(issuer));
      known.set(issuer, keys);
    }
    return keys;
  };
}

function isSignatureProblem(error: unknown): boolean {
  return error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey;
}

/** Whether the token's header carries a public key of its own (RFC 7515 §4.1.3 jwk). */
function embedsKey(token: string): boolean {
  try {
    return typeof decodeProtectedHeader(token).jwk === 'object';
  } catch {
    return false;
  }
}

function safeHeader(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** The directory fault kid-path-traversal "keeps its HMAC keys" in: kids are file names in it, or so it thinks. */
const KEY_FILE_DIR = '/var/lib/ctk-gateway/keys';

/**
 * Issue 20: header and claim attacks. Faults that take the key from where the token says (RFC 9068 §4: MUST use the
 * keys the authorization server provides; RFC 8725 §3.10):
 *  - trusts-jku: verifies with the JWK Set at the token's jku URL (loopback only: the reference never leaves the host);
 *  - trusts-x5u: verifies with the first certificate of the chain at the token's x5u URL (loopback only);
 *  - kid-path-traversal: an HS256 token's kid with a "/" is a key file name; "../../dev/null" reads an empty secret;
 *  - kid-quote-500: a kid with a quote breaks the key store's query, and the gateway answers 500 (REQ-BEARER-12);
 *  - huge-kid-500: a kid longer than 1 KiB does the same.
 * Returns the claims the fault accepts, undefined where none applies (the ordinary validation goes on).
 */
async function headerFault(token: string, header: ProtectedHeaderParameters, options: AccessTokenValidatorOptions): Promise<AccessTokenClaims | undefined> {
  const { faults } = options;
  const checks = { algorithms: [...ALLOWED_ALGORITHMS], issuer: options.issuer, audience: options.audience, clockTolerance: options.clockSkewSeconds, requiredClaims: ['exp', 'sub', 'client_id'] };
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  // Fault huge-kid-500: a kid longer than 1 KiB overflows the key cache's key column.
  if ((faults.has('kid-quote-500') && kid?.includes("'")) || (faults.has('huge-kid-500') && kid !== undefined && kid.length > 1024)) {
    throw new AccessTokenRefused('key-lookup-crashed', 'the key store failed');
  }
  try {
    if (faults.has('trusts-jku') && typeof header.jku === 'string' && isLoopback(new URL(header.jku))) {
      return (await jwtVerify(token, createRemoteJWKSet(new URL(header.jku), { timeoutDuration: options.jwksTimeoutMs }), checks)).payload as AccessTokenClaims;
    }
    if (faults.has('trusts-x5u') && typeof header.x5u === 'string' && isLoopback(new URL(header.x5u))) {
      const response = await fetch(header.x5u, { signal: AbortSignal.timeout(options.jwksTimeoutMs) });
      const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(await response.text())?.[0];
      if (!first || typeof header.alg !== 'string') throw new AccessTokenRefused('invalid', 'the access token signature is invalid');
      return (await jwtVerify(token, await importX509(first, header.alg), checks)).payload as AccessTokenClaims;
    }
  } catch (error) {
    throw refusalOf(error);
  }
  if (faults.has('kid-path-traversal') && header.alg === 'HS256' && kid?.includes('/')) {
    let secret: Buffer;
    try {
      secret = await readFile(resolve(KEY_FILE_DIR, kid));
    } catch {
      throw new AccessTokenRefused('unknown-key', 'the access token is signed with an unknown key');
    }
    const [head, payload, signature] = token.split('.');
    const expected = createHmac('sha256', secret).update(`${head}.${payload}`).digest();
    const given = Buffer.from(signature ?? '', 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AccessTokenRefused('invalid', 'the access token signature is invalid');
    return decodeJwt(token) as AccessTokenClaims;
  }
  return undefined;
}

function safeAlg(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

/** The scopes a token grants: RFC 9068 §2.2.3 `scope`, space-separated (RFC 6749 §3.3). */
export function scopesOf(claims: JWTPayload): string[] {
  const scope = claims.scope;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return [];
}

/** The longest token the gateway sends to the introspection endpoint; a longer one is refused as malformed. */
const MAX_INTROSPECTED_TOKEN = 4096;

/**
 * Variation gateway-introspects-opaque-tokens: RFC 7662 §2 as a protected resource. Active, meant for this API (aud,
 * where the answer states one), with a subject and a client id: its claims are the answer's. Anything else is an
 * invalid token; an IdP that cannot be asked is 'keys-unavailable' (never a 500).
 */
async function introspected(token: string, options: AccessTokenValidatorOptions): Promise<AccessTokenClaims> {
  const intro = options.introspection!;
  if (token.length > MAX_INTROSPECTED_TOKEN) throw new AccessTokenRefused('invalid', 'the access token is malformed');
  let answer: Record<string, unknown> | undefined;
  try {
    const response = await fetch(intro.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(intro.clientId)}:${encodeURIComponent(intro.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(intro.timeoutMs),
    });
    answer = response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
    if (!response.ok && response.status >= 500) throw new Error(`introspection answered ${response.status}`);
  } catch (error) {
    throw new AccessTokenRefused('keys-unavailable', 'the access token could not be introspected', { cause: error });
  }
  if (answer?.active !== true) throw new AccessTokenRefused('invalid', 'the access token is not active');
  const aud = answer.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (audiences && !audiences.includes(options.audience)) throw new AccessTokenRefused('invalid', 'the access token is not meant for this API (aud)');
  if (typeof answer.sub !== 'string' || typeof answer.client_id !== 'string') throw new AccessTokenRefused('invalid', 'the access token sub and client_id must be strings');
  // RFC 9449 §6.2: cnf (jkt) is the binding of a DPoP-bound token; checkSenderConstraint reads it as from a JWT.
  // Fault gateway-introspection-drops-cnf: it is left out, so the bound token looks unbound (REQ-DPOP-05).
  if (options.faults.has('gateway-introspection-drops-cnf')) {
    const { cnf: _cnf, ...rest } = answer;
    return rest as unknown as AccessTokenClaims;
  }
  return answer as unknown as AccessTokenClaims;
}
