/**
 * The IdP's signing keys. A fresh RS256 key pair is generated at start (no key file to leak or to go stale);
 * key rotation (POST /admin/keys/rotate) puts a new key first and keeps the earlier ones, so the JWKS keeps
 * publishing every key a still-valid token may have been signed with (RFC 7517 §5 key sets, RFC 9068 §4:
 * the resource server picks the key by `kid`).
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export interface SigningKey {
  readonly kid: string;
  /** Private JWK with kid, use and alg: what oidc-provider's `jwks` configuration takes. */
  readonly privateJwk: JWK;
}

/** Asymmetric algorithms an RSA key can sign with (the admin test signer may pick one of them). */
export const RSA_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateJwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } };
}

/** Current key first: oidc-provider signs with the key named by the resource server's `jwt.sign.kid`. */
export class SigningKeys {
  private keys: SigningKey[];

  private constructor(keys: SigningKey[]) {
    this.keys = keys;
  }

  static async create(): Promise<SigningKeys> {
    return new SigningKeys([await generateSigningKey()]);
  }

  get current(): SigningKey {
    return this.keys[0]!;
  }

  get all(): readonly SigningKey[] {
    return this.keys;
  }

  /**
   * Adds a new current key; `keepPrevious: false` drops the earlier keys (only the key-rotation-drops-old-key
   * fault does); `signWithNew: false` publishes the new key behind the current one (fault key-rotation-keeps-old-kid).
   */
  async rotate(keepPrevious = true, signWithNew = true): Promise<SigningKey> {
    const next = await generateSigningKey();
    this.keys = !keepPrevious ? [next] : signWithNew ? [next, ...this.keys] : [...this.keys, next];
    return next;
  }

  /**
   * The reference's test-token signer: exactly the given claims, signed with the current (trusted) key, so the
   * kit can craft tokens a gateway must refuse for their claims alone (wrong iss/aud, expired, nbf ahead).
   */
  async sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const alg = typeof header.alg === 'string' ? header.alg : 'RS256';
    if (!(RSA_SIGNING_ALGS as readonly string[]).includes(alg)) {
      throw new UnsupportedSigningAlgError(alg);
    }
    const key = await importJWK({ ...this.current.privateJwk, alg }, alg);
    // A member set to null is left out: how the kit asks for a token without typ (or kid).
    const protectedHeader = { ...Object.fromEntries(Object.entries({ typ: 'at+jwt', kid: this.current.kid, ...header }).filter(([, v]) => v !== null)), alg };
    // A crit the kit asks for (an extension no gateway knows, RFC 7515 §4.1.11) is signed as asked: jose would
    // otherwise refuse to sign a critical extension it does not know itself.
    const crit = Array.isArray(header.crit) ? Object.fromEntries(header.crit.filter((n): n is string => typeof n === 'string').map((n) => [n, true])) : {};
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(protectedHeader).sign(key, { crit });
  }
}

export class UnsupportedSigningAlgError extends Error {
  constructor(alg: string) {
    super(`the test signer signs with the IdP's RSA key only (${RSA_SIGNING_ALGS.join(', ')}), not "${alg}"`);
    this.name = 'UnsupportedSigningAlgError';
  }
}
