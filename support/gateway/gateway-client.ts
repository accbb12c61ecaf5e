/**
 * Calling the gateway's routes the ways RFC 6750 §2 describes (and the ways it forbids), as the target describes
 * them (gateway.baseUrl + routes). Every call is recorded as evidence by the World; tokens are masked there.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { gatewayOf, type TargetDescription } from '../target/target.ts';
import { NotTestableError } from '../verdict/not-testable.ts';

export type GatewayRouteName = 'protected' | 'public' | 'scoped' | 'identity echo' | 'customer data' | 'customer write';

export interface GatewayCall {
  readonly route: GatewayRouteName;
  /** Fills `{customerId}` of the customer-data route. */
  readonly customerId?: string;
  /** Whole Authorization header value(s); two values send two header lines. */
  readonly authorization?: string | readonly string[];
  /** A token in the `access_token` URI query parameter (RFC 6750 §2.3). */
  readonly queryToken?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly keepAsLast?: boolean;
}

/** A check needs a route the profile does not name: not testable (support/hooks.ts records it), never an error. */
export class RouteNotDescribedError extends NotTestableError {
  readonly route: GatewayRouteName;
  constructor(route: GatewayRouteName) {
    super(`the target profile describes no ${route} route (gateway.routes)`, { remedy: `describe the ${route} route in gateway.routes of the target profile (README "Target profiles")` });
    this.name = 'RouteNotDescribedError';
    this.route = route;
  }
}

/** Method and path of a route, or undefined when the target does not describe it. */
export function routeOf(target: TargetDescription, route: GatewayRouteName, customerId?: string): { method: string; path: string } | undefined {
  const routes = gatewayOf(target).routes;
  switch (route) {
    case 'protected':
      return { method: 'GET', path: routes.protected };
    case 'public':
      return { method: 'GET', path: routes.public };
    case 'scoped':
      return { method: routes.scoped.method.toUpperCase(), path: routes.scoped.path };
    case 'identity echo':
      return routes.identityEcho ? { method: 'GET', path: routes.identityEcho } : undefined;
    case 'customer data':
      return routes.customerData && customerId !== undefined
        ? { method: 'GET', path: routes.customerData.replace('{customerId}', encodeURIComponent(customerId)) }
        : undefined;
    case 'customer write':
      return routes.customerWrite && customerId !== undefined
        ? { method: routes.customerWrite.method.toUpperCase(), path: routes.customerWrite.path.replace('{customerId}', encodeURIComponent(customerId)) }
        : undefined;
  }
}

export function gatewayUrl(target: TargetDescription, path: string, queryToken?: string): string {
  // Concatenate, not resolve: a base URL with a path prefix (https://api.example/v1) keeps its prefix.
  const url = new URL(`${gatewayOf(target).baseUrl.replace(/\/+$/, '')}${path}`);
  if (queryToken !== undefined) url.searchParams.append('access_token', queryToken);
  return url.toString();
}

/** A small JSON body for write routes (the scoped route is often a POST): names itself as the kit's probe. */
const PROBE_BODY = JSON.stringify({ name: 'auth-ctk probe (should have been refused)', price: 0 });

export async function callGateway(world: CtkWorld, call: GatewayCall): Promise<Exchange> {
  const route = routeOf(world.target, call.route, call.customerId);
  if (!route) throw new RouteNotDescribedError(call.route);
  const headers: Record<string, string | string[]> = { accept: 'application/json', ...call.headers };
  if (call.authorization !== undefined) {
    headers.authorization = typeof call.authorization === 'string' ? call.authorization : [...call.authorization];
  }
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  if (hasBody) headers['content-type'] = 'application/json';
  const keepAsLast = call.keepAsLast ?? true;
  const exchange = await world.send(
    { method: route.method, url: gatewayUrl(world.target, route.path, call.queryToken), headers, ...(hasBody ? { body: PROBE_BODY } : {}) },
    { keepAsLast },
  );
  if (keepAsLast) world.lastGatewayRoute = call.route;
  return exchange;
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** Status classes the checks speak in. */
export const statusOf = (exchange: Exchange): number | undefined => exchange.response?.status;
export const isSuccess = (exchange: Exchange): boolean => {
  const status = statusOf(exchange);
  return status !== undefined && status >= 200 && status < 300;
};
/** A 4xx: the only answer that counts as a refusal (RFC 6750 §3.1 names 400, 401 and 403); a 5xx or none is not. */
export const isClientError = (exchange: Exchange): boolean => {
  const status = statusOf(exchange);
  return status !== undefined && status >= 400 && status < 500;
};
