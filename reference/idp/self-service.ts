/**
 * Seed 002's self-service rotation: "Users will also be able to rotate their secret, via the UI". The reference
 * plays the API behind that dashboard: the customer who owns an application (seed 002 keeps the Application ID in
 * the user's user_metadata; the fixture's selfServiceRotation.owner) sends its own access token from the human login
 * and gets the new secret back — nobody else (REQ-ROT-04, REQ-ROT-05).
 *
 *   POST {selfServiceRotation.path}   Authorization: Bearer <the owner's human access token>   -> {client_id, client_secret}
 *        401 without a valid token of this IdP, 403 for any other caller, 404 for a client nobody owns
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type { ReferenceFixtures } from '../fixtures.ts';
import type { IdpFaults } from './faults.ts';
import type { SigningKeys } from './keys.ts';
import { bearerToken, sendJson } from './http.ts';

export interface SelfServiceDeps {
  readonly fixtures: ReferenceFixtures;
  readonly faults: IdpFaults;
  readonly keys: SigningKeys;
  readonly issuer: () => string;
  /** The same rotation as the control plane's (it rebuilds oidc-provider with the new secret). */
  readonly rotateSecret: (clientId: string) => Promise<string>;
}

/** The path pattern of the self-service call, when the fixture offers it. */
export function selfServicePattern(fixtures: ReferenceFixtures): RegExp | undefined {
  const path = fixtures.selfServiceRotation?.path;
  if (!path) return undefined;
  const [before, after] = path.split('{clientId}');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(before ?? '')}([^/]+)${escape(after ?? '')}$`);
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

export async function handleSelfServiceRotation(req: IncomingMessage, res: ServerResponse, clientId: string, deps: SelfServiceDeps): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
  const { fixtures, faults } = deps;
  const owned = fixtures.clients.rotation;
  const owner = fixtures.users.find((u) => u.username === fixtures.selfServiceRotation?.owner);
  if (!owned || !owner || owned.clientId !== clientId) return sendJson(res, 404, { error: 'not_found', error_description: 'no application of a customer has this client id' });

  const presented = bearerToken(req);
  if (!presented) return sendJson(res, 401, { error: 'invalid_token', error_description: 'log in to rotate your secret' }, { 'www-authenticate': 'Bearer realm="auth-ctk-reference-self-service"' });
  let claims: { sub?: unknown; client_id?: unknown };
  // A few seconds of leeway (RFC 7519 §4.1.5 allows it): a fractional nbf (variations nbf-claim + fractional-numeric-dates)
  // is otherwise "in the future" for the whole second it was issued in.
  try {
    const keys = deps.keys.all.map((k) => Object.fromEntries(Object.entries(k.privateJwk).filter(([m]) => !PRIVATE_MEMBERS.has(m))) as JWK);
    ({ payload: claims } = await jwtVerify(presented, createLocalJWKSet({ keys }), { issuer: deps.issuer(), clockTolerance: 5 }));
  } catch {
    return sendJson(res, 401, { error: 'invalid_token', error_description: 'the access token does not verify' }, { 'www-authenticate': 'Bearer realm="auth-ctk-reference-self-service", error="invalid_token"' });
  }
  // Seed 002: the application belongs to one customer (user_metadata), logged in through the web front end. Fault
  // rotation-by-anyone: any valid token of this IdP rotates the secret and is shown the new one.
  const isOwner = claims.sub === owner.customerId && claims.client_id === fixtures.clients.web?.clientId;
  if (!isOwner && !faults.has('rotation-by-anyone')) {
    // Fault rotation-refusal-shows-secret (REQ-ROT-05): the refusal carries the client's registered secret.
    const leak = faults.has('rotation-refusal-shows-secret') ? { client_secret: owned.clientSecret } : {};
    return sendJson(res, 403, { error: 'forbidden', error_description: 'only the customer who owns this application may rotate its secret', ...leak });
  }
  // Fault self-service-refuses-owner: the owner is refused too (the user_metadata link is never read).
  if (faults.has('self-service-refuses-owner')) {
    return sendJson(res, 403, { error: 'forbidden', error_description: 'only the customer who owns this application may rotate its secret' });
  }
  return sendJson(res, 200, { client_id: clientId, client_secret: await deps.rotateSecret(clientId) });
}
