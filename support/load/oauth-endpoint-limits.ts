/**
 * The procedures of features/oauth-endpoint-rate-limits.feature (issue 22): seed 001's per-IP limit on "the OAuth2.0
 * endpoints" other than the token endpoint — the authorization endpoint, the JWKS and the discovery document
 * (REQ-RL-09 to -13). They are the token endpoint's procedures (rate-limit.ts) aimed at another URL: the same load
 * cap, the same announced plans, the same fresh client IPs, the same measured pacing and tolerances
 * (rate-analysis.ts). Only the request and the reading of "served" differ per endpoint.
 *
 * Each series starts with a positive control from the run's own address (the endpoint serves the kit's request at
 * all), so a refusal later is the limit's, not a malformed request's. A series from the run's own address (a target
 * with no sourceAddresses) waits until its limit is over before the scenario ends: the rest of the run fetches the
 * discovery document and the JWKS from that address.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange, type HttpRequest } from '../http/exchange.ts';
import { DEFAULT_REDIRECT_URI } from '../browser/human-login.ts';
import { codeVerifier, s256Challenge } from '../browser/pkce.ts';
import { planLoad, sendTogether, type LoadCap } from './load-cap.ts';
import { sendPacedRequests, type PacedResult } from './paced-requests.ts';
import { retryAfterSeconds, statsOf, withinLimitPacing, type SeriesReading, type SeriesStats, type TokenOutcome } from './rate-analysis.ts';
import { burstJudged, isUnavailable, keptThePace, loadAtTheLimitRefused, MAX_RETRY_WAIT_SECONDS, measuredSeries, PROBE_RESERVE, recoveryToleranceMs, restOwnAddress, statedLimit, type Recovery, type Unavailable } from './rate-limit.ts';
import { OWN_ADDRESS, ownAddressQuiet, sendFrom } from './source-addresses.ts';
import { pauseFor, pauseUntil } from './pause.ts';

export type OAuthEndpoint = 'authorization' | 'jwks' | 'discovery';

/** The words the feature uses for each endpoint, and the requirement that judges its limit. */
export const OAUTH_ENDPOINTS: Readonly<Record<string, { readonly endpoint: OAuthEndpoint; readonly requirement: string }>> = {
  'the authorization endpoint': { endpoint: 'authorization', requirement: 'REQ-RL-09' },
  'the JWKS': { endpoint: 'jwks', requirement: 'REQ-RL-10' },
  'the discovery document': { endpoint: 'discovery', requirement: 'REQ-RL-11' },
};

const NAMES: Readonly<Record<OAuthEndpoint, string>> = { authorization: 'the authorization endpoint', jwks: 'the JWKS', discovery: 'the discovery document' };
export const nameOf = (endpoint: OAuthEndpoint): string => NAMES[endpoint];

/**
 * The request each series repeats: GET of the JWKS and of the discovery document; at the authorization endpoint the
 * human login's authorization request (RFC 6749 §4.1.1, PKCE S256), the one a browser sends to reach the login page.
 */
