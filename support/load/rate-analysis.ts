/**
 * What a paced series of token requests shows about a rate limit, measured, with the tolerances that keep the
 * verdict right on a loaded two-core machine and against limiters of every common design.
 *
 * WITHIN the limit (REQ-RL-01). The kit sends N = the stated limit, scheduled evenly 5 % slower than N/s. Only N
 * are sent, so no one-second window can hold more than N whatever the timers do. A timer that fires late (a
 * loaded two-core machine) is caught up with, down to 3/4 of the nominal spacing, else the lag would pile up
 * and the series would no longer be "N in a second". A refusal right after such a catch-up gap (closer than
 * 1000/N ms) could come from a leaky bucket set to exactly N/s without burst (nginx limit_req): it is not held
 * against the target — when it is the only kind of refusal, the check is not testable. Any other request not
 * served is a finding. A clean result counts only if some one second saw at least 80 % of N requests handled
 * (sent and answered within it); a machine too loaded for that makes the check not testable.
 *
 * BEYOND the limit (REQ-RL-02). Common limiters admit MORE than N in a span under one second: a fixed window
 * (Kong, the reference) admits N at the end of one window and N at the start of the next; a token bucket of
 * capacity N (Envoy local_ratelimit) admits N plus what refills. No such limiter admits more than 2N within one
 * second. So the absence of 429 is judged only when more than 2N + max(2, 10 %) requests were provably handled
 * within one second — counting only requests whose whole exchange (sent ... answer received) lies inside the
 * first second, since the target can only have handled them in that time. Below that the check is not testable.
 * A 429 shows a limit exists and passes REQ-RL-02 — unless, by the same bound, more than 2N + max(2, 10 %) requests
 * were SERVED within one second before it: then a limit exists, but not the stated one (a limiter set to 2.5 N
 * answers 429 from request 2.5 N + 1 of a 3 N burst), and the check fails as it does when no 429 comes at all.
 */
import type { Exchange } from '../http/exchange.ts';
import { tokenResponseOf } from '../oauth/token-client.ts';

export type TokenOutcome = 'token' | 'rate-limited' | 'refused' | 'no-answer';

export interface TimedExchange {
  readonly index: number;
  /** ms since the series started (performance clock), when the request was handed to the HTTP client. */
  readonly sentAt: number;
  /** ms since the series started, when the answer (or the transport error) was complete. */
  readonly doneAt: number;
  readonly exchange: Exchange;
}

export function outcomeOf(exchange: Exchange): TokenOutcome {
  if (!exchange.response) return 'no-answer';
  if (exchange.response.status === 429) return 'rate-limited';
  return tokenResponseOf(exchange) ? 'token' : 'refused';
}

export interface SeriesStats {
  readonly sent: number;
  readonly outcomes: Readonly<Record<TokenOutcome, number>>;
  /** First to last send, ms. */
  readonly spanMs: number;
  /** Requests per second the kit achieved while sending: (sent - 1) / span. */
  readonly sendRate: number;
  /** Requests whose whole exchange lies within the first second of the series. */
  readonly handledInFirstSecond: number;
  /** The most requests whose whole exchange lies within any one second that starts at a send. */
  readonly mostHandledInOneSecond: number;
  /** The same, counting only the requests that were served: what the target provably admitted within one second. */
  readonly mostServedInOneSecond: number;
  /** Statuses of the answers that were neither a token nor 429, for messages. */
  readonly otherStatuses: readonly string[];
  /** Index (1-based) of the first 429, if any. */
  readonly first429?: number;
  /** Requests not served that the kit sent closer than `fullGapMs` after the previous one (its own catch-up). */
  readonly unservedAfterShortGap: number;
  /** What a served answer is called in messages: "token(s)" at the token endpoint, "served" at the gateway. */
  readonly servedAs: string;
}

/** How a series is read: which answers count as served, and what they are called (default: the token endpoint's). */
export interface SeriesReading {
  readonly classify: (exchange: Exchange) => TokenOutcome;
  readonly servedAs: string;
}
export const TOKEN_READING: SeriesReading = { classify: (exchange) => outcomeOf(exchange), servedAs: 'token(s)' };

