/**
 * Faults of the reference IdP that replace or re-sign an access token after oidc-provider minted it, or rewrite
 * an answer on its way out (kit self-test, issue 5). Each function returns its input unchanged unless its fault
 * is active; the correct behaviour each one breaks is named next to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CompactSign, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { IdpFaults } from './faults.ts';
import { editClientRedirect } from './client-redirect.ts';

const b64url = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

/** A key pair the JWKS never publishes (fault unpublished-signing-key), made once per process. */
let unpublished: Promise<{ key: CryptoKey; kid: string }> | undefined;
const unpublishedKey = () =>
  (unpublished ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = await exportJWK(publicKey);
    return { key: privateKey, kid: await calculateJwkThumbprint(jwk) };
  })());

/** A shared secret only this process knows (fault hs256-tokens): nobody can verify the token with the JWKS. */
const HS256_SECRET = randomBytes(32);

/**
 * RFC 9068 §4 / RFC 7515: the access token is a JWS signed with a published asymmetric key (REQ-JWT-04, -05,
 * -07). The faults keep header and claims and replace the signature.
 */
export async function resignAccessToken(token: string, faults: IdpFaults): Promise<string> {
  const wanted = faults.has('alg-none-tokens') ? 'none' : faults.has('hs256-tokens') ? 'HS256' : faults.has('unpublished-signing-key') ? 'unpublished' : undefined;
  if (!wanted || token.split('.').length !== 3) return token;
  const header = decodeProtectedHeader(token) as Record<string, unknown>;
  const payload = new TextEncoder().encode(JSON.stringify(decodeJwt(token)));
  if (wanted === 'none') return `${b64url(JSON.stringify({ ...header, alg: 'none' }))}.${b64url(payload)}.`;
  if (wanted === 'HS256') return new CompactSign(payload).setProtectedHeader({ ...header, alg: 'HS256' }).sign(HS256_SECRET);
  const { key, kid } = await unpublishedKey();
  return new CompactSign(payload).setProtectedHeader({ ...header, alg: 'RS256', kid }).sign(key);
}

/**
 * Fault pkce-verifier-refused: RFC 7636 §4.6 compares BASE64URL(SHA256(code_verifier)) with the challenge; the
 * fault hashes the verifier once more before oidc-provider does, so the right verifier never matches.
 */
export function hashVerifierTwice(form: URLSearchParams | undefined, faults: IdpFaults): boolean {
  const verifier = form?.get('code_verifier');
  if (!faults.has('pkce-verifier-refused') || !verifier) return false;
  form!.set('code_verifier', createHash('sha256').update(verifier).digest('base64url'));
  return true;
}

/**
 * Fault basic-not-form-decoded: RFC 6749 §2.3.1 has the client form-urlencode id and secret before base64; the
 * fault encodes the header's values once more, so oidc-provider's one decoding leaves them as sent.
 */
export function basicWithoutFormDecoding(authorization: string | undefined, faults: IdpFaults): string | undefined {
  if (!faults.has('basic-not-form-decoded') || !authorization) return authorization;
  const match = /^basic\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return authorization;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return authorization;
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(decoded.slice(0, colon))}:${encode(decoded.slice(colon + 1))}`).toString('base64')}`;
}

/** Fault login-redirect-without-code (RFC 6749 §4.1.2, REQ-HUM-01): the redirect to the client loses its code. */
export function dropCodeFromRedirect(res: ServerResponse, faults: IdpFaults): void {
  if (!faults.has('login-redirect-without-code')) return;
  editClientRedirect(res, (url) => url.searchParams.delete('code'));
}
