/**
 * The gateway's configuration, from environment variables only (the same entry point runs as a child process
 * of the kit and as a container entrypoint). See reference/stack.ts for who sets what.
 */
import { activeFaults } from '../server-process.ts';
import { loadReferenceFixtures } from '../fixtures.ts';
import type { GatewayLimits, RouteSet } from '../../support/target/target.ts';

export interface GatewayConfig {
  /** Tokens' `iss` must equal this exactly (RFC 9068 §4, RFC 8414 §2). */
  readonly issuer: string;
  /** Where the IdP publishes its signing keys (RFC 7517). */
  readonly jwksUri: string;
  /** Every token must carry this in `aud` (RFC 9068 §4). */
  readonly audience: string;
  /** Base URL of the component the gateway fronts. */
  readonly upstream: string;
  readonly routes: RouteSet;
  /** Leeway on exp/nbf in seconds (RFC 7519 §4.1.4 "some small leeway"). */
  readonly clockSkewSeconds: number;
  /**
   * How long after a JWKS fetch an unknown `kid` may not trigger another fetch: 1 s by default, so tokens with
   * made-up kids cost the IdP at most one JWK Set request a second (REQ-JWKS-01), while a rotated key is still
   * picked up within a second (the kit's key-rotation scenario presents the new token until admitted). jose's
   * default is 30 s.
   */
  readonly jwksCooldownMs: number;
  readonly jwksTimeoutMs: number;
  /**
   * How long a fetched JWK Set is used before it is fetched again: a key removed from the set is refused at the latest
   * this long after (fixtures limits.gateway.retiredKeySeconds, the reference's claim for REQ-JWKS-04).
   */
  readonly jwksMaxAgeMs: number;
  /** Pass the caller's Authorization header on to the component (off by default: seed 000 forwards identity, not the token). */
  readonly forwardToken: boolean;
  readonly upstreamTimeoutMs: number;
  /** Largest request body the gateway buffers (it reads bodies to spot a form-encoded access_token, RFC 6750 §2.2). */
  readonly maxBodyBytes: number;
  /** Per-client-IP limits (client-limits.ts): only with the variation gateway-rate-limit (or a fault that needs it). */
  readonly clientLimits?: GatewayLimits;
  /** Variation gateway-introspects-opaque-tokens (issue 19): RFC 7662 introspection of opaque tokens. */
  readonly introspection?: { readonly endpoint: string; readonly clientId: string; readonly clientSecret: string; readonly timeoutMs: number };
  readonly faults: ReadonlySet<string>;
  /** Sent to the component in x-auth-gateway on every forwarded request (fixtures gatewaySecret, REQ-CANVAS-01). */
  readonly componentSecret?: string;
}

export class GatewayConfigError extends Error {
  constructor(variable: string) {
    super(`the gateway needs ${variable} (set by reference/stack.ts, or by the container's environment)`);
    this.name = 'GatewayConfigError';
  }
}

function nonNegative(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer (milliseconds), got "${raw}"`);
  return value;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new GatewayConfigError(name);
  return value;
}

export function gatewayConfigFromEnvironment(): GatewayConfig {
  const fixtures = loadReferenceFixtures();
  const faults = activeFaults();
  return {
    issuer: required('AUTH_CTK_ISSUER'),
    jwksUri: required('AUTH_CTK_JWKS_URI'),
    audience: fixtures.audience,
    upstream: required('AUTH_CTK_UPSTREAM'),
    routes: fixtures.routes,
    clockSkewSeconds: fixtures.limits.clockSkewSeconds,
    jwksCooldownMs: nonNegative('AUTH_CTK_JWKS_COOLDOWN_MS', 1_000),
    jwksTimeoutMs: 2_000,
    jwksMaxAgeMs: (fixtures.limits.gateway?.retiredKeySeconds ?? 600) * 1000,
    forwardToken: process.env.AUTH_CTK_GATEWAY_FORWARD_TOKEN === 'true',
    upstreamTimeoutMs: fixtures.limits.requestTimeoutMs,
    maxBodyBytes: 1024 * 1024,
    ...(faults.has('gateway-rate-limit') && fixtures.limits.gateway ? { clientLimits: fixtures.limits.gateway } : {}),
    // Variation gateway-introspects-opaque-tokens: the gateway asks the IdP about opaque tokens as the system client.
    ...(faults.has('gateway-introspects-opaque-tokens') && fixtures.clients.system
      ? { introspection: { endpoint: `${required('AUTH_CTK_ISSUER').replace(/\/+$/, '')}/token/introspection`, clientId: fixtures.clients.system.clientId, clientSecret: fixtures.clients.system.clientSecret, timeoutMs: 2_000 } }
      : {}),
    faults,
    ...(fixtures.gatewaySecret ? { componentSecret: fixtures.gatewaySecret } : {}),
  };
}
