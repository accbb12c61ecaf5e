/**
 * Where the token endpoint's per-IP limit really is (REQ-RL-14: no higher than stated), and the gateway's
 * (REQ-GRL-09, gateway-limits.ts: the same bursts of GETs with a valid token, a 2xx counted as served). REQ-RL-02 tolerates up to
 * 2N + max(2, 10 %) served within one second, because a fixed window admits N at the end of one window and N at
 * the start of the next; so a limiter set to 60, 75 or 100/s (a misconfiguration, or two replicas each counting
 * 50) would pass it. This check LOCATES the limit instead: from a fresh source address, token requests back to
 * back with a few in flight until the first 429 (at most 3N), counting the tokens served.
 *
 * THE BOUND. A burst that lasted d seconds (first send to last answer, the in-flight ones after the first 429
 * included) may be served at most
 *
 *     N + ceil(N × d) + max(2, ceil(10 % of N))
 *
 * before its first 429. What the common limiters of N/s admit from a fresh IP in a burst of d < 1 s:
 *   - token bucket of capacity N refilled at N/s (Envoy local_ratelimit, rate-limiter-flexible's BurstyRateLimiter
 *     style, the reference's variation token-bucket-rate-limit): N + N × d — exactly the first two terms;
 *   - sliding log / sliding window of N per second (the variation sliding-window-rate-limit): N;
 *   - fixed window opened by the IP's first request (the reference, rate-limiter-flexible): N;
 *   - nginx limit_req rate=N r/s burst=B nodelay: B + 1 at once, then N × d refilled: within the bound when B < N;
 *   - fixed window on a global clock (express-rate-limit, @fastify/rate-limit): N, or up to 2N when the burst
 *     happens to straddle a window edge — which happens with probability about d for a fresh IP.
 * The 10 % (at least 2) is the usual tolerance: requests in flight when the first 429 is decided, a few ms of timer
 * granularity. With N = 50 a 100 ms burst is allowed 50 + 5 + 5 = 60; a limiter at 80/s serves 80 in ~120 ms.
 *
 * WHY SEVERAL BURSTS. Only a straddled fixed window exceeds the bound while conformant, and it cannot do that on
 * every try: the first burst within the bound passes; otherwise another burst goes from another fresh address, up
 * to MAX_BURSTS. The check fails only when no burst was within the bound and at least MIN_EXCEEDED usable bursts
 * exceeded it (the chance that d ≤ 0.5 s bursts straddle a window edge three times in a row is below 1/8, in
 * practice ~1 % with d ≈ 0.2 s); each count and duration is quoted.
 *
 * SLOW BURSTS. A burst that needed more than MAX_USABLE_BURST_MS (0.5 s) to reach its 429 was sent by a machine
 * too loaded to locate anything: it is not counted. A burst within the bound passes only when it took at most
 * MAX_PASSING_BURST_MS (0.4 s): there the bound is N + 0.4 N + 10 % = 1.5 N, so a limiter above 1.5 N (the fault's
 * 80 for 50) can never pass on one burst, where a 0.49 s burst's bound (80) would let it; a burst over the bound is
 * evidence up to 0.5 s. A within-the-bound burst slower than 0.4 s is sent again. Neither counts toward MAX_BURSTS:
 * up to MAX_EXTRA_BURSTS more are sent for them, so a passing load spike does not leave the check unjudged
 * (a CI run's fault run beside another lost REQ-RL-14 that way; reproduced here with eight busy processes beside
 * the fault run: three of five bursts took 554-974 ms, the other two 154 and 495 ms). No usable burst (or too few)
 * makes the check not testable, with the numbers.
 *
 * ONE CAUSE, ONE FINDING. No 429 at all within 3N, or more than 2N + tolerance served within one second (more than
 * any limiter of N/s admits), is the burst check's finding (REQ-RL-02, REQ-GRL-02: no limit, or one far beyond):
 * this check is then not judged. A limit BELOW the stated one is within the bound here: REQ-RL-01 reports it.
 */
import { send, type Exchange } from '../http/exchange.ts';
import type { CtkWorld } from '../world.ts';
import { assertTokenEndpointUsable, tokenRequestBody, warmUpTokenRequests } from '../oauth/token-client.ts';
import { beyondLimitThreshold, statsOf, TOKEN_READING, type SeriesReading, type SeriesStats, type TimedExchange, type TokenOutcome } from './rate-analysis.ts';
import { allocatorFor, OWN_ADDRESS, sendFrom } from './source-addresses.ts';
import { planLoad } from './load-cap.ts';
import { isUnavailable, loadAtTheLimitRefused, measuredSeries, restOwnAddress, statedLimit, type Unavailable } from './rate-limit.ts';

