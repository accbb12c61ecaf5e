/**
 * Tokens a gateway must refuse, made by the kit from the claims of a real access token (so only the forgery
 * differs from what the gateway accepts every day):
 *  - unsigned (alg "none", RFC 8725 §3.1 / RFC 9068 §4);
 *  - HS256 with the issuer's PUBLIC key as the HMAC secret (the key-confusion attack, RFC 8725 §2.1, §3.1);
 *  - RS256 with a key pair the kit generated and nobody published, under the issuer's kid or under its own, or
 *    with its public key embedded in the header (jwk);
 *  - unsigned with "none" in another letter case.
 * Tokens with a wrong iss/aud/exp/nbf/typ but a valid signature need the issuer's key: the reference's test
 * signer makes those (support/admin/control-plane.ts).
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

const encoder = new TextEncoder();
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export type Claims = Readonly<Record<string, unknown>>;

/**
 * RFC 7519 §6: an unsecured JWT — header {alg: none}, empty signature. `alg` in another letter case ("None",
 * "NONE") is the published bypass of gateways that refuse only the exact string "none" and hand the token to a
 * library that compares without case (RFC 8725 §3.1, §2.1).
 */
export function unsecuredToken(claims: Claims, header: Record<string, unknown> = {}, alg = 'none'): string {
  return `${b64url({ ...header, alg })}.${b64url(claims)}.`;
}

/** The PEM (SPKI) form of a published public key: what a confused verifier would use as an HMAC secret. */
export function publicKeyPem(jwk: JWK): string {
  const { kty, n, e, crv, x, y } = jwk;
  return createPublicKey({ key: { kty, n, e, crv, x, y } as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** HS256 over the claims with the issuer's public key (PEM bytes) as the shared secret. */
export async function hmacWithPublicKey(claims: Claims, publicJwk: JWK, header: Record<string, unknown> = {}): Promise<string> {
  const secret = encoder.encode(publicKeyPem(publicJwk));
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
}

let foreignPair: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> | undefined;

/** One RSA key pair per run that no issuer ever published. */
function foreignKeyPair(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  foreignPair ??= generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return foreignPair;
}

const foreignPrivateKey = async (): Promise<CryptoKey> => (await foreignKeyPair()).privateKey;

/**
 * RS256 with the kit's own key, and that key's public half embedded in the header (`jwk`, RFC 7515 §4.1.3): a
 * gateway that verifies with a key the token brings (CVE-2018-0114 and kin) accepts it. RFC 8725 §3.10: keys
 * named or carried by the token itself are not to be trusted without checking them against trusted ones.
 */
export async function signedWithEmbeddedKey(claims: Claims, header: Record<string, unknown>): Promise<string> {
  const { kty, n, e } = await exportJWK((await foreignKeyPair()).publicKey);
  return signedWithForeignKey(claims, { ...header, jwk: { kty, n, e } });
}

/** RS256 over the claims with the kit's own key; `kid` as given (the issuer's, to impersonate it) or a fresh one. */
export async function signedWithForeignKey(claims: Claims, header: Record<string, unknown> & { kid?: string }): Promise<string> {
  const kid = header.kid ?? `ctk-foreign-${randomBytes(6).toString('hex')}`;
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader({ ...header, kid, alg: 'RS256' }).sign(await foreignPrivateKey());
}
