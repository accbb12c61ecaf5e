/**
 * A negative check needs a positive control. "The gateway refused the forged token" proves something only about a
 * route that is shown, in the same scenario, to serve a valid request: a gateway that resets every connection, or
 * answers 503 to everything, "refuses" forged tokens too, and must not pass a single refusal check for it. Each
 * refusal judge first asks for the control of the route it judges; when the control fails, the judge records
 * "could not judge" with what the control got, and the route's failure is reported once, by the scenario whose
 * requirement it breaks (REQ-BEARER-01: a valid token reaches the resource).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome } from '../http/exchange.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { couldNotJudge, reportRootCause } from '../verdict/check.ts';
import type { Exchange } from '../http/exchange.ts';
import { requirementApplies } from '../target/applicability.ts';
import { bearer, callGateway, isSuccess, type GatewayRouteName } from './gateway-client.ts';
import { gatewayOf } from '../target/target.ts';

/** `status`: the HTTP status of the control's answer, where one came. */
export type ControlResult = { readonly held: true; readonly observed: string; readonly status?: number } | { readonly held: false; readonly observed: string; readonly status?: number };

/**
 * The route a control is sent to for a refusal on `route`. A scoped route that is not read-only (often a POST)
 * would get a record written by a valid control request on the vendor's system: its control is the protected route.
 */
export function controlRoute(world: CtkWorld, route: GatewayRouteName): 'protected' | 'scoped' | 'public' | 'identity echo' {
  if (route === 'scoped') return ['GET', 'HEAD'].includes(gatewayOf(world.target).routes.scoped.method.toUpperCase()) ? 'scoped' : 'protected';
  if (route === 'public' || route === 'identity echo') return route;
  return 'protected';
}

async function sendControl(world: CtkWorld, route: 'protected' | 'scoped' | 'public' | 'identity echo'): Promise<ControlResult> {
  let authorization: string | undefined;
  if (route !== 'public') {
    try {
      authorization = bearer(await accessTokenFor(world, world.target.clients.system));
    } catch (error) {
      return { held: false, observed: `no valid token to send (${error instanceof Error ? error.message : String(error)})` };
    }
  }
  const exchange = await callGateway(world, { route, keepAsLast: false, ...(authorization ? { authorization } : {}) });
  const observed = `${exchange.request.method} ${route} route ${authorization ? 'with a valid token of the system client' : 'without credentials'}: ${describeOutcome(exchange)}`;
  const status = exchange.response?.status;
  return isSuccess(exchange) ? { held: true, observed, status } : { held: false, observed, status };
}

/**
 * Whether `route` serves a valid request in this scenario. Where it does not, each of `requirements` is recorded as
 * "could not judge" with what the control got: a check on a route that serves nothing proves nothing there, and
 * REQ-BEARER-01 reports the route once. The one way every judge behind the gateway asks for its control.
 */
export async function underControl(world: CtkWorld, route: GatewayRouteName, requirements: readonly string[], expected: string): Promise<boolean> {
  const control = await positiveControl(world, route);
  if (control.held) return true;
  for (const requirement of requirements) {
    couldNotJudge(world, {
      requirement,
      expected,
      why: `the route does not serve a valid request either (positive control: ${control.observed}), so a check here proves nothing; REQ-BEARER-01 reports the route (or the issuer's requirement its tokens break where they carry a defect RFC 9068 §4 has a resource server refuse: REQ-JWT-02, -06, -07, -08)`,
    });
  }
  return false;
}

/** The control for a check on `route`, sent once per scenario and route (the World keeps the result). */
export async function positiveControl(world: CtkWorld, route: GatewayRouteName): Promise<ControlResult> {
  const target = controlRoute(world, route);
  const known = world.gatewayControls.get(target);
  if (known) return known;
  const result = await sendControl(world, target);
  world.gatewayControls.set(target, result);
  world.log(`positive control (${target} route): ${result.held ? 'served' : 'NOT served'} — ${result.observed}`);
  return result;
}