/** Bursts at most; the first within the bound ends the check. */
export const MAX_BURSTS = 5;
/** Bursts sent beyond MAX_BURSTS in place of ones too slow to count or to pass on (a loaded machine). */
export const MAX_EXTRA_BURSTS = 3;
/** A failure needs at least this many usable bursts over the bound (and none within). */
export const MIN_EXCEEDED = 3;
/** A burst slower than this to its first 429 (and its in-flight answers) is not counted at all. */
export const MAX_USABLE_BURST_MS = 500;
/** A burst within the bound passes only when it took at most this long (the bound is then at most 1.5 N). */
export const MAX_PASSING_BURST_MS = 400;
/**
 * Fresh addresses a further burst leaves to the scenarios after this one in the rate-limit chain (REQ-RL-03, -07,
 * -08 and the IP-block ones take about eight): on a loaded machine every burst may be slow, and five of them must
 * not starve those checks. Fewer bursts than MAX_BURSTS then: not testable, with the counts.
 */
export const ADDRESS_RESERVE = 8;
/**
 * Requests in flight at once during a burst. Eight, not four: on a loaded 2-core machine a burst is bound by round
 * trips, not by the target's work, and only a burst that reaches its 429 within MAX_PASSING_BURST_MS can pass
 * (measured during a CI run, load ~5-7: 121-622 ms with eight). More in flight cannot inflate the count: a request
 * the limiter refused is a 429 whenever it was sent.
 */
export const IN_FLIGHT = 8;
/** A burst stops at this many times the stated limit without a 429. */
export const BURST_CAP_FACTOR = 3;

export interface LocatedBurst {
  readonly address: string;
  /** Requests served by the burst (a token, or a 2xx at the gateway; one in flight when the first 429 came counts: it was admitted). */
  readonly served: number;
  /** What "served" is, for the report: token(s) or served. */
  readonly servedAs: string;
  readonly sent: number;
  /** The most the burst would send: 3N, or fewer where the run's load cap allows fewer within one second. */
  readonly count: number;
  /** The stated limit N. */
  readonly limit: number;
  /** A 429 came before `count` requests were sent. */
  readonly limited: boolean;
  /** First send to last answer, ms. */
  readonly durationMs: number;
  /** Answers that were neither a token nor 429 (statuses, transport errors). */
  readonly other: number;
  readonly records: readonly TimedExchange[];
  /** performance.now() at the first send; records' times are relative to it. */
  readonly origin: number;
}

export interface LocationRequest {
  /** POST (a token request) unless said otherwise: GET on the gateway's protected route. */
  readonly method?: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** How an answer reads (served, 429, another refusal): a token at the token endpoint (the default), a 2xx at the gateway. */
  readonly reading?: SeriesReading;
  /** A source address, or OWN_ADDRESS (no bind). */
  readonly address: string;
  /** The stated limit N: the burst stops at 3N. */
  readonly limit: number;
  /** Stop at this many requests instead of 3N (a load cap that allows fewer within one second). */
  readonly count?: number;
  readonly timeoutMs?: number;
  readonly inFlight?: number;
  /** Called before each request (the run's load cap). */
  readonly acquire?: () => Promise<void>;
  /** Called with each answer (evidence). */
  readonly onAnswer?: (exchange: Exchange) => void;
}

/** One burst from one address: back to back, `inFlight` at a time, until the first 429 or 3N sent. */
export async function burstUntilFirst429(request: LocationRequest): Promise<LocatedBurst> {
  const cap = Math.min(request.count ?? Infinity, request.limit * BURST_CAP_FACTOR);
  const reading = request.reading ?? TOKEN_READING;
  const classify = reading.classify;
  const records: TimedExchange[] = [];
  let limited = false;
  let sent = 0;
  const origin = performance.now();
  await Promise.all(
    Array.from({ length: request.inFlight ?? IN_FLIGHT }, async () => {
      while (!limited && sent < cap) {
        const index = sent++;
        await request.acquire?.();
        const sentAt = performance.now() - origin;
        const exchange = await send({
          method: request.method ?? 'POST',
          url: request.url,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          ...sendFrom(request.address),
          ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
        });
        records.push({ index, sentAt, doneAt: performance.now() - origin, exchange });
        request.onAnswer?.(exchange);
        if (classify(exchange) === 'rate-limited') limited = true;
      }
    }),
  );
  records.sort((a, b) => a.index - b.index);
  const outcomes = records.map((r) => classify(r.exchange));
  return {
    address: request.address,
    served: outcomes.filter((o) => o === 'token').length,
    servedAs: reading.servedAs,
    sent: records.length,
    count: cap,
    limit: request.limit,
    limited,
    durationMs: Math.max(0, ...records.map((r) => r.doneAt)),
    other: outcomes.filter((o) => o === 'refused' || o === 'no-answer').length,
    records,
    origin,
  };
}

