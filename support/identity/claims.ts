/**
 * Reading an access token's claims without trusting them (the kit never acts on them; it compares them with what
 * the target promised). claimsOf reads JWT access tokens (RFC 9068) only; an opaque token yields undefined.
 * readClaims is the one place that also reads an opaque token's claims, through the target's introspection
 * endpoint (RFC 7662 §2.2) where it claims token-introspection (issue 19).
 */
import { decodeJwt, type JWTPayload } from 'jose';
import type { CtkWorld } from '../world.ts';
import { jsonOf } from '../http/exchange.ts';
import { introspect, introspectingClient } from '../oauth/introspection.ts';

export function claimsOf(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** Claims and where they were read: the token itself (a JWT) or the target's introspection answer. */
export interface ReadClaims {
  readonly claims: JWTPayload;
  readonly source: 'jwt' | 'introspection';
}

/**
 * The token's claims: decoded when it is a JWT; else, where the target claims token-introspection, the members of
 * an active introspection answer (sub, client_id, scope, exp, ...) asked as the introspecting client. Undefined when
 * neither can be read (an opaque token, no introspection, or an answer that is not active).
 */
export async function readClaims(world: CtkWorld, token: string): Promise<ReadClaims | undefined> {
  const claims = claimsOf(token);
  if (claims) return { claims, source: 'jwt' };
  if (world.target.capabilities['token-introspection'] !== true) return undefined;
  const answer = jsonOf(await introspect(world, token, { client: introspectingClient(world.target) }, false));
  if (answer?.active !== true) return undefined;
  const { active: _active, ...members } = answer;
  return { claims: members as JWTPayload, source: 'introspection' };
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
