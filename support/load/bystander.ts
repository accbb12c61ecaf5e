import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { askBothWhileLimited, burstBeyondTheLimit, isUnavailable, type Series, type Unavailable } from './rate-limit.ts';
import { freshAddresses, OWN_ADDRESS } from './source-addresses.ts';
import type { SeriesStats } from './rate-analysis.ts';
import { stillLimited } from './verdicts.ts';
import { askBothAtTheEndpoint, burstBeyondTheEndpointLimit, nameOf, type EndpointSeries } from './oauth-endpoint-limits.ts';
import { stillLimitedAt } from './oauth-endpoint-verdicts.ts';
import { askBothAtTheGateway, burstBeyondTheGatewayLimit, type GatewaySeries } from './gateway-limits.ts';
import { stillLimitedAtTheGateway } from './gateway-verdicts.ts';

/** A burst that left one client IP rate-limited: the address it came from, and what it met. */
interface LimitingBurst {
  readonly address: string;
  readonly stats: SeriesStats;
}

export interface BystanderAnswer<S extends LimitingBurst> {
  /** The burst whose address was still limited when the bystander asked (the original, or the burst sent again). */
  readonly series: S;
  /** The limited address's answer, sent at the same moment as the bystander's. */
  readonly first: Exchange;
  readonly second: Exchange;
}

export interface BystanderQuestion<S extends LimitingBurst> {
  readonly series: S;
  /** The bystander's address. */
  readonly second: string;
  /** Asks once from the limited address and once from the bystander, at the same moment. */
  readonly askBoth: (series: S, second: string) => Promise<{ first: Exchange; second: Exchange }>;
  /** Whether the limited address's own answer shows its limit was still on. */
  readonly stillLimited: (series: S, first: Exchange) => boolean;
  /** The same burst again, from another address; it must meet a 429 to be of use. */
  readonly burstAgain: (address: string) => Promise<S | Unavailable>;
  /** Names the requirement for the "not testable" remedy, e.g. "--tags @REQ-RL-07". */
  readonly alone: string;
  /** Where the limit is, for the reason ("at the JWKS"); empty for the token endpoint or the gateway. */
  readonly where?: string;
}

/**
 * REQ-RL-07, REQ-RL-12, REQ-GRL-07: the bystander's answer proves something only if the first address was still
 * limited at that moment. A burst can straddle the limiter's window (a fixed one-second window that began before
 * the burst resets during it), or the load cap can hold the question until the window is over; then the first
 * address is served again and a limiter that counts every IP together would pass unseen. So when the first
 * address's own answer is not a 429, the burst is sent once more from another fresh address (the run's own
 * address again when it has no other) and both ask again straight after it. Not testable only when that second
 * chance fails too, saying what the first address got.
 */
export async function askTheBystanderWhileLimited<S extends LimitingBurst>(world: CtkWorld, question: BystanderQuestion<S>): Promise<BystanderAnswer<S> | Unavailable> {
  const asked = await question.askBoth(question.series, question.second);
  if (question.stillLimited(question.series, asked.first)) return { series: question.series, ...asked };
  const where = question.where ? ` ${question.where}` : '';
  const notLimited = (first: Exchange, tries: string): Unavailable => ({
    reason: `the first client IP was no longer rate-limited${where} when the second asked (it got ${describeOutcome(first)}${tries}), so the answer to the second proves nothing`,
    remedy: `run the rate-limit checks on a less loaded machine, or alone (${question.alone})`,
  });
  const next = question.series.address === OWN_ADDRESS ? { addresses: [OWN_ADDRESS] } : freshAddresses(world.target, 1);
  if ('reason' in next) return notLimited(asked.first, `; no fresh client IP was left to send the burst again from: ${next.reason}`);
  const address = next.addresses[0]!;
  world.log(`${question.series.address} was served again (${describeOutcome(asked.first)}) before the bystander's answer could prove anything; the burst is sent once more from ${address}`);
  const again = await question.burstAgain(address);
  if (isUnavailable(again)) return notLimited(asked.first, `; the burst sent again from ${address} could not run: ${again.reason}`);
  if (again.stats.outcomes['rate-limited'] === 0) return notLimited(asked.first, `; the burst sent again from ${address} met no 429`);
  const askedAgain = await question.askBoth(again, question.second);
  if (question.stillLimited(again, askedAgain.first)) return { series: again, ...askedAgain };
  return notLimited(askedAgain.first, `, also after the burst was sent again from ${address}`);
}

/** REQ-RL-07 at the token endpoint. */
export const askTheTokenBystanderWhileLimited = (world: CtkWorld, series: Series, second: string): Promise<BystanderAnswer<Series> | Unavailable> =>
  askTheBystanderWhileLimited(world, {
    series,
    second,
    askBoth: (limited, bystander) => askBothWhileLimited(world, limited, bystander),
    stillLimited: (_limited, first) => stillLimited(first),
    burstAgain: (address) => burstBeyondTheLimit(world, address),
    alone: '--tags @REQ-RL-07',
  });

/** REQ-RL-12 at the JWKS (or whichever OAuth endpoint the scenario names). */
export const askTheEndpointBystanderWhileLimited = (world: CtkWorld, series: EndpointSeries, second: string, requirement: string): Promise<BystanderAnswer<EndpointSeries> | Unavailable> =>
  askTheBystanderWhileLimited(world, {
    series,
    second,
    askBoth: (limited, bystander) => askBothAtTheEndpoint(world, limited, bystander),
    stillLimited: (limited, first) => stillLimitedAt(limited, first),
    // A fresh address gets the positive control first, as in burstBeyondTheEndpointLimitMeasured.
    burstAgain: (address) => burstBeyondTheEndpointLimit(world, series.endpoint, address, address !== series.address),
    alone: `--tags @${requirement}`,
    where: `at ${nameOf(series.endpoint)}`,
  });

/** REQ-GRL-07 at the gateway. */
export const askTheGatewayBystanderWhileLimited = (world: CtkWorld, series: GatewaySeries, second: string): Promise<BystanderAnswer<GatewaySeries> | Unavailable> =>
  askTheBystanderWhileLimited(world, {
    series,
    second,
    askBoth: (limited, bystander) => askBothAtTheGateway(world, limited, bystander),
    stillLimited: (_limited, first) => stillLimitedAtTheGateway(first),
    burstAgain: (address) => burstBeyondTheGatewayLimit(world, address),
    alone: '--tags @REQ-GRL-07',
  });
