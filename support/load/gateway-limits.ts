/**
 * The procedures of features/gateway-rate-limits.feature (issue 16): the GATEWAY's per-IP rate limit and its block
 * of an IP that keeps sending invalid tokens, as the target profile claims them (limits.gateway; REQ-GRL-*). They are
 * the token-endpoint procedures (rate-limit.ts, ip-block.ts) aimed at the protected route with a valid token of the
 * system client: the same load cap, the same announced plans, the same fresh client IPs (source-addresses.ts), the
 * same rules for the run's own address (a rate-limit check may use it when the profile offers no other address, an
 * IP-block check never does), the same measured pacing (rate-analysis.ts). Only the reading differs: "served" is
 * a 2xx from the route, not a token.
 *
 * The token itself comes from the IdP as every scenario gets one (outside the load plan): it is not load on the
 * gateway, and the gateway is what these checks measure.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange, type HttpRequest } from '../http/exchange.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { bearer, gatewayUrl, isSuccess } from '../gateway/gateway-client.ts';
import { tamper } from '../gateway/bad-credentials.ts';
import { gatewayOf, type GatewayLimits } from '../target/target.ts';
import { planLoad, sendTogether, type LoadCap } from './load-cap.ts';
import { sendPacedRequests } from './paced-requests.ts';
import { retryAfterSeconds, statsOf, withinLimitPacing, type SeriesReading, type TokenOutcome } from './rate-analysis.ts';
import { burstJudged, describeAttempts, isUnavailable, keptThePace, loadAtTheLimitRefused, MAX_RETRY_WAIT_SECONDS, measuredSeries, PROBE_RESERVE, recoveryToleranceMs, restOwnAddress, type Recovery, type Series, type Unavailable } from './rate-limit.ts';
import { blockOverMs, waitOutABlock, type BlockedAddress, type Unblocking } from './ip-block.ts';
import { sendFrom } from './source-addresses.ts';
import { locateLimit, type Location } from './rate-limit-location.ts';
import { pauseFor, pauseUntil } from './pause.ts';

export { describeAttempts };

/** A gateway answer: served (2xx), 429, another refusal, or no HTTP answer. */
export function gatewayOutcome(exchange: Exchange): TokenOutcome {
  if (!exchange.response) return 'no-answer';
  if (exchange.response.status === 429) return 'rate-limited';
  return isSuccess(exchange) ? 'token' : 'refused';
}

export const GATEWAY_READING: SeriesReading = { classify: gatewayOutcome, servedAs: 'served' };
export const isServedByGateway = (exchange: Exchange): boolean => gatewayOutcome(exchange) === 'token';

export function statedGatewayLimit(world: CtkWorld): number | Unavailable {
  const limit = world.target.limits.gateway?.requestsPerSecond;
  if (limit === undefined || !(limit > 0)) {
    return { reason: 'the target profile states no gateway rate limit (limits.gateway.requestsPerSecond)', remedy: 'state limits.gateway.requestsPerSecond in the target profile' };
  }
  return limit;
}

export function gatewayBlockSettings(world: CtkWorld): NonNullable<GatewayLimits['ipBlock']> | Unavailable {
  const block = world.target.limits.gateway?.ipBlock;
  if (!block) return { reason: 'the target profile states no gateway IP block (limits.gateway.ipBlock.failedAttempts, blockSeconds)', remedy: 'state limits.gateway.ipBlock in the target profile' };
  return block;
}

/** A valid token of the system client, as the Authorization header value. */
async function validAuthorization(world: CtkWorld): Promise<string> {
  return bearer(await accessTokenFor(world, world.target.clients.system));
}

/** GET on the protected route with `authorization`, from `address`. */
function protectedRequest(world: CtkWorld, authorization: string): HttpRequest {
  return { method: 'GET', url: gatewayUrl(world.target, gatewayOf(world.target).routes.protected), headers: { accept: 'application/json', authorization } };
}

/** One request through the cap (baselines, probes, polls), recorded as evidence. */
export async function cappedGatewayRequest(world: CtkWorld, cap: LoadCap, address: string, authorization: string, keepAsLast = true): Promise<Exchange> {
  await cap.acquire();
  return gatewayRequestFrom(world, address, authorization, keepAsLast);
}

/** One call to the protected route from `address`, its cap slot already taken (sendTogether). */
const gatewayRequestFrom = (world: CtkWorld, address: string, authorization: string, keepAsLast: boolean): Promise<Exchange> =>
  world.send({ ...protectedRequest(world, authorization), ...sendFrom(address), timeoutMs: world.target.limits.requestTimeoutMs }, { keepAsLast });