/** The most tokens a burst of `durationMs` may be served by a limiter of `limit`/s (see the header). */
export const locationBound = (limit: number, durationMs: number): number =>
  limit + Math.ceil((limit * durationMs) / 1000) + Math.max(2, Math.ceil(0.1 * limit));

export const usableBurst = (burst: Pick<LocatedBurst, 'durationMs'>): boolean => burst.durationMs <= MAX_USABLE_BURST_MS;

export const withinBound = (burst: Pick<LocatedBurst, 'served' | 'durationMs'>, limit: number): boolean => burst.served <= locationBound(limit, burst.durationMs);

export type BurstSummary = Pick<LocatedBurst, 'address' | 'served' | 'sent' | 'count' | 'limited' | 'durationMs' | 'other'> & { readonly servedAs?: string };

export const describeBurst = (b: BurstSummary, limit: number): string =>
  `${b.address}: ${b.served} ${b.servedAs ?? 'token(s)'} in ${Math.round(b.durationMs)} ms` +
  (b.limited ? ' before the first 429' : `, no 429 in ${b.sent} requests`) +
  (b.other ? ` (${b.other} other answer(s))` : '') +
  ` (bound ${locationBound(limit, b.durationMs)}${!usableBurst(b) ? `; slower than ${MAX_USABLE_BURST_MS} ms, not counted` : withinBound(b, limit) && b.durationMs > MAX_PASSING_BURST_MS ? `; slower than ${MAX_PASSING_BURST_MS} ms, too slow to pass on` : ''})`;

/** No limiter of N/s admits more than 2N (a fixed window straddled) within one second: beyond that is the burst check's finding. */
const FAR_BEYOND_WITHIN_MS = 1000;

/**
 * What one burst shows: `unserved` nothing was served (address unusable); `no-limit` no 429 within 3N;
 * `far-beyond` more than 2N + tolerance served within one second (no limiter of N/s admits that: the limit is
 * far beyond the stated one). Both are the burst check's finding (REQ-RL-02, REQ-GRL-02), which judges exactly
 * that. `slow` too slow to count; `exceeded` served beyond the bound (with or without a 429: a load cap below 3N
 * may end the burst first); `inconclusive` within the bound but too slow to pass on (it still stands against a
 * failure); `unlocated` no 429 within a load cap too low to exceed the bound; `within` a 429 came within the bound.
 */
export type BurstClass = 'unserved' | 'no-limit' | 'far-beyond' | 'slow' | 'exceeded' | 'inconclusive' | 'unlocated' | 'within';

export function classifyBurst(b: BurstSummary, limit: number): BurstClass {
  if (!b.limited && b.served === 0) return 'unserved';
  if (!b.limited && b.sent >= BURST_CAP_FACTOR * limit) return 'no-limit';
  if (b.served > beyondLimitThreshold(limit) && b.durationMs <= FAR_BEYOND_WITHIN_MS) return 'far-beyond';
  if (!usableBurst(b)) return 'slow';
  if (!withinBound(b, limit)) return 'exceeded';
  if (b.durationMs > MAX_PASSING_BURST_MS) return 'inconclusive';
  return b.limited ? 'within' : 'unlocated';
}

export type LocationDecision =
  | { readonly verdict: 'pass' | 'fail'; readonly detail: string }
  | { readonly verdict: 'not-testable'; readonly detail: string; readonly remedy: string }
  /** No 429 within 3N, or more than 2N within one second: the burst check's finding (REQ-RL-02, REQ-GRL-02). */
  | { readonly verdict: 'no-limit'; readonly detail: string }
  | { readonly verdict: 'far-beyond'; readonly detail: string }
  /** Another burst is needed. */
  | { readonly verdict: 'undecided'; readonly detail: string };

