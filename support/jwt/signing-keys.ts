/**
 * Which private JWKs can sign test tokens, and with which JWS algorithm (RFC 7518 §3.1, RFC 8037 §3.1). Kept free of
 * any network or World code: the profile schema and its validation read it.
 */

/** JWS algorithms per key type (RFC 7518 §3.1, RFC 8037 §3.1), the first being the default for the key. */
const ALGS_BY_KEY: Readonly<Record<string, readonly string[]>> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'EC:P-256': ['ES256'],
  'EC:P-384': ['ES384'],
  'EC:P-521': ['ES512'],
  'OKP:Ed25519': ['EdDSA'],
};
export const SIGNER_ALGS = [...new Set(Object.values(ALGS_BY_KEY).flat())];

const keyType = (jwk: Record<string, unknown>): string => (jwk.kty === 'RSA' ? 'RSA' : `${String(jwk.kty)}:${String(jwk.crv)}`);

/**
 * The JWS alg a private signing JWK signs with (`alg`, else the JWK's own, else its key type's usual one), or what
 * is wrong with it, in words that never echo the key.
 */
export function checkSigningJwk(jwk: unknown, alg?: string): { alg: string } | { problem: string } {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return { problem: 'expected a JSON object (a JWK, RFC 7517 §4)' };
  const key = jwk as Record<string, unknown>;
  const algs = ALGS_BY_KEY[keyType(key)];
  if (!algs) return { problem: `expected an RSA, EC (P-256, P-384, P-521) or OKP (Ed25519) key; the JWK has kty ${JSON.stringify(key.kty ?? null)}${key.crv !== undefined ? ` and crv ${JSON.stringify(key.crv)}` : ''}` };
  if (typeof key.d !== 'string' || key.d === '') return { problem: 'expected a PRIVATE key: the JWK has no "d" member (a public key cannot sign)' };
  const chosen = alg ?? (typeof key.alg === 'string' ? key.alg : algs[0]!);
  if (!algs.includes(chosen)) return { problem: `alg ${chosen} does not fit this ${keyType(key)} key (expected one of ${algs.join(', ')})` };
  return { alg: chosen };
}

