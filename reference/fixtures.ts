/** Loads the reference stack's fixture file (clients, users, routes, limits): one file for servers and kit. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientCredentials, GatewayLimits, RouteSet, TestUser, TargetDescription } from '../support/target/target.ts';

export interface ReferenceFixtures {
  readonly audience: string;
  readonly clients: Record<string, ClientCredentials & { redirectUri?: string; audience?: string; tokenRequestParameters?: Record<string, string>; notNeeded?: readonly string[] }>;
  readonly users: readonly TestUser[];
  readonly routes: RouteSet;
  readonly limits: TargetDescription['limits'] & {
    readonly tokenRequestsPerSecond: number;
    readonly ipBlock: { readonly failedAttempts: number; readonly blockSeconds: number };
    /** The gateway's per-IP limits, in effect with the variation gateway-rate-limit (reference/gateway/client-limits.ts). */
    readonly gateway?: GatewayLimits;
  };
  readonly adminToken: string;
  /**
   * What the gateway shows the component on every request it passes on (header x-auth-gateway), so the component
   * serves the gateway only and cannot be reached around it (REQ-CANVAS-01). Shared by the two servers, never the kit.
   */
  readonly gatewaySecret?: string;
  /**
   * A second issuer on the IdP's server, under `path` (issuer = the IdP's issuer + path), with one client: genuine
   * tokens for the API audience that the gateway must refuse for their issuer (REQ-BEARER-04).
   */
  readonly foreignIssuer?: ClientCredentials & { readonly path: string };
  /** Seed 002's self-service rotation on the IdP: `path` with {clientId}; `owner` (a username) owns clients.rotation. */
  readonly selfServiceRotation?: { readonly path: string; readonly owner: string };
  /** Issue 19: a client registered for private_key_jwt (RFC 7523) and its TEST FIXTURE private key (the kit signs with it). */
  readonly privateKeyJwtClient?: { readonly clientId: string; readonly scopes: readonly string[]; readonly ttlSeconds?: number; readonly alg: string; readonly privateJwk: Record<string, unknown> };
}

/** The second issuer's identifier: the reference IdP's issuer with the fixture's path appended. */
export const foreignIssuerOf = (issuer: string, path: string): string => `${issuer.replace(/\/+$/, '')}${path}`;

export const DEFAULT_FIXTURES_PATH = fileURLToPath(new URL('../fixtures/reference/stack.json', import.meta.url));

/** The active switches (faults, variations) of this process: AUTH_CTK_FAULTS=a,b. */
const switchesFromEnv = (): string[] => (process.env.AUTH_CTK_FAULTS ?? '').split(',').map((f) => f.trim()).filter(Boolean);

/**
 * The fixture file, with the faults that live in the data rather than in a server's code. Servers and kit read it
 * through here, so the broken data is the same for the IdP, the component and the target description.
 */
export function loadReferenceFixtures(path = process.env.AUTH_CTK_FIXTURES ?? DEFAULT_FIXTURES_PATH, faults: Iterable<string> = switchesFromEnv()): ReferenceFixtures {
  return withFixtureFaults(JSON.parse(readFileSync(path, 'utf8')) as ReferenceFixtures, new Set(faults));
}

/**
 * Fault customer-id-is-client-id (REQ-ID-10; seed 003): the second test customer's id is the read-only client's id,
 * so that customer's tokens carry the subject of that client's own tokens. Idempotent: applied once more by the IdP.
 */
export function withFixtureFaults(fixtures: ReferenceFixtures, faults: { has(name: string): boolean }): ReferenceFixtures {
  fixtures = withUnconfinedFrontEnd(fixtures, faults);
  // Fault code-lifetime-over-ten-minutes (REQ-AUTHZ-09, RFC 6749 §4.1.2): codes live, and are declared to live, 15 minutes.
  if (faults.has('code-lifetime-over-ten-minutes')) fixtures = { ...fixtures, limits: { ...fixtures.limits, authorizationCodeSeconds: 900 } };
  const readOnly = fixtures.clients.readOnly;
  if (!faults.has('customer-id-is-client-id') || !readOnly || fixtures.users.length < 2) return fixtures;
  return { ...fixtures, users: fixtures.users.map((user, i) => (i === 1 ? { ...user, customerId: readOnly.clientId } : user)) };
}

/**
 * Fault front-end-system-user-unconfined (REQ-ID-17; seed 000): the web front end's own system user is registered
 * with every scope the system client has, not only the catalog it needs. Idempotent, like the fault above.
 */
function withUnconfinedFrontEnd(fixtures: ReferenceFixtures, faults: { has(name: string): boolean }): ReferenceFixtures {
  const frontEnd = fixtures.clients.frontEndSystem;
  const system = fixtures.clients.system;
  if (!faults.has('front-end-system-user-unconfined') || !frontEnd || !system) return fixtures;
  const scopes = [...new Set([...frontEnd.scopes, ...system.scopes])];
  return { ...fixtures, clients: { ...fixtures.clients, frontEndSystem: { ...frontEnd, scopes } } };
}
