/**
 * Reading an access token's claims without trusting them (the kit never acts on them; it compares them with what
 * the target promised). Only JWT access tokens (RFC 9068) can be read; an opaque token yields undefined.
 */
import { decodeJwt, type JWTPayload } from 'jose';

export function claimsOf(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** RFC 9068 §2.2.3 `scope` (space-separated), or the widespread `scp` array. */
export function scopesOf(claims: JWTPayload): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

/** RFC 9068 §2.2.3.1 / RFC 7643 `roles`, where the IdP issues them. */
export function rolesOf(claims: JWTPayload): string[] {
  return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
}

/** For messages: the identity claims only (never the token). */
export function describeClaims(claims: JWTPayload | undefined): string {
  if (!claims) return 'a token the kit cannot read as a JWT';
  return `sub=${JSON.stringify(claims.sub)}, client_id=${JSON.stringify(claims.client_id)}`;
}
