/**
 * Reading an access token without trusting it: the JWS compact serialization (RFC 7515 §7.1) split into its
 * JSON header and claims. Nothing here verifies anything (jwks.ts does); an access token that is not a JWT
 * (an opaque token) decodes to undefined, never to an exception.
 */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  /** The three segments as received. */
  readonly segments: readonly [string, string, string];
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function jsonObject(segment: string): Record<string, unknown> | undefined {
  if (!B64URL.test(segment) || segment.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  const [h, c, s] = segments as [string, string, string];
  if (!B64URL.test(s)) return undefined;
  const header = jsonObject(h);
  const claims = jsonObject(c);
  if (!header || !claims) return undefined;
  return { header, claims, segments: [h, c, s] };
}

/** RFC 9068 §2.1 typ, compared as a media type: case-insensitive, "application/" prefix optional. */
export function isAtJwtType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.trim().toLowerCase();
  return t === 'at+jwt' || t === 'application/at+jwt';
}

/** JWS algorithms whose verification key is public (RFC 7518 §3.1, RFC 8037). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'Ed25519', 'Ed448'];

export const isAsymmetric = (alg: unknown): boolean => typeof alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(alg);

/**
 * Why a token signed with a symmetric MAC (HS256/384/512) is not judged against the published keys, or undefined for
 * any other alg. RFC 9068 §2.1 allows a symmetric signature (asymmetric is only RECOMMENDED: REQ-JWT-05's warning);
 * its key is a secret shared with the resource servers, never published at jwks_uri, so no published key can verify
 * it. That breaks no MUST, and the kit holds no shared key: not judged, never failed (one cause: the algorithm).
 */
export function symmetricMacUnjudged(alg: unknown, jwksUri: string): string | undefined {
  if (typeof alg !== 'string' || !/^HS\d+$/.test(alg)) return undefined;
  return `alg ${alg} is a symmetric MAC: its key is shared with the resource servers, not published at ${jwksUri} (RFC 9068 §2.1 allows it; REQ-JWT-05 reports the algorithm)`;
}

/** RFC 7519 §2 NumericDate: a JSON number of seconds (fractions allowed). */
export const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** aud is a string or an array of strings (RFC 7519 §4.1.3). */
export function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** A short description of a token for diagnoses: never the token, only what its header and claims say. */
export function describeToken(decoded: DecodedJwt | undefined): string {
  if (!decoded) return 'a token that is not a JWS compact serialization';
  const { alg, typ, kid } = decoded.header;
  return `a JWT with alg ${JSON.stringify(alg)}, typ ${JSON.stringify(typ)}, kid ${JSON.stringify(kid)}`;
}
