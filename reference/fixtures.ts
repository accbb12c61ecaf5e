/** Loads the reference stack's fixture file (clients, users, routes, limits): one file for servers and kit. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientCredentials, GatewayLimits, RouteSet, TestUser, TargetDescription } from '../support/target/target.ts';

export interface ReferenceFixtures {
  readonly audience: string;
  readonly clients: Record<string, ClientCredentials & { redirectUri?: string; audience?: string; tokenRequestParameters?: Record<string, string> }>;
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
   * A second issuer on the IdP's server, under `path` (issuer = the IdP's issuer + path), with one client: genuine
   * tokens for the API audience that the gateway must refuse for their issuer (REQ-BEARER-04).
   */
  readonly foreignIssuer?: ClientCredentials & { readonly path: string };
}

/** The second issuer's identifier: the reference IdP's issuer with the fixture's path appended. */
export const foreignIssuerOf = (issuer: string, path: string): string => `${issuer.replace(/\/+$/, '')}${path}`;

export const DEFAULT_FIXTURES_PATH = fileURLToPath(new URL('../fixtures/reference/stack.json', import.meta.url));

export function loadReferenceFixtures(path = process.env.AUTH_CTK_FIXTURES ?? DEFAULT_FIXTURES_PATH): ReferenceFixtures {
  return JSON.parse(readFileSync(path, 'utf8')) as ReferenceFixtures;
}
