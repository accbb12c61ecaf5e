/**
 * DPoP at the resource (RFC 9449 §7): a token bound to a key (cnf.jkt, §6.1) is served only with the DPoP scheme and
 * a proof of that key made for this request and this token (§4.3 checks, §7); a bound token sent as Bearer is refused
 * (§7.2). Unbound tokens stay plain Bearer tokens (RFC 6750): the gateway serves both. jose verifies the proof's
 * signature with the key it carries (EmbeddedJWK); the faults below are deliberate holes, each named by the
 * requirement it breaks (faults.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { AccessTokenClaims } from './access-token.ts';

/** RFC 9449 §4.3 check 5: asymmetric algorithms only (jose refuses none; HS* is not in the list). */
export const DPOP_ALGORITHMS = ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const;

/** §11.1: proofs are accepted for a limited time after their creation (iat), both ways, in seconds. */
const PROOF_WINDOW_SECONDS = 60;

export type DpopErrorCode = 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';

export class DpopRefused extends Error {
  readonly code: DpopErrorCode;
  /** §9: the nonce the next proof must carry (sent as DPoP-Nonce). */
  readonly nonce?: string;
  constructor(code: DpopErrorCode, description: string, nonce?: string) {
    super(description);
    this.name = 'DpopRefused';
    this.code = code;
    if (nonce !== undefined) this.nonce = nonce;
  }
}

/** Variation dpop-nonce-required (§9): nonces this gateway handed out, each good for five minutes. */
export class DpopNonces {
  readonly #issued = new Map<string, number>();
  issue(nowSeconds: number): string {
    for (const [nonce, until] of this.#issued) if (until < nowSeconds) this.#issued.delete(nonce);
    const nonce = randomBytes(16).toString('base64url');
    this.#issued.set(nonce, nowSeconds + 300);
    return nonce;
  }
  valid(nonce: unknown, nowSeconds: number): boolean {
    return typeof nonce === 'string' && (this.#issued.get(nonce) ?? 0) >= nowSeconds;
  }
}

/** What the gateway knows of the request a proof must match. */
export interface DpopRequest {
  readonly scheme: 'Bearer' | 'DPoP';
  readonly token: string;
  readonly method: string;
  /** The request's URI as the client addressed it (scheme, host, path), without query and fragment. */
  readonly uri: string;
  /** Every DPoP header value of the request. */
  readonly proofs: readonly string[];
}

/** §11.1: the jti values seen within the proof window (one gateway process). */
export class SeenProofs {
  readonly #seen = new Map<string, number>();
  /** True when the jti is new (and remembers it). */
  fresh(jti: string, nowSeconds: number): boolean {
    for (const [id, until] of this.#seen) if (until < nowSeconds) this.#seen.delete(id);
    if (this.#seen.has(jti)) return false;
    this.#seen.set(jti, nowSeconds + 2 * PROOF_WINDOW_SECONDS);
    return true;
  }
}

const boundKeyOf = (claims: AccessTokenClaims): string | undefined => {
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
};

const normalisedUri = (uri: string): string | undefined => {
  try {
    const url = new URL(uri);
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
};

/**
 * Whether a validated token may be used the way the request presents it (RFC 9449 §7, §7.2). Throws DpopRefused;
 * returns for an unbound token sent as Bearer and for a bound token with a valid proof.
 */
export async function checkSenderConstraint(claims: AccessTokenClaims, request: DpopRequest, seen: SeenProofs, faults: ReadonlySet<string>, nonces?: DpopNonces): Promise<void> {
  const jkt = boundKeyOf(claims);
  if (request.scheme === 'Bearer') {
    // §7.2: a protected resource that supports both schemes MUST reject a DPoP-bound token received as a bearer token.
    if (jkt !== undefined && !faults.has('dpop-bound-token-accepted-as-bearer')) {
      throw new DpopRefused('invalid_token', 'the access token is DPoP-bound: send it with the DPoP scheme and a proof (RFC 9449 section 7.2)');
    }
    return;
  }
  if (jkt === undefined) throw new DpopRefused('invalid_token', 'the access token is not DPoP-bound (no cnf.jkt): send it with the Bearer scheme');
  // §4.3 check 1: not more than one DPoP header field.
  if (request.proofs.length !== 1) throw new DpopRefused('invalid_dpop_proof', request.proofs.length === 0 ? 'the request carries no DPoP proof' : 'the request carries more than one DPoP proof');
  let header: { jwk?: JWK };
  let payload: Record<string, unknown>;
  try {
    // §4.3 checks 2-6: a well-formed JWT, typ dpop+jwt, an asymmetric algorithm, a signature by the jwk it carries.
    ({ protectedHeader: header, payload } = await jwtVerify(request.proofs[0]!, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] }));
  } catch {
    throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof is not a valid dpop+jwt signed by the key it carries');
  }
  const jwk = header.jwk!;
  // §4.3 check 7: no private key in the header.
  if ('d' in jwk || 'p' in jwk) throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof carries a private key');
  // §4.2: jti, htm, htu, iat REQUIRED.
  if (typeof payload.jti !== 'string' || payload.jti === '' || typeof payload.iat !== 'number') throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof lacks jti or iat');
  const now = Math.floor(Date.now() / 1000);
  // §9, §4.3 check 10: with nonces required (variation dpop-nonce-required), a proof without one of ours is answered
  // use_dpop_nonce with a fresh nonce in DPoP-Nonce.
  if (nonces && !nonces.valid(payload.nonce, now)) throw new DpopRefused('use_dpop_nonce', 'the DPoP proof must carry the nonce of this resource server', nonces.issue(now));
  // §4.3 check 8, 9: this request's method and URI (query and fragment ignored).
  if (payload.htm !== request.method) throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof is for another HTTP method (htm)');
  if (!faults.has('dpop-ignores-htu') && (typeof payload.htu !== 'string' || normalisedUri(payload.htu) !== normalisedUri(request.uri))) {
    throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof is for another URI (htu)');
  }
  // §4.3 check 11, §11.1: a fresh proof.
  if (Math.abs(now - payload.iat) > PROOF_WINDOW_SECONDS) throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof is not recent (iat)');
  // §4.3 check 12, §7: ath is the hash of this access token ...
  if (!faults.has('dpop-ignores-ath') && payload.ath !== createHash('sha256').update(request.token, 'ascii').digest('base64url')) {
    throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof is not for this access token (ath)');
  }
  // ... and the proof's key is the one the token is bound to.
  if (!faults.has('dpop-ignores-key-binding') && (await calculateJwkThumbprint(jwk)) !== jkt) {
    throw new DpopRefused('invalid_token', 'the DPoP proof is signed by another key than the one the access token is bound to');
  }
  // §11.1: a proof is used once.
  if (!seen.fresh(payload.jti, now) && !faults.has('dpop-proof-replay-accepted')) throw new DpopRefused('invalid_dpop_proof', 'the DPoP proof has been used before (jti)');
}
