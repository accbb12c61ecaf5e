/**
 * Calling the gateway's routes the ways RFC 6750 §2 describes (and the ways it forbids), as the target describes
 * them (gateway.baseUrl + routes). Every call is recorded as evidence by the World; tokens are masked there.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { gatewayOf, type TargetDescription } from '../target/target.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { ownAddressQuiet } from '../load/source-addresses.ts';
import { paceOwnAddress } from '../oauth/pacing.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { countAnswer, needsValidRequestFirst } from './own-address-guard.ts';

export type GatewayRouteName = 'protected' | 'public' | 'scoped' | 'identity echo' | 'customer data' | 'customer write' | 'customer record' | 'customer record delete' | 'named path';

export interface GatewayCall {
  readonly route: GatewayRouteName;
  /** Fills `{customerId}` of the customer-data route. */
  readonly customerId?: string;
  /** For route 'named path': a GET path the profile names elsewhere (clients.frontEndSystem.notNeeded). */
  readonly path?: string;
  /** Whole Authorization header value(s); two values send two header lines. */
  readonly authorization?: string | readonly string[];
  /** A token in the `access_token` URI query parameter (RFC 6750 §2.3). */
  readonly queryToken?: string;
  /** Extra headers; a list sends that many header lines (a duplicated header, issue 20). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
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
    case 'named path':
      return undefined;
    // Issue 22: the disposable record the profile names (its customer and id are the profile's, not the call's).
    case 'customer record':
    case 'customer record delete': {
      const record = routes.customerDelete;
      if (!record) return undefined;
      const path = record.path.replace('{customerId}', encodeURIComponent(record.customerId)).replace('{recordId}', encodeURIComponent(record.recordId));
      return { method: route === 'customer record' ? 'GET' : 'DELETE', path };
    }
  }
}

/** `baseUrl`: another gateway of the same routes than the target's own (the JWKS relay's, CtkWorld.gatewayBaseUrl). */
export function gatewayUrl(target: TargetDescription, path: string, queryToken?: string, baseUrl = gatewayOf(target).baseUrl): string {
  // Concatenate, not resolve: a base URL with a path prefix (https://api.example/v1) keeps its prefix.
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  if (queryToken !== undefined) url.searchParams.append('access_token', queryToken);
  return url.toString();
}

/** A small JSON body for write routes (the scoped route is often a POST): names itself as the kit's probe. */
const PROBE_BODY = JSON.stringify({ name: 'auth-ctk probe (should have been refused)', price: 0 });

export async function callGateway(world: CtkWorld, call: GatewayCall): Promise<Exchange> {
  const route = call.route === 'named path' && call.path !== undefined ? { method: 'GET', path: call.path } : routeOf(world.target, call.route, call.customerId);
  if (!route) throw new RouteNotDescribedError(call.route);
  // A gateway rate-limit check may just have used the run's own address (no sourceAddresses): wait out its limit.
  await ownAddressQuiet();
  const headers: Record<string, string | string[]> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(call.headers ?? {})) headers[name] = typeof value === 'string' ? value : [...value];
  if (call.authorization !== undefined) {
    headers.authorization = typeof call.authorization === 'string' ? call.authorization : [...call.authorization];
  }
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  if (hasBody) headers['content-type'] = 'application/json';
  const keepAsLast = call.keepAsLast ?? true;
  const withCredentials = call.authorization !== undefined || call.queryToken !== undefined;
  if (withCredentials && needsValidRequestFirst(world)) await endTheSeriesOfRefusals(world);
  await paceGatewayRequest(world);
  const exchange = await world.send(
    { method: route.method, url: gatewayUrl(world.target, route.path, call.queryToken, world.gatewayBaseUrl), headers, ...(hasBody ? { body: PROBE_BODY } : {}) },
    { keepAsLast },
  );
  countAnswer(exchange, withCredentials);
  if (keepAsLast) world.lastGatewayRoute = call.route;
  return exchange;
}

/**
 * A gateway that blocks after consecutive invalid tokens (own-address-guard.ts): one request with a valid token on
 * the protected route, so the run's own address never reaches the count. Evidence like any other request; never
 * the scenario's last exchange. Without a token to send, nothing is sent (the scenario's own checks report that).
 */
async function endTheSeriesOfRefusals(world: CtkWorld): Promise<void> {
  let token: string;
  try {
    token = await accessTokenFor(world, world.target.clients.system);
  } catch {
    return;
  }
  const url = gatewayUrl(world.target, gatewayOf(world.target).routes.protected, undefined, world.gatewayBaseUrl);
  world.log('the gateway claims to block an IP after consecutive invalid tokens: one request with a valid token first, so the run\'s own address stays under the count');
  await paceGatewayRequest(world);
  countAnswer(await world.send({ method: 'GET', url, headers: { accept: 'application/json', authorization: bearer(token) } }, { keepAsLast: false }), true);
}

/**
 * A gateway that claims a per-IP rate limit (gateway-rate-limiting, limits.gateway.requestsPerSecond): the run's
 * ordinary requests from its own address are spaced under it (oauth/pacing.ts, as token requests are under the
 * token endpoint's), so a 429 never lands in a scenario about something else. Parallel workers share the address.
 */
async function paceGatewayRequest(world: CtkWorld): Promise<void> {
  if (world.target.capabilities['gateway-rate-limiting'] !== true) return;
  const limit = world.target.limits.gateway?.requestsPerSecond;
  if (limit === undefined || limit <= 0) return;
  await paceOwnAddress('gateway', limit);
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
