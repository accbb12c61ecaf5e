/**
 * Customer data behind the gateway (seed 003): who may read whose records. The route is the target's
 * (routes.customerData with {customerId}); what a customer's records look like is the component's business, so
 * the kit only looks for customer ids in the answer (customerId / customer_id at any depth) where there are any.
 */
import type { CtkWorld } from '../world.ts';
import { jsonOf, type Exchange } from '../http/exchange.ts';
import type { TestUser } from '../target/target.ts';
import { bearer, callGateway } from '../gateway/gateway-client.ts';

export function requestCustomerData(world: CtkWorld, token: string, owner: TestUser, keepAsLast = true): Promise<Exchange> {
  return callGateway(world, { route: 'customer data', customerId: owner.customerId, authorization: bearer(token), keepAsLast });
}

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

export type CustomerDataOutcome =
  | { readonly kind: 'served'; readonly customers: readonly string[] }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'other'; readonly detail: string };

/**
 * served: 2xx; refused: a 4xx (seed 003 names no status: 403 is RFC 6750 §3.1's, 404 hides that the customer
 * exists, RFC 9110 §15.5.5); other: anything else — a 5xx or no answer is never a refusal, it only failed.
 */
export function customerDataOutcome(exchange: Exchange): CustomerDataOutcome {
  const status = exchange.response?.status;
  if (status === undefined) return { kind: 'other', detail: `no HTTP answer (${exchange.transportError?.code})` };
  if (status >= 200 && status < 300) return { kind: 'served', customers: customerIdsIn(exchange) };
  if (status >= 400 && status < 500) return { kind: 'refused', status };
  return { kind: 'other', detail: `HTTP ${status}` };
}