export function endpointRequest(world: CtkWorld, endpoint: OAuthEndpoint): HttpRequest | Unavailable {
  const target = world.target;
  if (endpoint === 'jwks') {
    if (!target.jwksUri) return { reason: 'the target publishes no JWK Set (no idp.jwksUri, no JWT access tokens claimed)', remedy: 'name idp.jwksUri in the target profile if the IdP publishes one' };
    return { method: 'GET', url: target.jwksUri, headers: { accept: 'application/json, application/jwk-set+json' } };
  }
  if (endpoint === 'discovery') {
    if (!target.discoveryUrl) return { reason: 'the target profile names no discovery document (idp.discoveryUrl)', remedy: 'name idp.discoveryUrl in the target profile' };
    return { method: 'GET', url: target.discoveryUrl, headers: { accept: 'application/json' } };
  }
  // The IdP's own endpoint, never browserLogin.loginUrl: that may be the front end's page, whose limit is not the seed's.
  const authorizationEndpoint = target.authorizationEndpoint;
  if (!authorizationEndpoint) return { reason: 'the target names no authorization endpoint (idp.authorizationEndpoint, or authorization_endpoint in its metadata)', remedy: 'name idp.authorizationEndpoint in the target profile' };
  const web = target.clients.web;
  if (!web) return { reason: 'the target names no web front end client (clients.web) to send an authorization request for', remedy: 'describe the client the front end logs humans in with in the target profile' };
  const url = new URL(authorizationEndpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: web.clientId,
    redirect_uri: web.redirectUri ?? DEFAULT_REDIRECT_URI,
    scope: target.browserLogin?.scope ?? web.scopes.join(' '),
    code_challenge: s256Challenge(codeVerifier()),
    code_challenge_method: 'S256',
    state: 'ctk-rate-limit',
    ...(target.browserLogin?.extraParams ?? {}),
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { method: 'GET', url: url.toString(), headers: { accept: 'text/html' } };
}

/** A redirect that carries an OAuth error (RFC 6749 §4.1.2.1) in its query or fragment: the request was not served. */
function redirectsWithError(exchange: Exchange): boolean {
  const location = exchange.response?.headers.location;
  if (!location) return false;
  try {
    const url = new URL(location, exchange.request.url);
    return url.searchParams.has('error') || new URLSearchParams(url.hash.slice(1)).has('error');
  } catch {
    return false;
  }
}

/** Served, 429, another refusal, or no HTTP answer. The authorization endpoint serves with a page or a redirect to one. */
export function endpointOutcome(endpoint: OAuthEndpoint): (exchange: Exchange) => TokenOutcome {
  return (exchange) => {
    if (!exchange.response) return 'no-answer';
    const status = exchange.response.status;
    if (status === 429) return 'rate-limited';
    if (status >= 200 && status < 300) return 'token';
    if (endpoint === 'authorization' && status >= 300 && status < 400 && !redirectsWithError(exchange)) return 'token';
    return 'refused';
  };
}

export const readingOf = (endpoint: OAuthEndpoint): SeriesReading => ({ classify: endpointOutcome(endpoint), servedAs: 'served' });

export interface EndpointSeries {
  readonly endpoint: OAuthEndpoint;
  readonly address: string;
  readonly request: HttpRequest;
  readonly result: PacedResult;
  readonly stats: SeriesStats;
  readonly cap: LoadCap;
}

/** One request through the cap (controls, probes), recorded as evidence. */
export async function cappedEndpointRequest(world: CtkWorld, cap: LoadCap, request: HttpRequest, address: string, keepAsLast = true): Promise<Exchange> {
  await cap.acquire();
  return endpointRequestFrom(world, request, address, keepAsLast);
}

/** One request from `address`, its cap slot already taken (sendTogether). */
const endpointRequestFrom = (world: CtkWorld, request: HttpRequest, address: string, keepAsLast: boolean): Promise<Exchange> =>
  world.send({ ...request, ...sendFrom(address), timeoutMs: world.target.limits.requestTimeoutMs }, { keepAsLast });

/** The positive control: the endpoint serves the kit's request from the run's own address before any load. */
async function servesTheRequest(world: CtkWorld, endpoint: OAuthEndpoint, cap: LoadCap, request: HttpRequest): Promise<Unavailable | undefined> {
  const control = await cappedEndpointRequest(world, cap, request, OWN_ADDRESS, false);
  if (endpointOutcome(endpoint)(control) === 'token') return undefined;
  return {
    reason: `${nameOf(endpoint)} does not serve the kit's request before any load (${describeOutcome(control)}), so a refusal under load would prove nothing`,
    remedy: endpoint === 'authorization' ? 'check idp.authorizationEndpoint and clients.web in the target profile' : `check the ${endpoint === 'jwks' ? 'jwksUri' : 'discoveryUrl'} in the target profile`,
  };
}

/** After a series from the run's own address: its limit is over before the scenario ends (see the header). */
async function releaseOwnAddress(world: CtkWorld, address: string, result: PacedResult): Promise<void> {
  if (address !== OWN_ADDRESS) return;
  await restOwnAddress(world, address, result);
  await ownAddressQuiet();
}

/** The limit's worth, evenly paced just under the stated limit per second, from one address. */
async function sendAtTheEndpointLimit(world: CtkWorld, endpoint: OAuthEndpoint, address: string): Promise<EndpointSeries | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const refused = loadAtTheLimitRefused(world, limit);
  if (refused) return refused;
  const request = endpointRequest(world, endpoint);
  if (isUnavailable(request)) return request;
  const pacing = withinLimitPacing(limit);
  const planned = planLoad(world, {
    purpose: `${limit} requests to ${nameOf(endpoint)} at the stated limit (${limit}/s, paced 5 % under it), after one from the run's own address`,
    requests: limit + 1,
    url: request.url,
    sourceAddresses: [address],
    ratePerSecond: 1000 / pacing.intervalMs,
    withinSeconds: (limit * pacing.intervalMs) / 1000 + (2 * world.target.limits.requestTimeoutMs) / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const control = await servesTheRequest(world, endpoint, planned.cap, request);
  if (control) return control;
  await restOwnAddress(world, address);
  // From the run's own address, the control itself counted: its window ends before the series.
  if (address === OWN_ADDRESS) await new Promise((resolve) => setTimeout(resolve, 1100));
  const result = await sendPacedRequests(world, planned.cap, {
    count: limit,
    intervalMs: pacing.intervalMs,
    minSpacingMs: pacing.minSpacingMs,
    sourceAddress: address,
    request,
    classify: endpointOutcome(endpoint),
  });
  return { endpoint, address, request, result, stats: statsOf(result.records, pacing.fullGapMs, readingOf(endpoint)), cap: planned.cap };
}

/**
 * The within-the-limit series measured honestly (as sendAtTheLimitMeasured): a machine that could not keep the
 * pace gets another series from another fresh address, up to three in all; spare addresses only when needed.
 */
export async function sendAtTheEndpointLimitMeasured(world: CtkWorld, endpoint: OAuthEndpoint, first: string, alone: string, attempts = 3): Promise<EndpointSeries | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(
    world,
    first,
    attempts,
    (address) => sendAtTheEndpointLimit(world, endpoint, address),
    (series) => keptThePace(series.stats, limit, alone),
    (address, series) => releaseOwnAddress(world, address, series.result),
  );
}

/** How many 429 answers end a burst early: enough to see the limit, no more load. */
const STOP_AFTER_429 = 5;

/**
 * A burst far beyond the limit: three times the limit at four times the limit per second (or the cap's pace if
 * lower), stopping after a few 429s — from the address of a series that came before, or from a fresh one.
 */
export async function burstBeyondTheEndpointLimit(world: CtkWorld, endpoint: OAuthEndpoint, address: string, control = true): Promise<EndpointSeries | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  const request = endpointRequest(world, endpoint);
  if (isUnavailable(request)) return request;
  const count = 3 * limit;
  const intervalMs = Math.max(1000 / world.target.limits.maxRequestsPerSecond, 1000 / (4 * limit));
  const planned = planLoad(world, {
    purpose: `a burst of requests to ${nameOf(endpoint)} beyond the stated limit of ${limit}/s (stops after ${STOP_AFTER_429} × 429)`,
    requests: count + PROBE_RESERVE + 1,
    url: request.url,
    sourceAddresses: [address],
    ratePerSecond: 1000 / intervalMs,
    withinSeconds: (count * intervalMs) / 1000 + world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  if (control) {
    const refused = await servesTheRequest(world, endpoint, planned.cap, request);
    if (refused) return refused;
  }
  const result = await sendPacedRequests(world, planned.cap, {
    count,
    intervalMs,
    minSpacingMs: intervalMs * 0.5,
    sourceAddress: address,
    request,
    classify: endpointOutcome(endpoint),
    stopAfter429: STOP_AFTER_429,
  });
  await releaseOwnAddress(world, address, result);
  return { endpoint, address, request, result, stats: statsOf(result.records, 0, readingOf(endpoint)), cap: planned.cap };
}

/**
 * REQ-RL-09..11 measured honestly: a burst sent too slowly to judge is sent again from another fresh address
 * (burstJudged), with the positive control a fresh address needs.
 */
export async function burstBeyondTheEndpointLimitMeasured(world: CtkWorld, endpoint: OAuthEndpoint, first: string, control = true, attempts = 3): Promise<EndpointSeries | Unavailable> {
  const limit = statedLimit(world);
  if (isUnavailable(limit)) return limit;
  return measuredSeries(
    world,
    first,
    attempts,
    (address) => burstBeyondTheEndpointLimit(world, endpoint, address, control || address !== first),
    (series) => burstJudged(series.stats, limit),
  );
}

/** The bystander's positive control: the endpoint serves a request from `address` before the check. */
export async function endpointBystanderBaseline(world: CtkWorld, endpoint: OAuthEndpoint, address: string): Promise<Unavailable | undefined> {
  const request = endpointRequest(world, endpoint);
  if (isUnavailable(request)) return request;
  const planned = planLoad(world, {
    purpose: `a request to ${nameOf(endpoint)} from a second client IP, to see it is served before the check`,
    requests: 1,
    url: request.url,
    sourceAddresses: [address],
    ratePerSecond: 1,
    withinSeconds: world.target.limits.requestTimeoutMs / 1000,
  });
  if (isUnavailable(planned)) return planned;
  const baseline = await cappedEndpointRequest(world, planned.cap, request, address, false);
  if (endpointOutcome(endpoint)(baseline) === 'token') return undefined;
  return {
    reason: `${nameOf(endpoint)} does not serve ${address} before the check (${describeOutcome(baseline)}), so its answer later would prove nothing`,
    remedy: 'check sourceAddresses in the target profile',
  };
}

/** REQ-RL-12: at the same moment, once from the limited address and once from the second. */
export async function askBothAtTheEndpoint(world: CtkWorld, series: EndpointSeries, second: string): Promise<{ first: Exchange; second: Exchange }> {
  const [first, other] = await sendTogether(series.cap, [
    () => endpointRequestFrom(world, series.request, series.address, false),
    () => endpointRequestFrom(world, series.request, second, true),
  ]);
  return { first: first!, second: other! };
}

const POLL_MS = 250;

/**
 * REQ-RL-13: waits what the last 429 asked for (a valid Retry-After, else one second: the seed's limit is per
 * second), then asks every 250 ms until served or the wait plus its tolerance is over; never before the wait is over,
 * so a limiter that counts refused requests is not kept closed by the kit itself.
 */
export async function waitUntilTheEndpointServesAgain(world: CtkWorld, burst: EndpointSeries): Promise<Recovery | Unavailable> {
  const classify = endpointOutcome(burst.endpoint);
  const refusals = burst.result.records.filter((r) => classify(r.exchange) === 'rate-limited');
  const last = refusals[refusals.length - 1];
  if (!last) return { reason: `the burst met no 429 at ${nameOf(burst.endpoint)}, so there is no limit to recover from`, remedy: 'see REQ-RL-09 to REQ-RL-11' };
  const headers = last.exchange.response!.headers;
  const asked = retryAfterSeconds(headers['retry-after'], Date.now(), headers.date) ?? 1;
  if (asked > MAX_RETRY_WAIT_SECONDS) {
    return { reason: `${nameOf(burst.endpoint)} asks to retry after ${asked} s, longer than the kit waits (${MAX_RETRY_WAIT_SECONDS} s)`, remedy: 'run this check against a target with a shorter rate-limit window' };
  }
  const lastAnswerAt = burst.result.origin + last.doneAt;
  const waitMs = Math.max(1, asked) * 1000;
  const deadline = lastAnswerAt + waitMs + recoveryToleranceMs(waitMs);
  const attempts: Exchange[] = [];
  await pauseUntil(lastAnswerAt + waitMs);
  while (true) {
    const exchange = await cappedEndpointRequest(world, burst.cap, burst.request, burst.address);
    attempts.push(exchange);
    if (classify(exchange) === 'token') return { served: true, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    if (performance.now() + POLL_MS > deadline) return { served: false, waitedMs: performance.now() - lastAnswerAt, askedWaitSeconds: asked, attempts };
    await pauseFor(POLL_MS);
  }
}