/** A series at the gateway, with the token it sent (for the probes that follow). */
export interface GatewaySeries extends Series {
  readonly authorization: string;
}

// --- rate limit (REQ-GRL-01, -02, -03, -07, -08) --------------------------------------------------------------

/** REQ-GRL-01: `limit` requests with a valid token, evenly paced just under limit/s, from one address. */
async function sendAtTheGatewayLimit(world: CtkWorld, address: string): Promise<GatewaySeries | Unavailable> {
  const limit = statedGatewayLimit(world);
  if (isUnavailable(limit)) return limit;
  const refused = loadAtTheLimitRefused(world, limit);
  if (refused) return refused;
  const pacing = withinLimitPacing(limit);
  const url = gatewayUrl(world.target, gatewayOf(world.target).routes.protected);
  const planned = planLoad(world, {
    purpose: `${limit} requests with a valid token at the gateway's stated limit (${limit}/s, paced 5 % under it)`,
    requests: limit,
    url,
    sourceAddresses: [address],
    ratePerSecond: 1000 / pacing.intervalMs,
    withinSeconds: (limit * pacing.intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const authorization = await validAuthorization(world);
  await restOwnAddress(world, address);
  const result = await sendPacedRequests(world, planned.cap, {
    count: limit,
    intervalMs: pacing.intervalMs,
    minSpacingMs: pacing.minSpacingMs,
    sourceAddress: address,
    request: protectedRequest(world, authorization),
    classify: gatewayOutcome,
  });
  await restOwnAddress(world, address, result);
  return { address, result, stats: statsOf(result.records, pacing.fullGapMs, GATEWAY_READING), cap: planned.cap, authorization };
}

/**
 * REQ-GRL-01 measured honestly (as sendAtTheLimitMeasured): a machine that could not keep the pace gets another
 * series from another fresh address, up to three in all; the spare addresses are taken only when needed.
 */
export async function sendAtTheGatewayLimitMeasured(world: CtkWorld, first: string, attempts = 3): Promise<GatewaySeries | Unavailable> {
  const limit = statedGatewayLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(world, first, attempts, (address) => sendAtTheGatewayLimit(world, address), (series) => keptThePace(series.stats, limit, '@REQ-GRL-01'));
}

/** How many 429 answers end a burst early: enough to read Retry-After and to see the limit. */
const STOP_AFTER_429 = 5;

/** REQ-GRL-02: three times the limit at four times the limit per second (or the cap's pace if lower), stopping after a few 429s. */
export async function burstBeyondTheGatewayLimit(world: CtkWorld, address: string): Promise<GatewaySeries | Unavailable> {
  const limit = statedGatewayLimit(world);
  if (isUnavailable(limit)) return limit;
  const count = 3 * limit;
  const intervalMs = Math.max(1000 / world.target.limits.maxRequestsPerSecond, 1000 / (4 * limit));
  const planned = planLoad(world, {
    purpose: `a burst of requests with a valid token beyond the gateway's stated limit of ${limit}/s (stops after ${STOP_AFTER_429} × 429)`,
    requests: count + PROBE_RESERVE,
    url: gatewayUrl(world.target, gatewayOf(world.target).routes.protected),
    sourceAddresses: [address],
    ratePerSecond: 1000 / intervalMs,
    withinSeconds: (count * intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const authorization = await validAuthorization(world);
  await restOwnAddress(world, address);
  const result = await sendPacedRequests(world, planned.cap, {
    count,
    intervalMs,
    minSpacingMs: intervalMs * 0.5,
    sourceAddress: address,
    request: protectedRequest(world, authorization),
    classify: gatewayOutcome,
    stopAfter429: STOP_AFTER_429,
  });
  await restOwnAddress(world, address, result);
  return { address, result, stats: statsOf(result.records, 0, GATEWAY_READING), cap: planned.cap, authorization };
}

/** REQ-GRL-02 measured honestly: a burst sent too slowly to judge is sent again from another fresh address (burstJudged). */
export async function burstBeyondTheGatewayLimitMeasured(world: CtkWorld, first: string, attempts = 3): Promise<GatewaySeries | Unavailable> {
  const limit = statedGatewayLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(world, first, attempts, (address) => burstBeyondTheGatewayLimit(world, address), (series) => burstJudged(series.stats, limit));
}

/**
 * REQ-GRL-09: where the gateway's per-IP limit really is — the token endpoint's method (rate-limit-location.ts:
 * bursts of GETs with a valid token, a few in flight, until the first 429), because REQ-GRL-02 tolerates up to 2N
 * within one second and so certifies a gateway whose limit is set at 1.5 × the claim. The token is fetched once,
 * outside the plan: it is no load on the gateway.
 */
export async function locateTheGatewayLimit(world: CtkWorld, first: string): Promise<Location | Unavailable> {
  const limit = statedGatewayLimit(world);
  if (isUnavailable(limit)) return limit;
  const refused = loadAtTheLimitRefused(world, limit);
  if (refused) return refused;
  const authorization = await validAuthorization(world);
  const { method, url, headers } = protectedRequest(world, authorization);
  return locateLimit(world, first, limit, {
    tag: '@REQ-GRL-09',
    requests: 'requests with a valid token at the gateway',
    url,
    reading: GATEWAY_READING,
    prepare: async () => {
      // One request from the run's own address first, as the token endpoint's bursts have (warmUpTokenRequests): a
      // burst sent by a cold process took ~0.5-0.6 s where the next ones took ~0.1-0.2 s, too slow to pass on.
      await world.send(protectedRequest(world, authorization), { keepAsLast: false });
      return { method, headers: headers as Record<string, string> };
    },
  });
}

/** REQ-GRL-07: at the same moment, once from the limited address and once from the second. */
export async function askBothAtTheGateway(world: CtkWorld, series: GatewaySeries, second: string): Promise<{ first: Exchange; second: Exchange }> {
  const [first, other] = await sendTogether(series.cap, [
    () => gatewayRequestFrom(world, series.address, series.authorization, false),
    () => gatewayRequestFrom(world, second, series.authorization, true),
  ]);
  return { first: first!, second: other! };
}

const POLL_MS = 250;

/**
 * REQ-GRL-08: waits what the last 429 asked for (a valid Retry-After, else one second: the limit is per second),
 * then asks every 250 ms until served or the wait plus its tolerance is over; never before the wait is over.
 */
export async function waitUntilTheGatewayServesAgain(world: CtkWorld, series: GatewaySeries): Promise<Recovery | Unavailable> {
  const refusals = series.result.records.filter((r) => gatewayOutcome(r.exchange) === 'rate-limited');
  const last = refusals[refusals.length - 1];
  if (!last) return { reason: 'the burst met no 429, so there is no limit to recover from (REQ-GRL-02 judges that)', remedy: 'see REQ-GRL-02' };
  const headers = last.exchange.response!.headers;
  const asked = retryAfterSeconds(headers['retry-after'], Date.now(), headers.date) ?? 1;
  if (asked > MAX_RETRY_WAIT_SECONDS) {
    return { reason: `the gateway asks to retry after ${asked} s, longer than the kit waits (${MAX_RETRY_WAIT_SECONDS} s)`, remedy: 'run this check against a gateway with a shorter rate-limit window' };
  }
  const lastAnswerAt = series.result.origin + last.doneAt;
  const waitMs = Math.max(1, asked) * 1000;
  const deadline = lastAnswerAt + waitMs + recoveryToleranceMs(waitMs);
  const attempts: Exchange[] = [];
  await pauseUntil(lastAnswerAt + waitMs);
  while (true) {
    const exchange = await cappedGatewayRequest(world, series.cap, series.address, series.authorization);
    attempts.push(exchange);
    if (isServedByGateway(exchange)) return { served: true, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    if (performance.now() + POLL_MS > deadline) return { served: false, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    await pauseFor(POLL_MS);
  }
}

// --- IP block (REQ-GRL-04, -05, -06) --------------------------------------------------------------------------

/** The longest block the kit waits out; beyond it REQ-GRL-05 is not testable. */
export const MAX_GATEWAY_BLOCK_WAIT_SECONDS = 120;
/** The longest the kit waits for a still-blocked address before a check (one block time, when it is this short). */
const BASELINE_MAX_WAIT_MS = 20_000;

/**
 * Spacing of the invalid tokens: a quarter of the stated rate limit at most (at least 100 ms apart), so each is
 * judged as an invalid token and not refused as one request too many — also by a gateway whose limiter trips
 * below what it states (REQ-GRL-01 reports that, not this check).
 */
function invalidTokenSpacingMs(world: CtkWorld): number {
  const limit = world.target.limits.gateway?.requestsPerSecond;
  return limit ? Math.max(100, 5000 / limit) : 100;
}

/** The gateway's answer when the address sends a valid token; if refused, one block time later once more. */
async function gatewayBaselineFrom(world: CtkWorld, cap: LoadCap, address: string, authorization: string): Promise<Exchange | Unavailable> {
  const first = await cappedGatewayRequest(world, cap, address, authorization, false);
  if (isServedByGateway(first)) return first;
  const block = world.target.limits.gateway?.ipBlock;
  const waitMs = block ? blockOverMs(block.blockSeconds) : 0;
  if (block && waitMs <= BASELINE_MAX_WAIT_MS) {
    world.log(`${address} was not served before the check (${describeOutcome(first)}); waiting ${(waitMs / 1000).toFixed(1)} s (one block time) and asking again`);
    await pauseFor(waitMs);
    const second = await cappedGatewayRequest(world, cap, address, authorization, false);
    if (isServedByGateway(second)) return second;
  }
  return {
    reason: `the gateway does not serve a valid token from ${address} before any invalid token of this check (${describeOutcome(first)}): the address is unusable or still blocked, so a refusal later would prove nothing`,
    remedy: `wait ${block?.blockSeconds ?? 'the block time of'} s and run again, or check sourceAddresses and the protected route in the target profile`,
  };
}

/** The bystander's positive control: a valid token from `address` is served before the check. */
export async function gatewayBystanderBaseline(world: CtkWorld, address: string): Promise<{ cap: LoadCap; authorization: string } | Unavailable> {
  const planned = planLoad(world, {
    purpose: 'a request with a valid token from a second client IP, to see the gateway serves it before the check',
    requests: 3,
    url: gatewayUrl(world.target, gatewayOf(world.target).routes.protected),
    sourceAddresses: [address],
    ratePerSecond: 1,
    withinSeconds: BASELINE_MAX_WAIT_MS / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const authorization = await validAuthorization(world);
  const baseline = await gatewayBaselineFrom(world, planned.cap, address, authorization);
  if (isUnavailable(baseline)) return baseline;
  return { cap: planned.cap, authorization };
}

export interface GatewayBlockedAddress extends BlockedAddress {
  readonly authorization: string;
}

/**
 * Positive control (the address is served with the valid token), then `failedAttempts` requests with an invalid
 * token (the valid one with its signature tampered: what a gateway sees from a broken or forging client), then one
 * with the valid token. Returns the outcome, or why the check cannot run.
 */
export async function sendInvalidTokensFrom(world: CtkWorld, address: string, extraProbes: number): Promise<GatewayBlockedAddress | Unavailable> {
  const settings = gatewayBlockSettings(world);
  if (isUnavailable(settings)) return settings;
  const spacing = invalidTokenSpacingMs(world);
  const planned = planLoad(world, {
    purpose: `${settings.failedAttempts} requests with an invalid token to get a client IP blocked at the gateway`,
    requests: settings.failedAttempts + 4 + extraProbes,
    url: gatewayUrl(world.target, gatewayOf(world.target).routes.protected),
    sourceAddresses: [address],
    ratePerSecond: 1000 / spacing,
    withinSeconds: ((settings.failedAttempts + 2) * (spacing + world.target.limits.requestTimeoutMs)) / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const { cap } = planned;
  const authorization = await validAuthorization(world);
  const baseline = await gatewayBaselineFrom(world, cap, address, authorization);
  if (isUnavailable(baseline)) return baseline;
  const invalid = bearer(tamper(authorization.slice('Bearer '.length)));
  const failures: Exchange[] = [];
  let lastFailureSentAt = performance.now();
  for (let i = 0; i < settings.failedAttempts; i++) {
    await pauseFor(spacing);
    lastFailureSentAt = performance.now();
    failures.push(await cappedGatewayRequest(world, cap, address, invalid, false));
  }
  await pauseFor(spacing);
  const probe = await cappedGatewayRequest(world, cap, address, authorization);
  return { address, cap, failures, probe, lastRequestAt: performance.now(), lastFailureSentAt, authorization };
}

/** REQ-GRL-05: ip-block.ts's waitOutABlock with the valid token (half-way request, then the block time from it). */
export function waitOutTheGatewayBlock(world: CtkWorld, blocked: GatewayBlockedAddress, blockSeconds: number): Promise<Unblocking> {
  return waitOutABlock(blocked, blockSeconds, () => cappedGatewayRequest(world, blocked.cap, blocked.address, blocked.authorization), isServedByGateway);
}
