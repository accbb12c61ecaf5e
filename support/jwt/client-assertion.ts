/**
 * Client assertions for RFC 7523 (issue 19): the JWT a client signs with its own key (private_key_jwt) or MACs with its
 * secret (client_secret_jwt) to authenticate at the token endpoint (RFC 7523 §2.2, §3; OpenID Connect Core §9), correct
 * or with exactly one defect. The claims and the unsecured form are the two methods' own; only the key differs. Pure: no I/O.
 */
import { createHmac, createPublicKey, randomBytes } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { PrivateKeyJwtClient, SecretJwtClient } from '../target/target.ts';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The one thing wrong with an assertion ('none': nothing). hs256-public-key and unregistered-key are private_key_jwt's,
 * wrong-secret client_secret_jwt's; the others are the claims' and apply to both.
 */
export type AssertionDefect = 'none' | 'wrong-aud' | 'expired' | 'missing-jti' | 'alg-none' | 'hs256-public-key' | 'unregistered-key' | 'wrong-secret';

/** An audience no authorization server under test is: another server's token endpoint (RFC 2606 .invalid). */
export const FOREIGN_AUDIENCE = 'https://other-authorization-server.auth-ctk.invalid/token';

/** How long a correct assertion lives, and how far in the past an expired one's exp lies (beyond any clock skew). */
export const ASSERTION_LIFETIME_SECONDS = 60;
export const EXPIRED_BY_SECONDS = 600;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The public half of a private JWK (the private members removed). */
export const publicJwkOf = (jwk: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));

/** The client's public key as SPKI PEM: the key material an algorithm-confused server would use as an HMAC secret. */
export const publicKeyPem = (jwk: Readonly<Record<string, unknown>>): string =>
  createPublicKey({ key: publicJwkOf(jwk) as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

export interface AssertionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  /** Absent only for the missing-jti defect (OpenID Connect Core §9 requires it; RFC 7523 §3 item 7 makes it a MAY). */
  readonly jti?: string;
}

/** RFC 7523 §3: iss = sub = client_id, aud = the server, exp, jti (fresh), iat; `defect` changes aud, the times or drops jti. */
export function assertionClaims(clientId: string, audience: string, defect: AssertionDefect = 'none', now = Math.floor(Date.now() / 1000)): AssertionClaims {
  const expired = defect === 'expired';
  return {
    iss: clientId,
    sub: clientId,
    aud: defect === 'wrong-aud' ? FOREIGN_AUDIENCE : audience,
    iat: expired ? now - EXPIRED_BY_SECONDS - 300 : now,
    exp: expired ? now - EXPIRED_BY_SECONDS : now + ASSERTION_LIFETIME_SECONDS,
    ...(defect === 'missing-jti' ? {} : { jti: `ctk-${randomBytes(12).toString('hex')}` }),
  };
}

const b64url = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

/** RFC 7515 Appendix A.5: an unsecured JWS, empty signature (the alg-none defect of either method). */
const unsecured = (payload: Uint8Array): string => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(payload)}.`;

/**
 * A client_secret_jwt assertion: MACed with the client's secret (OpenID Connect Core §9: the octets of its UTF-8
 * form are the key), or made the way `defect` says (wrong-secret: a random secret of the same length or more).
 */
export async function macAssertion(client: SecretJwtClient, claims: AssertionClaims, defect: AssertionDefect = 'none'): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  if (defect === 'alg-none') return unsecured(payload);
  const secret = defect === 'wrong-secret' ? `ctk-${randomBytes(Math.max(32, client.clientSecret.length)).toString('base64url')}` : client.clientSecret;
  return new CompactSign(payload).setProtectedHeader({ alg: secretJwtAlg(client), typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** The HMAC alg of a client_secret_jwt client: the profile's, else HS256 (the one OpenID Connect Core §9 names). */
export const secretJwtAlg = (client: SecretJwtClient): string => client.alg ?? 'HS256';

/** The assertion as compact JWS: signed with the client's key, or made the way `defect` says. */
export async function signAssertion(client: PrivateKeyJwtClient, claims: AssertionClaims, defect: AssertionDefect = 'none'): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  const kid = client.kid !== undefined ? { kid: client.kid } : {};
  switch (defect) {
    case 'alg-none':
      return unsecured(payload);
    case 'hs256-public-key': {
      // RFC 8725 §2.1 (algorithm confusion): HS256 keyed with the public key, which anybody has.
      const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...kid }))}.${b64url(payload)}`;
      return `${signingInput}.${createHmac('sha256', publicKeyPem(client.privateJwk)).update(signingInput).digest('base64url')}`;
    }
    case 'unregistered-key': {
      // A key of the same algorithm the client never registered; the header names the registered kid and brings the
      // new public key along (jwk), as an attacker would.
      const { privateKey, publicKey } = await generateKeyPair(client.alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      return new CompactSign(payload).setProtectedHeader({ alg: client.alg, typ: 'JWT', ...kid, jwk }).sign(privateKey);
    }
    default: {
      const key = await importJWK(client.privateJwk as never, client.alg);
      return new CompactSign(payload).setProtectedHeader({ alg: client.alg, typ: 'JWT', ...kid }).sign(key);
    }
  }
}
