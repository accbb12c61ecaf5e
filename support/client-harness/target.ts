/**
 * When the kit certifies a client, the system under test is the client, not an IdP or gateway: the harness
 * plays those itself, on loopback, one fresh set per scenario. This description names the client for the
 * reports and certificate, and, handed to the cucumber hooks as the run's target, keeps them from starting
 * the reference stack nobody needs here. It holds no secret (the harness makes a new one per scenario).
 */
import type { TargetDescription } from '../target/target.ts';
import { ITEMS_PATH } from './contract.ts';

const PLAYED = 'played by the auth-ctk client harness on 127.0.0.1 (a new port per scenario)';

/**
 * What a client may claim beyond seed 001's token handling. `offline-cache`: seed 002's application behaviour, it
 * ships with default caches and serves calls from them while the IdP or the API is down (REQ-CLI-14, -20). A
 * protocol library has no cache of application data: unclaimed, those requirements are not applicable to it.
 */
export const CLIENT_CLAIMS = ['offline-cache'] as const;
export type ClientClaim = (typeof CLIENT_CLAIMS)[number];

export function clientUnderTest(name: string, claims: readonly ClientClaim[] = []): TargetDescription {
  return {
    name,
    kind: 'external',
    issuer: `IdP ${PLAYED}`,
    tokenEndpoint: `token endpoint ${PLAYED}`,
    jwksUri: 'none (the harness issues opaque tokens)',
    audience: `API ${PLAYED}`,
    gateway: {
      baseUrl: `API ${PLAYED}`,
      routes: { protected: ITEMS_PATH, public: ITEMS_PATH, scoped: { method: 'GET', path: ITEMS_PATH, scope: 'items:read' } },
    },
    clients: { system: { clientId: 'auth-ctk-harness-client', clientSecret: '', scopes: ['items:read'] } },
    users: [],
    capabilities: Object.fromEntries(claims.map((claim) => [claim, true])),
    limits: { clockSkewSeconds: 0, requestTimeoutMs: 10_000, maxRequestsPerSecond: 0, maxRequestsPerRun: 0 },
    sourceAddresses: [],
  };
}
