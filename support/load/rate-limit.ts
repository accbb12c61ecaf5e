/**
 * The rate-limit procedures of seed 001 ("Up to 50 requests per second from the same IP are allowed, further
 * requests will be rejected with a 429 response code"), each bounded in requests and time, each planned and
 * announced through the load cap before its first request.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { loadSwitchedOff, planLoad, type LoadCap } from './load-cap.ts';
import { cappedTokenRequest, sendPacedTokenRequests, type PacedResult } from './paced-requests.ts';
import { describeStats, judgeWithinLimit, outcomeOf, retryAfterSeconds, statsOf, withinLimitPacing, type SeriesStats } from './rate-analysis.ts';
import { warmUpTokenRequests } from '../oauth/token-client.ts';

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

/** REQ-RL-01: `limit` requests, evenly paced just under limit/s, from one fresh address. */
export async function sendAtTheLimit(world: CtkWorld, address: string): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const pacing = withinLimitPacing(limit);
  const off = loadSwitchedOff(world.target);
  if (off) return off;
  if (world.target.limits.maxRequestsPerSecond < limit) {
    return {
      reason: `the load cap (limits.maxRequestsPerSecond = ${world.target.limits.maxRequestsPerSecond}) is below the stated limit of ${limit}/s: the kit may not send at the limit`,
      remedy: `raise limits.maxRequestsPerSecond to at least ${limit}`,
    };
  }
  const planned = planLoad(world, {
    purpose: `${limit} token requests at the stated limit (${limit}/s, paced 5 % under it)`,
    requests: limit,
    url: world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 1000 / pacing.intervalMs,
    withinSeconds: (limit * pacing.intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  // A slow first request would spoil the pace of the measured series; the warm-up also learns the scope it needs.
  await warmUpTokenRequests(world, world.target.clients.system);
  const result = await sendPacedTokenRequests(world, planned.cap, { count: limit, intervalMs: pacing.intervalMs, minSpacingMs: pacing.minSpacingMs, sourceAddress: address, client: world.target.clients.system });
  return { address, result, stats: statsOf(result.records, pacing.fullGapMs), cap: planned.cap };
}

/**
 * REQ-RL-01 measured honestly: when the machine could not keep the pace (the verdict would be "not testable"),
 * another series from another fresh address, once per address given — a loaded machine gets more chances, a
 * slow one is reported.
 */
export async function sendAtTheLimitMeasured(world: CtkWorld, addresses: readonly string[]): Promise<Series | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  let series: Series | Unavailable = { reason: 'no client IP to send from', remedy: 'list sourceAddresses in the target profile' };
  for (const address of addresses) {
    series = await sendAtTheLimit(world, address);
    if (isUnavailable(series)) return series;
    if (judgeWithinLimit(series.stats, limit).verdict !== 'not-testable' || series.stats.outcomes.token < series.stats.sent) return series;
    world.log(`the kit could not keep the pace from ${address} (${describeStats(series.stats)}); trying once more from another client IP`);
  }
  return series;
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
  await warmUpTokenRequests(world, world.target.clients.system);
  const result = await sendPacedTokenRequests(world, planned.cap, {
    count,
    intervalMs,
    minSpacingMs: intervalMs * 0.5,
    sourceAddress: address,
    client: world.target.clients.system,
    stopAfter429: STOP_AFTER_429,
  });
  return { address, result, stats: statsOf(result.records), cap: planned.cap };
}

/** The 429 answers of a series, in the order they were sent. */
export const rateLimitedAnswers = (series: Series): Exchange[] =>
  series.result.records.filter((r) => outcomeOf(r.exchange) === 'rate-limited').map((r) => r.exchange);

/**
 * REQ-RL-07: while the first address is still limited, ask once from the second and once more from the first
 * (at the same moment). The first's answer shows whether its limit was still on when the second was asked.
 */
export async function askBothWhileLimited(world: CtkWorld, series: Series, second: string): Promise<{ first: Exchange; second: Exchange }> {
  const client = world.target.clients.system;
  const [first, other] = await Promise.all([
    cappedTokenRequest(world, series.cap, client, series.address, { keepAsLast: false }),
    cappedTokenRequest(world, series.cap, client, second, { keepAsLast: true }),
  ]);
  return { first, second: other };
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
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  await pause(firstTry - performance.now());
  while (true) {
    const exchange = await cappedTokenRequest(world, series.cap, world.target.clients.system, series.address);
    attempts.push(exchange);
    if (outcomeOf(exchange) === 'token') return { served: true, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    if (performance.now() + POLL_MS > deadline) return { served: false, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    await pause(POLL_MS);
  }
}

export const describeAttempts = (attempts: readonly Exchange[]): string =>
  attempts.length === 0 ? 'no attempt' : `${attempts.length} attempt(s), the last: ${describeOutcome(attempts[attempts.length - 1]!)}`;
