/**
 * The rate-limit procedures of seed 001 ("Up to 50 requests per second from the same IP are allowed, further
 * requests will be rejected with a 429 response code"), each bounded in requests and time, each planned and
 * announced through the load cap before its first request.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { loadSwitchedOff, planLoad, sendTogether, type LoadCap } from './load-cap.ts';
import { cappedTokenRequest, sendPacedTokenRequests, tokenRequestFrom, type PacedResult } from './paced-requests.ts';
import { describeStats, judgeBeyondLimit, judgeWithinLimit, outcomeOf, retryAfterSeconds, statsOf, withinLimitPacing, type SeriesStats } from './rate-analysis.ts';
import { warmUpTokenRequests } from '../oauth/token-client.ts';
import { blockWhereValidCredentialsAreRefused } from '../oauth/valid-credentials-refused.ts';
import { freshAddresses, OWN_ADDRESS, ownAddressQuiet, ownAddressUsedUntil } from './source-addresses.ts';
import { pauseFor, pauseUntil } from './pause.ts';

export type Unavailable = { readonly reason: string; readonly remedy: string };
export const isUnavailable = (v: unknown): v is Unavailable => typeof v === 'object' && v !== null && 'reason' in v && 'remedy' in v;

export function statedLimit(world: CtkWorld): number | Unavailable {
  const limit = world.target.limits.tokenRequestsPerSecond;
  if (limit === undefined || !(limit > 0)) {
    return { reason: 'the target profile states no rate limit (limits.tokenRequestsPerSecond)', remedy: 'state limits.tokenRequestsPerSecond (seed 001: 50)' };
  }
  return limit;
}

export interface Series {
  readonly address: string;
  readonly result: PacedResult;
  readonly stats: SeriesStats;
  readonly cap: LoadCap;
}

/**
 * Why the kit may not send a limit's worth at the limit here: load checks switched off, or a load cap below the
 * stated limit. Undefined when it may. Shared by the token endpoint's and the other OAuth endpoints' series.
 */
export function loadAtTheLimitRefused(world: CtkWorld, limit: number): Unavailable | undefined {
  const off = loadSwitchedOff(world.target);
  if (off) return off;
  if (world.target.limits.maxRequestsPerSecond < limit) {
    return {
      reason: `the load cap (limits.maxRequestsPerSecond = ${world.target.limits.maxRequestsPerSecond}) is below the stated limit of ${limit}/s: the kit may not send at the limit`,
      remedy: `raise limits.maxRequestsPerSecond to at least ${limit}`,
    };
  }
  return undefined;
}

