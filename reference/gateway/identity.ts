/**
 * The identity header: the contract between the gateway and the component (seed 000: "the API Gateway will
 * ... add a token to the API header that includes details from the Identity Management System (user,
 * roles)"). The component trusts this header and nothing else; the gateway always removes a copy sent by the
 * caller, so only the gateway can set it.
 *
 *   X-Auth-Identity: base64url(JSON ForwardedIdentity)
 */
import { scopesOf, type AccessTokenClaims } from './access-token.ts';

export const IDENTITY_HEADER = 'x-auth-identity';

/** The gateway's secret on every request it passes on (fixtures gatewaySecret): the component serves nothing else. */
export const GATEWAY_PROOF_HEADER = 'x-auth-gateway';

/** system: a client-credentials token; human: a customer's token; anonymous: no (valid) token at all. */
export type IdentityKind = 'system' | 'human' | 'anonymous';

export interface ForwardedIdentity {
  readonly kind: IdentityKind;
  /** The token's `sub`: the client for a system user, the customer (ec-uuid) for a human (seed 003). */
  readonly sub: string | null;
  readonly client_id: string | null;
  /** The customer whose data a human may see: its `sub` (seed 003). null for system and anonymous. */
  readonly customer_id: string | null;
  /** The token's scopes (RFC 9068 §2.2.3). */
  readonly scopes: readonly string[];
  /** The token's `roles` claim, if the IdP sends one (RFC 9068 §2.2.3.1); seed 000 asks for "roles". */
  readonly roles: readonly string[];
  readonly iss: string | null;
  /** How the gateway got here: a validated token, no token, or a token it refused (seed 004 fallback). */
  readonly authentication: 'token' | 'none' | 'failed';
}

/**
 * Seed 003: "Ist der client_id claim im JWT-Token mit dem sub claim identisch, handelt es sich um einen
 * JWT-Token der für einen client credentials flow ausgestellt wurde" — client_id == sub is a system user;
 * otherwise a human whose sub is the customer id.
 */
export function identityOfToken(claims: AccessTokenClaims, options: { humanAsSystem?: boolean; systemAsHuman?: boolean } = {}): ForwardedIdentity {
  const system = options.systemAsHuman === true ? false : claims.client_id === claims.sub || options.humanAsSystem === true;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    kind: system ? 'system' : 'human',
    sub: claims.sub ?? null,
    client_id: claims.client_id ?? null,
    customer_id: system ? null : (claims.sub ?? null),
    scopes: scopesOf(claims),
    roles,
    iss: typeof claims.iss === 'string' ? claims.iss : null,
    authentication: 'token',
  };
}

/** Seed 004: "the auth_token will provide identity equivalent to an anonymous user". */
export function anonymousIdentity(authentication: 'none' | 'failed'): ForwardedIdentity {
  return { kind: 'anonymous', sub: null, client_id: null, customer_id: null, scopes: [], roles: [], iss: null, authentication };
}

export function encodeIdentity(identity: ForwardedIdentity): string {
  return Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
}

export class IdentityHeaderError extends Error {
  constructor(detail: string) {
    super(`the ${IDENTITY_HEADER} header is not a valid identity: ${detail}`);
    this.name = 'IdentityHeaderError';
  }
}

const KINDS: readonly string[] = ['system', 'human', 'anonymous'];

/** The component's side of the contract: decode, and refuse anything that is not a well-formed identity. */
export function decodeIdentity(value: string): ForwardedIdentity {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new IdentityHeaderError('not base64url-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new IdentityHeaderError('not a JSON object');
  const identity = parsed as Record<string, unknown>;
  if (typeof identity.kind !== 'string' || !KINDS.includes(identity.kind)) throw new IdentityHeaderError('kind is not system, human or anonymous');
  if (identity.kind !== 'anonymous' && typeof identity.sub !== 'string') throw new IdentityHeaderError('sub is missing');
  if (!Array.isArray(identity.scopes)) throw new IdentityHeaderError('scopes is not a list');
  return parsed as ForwardedIdentity;
}

/**
 * Faults forwards-caller-roles and forwards-caller-kind (REQ-ID-09): the gateway reads an identity header the caller
 * sent and keeps some of its fields next to the token's, as a gateway that overwrites only the subject it sets itself
 * does (oauth2-proxy's X-Forwarded-Groups, or a JSON identity merged as {...callerHeader, ...tokenIdentity}).
 */
export function withCallerFields(identity: ForwardedIdentity, callerHeader: string | undefined, keep: { readonly roles: boolean; readonly kind: boolean }): ForwardedIdentity {
  if (callerHeader === undefined || (!keep.roles && !keep.kind)) return identity;
  let caller: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(callerHeader, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return identity;
    caller = parsed as Record<string, unknown>;
  } catch {
    return identity;
  }
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    ...identity,
    ...(keep.roles ? { roles: [...new Set([...identity.roles, ...list(caller.roles)])] } : {}),
    // Only over a validated token's kind: an anonymous caller stays anonymous (its identity has no subject to go with "system").
    ...(keep.kind && identity.authentication === 'token' && typeof caller.kind === 'string' && KINDS.includes(caller.kind) ? { kind: caller.kind as IdentityKind } : {}),
  };
}
