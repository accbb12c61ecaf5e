/**
 * Sends a bounded series of token requests from one source address at a measured pace, every one through the run's
 * LoadCap. Requests overlap (the next one does not wait for the previous answer): a rate is about arrivals, and a
 * slow token endpoint must not slow the kit's pace down. Dispatch times are kept honest: never earlier than
 * planned, and a late timer is caught up with no faster than one request per `minSpacingMs` (no clump).
 * Only a sample of the exchanges becomes scenario evidence (first answers of each kind); the counts go to the log.
 * Requests carry the client's declared scopes, like every token request of the kit (token-client.ts scopeParameter).
 */
import type { CtkWorld } from '../world.ts';
import { send, type Exchange, type HttpRequest } from '../http/exchange.ts';
import { assertTokenEndpointUsable, tokenRequestBody } from '../oauth/token-client.ts';
import type { ClientCredentials } from '../target/target.ts';
import { realClock, type Clock, type LoadCap } from './load-cap.ts';
import { outcomeOf, type TimedExchange, type TokenOutcome } from './rate-analysis.ts';
import { sendFrom } from './source-addresses.ts';

export interface PacedSeries {
  readonly count: number;
  readonly intervalMs: number;
  readonly minSpacingMs: number;
  readonly sourceAddress: string;
  readonly client: ClientCredentials;
  /** Stop sending once this many 429 answers came back (the burst has shown what it had to). */
  readonly stopAfter429?: number;
}

export interface PacedResult {
  readonly records: readonly TimedExchange[];
  /** performance.now() when the series started; records' times are relative to it. */
  readonly origin: number;
}

/** Sends one token request as fast as the cap allows (probes, baselines): through the cap, recorded as evidence. */
export async function cappedTokenRequest(world: CtkWorld, cap: LoadCap, client: ClientCredentials, sourceAddress: string, options: TokenRequestOptions = {}): Promise<Exchange> {
  assertTokenEndpointUsable(world.target);
  await cap.acquire();
  return tokenRequestFrom(world, client, sourceAddress, options);
}

export interface TokenRequestOptions {
  readonly secret?: string;
  readonly keepAsLast?: boolean;
}

/** One token request from `sourceAddress`, its cap slot already taken (sendTogether). */
export function tokenRequestFrom(world: CtkWorld, client: ClientCredentials, sourceAddress: string, options: TokenRequestOptions = {}): Promise<Exchange> {
  assertTokenEndpointUsable(world.target);
  const { headers, body } = tokenRequestBody(client, options.secret !== undefined ? { secret: options.secret } : {}, world.target);
  return world.send({ method: 'POST', url: world.target.tokenEndpoint, headers, body, ...sendFrom(sourceAddress) }, { keepAsLast: options.keepAsLast ?? true });
}

export async function sendPacedTokenRequests(world: CtkWorld, cap: LoadCap, series: PacedSeries, clock: Clock = realClock): Promise<PacedResult> {
  assertTokenEndpointUsable(world.target);
  const { headers, body } = tokenRequestBody(series.client, {}, world.target);
  return sendPacedRequests(world, cap, { ...series, request: { method: 'POST', url: world.target.tokenEndpoint, headers, body }, classify: outcomeOf }, clock);
}

/**
 * The same pacing for any one request sent over and over (the gateway's rate limit sends a valid token to the
 * protected route): `classify` tells a served answer from a 429 (and picks the evidence sample).
 */
export async function sendPacedRequests(
  world: CtkWorld,
  cap: LoadCap,
  series: Omit<PacedSeries, 'client'> & { readonly request: HttpRequest; readonly classify: (exchange: Exchange) => TokenOutcome },
  clock: Clock = realClock,
): Promise<PacedResult> {
  const { method, url, headers, body } = series.request;
  const outcomeOf = series.classify;
  const records: TimedExchange[] = [];
  const pending: Promise<void>[] = [];
  const sampled = new Set<TokenOutcome>();
  let refusals = 0;
  let last = Number.NEGATIVE_INFINITY;
  // A series must not meet a cap still full of the previous burst's requests: paced by the cap half-way, a burst
  // meant to reach the limit within a second would straddle the target's window instead (measured: after
  // REQ-RL-14's burst, REQ-RL-07's reached its 429 only after 1.0 s at 57/s, and the window had reset before the
  // second IP asked). So it starts once the cap could let out what the series sends in its first second.
  const firstSecond = series.intervalMs > 0 ? Math.ceil(1000 / series.intervalMs) : series.count;
  await cap.roomFor(Math.min(series.count, firstSecond));
  // The schedule starts after that wait: counted from before it, every request would be "late" and caught up at
  // minSpacingMs, faster than the pace the series was planned at.
  const origin = clock.now();

  for (let i = 0; i < series.count; i++) {
    if (series.stopAfter429 !== undefined && refusals >= series.stopAfter429) break;
    const due = Math.max(origin + i * series.intervalMs, last + series.minSpacingMs);
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    await cap.acquire();
    const sentAt = clock.now();
    last = sentAt;
    const index = i;
    pending.push(
      send({ method, url, ...(headers ? { headers } : {}), ...(body !== undefined ? { body } : {}), ...sendFrom(series.sourceAddress), timeoutMs: world.target.limits.requestTimeoutMs }).then((exchange) => {
        const outcome = outcomeOf(exchange);
        if (outcome === 'rate-limited') refusals++;
        // Evidence: the first answer of each kind is enough to show what the target did.
        if (!sampled.has(outcome)) {
          sampled.add(outcome);
          world.record(exchange, false);
        }
        records.push({ index, sentAt: sentAt - origin, doneAt: clock.now() - origin, exchange });
      }),
    );
  }
  await Promise.all(pending);
  records.sort((a, b) => a.index - b.index);
  return { records, origin };
}