/** A control with the judged token itself came back refused only after that token may have stopped being valid. */
export interface LateControl {
  readonly late: true;
  readonly observed: string;
}

/**
 * The protected route's control sent with the very token a refusal is judged on later, while it is still valid
 * (before its exp, before its revocation), and kept as the scenario's control for that route (`underControl` then
 * reads it). It also warms a decision cache: a gateway or authorizer that caches "valid" per token string (AWS API
 * Gateway's authorizer result TTL, 300 s by default; an introspection cache) admits the token from that cache after
 * its exp or its revocation, and a check that presents the token for the first time only then never sees it.
 * `validUntil` (epoch ms, local clock): a refusal that arrived after it proves nothing about the route (the token may
 * no longer have been valid when the gateway looked, on a slow machine) and is `LateControl`, recorded nowhere.
 */
export async function controlWithToken(world: CtkWorld, token: string, description: string, validUntil?: number): Promise<ControlResult | LateControl> {
  const exchange = await callGateway(world, { route: 'protected', keepAsLast: false, authorization: bearer(token) });
  const arrived = exchange.startedAt + exchange.durationMs;
  const observed = `${exchange.request.method} protected route with ${description}: ${describeOutcome(exchange)}`;
  if (!isSuccess(exchange) && validUntil !== undefined && arrived > validUntil) {
    world.log(`control with ${description}: refused, but the answer came ${arrived - validUntil} ms after the token was certainly valid — no control`);
    return { late: true, observed };
  }
  const status = exchange.response?.status;
  const result: ControlResult = isSuccess(exchange) ? { held: true, observed, status } : { held: false, observed, status };
  world.gatewayControls.set('protected', result);
  const margin = validUntil === undefined ? '' : ` (answered ${validUntil - arrived} ms before the token was no longer certainly valid)`;
  world.log(`positive control (protected route, the judged token itself): ${result.held ? 'served' : 'NOT served'}${margin} — ${result.observed}`);
  return result;
}

/**
 * One cause, one finding for the sender-constrained admissions (REQ-DPOP-05, REQ-MTLS-06): where the bound token was
 * refused and the protected route refuses a plain Bearer token of the system client with the same status too (a
 * route that demands a scope no client is granted: fault protected-route-scope-typo), the route serves no valid token
 * at all. That is REQ-BEARER-01's finding (RFC 6750 §2.1), reported here; `requirement` is not judged on it. A route
 * that serves the plain token, or refuses it otherwise, leaves the refusal `requirement`'s own. Asked only where
 * REQ-BEARER-01 applies (a gateway that accepts only bound tokens claims no Bearer support to be judged by).
 */
export async function explainedByRouteRefusingBearer(world: CtkWorld, requirement: string, refused: Exchange, expected: string): Promise<boolean> {
  if (isSuccess(refused) || !requirementApplies(world.target, 'REQ-BEARER-01')) return false;
  // The protected route's control: a plain Bearer token of the system client (sent once per scenario). The same
  // status, or no HTTP answer to either (a route that drops every connection: fault silent-protected-routes failed
  // REQ-DPOP-05 and REQ-MTLS-06 beside REQ-BEARER-01).
  const plain = await positiveControl(world, 'protected');
  if (plain.held || plain.status !== refused.response?.status) return false;
  return !reportRootCause(
    world,
    { requirement: 'REQ-BEARER-01', expected: 'a 2xx answer from the protected route for a valid token of the system client in the Authorization header', observed: plain.observed },
    () => expect(plain.held, 'a 2xx answer').to.equal(true),
    [{ requirement, expected }],
    { why: plain.status === undefined ? 'the protected route gives no HTTP answer to a plain Bearer token of the system client either: it serves no valid token at all' : `the protected route refuses a plain Bearer token of the system client with the same HTTP ${plain.status}: it serves no valid token at all` },
  );
}
