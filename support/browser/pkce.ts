/**
 * The front end's one-time values for an authorization request: PKCE (RFC 7636 §4.1, §4.2) and `state`
 * (RFC 6749 §4.1.1, §10.12). Fresh per login so no two scenarios can ever share a code or a verifier.
 */
import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1: 43..128 characters of [A-Z a-z 0-9 - . _ ~]. 32 random octets base64url-encoded give 43. */
export function codeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7636 §4.2, S256: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.1 ABNF: code-verifier = 43*128unreserved. */
export const isValidVerifier = (value: string): boolean => /^[A-Za-z0-9\-._~]{43,128}$/.test(value);

/** An unguessable state value (RFC 6749 §10.12: the binding value MUST NOT be guessable). */
export function stateValue(): string {
  return `ctk-${randomBytes(16).toString('base64url')}`;
}

/**
 * A verifier that is valid by the ABNF and differs from `verifier` in one character: the token endpoint must
 * refuse it (RFC 7636 §4.6). Changing one character (not sending garbage) also catches a server that checks
 * only length or character set, or only a prefix.
 */
export function tamperedVerifier(verifier: string): string {
  const last = verifier.at(-1)!;
  return verifier.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}