/** `fullGapMs`: the nominal spacing at the limit (1000/N); refusals after a shorter gap are counted apart. */
export function statsOf(records: readonly TimedExchange[], fullGapMs = 0, reading: SeriesReading = TOKEN_READING): SeriesStats {
  const outcomeOf = reading.classify;
  const outcomes: Record<TokenOutcome, number> = { token: 0, 'rate-limited': 0, refused: 0, 'no-answer': 0 };
  const other = new Set<string>();
  const sorted = [...records].sort((a, b) => a.sentAt - b.sentAt);
  let first429: number | undefined;
  let unservedAfterShortGap = 0;
  sorted.forEach((r, i) => {
    const o = outcomeOf(r.exchange);
    outcomes[o]++;
    if (o !== 'token' && i > 0 && r.sentAt - sorted[i - 1]!.sentAt < fullGapMs - 0.5) unservedAfterShortGap++;
    if (o === 'rate-limited' && first429 === undefined) first429 = i + 1;
    if (o === 'refused') other.add(`HTTP ${r.exchange.response!.status}`);
    if (o === 'no-answer') other.add(`no answer (${r.exchange.transportError?.code})`);
  });
  const served = sorted.filter((r) => outcomeOf(r.exchange) === 'token');
  const t0 = sorted[0]?.sentAt ?? 0;
  const spanMs = sorted.length > 1 ? sorted[sorted.length - 1]!.sentAt - t0 : 0;
  return {
    sent: sorted.length,
    outcomes,
    spanMs,
    sendRate: spanMs > 0 ? ((sorted.length - 1) * 1000) / spanMs : 0,
    handledInFirstSecond: handledWithin(sorted, t0),
    mostHandledInOneSecond: Math.max(0, ...sorted.map((r) => handledWithin(sorted, r.sentAt))),
    mostServedInOneSecond: Math.max(0, ...served.map((r) => handledWithin(served, r.sentAt))),
    otherStatuses: [...other],
    ...(first429 !== undefined ? { first429 } : {}),
    unservedAfterShortGap,
    servedAs: reading.servedAs,
  };
}

const handledWithin = (records: readonly TimedExchange[], from: number): number =>
  records.filter((r) => r.sentAt >= from && r.doneAt < from + 1000).length;

export function describeStats(stats: SeriesStats): string {
  const o = stats.outcomes;
  return (
    `${stats.sent} request(s) sent in ${(stats.spanMs / 1000).toFixed(2)} s (${stats.sendRate.toFixed(0)}/s), ` +
    `${stats.handledInFirstSecond} handled within the first second (at most ${stats.mostHandledInOneSecond} within any one): ${o.token} ${stats.servedAs}, ${o['rate-limited']} × 429` +
    `${o.refused ? `, ${o.refused} other refusal(s)` : ''}${o['no-answer'] ? `, ${o['no-answer']} without HTTP answer` : ''}` +
    `${stats.otherStatuses.length ? ` [${stats.otherStatuses.join(', ')}]` : ''}${stats.first429 !== undefined ? `; first 429 at request ${stats.first429}` : ''}`
  );
}

/** The pace of the within-the-limit series: 5 % slower than the limit; catch-up gaps no shorter than 3/4 of 1/limit s. */
export function withinLimitPacing(limit: number): { intervalMs: number; minSpacingMs: number; fullGapMs: number } {
  return { intervalMs: (1000 / limit) * 1.05, minSpacingMs: (1000 / limit) * 0.75, fullGapMs: 1000 / limit };
}

/** Below this fraction of the intended pace, a clean within-the-limit series proves nothing. */
export const MIN_PACE_FRACTION = 0.8;

/** More than this many handled within one second must meet a 429 from any common limiter of `limit`/s. */
export const beyondLimitThreshold = (limit: number): number => 2 * limit + Math.max(2, Math.ceil(0.1 * limit));

export type RateVerdict =
  | { readonly verdict: 'pass'; readonly detail: string }
  | { readonly verdict: 'fail'; readonly detail: string }
  | { readonly verdict: 'not-testable'; readonly detail: string; readonly remedy: string };

