/**
 * What a browser login's token is for: calling the gateway as the human (seeds 000, 003). Small readers of
 * what came back, kept here so the steps stay one line: the token's claims, the identity echo, and which
 * customers' records a customer-data answer contains.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { jsonOf } from '../http/exchange.ts';
import type { TestUser } from '../target/target.ts';

/** The claims of a JWT access token, or undefined when the token is not a JWT the kit can read. */
export function claimsOf(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** GET a gateway route with the token, as the front end calling the API on the customer's behalf. */
export function callGateway(world: CtkWorld, path: string, token: string, keepAsLast = true): Promise<Exchange> {
  return world.send(
    { method: 'GET', url: new URL(path, world.target.gateway.baseUrl).toString(), headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
    { keepAsLast },
  );
}

export const customerDataPath = (template: string, user: TestUser): string =>
  template.replace('{customerId}', encodeURIComponent(user.customerId));

/** Every customer id a JSON answer names (customerId / customer_id at any depth). */
export function customerIdsIn(exchange: Exchange): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (/^customer_?id$/i.test(key) && typeof v === 'string') found.add(v);
        else walk(v);
      }
    }
  };
  walk(jsonOf(exchange));
  return [...found];
}

export interface EchoedIdentity {
  readonly kind?: string;
  readonly subject?: string;
  readonly clientId?: string;
}

/**
 * The identity the component says it received (routes.identityEcho). Read tolerantly: the reference answers
 * `{identity: {kind, sub, client_id, ...}}`; other components may answer the identity object itself and name
 * the subject `sub`, `subject` or `user`.
 */
export function echoedIdentity(exchange: Exchange): EchoedIdentity | undefined {
  const json = jsonOf(exchange);
  if (!json) return undefined;
  const raw = (json.identity && typeof json.identity === 'object' ? json.identity : json) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const kind = text(raw.kind) ?? text(raw.type);
  const subject = text(raw.sub) ?? text(raw.subject) ?? text(raw.user);
  const clientId = text(raw.client_id) ?? text(raw.clientId);
  return { ...(kind ? { kind } : {}), ...(subject ? { subject } : {}), ...(clientId ? { clientId } : {}) };
}

