/**
 * Credentials a gateway must not accept, by the names the features use. Every bad token is a syntactically valid
 * b64token (RFC 6750 §2.1), so the gateway has to VALIDATE it to refuse it (invalid_token), while the malformed
 * headers break the §2.1 grammar itself (invalid_request). None of them holds a secret, but all are still sent
 * only in Authorization headers, which the evidence masks.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { bearer } from './gateway-client.ts';
import { audienceCheckOf } from '../target/target.ts';

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Claims a real token of the target would carry, so only the signature (or the key) is wrong. */
function plausibleClaims(world: CtkWorld): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const system = world.target.clients.system;
  return {
    iss: world.target.issuer,
    ...(world.target.audience !== undefined ? { aud: world.target.audience } : audienceCheckOf(world.target) === 'scope' ? { aud: system.scopes } : {}),
    sub: system.clientId,
    client_id: system.clientId,
    scope: system.scopes.join(' '),
    iat: now,
    exp: now + 300,
    jti: randomBytes(8).toString('hex'),
  };
}

/** Changes one character in the middle of the token's last segment (the signature of a JWT). */
export function tamper(token: string): string {
  const lastDot = token.lastIndexOf('.');
  const start = lastDot >= 0 && lastDot < token.length - 4 ? lastDot + 1 : 0;
  // The middle of the segment: the last base64url character may only carry padding bits.
  const at = start + Math.floor((token.length - start) / 2);
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}

export const INVALID_TOKENS = {
  'a random string': async () => `ctk-not-a-token-${randomBytes(12).toString('hex')}`,
  'a JWT with a tampered signature': async (world: CtkWorld) => tamper(await accessTokenFor(world, world.target.clients.system)),
  'a JWT naming an unknown key id': async (world: CtkWorld) =>
    `${b64url({ alg: 'RS256', typ: 'at+jwt', kid: `ctk-unknown-kid-${randomBytes(6).toString('hex')}` })}.${b64url(plausibleClaims(world))}.${randomBytes(256).toString('base64url')}`,
  'an unsigned JWT (alg none)': async (world: CtkWorld) => `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(plausibleClaims(world))}.`,
  'a JWT whose segments are not JSON': async () => `${b64url('not json')}.${b64url('not json either')}.${b64url('no signature')}`,
  'a 6 KiB string': async () => `ctk${'A'.repeat(6 * 1024)}`,
} as const satisfies Record<string, (world: CtkWorld) => Promise<string>>;

export type InvalidTokenKind = keyof typeof INVALID_TOKENS;

export const MALFORMED_AUTHORIZATION = {
  'the scheme without a token': ['Bearer'],
  'two tokens after the scheme': ['Bearer ctk-part-one ctk-part-two'],
  'characters a token cannot contain': ['Bearer ctk@not,a;token'],
  'two Authorization headers': ['Bearer ctk-first-garbage-token', 'Bearer ctk-second-garbage-token'],
} as const satisfies Record<string, readonly string[]>;

export type MalformedAuthorizationKind = keyof typeof MALFORMED_AUTHORIZATION;

/** RFC 6750 §3.1: "lacks any authentication information (... attempted using an unsupported authentication method)". */
export const NO_BEARER_CREDENTIALS = {
  'no Authorization header': undefined,
  'an HTTP Basic Authorization header': `Basic ${Buffer.from('ctk-someone:ctk-not-a-secret').toString('base64')}`,
} as const satisfies Record<string, string | undefined>;

export type NoBearerCredentialsKind = keyof typeof NO_BEARER_CREDENTIALS;

export class UnknownCredentialKindError extends Error {
  constructor(kind: string, known: readonly string[]) {
    super(`unknown kind "${kind}" in the feature file; known: ${known.map((k) => `"${k}"`).join(', ')}`);
    this.name = 'UnknownCredentialKindError';
  }
}

export async function invalidToken(world: CtkWorld, kind: string): Promise<string> {
  const make = (INVALID_TOKENS as Record<string, (w: CtkWorld) => Promise<string>>)[kind];
  if (!make) throw new UnknownCredentialKindError(kind, Object.keys(INVALID_TOKENS));
  return make(world);
}

export function malformedAuthorization(kind: string): readonly string[] {
  const values = (MALFORMED_AUTHORIZATION as Record<string, readonly string[]>)[kind];
  if (!values) throw new UnknownCredentialKindError(kind, Object.keys(MALFORMED_AUTHORIZATION));
  return values;
}

export function noBearerCredentials(kind: string): string | undefined {
  if (!(kind in NO_BEARER_CREDENTIALS)) throw new UnknownCredentialKindError(kind, Object.keys(NO_BEARER_CREDENTIALS));
  return (NO_BEARER_CREDENTIALS as Record<string, string | undefined>)[kind];
}

/** A failed credential of any of the kinds above, as a whole Authorization header (value or values). */
export async function failedCredential(world: CtkWorld, kind: string): Promise<string | readonly string[]> {
  if (kind in MALFORMED_AUTHORIZATION) return malformedAuthorization(kind);
  return bearer(await invalidToken(world, kind));
}