/** Too slow to count ('slow') or to pass on ('inconclusive'): the machine's load, not the limiter, decided it. */
const tooSlow = (c: BurstClass): boolean => c === 'slow' || c === 'inconclusive';

/**
 * What the bursts so far show (see the header); 'undecided' only while fewer than `maxBursts` bursts counted (too slow
 * ones aside) and fewer than `maxBursts` + `extraBursts` were sent. `tag` is the requirement's tag, for the remedy
 * (run it alone).
 */
export function decideLocation(bursts: readonly BurstSummary[], limit: number, maxBursts = MAX_BURSTS, tag = '@REQ-RL-14', extraBursts = MAX_EXTRA_BURSTS): LocationDecision {
  const all = bursts.map((b) => describeBurst(b, limit)).join('; ');
  const last = bursts[bursts.length - 1];
  if (!last) return { verdict: 'undecided', detail: 'no burst yet' };
  switch (classifyBurst(last, limit)) {
    case 'unserved':
      return { verdict: 'not-testable', detail: `no request of the burst was served or got a 429 (${all}): the address is unusable or blocked`, remedy: 'check sourceAddresses and the system client' };
    case 'no-limit':
      return { verdict: 'no-limit', detail: `no 429 within ${BURST_CAP_FACTOR * limit} requests (${all})` };
    case 'far-beyond':
      return { verdict: 'far-beyond', detail: `more than ${beyondLimitThreshold(limit)} served within one second, beyond what any limiter of ${limit}/s admits (${all})` };
    case 'within':
      return { verdict: 'pass', detail: all };
    default:
  }
  const classes = bursts.map((b) => classifyBurst(b, limit));
  const counted = classes.filter((c) => !tooSlow(c)).length;
  if (counted < maxBursts && bursts.length < maxBursts + extraBursts) return { verdict: 'undecided', detail: all };
  const exceeded = classes.filter((c) => c === 'exceeded').length;
  if (exceeded >= Math.min(MIN_EXCEEDED, maxBursts) && classes.every((c) => c === 'exceeded' || c === 'slow')) {
    return { verdict: 'fail', detail: `no burst was within ${limit} + refill + tolerance before its first 429: ${all}` };
  }
  const unlocated = bursts.filter((b) => classifyBurst(b, limit) === 'unlocated');
  if (unlocated.length > 0) {
    return {
      verdict: 'not-testable',
      detail: `the load cap ended ${unlocated.length} burst(s) at ${unlocated[0]!.sent} requests, all served without a 429 but within the bound (${all}): the limit could not be located`,
      remedy: `raise limits.maxRequestsPerSecond to at least ${BURST_CAP_FACTOR * limit} per cucumber worker, or run the rate-limit checks alone (--tags ${tag} --parallel 1)`,
    };
  }
  return {
    verdict: 'not-testable',
    detail: `${exceeded} burst(s) exceeded the bound, the others were too slow to count, or to pass on (${all}); at least ${MIN_EXCEEDED} usable bursts over the bound are needed to tell a higher limit from a straddled window`,
    remedy: `run the rate-limit checks on a less loaded machine, or alone (--tags ${tag})`,
  };
}

type MeasuredBurst = LocatedBurst & { readonly stats: SeriesStats; readonly result: { readonly records: readonly TimedExchange[]; readonly origin: number } };

/**
 * What the bursts are sent to: the token endpoint (REQ-RL-14, below) or the gateway's protected route
 * (REQ-GRL-09, gateway-limits.ts). Everything else — the plan, the cap, the bound, the decision — is the same.
 */
export interface LocationSubject {
  /** The requirement's tag, for the remedies (run it alone). */
  readonly tag: string;
  /** "token requests", "requests with a valid token": for the announced plan. */
  readonly requests: string;
  readonly url: string;
  readonly reading: SeriesReading;
  /** The request of each burst (method, headers, body), made once the plan is accepted (a warm-up may go first). */
  readonly prepare: () => Promise<Pick<LocationRequest, 'method' | 'headers' | 'body'>>;
}

