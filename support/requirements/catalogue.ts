/**
 * The one requirement catalogue. Every area declares its requirements in its own module; this module joins
 * them and refuses duplicates, so an ID means one thing everywhere (tags, reports, certificate).
 */
import type { Requirement } from './types.ts';
import { TOKEN_ENDPOINT_REQUIREMENTS, CLIENT_AUTHENTICATION_REQUIREMENTS } from './token-endpoint.ts';
import { BEARER_REQUIREMENTS } from './bearer.ts';
import { JWT_REQUIREMENTS } from './jwt.ts';
import { TTL_REQUIREMENTS } from './ttl.ts';
import { DISCOVERY_REQUIREMENTS } from './discovery.ts';
import { ROTATION_REQUIREMENTS } from './rotation.ts';
import { AUDIT_REQUIREMENTS } from './audit.ts';
import { CLIENT_REQUIREMENTS } from './client.ts';
import { HUMAN_LOGIN_REQUIREMENTS } from './human-login.ts';
import { IDENTITY_REQUIREMENTS } from './identity.ts';
import { ANONYMOUS_REQUIREMENTS } from './anonymous.ts';
import { RATE_LIMIT_REQUIREMENTS } from './rate-limits.ts';
import { GATEWAY_RATE_LIMIT_REQUIREMENTS } from './gateway-rate-limits.ts';
import { OWNERSHIP_REQUIREMENTS } from './ownership.ts';
import { TOKEN_HYGIENE_REQUIREMENTS } from './token-hygiene.ts';
import { GATEWAY_TOKEN_ATTACK_REQUIREMENTS } from './gateway-token-attacks.ts';
import { AUTHORIZATION_ENDPOINT_REQUIREMENTS } from './authorization-endpoint.ts';
import { OAUTH_ENDPOINT_RATE_LIMIT_REQUIREMENTS } from './oauth-endpoint-rate-limits.ts';
import { JWKS_REQUIREMENTS } from './jwks.ts';
import { CANVAS_REQUIREMENTS } from './canvas.ts';
import { JWT_CLIENT_AUTH_REQUIREMENTS } from './jwt-client-auth.ts';
import { DPOP_REQUIREMENTS } from './dpop.ts';
import { DPOP_INTROSPECTION_REQUIREMENTS } from './dpop-introspection.ts';
import { MTLS_REQUIREMENTS } from './mtls.ts';
import { INTROSPECTION_REQUIREMENTS } from './introspection.ts';
import { REVOCATION_REQUIREMENTS } from './revocation.ts';
import { CLIENT_SECRET_JWT_REQUIREMENTS } from './client-secret-jwt.ts';
import { DISABLED_CLIENT_REQUIREMENTS } from './disabled-client.ts';
import { TLS_REQUIREMENTS } from './tls.ts';

export type { Requirement } from './types.ts';

const ALL: readonly Requirement[] = [
  ...TOKEN_ENDPOINT_REQUIREMENTS,
  ...CLIENT_AUTHENTICATION_REQUIREMENTS,
  ...BEARER_REQUIREMENTS,
  ...JWT_REQUIREMENTS,
  ...TTL_REQUIREMENTS,
  ...DISCOVERY_REQUIREMENTS,
  ...ROTATION_REQUIREMENTS,
  ...AUDIT_REQUIREMENTS,
  ...CLIENT_REQUIREMENTS,
  ...HUMAN_LOGIN_REQUIREMENTS,
  ...IDENTITY_REQUIREMENTS,
  ...ANONYMOUS_REQUIREMENTS,
  ...RATE_LIMIT_REQUIREMENTS,
  ...GATEWAY_RATE_LIMIT_REQUIREMENTS,
  ...OWNERSHIP_REQUIREMENTS,
  ...TOKEN_HYGIENE_REQUIREMENTS,
  ...GATEWAY_TOKEN_ATTACK_REQUIREMENTS,
  ...AUTHORIZATION_ENDPOINT_REQUIREMENTS,
  ...OAUTH_ENDPOINT_RATE_LIMIT_REQUIREMENTS,
  ...JWKS_REQUIREMENTS,
  ...CANVAS_REQUIREMENTS,
  ...JWT_CLIENT_AUTH_REQUIREMENTS,
  ...DPOP_REQUIREMENTS,
  ...DPOP_INTROSPECTION_REQUIREMENTS,
  ...MTLS_REQUIREMENTS,
  ...INTROSPECTION_REQUIREMENTS,
  ...REVOCATION_REQUIREMENTS,
  ...CLIENT_SECRET_JWT_REQUIREMENTS,
  ...DISABLED_CLIENT_REQUIREMENTS,
  ...TLS_REQUIREMENTS,
];

export class UnknownRequirementError extends Error {
  readonly requirementId: string;
  constructor(requirementId: string) {
    super(`unknown requirement ${requirementId}: it is not declared in support/requirements/`);
    this.name = 'UnknownRequirementError';
    this.requirementId = requirementId;
  }
}

function index(requirements: readonly Requirement[]): ReadonlyMap<string, Requirement> {
  const byId = new Map<string, Requirement>();
  for (const requirement of requirements) {
    if (byId.has(requirement.id)) throw new Error(`requirement ${requirement.id} is declared twice`);
    if (!/^REQ-[A-Z]+-\d{2}$/.test(requirement.id)) throw new Error(`requirement ID ${requirement.id} is not of the form REQ-AREA-NN`);
    byId.set(requirement.id, requirement);
  }
  return byId;
}

const BY_ID = index(ALL);

export const requirements = (): readonly Requirement[] => ALL;

export function requirement(id: string): Requirement {
  const found = BY_ID.get(id);
  if (!found) throw new UnknownRequirementError(id);
  return found;
}

export const isRequirementTag = (tag: string): boolean => /^@REQ-/.test(tag);

/**
 * Does one of a scenario's tags name a requirement bound to one of `capabilities`? Unknown requirement tags count
 * as not bound: the traceability tests report them.
 */
export function tagsBindCapability(tags: readonly string[], capabilities: readonly string[]): boolean {
  return tags.some((tag) => {
    if (!isRequirementTag(tag)) return false;
    const bound = BY_ID.get(tag.slice(1))?.capability;
    return bound !== undefined && capabilities.includes(bound);
  });
}
