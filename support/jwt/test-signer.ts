/**
 * The trusted test-token signer: what signs the crafted tokens of the "genuinely signed, but not valid for the
 * gateway" checks (wrong iss / aud / nbf / typ, no exp). Either the reference's control plane, or a private JWK a
 * vendor gives the kit through the profile (testTokenSigner: a ${VAR} holding the key the gateway trusts, and its
 * kid) so the same checks run against any gateway that trusts that key.
 */
import { CompactSign, importJWK, type JWK } from 'jose';
import type { CtkWorld } from '../world.ts';
import { controlPlaneOf } from '../admin/control-plane.ts';
import type { TestSignerDescription } from '../target/target.ts';
export { checkSigningJwk, SIGNER_ALGS } from './signing-keys.ts';

export interface TokenSigner {
  /**
   * Exactly these claims, signed with the trusted key; `header` members override the defaults (typ at+jwt, kid), and a
   * member set to null leaves the default out (a token without typ).
   */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export class JwkSigner implements TokenSigner {
  private readonly description: TestSignerDescription;
  constructor(description: TestSignerDescription) {
    this.description = description;
  }

  async sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { privateJwk, alg, kid } = this.description;
    const key = await importJWK({ ...(privateJwk as JWK), alg }, alg);
    // As the reference's signer does: typ at+jwt (RFC 9068 §2.1) and the kid, unless the check overrides them.
    const protectedHeader = withoutNulls({ typ: 'at+jwt', ...(kid ? { kid } : {}), ...header, alg });
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(protectedHeader).sign(key, { crit: criticalOf(header) });
  }
}

const withoutNulls = <T extends Record<string, unknown>>(header: T): T => Object.fromEntries(Object.entries(header).filter(([, v]) => v !== null)) as T;

/**
 * The header's `crit` names as extensions the signer "understands": jose refuses to sign a header whose crit lists one
 * it does not know (RFC 7515 §4.1.11), and the kit signs such a header on purpose to see the gateway refuse it.
 */
export function criticalOf(header: Record<string, unknown>): Record<string, boolean> {
  return Object.fromEntries((Array.isArray(header.crit) ? header.crit : []).filter((n): n is string => typeof n === 'string').map((n) => [n, true]));
}

/** Throws (jose's message, never the key) when the key cannot be imported for its alg: for the start-up check. */
export async function importSigner(description: TestSignerDescription): Promise<void> {
  await importJWK({ ...(description.privateJwk as JWK), alg: description.alg }, description.alg);
}

/** The target's trusted signer: the profile's key, else the reference's control plane, else none. */
export function testSignerOf(world: CtkWorld): TokenSigner | undefined {
  if (world.target.testSigner) return new JwkSigner(world.target.testSigner);
  return controlPlaneOf(world, 'sign');
}

export const NO_SIGNER_REMEDY =
  'give the kit the key the gateway trusts: testTokenSigner.privateJwk in the target profile (a ${VAR} holding the private JWK) and its kid; or run against the reference stack';