/** REQ-RL-01: `limit` requests, evenly paced just under limit/s, from one fresh address. */
export async function sendAtTheLimit(world: CtkWorld, address: string): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const pacing = withinLimitPacing(limit);
  const refused = loadAtTheLimitRefused(world, limit);
  if (refused) return refused;
  const planned = planLoad(world, {
    purpose: `${limit} token requests at the stated limit (${limit}/s, paced 5 % under it)`,
    requests: limit,
    url: world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 1000 / pacing.intervalMs,
    withinSeconds: (limit * pacing.intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  await restOwnAddress(world, address);
  // A slow first request would spoil the pace of the measured series; the warm-up also learns the scope it needs.
  await warmUpTokenRequests(world, world.target.clients.system);
  const result = await sendPacedTokenRequests(world, planned.cap, { count: limit, intervalMs: pacing.intervalMs, minSpacingMs: pacing.minSpacingMs, sourceAddress: address, client: world.target.clients.system });
  await restOwnAddress(world, address, result);
  return { address, result, stats: statsOf(result.records, pacing.fullGapMs), cap: planned.cap };
}

/**
 * REQ-RL-01 measured honestly: when the machine could not keep the pace (the verdict would be "not testable"),
 * another series from another fresh address, up to `attempts` in all — a loaded machine gets more chances, a slow
 * one is reported. The spare addresses are taken only when needed, so the run's address budget is not spent on
 * them up front; from the run's own address the series is tried again there, after its window.
 */
export async function sendAtTheLimitMeasured(world: CtkWorld, first: string, attempts = 3): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(world, first, attempts, (address) => sendAtTheLimit(world, address), (series) => keptThePace(series.stats, limit));
}

/** The series judged something: it kept the pace the verdict needs, or something other than a token came back. */
export const keptThePace = (stats: SeriesStats, limit: number, alone?: string): boolean =>
  judgeWithinLimit(stats, limit, alone).verdict !== 'not-testable' || stats.outcomes.token < stats.sent;

/**
 * One within-the-limit series per attempt until one kept the pace (`judged`), each from a fresh address taken only
 * when needed, or again from the run's own address after its window (`beforeAgainFromOwn`); the last one is
 * returned either way, so a machine that never kept the pace is reported "not testable" with its numbers. Shared
 * by the token endpoint's, the gateway's and the other OAuth endpoints' limits.
 */
export async function measuredSeries<S extends { readonly stats: SeriesStats; readonly result?: PacedResult }>(
  world: CtkWorld,
  first: string,
  attempts: number,
  send: (address: string) => Promise<S | Unavailable>,
  judged: (series: S) => boolean,
  beforeAgainFromOwn?: (address: string, series: S) => Promise<void>,
  /** Why another series is sent, for the log (default: the machine could not keep the pace). */
  again: (address: string, series: S) => string = (address, series) => `the kit could not keep the pace from ${address} (${describeStats(series.stats)})`,
): Promise<S | Unavailable> {
  let address = first;
  let series: S | Unavailable = { reason: 'no client IP to send from', remedy: 'list sourceAddresses in the target profile' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    series = await send(address);
    if (isUnavailable(series) || judged(series) || attempt === attempts) return series;
    if (address === OWN_ADDRESS && beforeAgainFromOwn) await beforeAgainFromOwn(address, series);
    const next = address === OWN_ADDRESS ? { addresses: [OWN_ADDRESS] } : freshAddresses(world.target, 1);
    if ('reason' in next) break;
    world.log(`${again(address, series)}; trying once more from ${next.addresses[0]}`);
    address = next.addresses[0]!;
  }
  return series;
}

/**
 * Before a series from the run's own address, its earlier limit must be over (another rate-limit check may just
 * have used it); after one, the run's ordinary token requests wait until it is over again (ownAddressQuiet).
 */
export async function restOwnAddress(world: CtkWorld, address: string, result?: PacedResult): Promise<void> {
  if (address !== OWN_ADDRESS) return;
  if (!result) return ownAddressQuiet();
  const last = [...result.records].sort((a, b) => b.doneAt - a.doneAt)[0];
  const refusals = result.records.filter((r) => outcomeOf(r.exchange) === 'rate-limited');
  const lastRefusal = refusals[refusals.length - 1]?.exchange.response?.headers;
  const asked = lastRefusal ? retryAfterSeconds(lastRefusal['retry-after'], Date.now(), lastRefusal.date) : undefined;
  ownAddressUsedUntil(world.target, result.origin + (last?.doneAt ?? 0), asked ?? 1);
  world.log(`${OWN_ADDRESS}: the run's next token request from it waits until its limit is over${world.target.limits.ownAddressCoolDownSeconds !== undefined ? ` (cool-down ${world.target.limits.ownAddressCoolDownSeconds} s)` : ''}`);
}

/** How many 429 answers end a burst early: enough to read Retry-After and to see the limit, no more load. */
const STOP_AFTER_429 = 5;
/** Probes a burst plan keeps in reserve for the checks that follow it (isolation, recovery polling). */
export const PROBE_RESERVE = 24;

/**
 * REQ-RL-02: three times the limit, at four times the limit per second (or the cap's pace if lower), stopping
 * after a few 429s. 3N at 4N/s puts well over 2N into the first second (see rate-analysis.ts for why 2N).
 */
export async function burstBeyondTheLimit(world: CtkWorld, address: string): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const count = 3 * limit;
  const intervalMs = Math.max(1000 / world.target.limits.maxRequestsPerSecond, 1000 / (4 * limit));
  const planned = planLoad(world, {
    purpose: `a burst of token requests beyond the stated limit of ${limit}/s (stops after ${STOP_AFTER_429} × 429)`,
    requests: count + PROBE_RESERVE,
    url: world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 1000 / intervalMs,
    withinSeconds: (count * intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  await restOwnAddress(world, address);
  await warmUpTokenRequests(world, world.target.clients.system);
  const result = await sendPacedTokenRequests(world, planned.cap, {
    count,
    intervalMs,
    minSpacingMs: intervalMs * 0.5,
    sourceAddress: address,
    client: world.target.clients.system,
    stopAfter429: STOP_AFTER_429,
  });
  await restOwnAddress(world, address, result);
  return { address, result, stats: statsOf(result.records), cap: planned.cap };
}

/**
 * The burst judged something: REQ-RL-02's verdict is not "not testable". A loaded machine may send a burst too
 * slowly to prove anything when no 429 comes (fewer than 2N + max(2, 10 %) handled within one second).
 */
export const burstJudged = (stats: SeriesStats, limit: number): boolean => judgeBeyondLimit(stats, limit).verdict !== 'not-testable';

/**
 * REQ-RL-02 measured honestly, as sendAtTheLimitMeasured: a burst the machine sent too slowly to judge is sent
 * again from another fresh address, up to `attempts` in all. A limiter that answers 429 is judged on the first.
 */
export async function burstBeyondTheLimitMeasured(world: CtkWorld, first: string, attempts = 3): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(world, first, attempts, (address) => burstBeyondTheLimit(world, address), (series) => burstJudged(series.stats, limit));
}

/** The 429 answers of a series, in the order they were sent. */
export const rateLimitedAnswers = (series: Series): Exchange[] =>
  series.result.records.filter((r) => outcomeOf(r.exchange) === 'rate-limited').map((r) => r.exchange);

/**
 * REQ-RL-07: while the first address is still limited, ask once from the second and once more from the first, at
 * the same moment (their cap slots are taken together: the cap must not let one out and hold the other past the
 * limiter's window). The first's answer shows whether its limit was still on when the second was asked.
 */
export async function askBothWhileLimited(world: CtkWorld, series: Series, second: string): Promise<{ first: Exchange; second: Exchange }> {
  const client = world.target.clients.system;
  const [first, other] = await sendTogether(series.cap, [
    () => tokenRequestFrom(world, client, series.address, { keepAsLast: false }),
    () => tokenRequestFrom(world, client, second, { keepAsLast: true }),
  ]);
  return { first: first!, second: other! };
}

/** The longest Retry-After the kit waits for; beyond it the recovery check is not testable. */
export const MAX_RETRY_WAIT_SECONDS = 60;
/** Recovery tolerance after the wait the target asked for: timers tick, windows close on the next request. */
export const recoveryToleranceMs = (waitMs: number): number => Math.max(2000, waitMs * 0.5);
const POLL_MS = 250;

export interface Recovery {
  readonly served: boolean;
  readonly waitedMs: number;
  readonly askedWaitSeconds: number;
  readonly attempts: readonly Exchange[];
}

/**
 * REQ-RL-08: waits what the last 429 asked for (Retry-After, else one second: the seed's window), then asks again
 * every 250 ms until served or until the wait plus its tolerance is over. Never asks before the wait is over, so
 * a limiter that counts refused requests is not kept closed by the kit itself.
 */
export async function waitUntilServedAgain(world: CtkWorld, series: Series): Promise<Recovery | Unavailable> {
  const refusals = series.result.records.filter((r) => outcomeOf(r.exchange) === 'rate-limited');
  const last = refusals[refusals.length - 1];
  if (!last) return { reason: 'the burst met no 429, so there is no limit to recover from (REQ-RL-02 judges that)', remedy: 'see REQ-RL-02' };
  const headers = last.exchange.response!.headers;
  const asked = retryAfterSeconds(headers['retry-after'], Date.now(), headers.date) ?? 1;
  if (asked > MAX_RETRY_WAIT_SECONDS) {
    return { reason: `the target asks to retry after ${asked} s, longer than the kit waits (${MAX_RETRY_WAIT_SECONDS} s)`, remedy: 'run this check against a target with a shorter rate-limit window' };
  }
  const lastAnswerAt = series.result.origin + last.doneAt;
  const waitMs = Math.max(1, asked) * 1000;
  const deadline = lastAnswerAt + waitMs + recoveryToleranceMs(waitMs);
  const firstTry = lastAnswerAt + waitMs;
  const attempts: Exchange[] = [];
  await pauseUntil(firstTry);
  while (true) {
    const exchange = await cappedTokenRequest(world, series.cap, world.target.clients.system, series.address);
    attempts.push(exchange);
    if (outcomeOf(exchange) === 'token') return { served: true, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    // Out of the limit but refused as a failed login: where the endpoint refuses the system client's valid secret
    // anyway, that is REQ-TOK-01's finding (or the method's), not a limit that never ends.
    await blockWhereValidCredentialsAreRefused(world, world.target.clients.system, exchange);
    if (performance.now() + POLL_MS > deadline) return { served: false, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    await pauseFor(POLL_MS);
  }
}

export const describeAttempts = (attempts: readonly Exchange[]): string =>
  attempts.length === 0 ? 'no attempt' : `${attempts.length} attempt(s), the last: ${describeOutcome(attempts[attempts.length - 1]!)}`;
