/**
 * The cucumber worker's side of the kit's JWKS relay (relay.ts): its admin API over HTTP, and pointing a scenario at
 * the gateway whose jwks_uri is the relay. The relay itself runs in the CLI's process (a deployment's run) or the
 * reference stack's; the workers reach it with the URL and token of the target description (jwksRelay).
 *
 * Its failures are the kit's set-up failures, not verdicts on the target: they throw JwksRelayError.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome } from '../http/exchange.ts';
import type { JwksRelayDescription } from '../target/target.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { ADMIN_PREFIX, type JwksOutage, type JwksRelayState } from './relay.ts';

export type { JwksOutage } from './relay.ts';

/** The tag of the scenarios that call the relay's gateway and share the relay's counter and switch. */
export { JWKS_RELAY_TAG } from '../run/parallel.ts';

export const JWKS_RELAY_REMEDY =
  "point the jwks_uri of a test instance of the gateway at the kit's JWKS relay and describe both in the target profile (jwksRelay: { listen, gatewayUrl }; README \"Target profiles\")";

export class NoJwksRelayError extends NotTestableError {
  constructor(requirementIds?: readonly string[]) {
    super("no gateway of this target fetches its keys from the kit's JWKS relay: the kit can neither see the gateway's requests for the JWK Set nor switch the set off, nor publish and remove a key", {
      remedy: JWKS_RELAY_REMEDY,
      ...(requirementIds ? { requirementIds } : {}),
    });
    this.name = 'NoJwksRelayError';
  }
}

export class JwksRelayError extends Error {
  constructor(operation: string, outcome: string) {
    super(`the kit's JWKS relay could not ${operation}: ${outcome}`);
    this.name = 'JwksRelayError';
  }
}

export class JwksRelayClient {
  private readonly world: CtkWorld;
  private readonly relay: JwksRelayDescription;
  private readonly adminBase: string;

  constructor(world: CtkWorld, relay: JwksRelayDescription) {
    this.world = world;
    this.relay = relay;
    this.adminBase = `${new URL(relay.url).origin}${ADMIN_PREFIX}`;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, operation: string, body?: unknown): Promise<unknown> {
    const exchange = await this.world.send(
      {
        method,
        url: `${this.adminBase}${path}`,
        headers: { authorization: `Bearer ${this.relay.adminToken}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      { keepAsLast: false },
    );
    const status = exchange.response?.status;
    if (status !== 200) throw new JwksRelayError(operation, describeOutcome(exchange));
    try {
      return JSON.parse(exchange.response!.body);
    } catch {
      throw new JwksRelayError(operation, 'the answer is not JSON');
    }
  }

  private static asState(json: unknown, operation: string): JwksRelayState {
    const state = json as Partial<JwksRelayState> | undefined;
    if (typeof state?.requests !== 'number' || typeof state.outage !== 'string') throw new JwksRelayError(operation, 'no {requests, outage} in the answer');
    return state as JwksRelayState;
  }

  /** The JWK Set requests counted so far, and the outage. */
  async state(): Promise<JwksRelayState> {
    return JwksRelayClient.asState(await this.call('GET', '/state', 'count the JWK Set requests'), 'count the JWK Set requests');
  }

  async setOutage(outage: JwksOutage): Promise<JwksRelayState> {
    const operation = `make the JWK Set ${outage === 'none' ? 'available again' : outage}`;
    return JwksRelayClient.asState(await this.call('POST', '/outage', operation, { outage }), operation);
  }

  /** Adds a PUBLIC key to the set the relay serves. */
  async publish(publicJwk: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/keys', `publish the key ${String(publicJwk.kid)}`, { jwk: publicJwk });
  }

  async remove(kid: string): Promise<void> {
    await this.call('DELETE', `/keys/${encodeURIComponent(kid)}`, `remove the key ${kid} from the JWK Set`);
  }
}

/** The relay, or NoJwksRelayError (not testable: applicability keeps such scenarios out before they start). */
export function jwksRelayOf(world: CtkWorld, requirementIds?: readonly string[]): JwksRelayClient {
  const relay = world.target.jwksRelay;
  if (!relay) throw new NoJwksRelayError(requirementIds);
  return new JwksRelayClient(world, relay);
}

/** The one place a scenario is pointed at the relay's gateway (the Before hook of @jwks-relay scenarios). */
export function useRelayGateway(world: CtkWorld): void {
  const relay = world.target.jwksRelay;
  if (!relay) return;
  world.gatewayBaseUrl = relay.gatewayUrl;
  world.log(`this scenario calls the gateway whose jwks_uri is the kit's JWKS relay: ${relay.gatewayUrl} (keys from ${relay.url})`);
}