/** `alone`: the tag that runs this check alone, for the remedy of a machine too loaded to keep the pace. */
export function judgeWithinLimit(stats: SeriesStats, limit: number, alone = '@REQ-RL-01'): RateVerdict {
  const summary = describeStats(stats);
  if (stats.outcomes.token === 0) {
    return { verdict: 'not-testable', detail: `no request was served from this client IP (${summary}): the address is unusable or still blocked`, remedy: 'check sourceAddresses and the system client; wait out an earlier block' };
  }
  const unserved = stats.sent - stats.outcomes.token;
  if (unserved > 0 && unserved === stats.unservedAfterShortGap) {
    return {
      verdict: 'not-testable',
      detail: `${summary}; every refusal came right after the kit had to catch up on a late timer (two requests closer than ${(1000 / limit).toFixed(0)} ms), which a limiter without burst may refuse`,
      remedy: `run the rate-limit checks on a less loaded machine, or alone (--tags ${alone})`,
    };
  }
  if (unserved > 0) return { verdict: 'fail', detail: unserved > stats.unservedAfterShortGap && stats.unservedAfterShortGap > 0 ? `${summary} (${stats.unservedAfterShortGap} of them after a catch-up gap, not counted)` : summary };
  // Proof needs a second in which (nearly) the limit's worth of requests was handled, all of them served.
  const needed = Math.ceil(limit * MIN_PACE_FRACTION);
  if (stats.mostHandledInOneSecond < needed) {
    return {
      verdict: 'not-testable',
      detail: `the kit got at most ${stats.mostHandledInOneSecond} requests handled within one second, fewer than ${needed} (${summary}); a clean result at that pace proves nothing`,
      remedy: `run the rate-limit checks on a less loaded machine, or alone (--tags ${alone})`,
    };
  }
  return { verdict: 'pass', detail: summary };
}

export function judgeBeyondLimit(stats: SeriesStats, limit: number): RateVerdict {
  const summary = describeStats(stats);
  const threshold = beyondLimitThreshold(limit);
  // No common limiter of `limit`/s serves more than 2 × limit within one second: a 429 after that is another limit.
  if (stats.mostServedInOneSecond > threshold) {
    return { verdict: 'fail', detail: `${summary}: ${stats.mostServedInOneSecond} ${stats.servedAs} within one second, more than ${threshold} (no common limiter of ${limit}/s — fixed window, token bucket, sliding window — admits more than ${2 * limit} within one second)${stats.outcomes['rate-limited'] > 0 ? ' before the 429s' : ''}` };
  }
  if (stats.outcomes['rate-limited'] > 0) return { verdict: 'pass', detail: summary };
  if (stats.outcomes.refused + stats.outcomes['no-answer'] > 0 && stats.outcomes.token > 0) {
    return { verdict: 'fail', detail: `${summary}: the excess was refused, but not with 429` };
  }
  if (stats.outcomes.token === 0) {
    return { verdict: 'not-testable', detail: `no request of the burst was served or got a 429 (${summary}): the address is unusable or blocked`, remedy: 'check sourceAddresses and the system client' };
  }
  if (stats.handledInFirstSecond > threshold) return { verdict: 'fail', detail: `${summary}: more than ${threshold} served within one second` };
  return {
    verdict: 'not-testable',
    detail: `only ${stats.handledInFirstSecond} requests were handled within one second (${summary}); proving a ${limit}/s limit needs more than ${threshold}`,
    remedy: `raise limits.maxRequestsPerSecond to at least ${Math.ceil(threshold * 1.4)} in the target profile, or run on a less loaded machine`,
  };
}

/** RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds. Returns the delay in seconds, or undefined if invalid. */
export function retryAfterSeconds(value: string | undefined, now = Date.now(), date?: string): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, or the obsolete RFC 850 / asctime forms recipients must accept.
  const imf = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
  const rfc850 = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
  const asctime = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;
  if (!imf.test(v) && !rfc850.test(v) && !asctime.test(v)) return undefined;
  const at = Date.parse(asctime.test(v) ? `${v} GMT` : v);
  if (Number.isNaN(at)) return undefined;
  // Relative to the answer's own Date header when there is one (clock skew between kit and target).
  const reference = date !== undefined && !Number.isNaN(Date.parse(date)) ? Date.parse(date) : now;
  return Math.max(0, Math.ceil((at - reference) / 1000));
}
