/**
 * What a paced series of token requests shows about a rate limit, measured, with the tolerances that keep the
 * verdict right on a loaded two-core machine and against limiters of every common design.
 *
 * WITHIN the limit (REQ-RL-01). The kit sends N = the stated limit, evenly spaced 5 % slower than N/s and never
 * two closer than 1000/N ms, so even a leaky bucket set to exactly N/s without burst (nginx limit_req) is not
 * tripped by the kit's own timer jitter. Any request not served is then a finding. If the machine could not keep
 * at least 80 % of the pace, a clean result proves nothing and the check is not testable.
 *
 * BEYOND the limit (REQ-RL-02). Common limiters admit MORE than N in a span under one second: a fixed window
 * (Kong, the reference) admits N at the end of one window and N at the start of the next; a token bucket of
 * capacity N (Envoy local_ratelimit) admits N plus what refills. No such limiter admits more than 2N within one
 * second. So the absence of 429 is judged only when more than 2N + max(2, 10 %) requests were provably handled
 * within one second — counting only requests whose whole exchange (sent ... answer received) lies inside the
 * first second, since the target can only have handled them in that time. Below that the check is not testable.
 * Any 429 at all shows a limit exists and passes REQ-RL-02.
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
  /** Statuses of the answers that were neither a token nor 429, for messages. */
  readonly otherStatuses: readonly string[];
  /** Index (1-based) of the first 429, if any. */
  readonly first429?: number;
}

export function statsOf(records: readonly TimedExchange[]): SeriesStats {
  const outcomes: Record<TokenOutcome, number> = { token: 0, 'rate-limited': 0, refused: 0, 'no-answer': 0 };
  const other = new Set<string>();
  const sorted = [...records].sort((a, b) => a.sentAt - b.sentAt);
  let first429: number | undefined;
  sorted.forEach((r, i) => {
    const o = outcomeOf(r.exchange);
    outcomes[o]++;
    if (o === 'rate-limited' && first429 === undefined) first429 = i + 1;
    if (o === 'refused') other.add(`HTTP ${r.exchange.response!.status}`);
    if (o === 'no-answer') other.add(`no answer (${r.exchange.transportError?.code})`);
  });
  const t0 = sorted[0]?.sentAt ?? 0;
  const spanMs = sorted.length > 1 ? sorted[sorted.length - 1]!.sentAt - t0 : 0;
  return {
    sent: sorted.length,
    outcomes,
    spanMs,
    sendRate: spanMs > 0 ? ((sorted.length - 1) * 1000) / spanMs : 0,
    handledInFirstSecond: sorted.filter((r) => r.sentAt >= t0 && r.doneAt < t0 + 1000).length,
    otherStatuses: [...other],
    ...(first429 !== undefined ? { first429 } : {}),
  };
}

export function describeStats(stats: SeriesStats): string {
  const o = stats.outcomes;
  return (
    `${stats.sent} request(s) sent in ${(stats.spanMs / 1000).toFixed(2)} s (${stats.sendRate.toFixed(0)}/s), ` +
    `${stats.handledInFirstSecond} handled within the first second: ${o.token} token(s), ${o['rate-limited']} × 429` +
    `${o.refused ? `, ${o.refused} other refusal(s)` : ''}${o['no-answer'] ? `, ${o['no-answer']} without HTTP answer` : ''}` +
    `${stats.otherStatuses.length ? ` [${stats.otherStatuses.join(', ')}]` : ''}${stats.first429 !== undefined ? `; first 429 at request ${stats.first429}` : ''}`
  );
}

/** The pace of the within-the-limit series: 5 % slower than the limit, never closer than 1/limit s. */
export function withinLimitPacing(limit: number): { intervalMs: number; minSpacingMs: number } {
  return { intervalMs: (1000 / limit) * 1.05, minSpacingMs: 1000 / limit };
}

/** Below this fraction of the intended pace, a clean within-the-limit series proves nothing. */
export const MIN_PACE_FRACTION = 0.8;

/** More than this many handled within one second must meet a 429 from any common limiter of `limit`/s. */
export const beyondLimitThreshold = (limit: number): number => 2 * limit + Math.max(2, Math.ceil(0.1 * limit));

export type RateVerdict =
  | { readonly verdict: 'pass'; readonly detail: string }
  | { readonly verdict: 'fail'; readonly detail: string }
  | { readonly verdict: 'not-testable'; readonly detail: string; readonly remedy: string };

export function judgeWithinLimit(stats: SeriesStats, limit: number): RateVerdict {
  const summary = describeStats(stats);
  if (stats.outcomes.token === 0) {
    return { verdict: 'not-testable', detail: `no request got a token from this client IP (${summary}): the address is unusable or still blocked`, remedy: 'check sourceAddresses and the system client; wait out an earlier block' };
  }
  if (stats.outcomes.token < stats.sent) return { verdict: 'fail', detail: summary };
  const intended = 1000 / withinLimitPacing(limit).intervalMs;
  if (stats.sendRate < intended * MIN_PACE_FRACTION) {
    return {
      verdict: 'not-testable',
      detail: `the kit reached only ${stats.sendRate.toFixed(0)} requests/s of the intended ${intended.toFixed(0)}/s (${summary}); a clean result at that pace proves nothing`,
      remedy: 'run the rate-limit checks on a less loaded machine, or alone (--tags @REQ-RL-01)',
    };
  }
  return { verdict: 'pass', detail: summary };
}

export function judgeBeyondLimit(stats: SeriesStats, limit: number): RateVerdict {
  const summary = describeStats(stats);
  if (stats.outcomes['rate-limited'] > 0) return { verdict: 'pass', detail: summary };
  if (stats.outcomes.refused + stats.outcomes['no-answer'] > 0 && stats.outcomes.token > 0) {
    return { verdict: 'fail', detail: `${summary}: the excess was refused, but not with 429` };
  }
  if (stats.outcomes.token === 0) {
    return { verdict: 'not-testable', detail: `no request of the burst got a token or a 429 (${summary}): the address is unusable or blocked`, remedy: 'check sourceAddresses and the system client' };
  }
  const threshold = beyondLimitThreshold(limit);
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
