/**
 * DPoP proofs (RFC 9449 §4): the kit's own key pair and the proof JWTs it signs with it, valid or spoiled in
 * exactly one way. Built on jose (SignJWT with typ dpop+jwt and the public key in the jwk header); the spoiled
 * kinds that jose refuses to make (alg none) are put together by hand.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The algorithms the kit can sign proofs with; which one a run uses is client.ts's proofAlgorithm (ES256 by default). */
export type ProofAlgorithm = 'ES256' | 'PS256' | 'RS256' | 'EdDSA';

export interface DpopKey {
  readonly alg: ProofAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: what cnf.jkt must say (RFC 9449 §6.1). */
  readonly thumbprint: string;
}

export async function newDpopKey(alg: ProofAlgorithm = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  const publicJwk = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JWK;
  return { alg, privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

/** RFC 9449 §4.2 ath: base64url SHA-256 of the access token's ASCII value. */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

/** The ways a proof can be spoiled, one at a time (RFC 9449 §4.3's checks). */
export type ProofDefect = 'none' | 'wrong-htm' | 'wrong-htu' | 'stale-iat' | 'alg-none' | 'symmetric-alg' | 'bad-signature' | 'wrong-typ' | 'private-key-in-jwk' | 'no-ath' | 'other-token-ath';

export interface ProofClaims {
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof goes with (resource requests, RFC 9449 §7): its hash is the ath claim. */
  readonly accessToken?: string;
  readonly nonce?: string;
  /** A jti to reuse (replay checks); a fresh random one otherwise. */
  readonly jti?: string;
}

export interface Proof {
  readonly jwt: string;
  readonly jti: string;
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A DPoP proof for one request, spoiled by `defect` (or not at all). */
export async function dpopProof(key: DpopKey, claims: ProofClaims, defect: ProofDefect = 'none'): Promise<Proof> {
  const jti = claims.jti ?? randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const htu = stripQueryAndFragment(claims.htu);
  const payload: Record<string, unknown> = {
    jti,
    htm: defect === 'wrong-htm' ? (claims.htm.toUpperCase() === 'GET' ? 'DELETE' : 'GET') : claims.htm,
    htu: defect === 'wrong-htu' ? otherUri(htu) : htu,
    iat: defect === 'stale-iat' ? now - 3600 : now,
  };
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  if (claims.accessToken !== undefined && defect !== 'no-ath') {
    payload.ath = accessTokenHash(defect === 'other-token-ath' ? `${claims.accessToken}x` : claims.accessToken);
  }
  if (defect === 'alg-none') {
    return { jti, jwt: `${b64json({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })}.${b64json(payload)}.` };
  }
  if (defect === 'symmetric-alg') {
    // RFC 9449 §4.3 check 5: a MAC cannot prove possession of the jwk's private key; keyed with random bytes.
    const jwt = await new SignJWT(payload).setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk }).sign(randomBytes(32));
    return { jti, jwt };
  }
  // §4.3 check 4 (typ dpop+jwt) and check 7 (no private key in jwk).
  const typ = defect === 'wrong-typ' ? 'JWT' : 'dpop+jwt';
  const jwk = defect === 'private-key-in-jwk' ? { ...(await exportJWK(key.privateKey)), ...key.publicJwk } : key.publicJwk;
  const jwt = await new SignJWT(payload).setProtectedHeader({ typ, alg: key.alg, jwk }).sign(key.privateKey);
  return { jti, jwt: defect === 'bad-signature' ? spoilSignature(jwt) : jwt };
}

/** RFC 9449 §4.2: htu is the target URI without query and fragment. */
export function stripQueryAndFragment(uri: string): string {
  const url = new URL(uri);
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The same origin, another path: a proof for another resource of the same server. */
function otherUri(htu: string): string {
  const url = new URL(htu);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/other-resource`;
  return url.toString();
}

/** Flips bits in the middle of the signature (its last character may only carry padding bits). */
function spoilSignature(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(s, 'base64url');
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  return `${h}.${p}.${bytes.toString('base64url')}`;
}