/** One burst of the suite: planned and capped like every load check, from `address` (fresh, or the run's own). */
async function locatingBurst(world: CtkWorld, subject: LocationSubject, address: string, limit: number): Promise<MeasuredBurst | Unavailable> {
  const planned = planLoad(world, {
    purpose: `a burst of ${subject.requests} from a fresh IP until the first 429, to locate the stated limit of ${limit}/s`,
    requests: BURST_CAP_FACTOR * limit,
    url: subject.url,
    sourceAddresses: [address],
    ratePerSecond: world.target.limits.maxRequestsPerSecond,
    withinSeconds: (BURST_CAP_FACTOR * limit) / world.target.limits.maxRequestsPerSecond + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  await restOwnAddress(world, address);
  const request = await subject.prepare();
  // The run's earlier requests (the last burst) must not make the cap slow this one down half-way.
  await planned.cap.roomFor(BURST_CAP_FACTOR * limit);
  const sampled = new Set<TokenOutcome>();
  const burst = await burstUntilFirst429({
    ...request,
    url: subject.url,
    reading: subject.reading,
    address,
    limit,
    // More than the cap lets out within one second would be slowed to its pace: the burst ends there instead.
    count: planned.cap.perSecond,
    timeoutMs: world.target.limits.requestTimeoutMs,
    acquire: () => planned.cap.acquire(),
    onAnswer: (exchange) => {
      // Evidence: the first answer of each kind.
      const outcome = subject.reading.classify(exchange);
      if (!sampled.has(outcome)) world.record(exchange, false);
      sampled.add(outcome);
    },
  });
  const result = { records: burst.records, origin: burst.origin };
  await restOwnAddress(world, address, result);
  world.log(`burst ${describeBurst(burst, limit)}`);
  return { ...burst, stats: statsOf(burst.records, 0, subject.reading), result };
}

export interface Location {
  readonly limit: number;
  readonly bursts: readonly LocatedBurst[];
  readonly decision: Exclude<LocationDecision, { verdict: 'undecided' }>;
}

/**
 * Bursts from fresh addresses until one is within the bound: at most MAX_BURSTS that count, and up to
 * MAX_EXTRA_BURSTS more in place of too slow ones (measuredSeries takes the next address). The caller has checked
 * the stated limit and that the profile allows the load.
 */
export async function locateLimit(world: CtkWorld, first: string, limit: number, subject: LocationSubject): Promise<Location | Unavailable> {
  const bursts: MeasuredBurst[] = [];
  const decide = () => decideLocation(bursts, limit, MAX_BURSTS, subject.tag);
  const last = await measuredSeries(
    world,
    first,
    MAX_BURSTS + MAX_EXTRA_BURSTS,
    async (address) => {
      const burst = await locatingBurst(world, subject, address, limit);
      if (!isUnavailable(burst)) bursts.push(burst);
      return burst;
    },
    () => decide().verdict !== 'undecided' || (first !== OWN_ADDRESS && allocatorFor(world.target).remaining <= ADDRESS_RESERVE),
    undefined,
    (address, burst) => `the burst from ${address} did not settle where the limit is (${describeBurst(burst, limit)})`,
  );
  let decision = decide();
  // Fresh addresses ran out before MAX_BURSTS: the bursts sent decide on their own, as long as there are enough of
  // them for a failure (MIN_EXCEEDED); the rule is the same (none within the bound, MIN_EXCEEDED over it).
  if (decision.verdict === 'undecided' && bursts.length >= MIN_EXCEEDED) decision = decideLocation(bursts, limit, bursts.length, subject.tag, 0);
  if (decision.verdict === 'undecided') {
    return isUnavailable(last) ? last : { reason: `only ${bursts.length} burst(s) could be sent from fresh client IPs (${decision.detail})`, remedy: `list more sourceAddresses in the target profile (this check may need ${MAX_BURSTS} fresh ones, ${MAX_BURSTS + MAX_EXTRA_BURSTS} on a loaded machine, and leaves ${ADDRESS_RESERVE} to the checks after it), or run it on a less loaded machine` };
  }
  return { limit, bursts, decision };
}

/** REQ-RL-14: the token endpoint's limit. Unavailable when the profile states no limit or forbids the load. */
export async function locateTheLimit(world: CtkWorld, first: string): Promise<Location | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const refused = loadAtTheLimitRefused(world, limit);
  if (refused) return refused;
  assertTokenEndpointUsable(world.target);
  return locateLimit(world, first, limit, {
    tag: '@REQ-RL-14',
    requests: 'token requests',
    url: world.target.tokenEndpoint,
    reading: TOKEN_READING,
    prepare: async () => {
      await warmUpTokenRequests(world, world.target.clients.system);
      return { method: 'POST', ...tokenRequestBody(world.target.clients.system, {}, world.target) };
    },
  });
}
