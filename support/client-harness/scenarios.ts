/**
 * The situations the harness puts a client in. Each is a script for the harness's servers (what the IdP and
 * API do, and when), how the client is asked to call (AUTH_CTK_CALLS / AUTH_CTK_INTERVAL_MS), and when the
 * harness has seen enough to stop it. Short token lifetimes keep every scenario to a few seconds.
 */
import type { ApiAction, IdpAction, ServerScript } from './servers.ts';
import type { RecordedRequest, Timeline } from './timeline.ts';

export interface ScenarioContext {
  readonly timeline: Timeline;
  /** IdP outage window, once it started (ms since the run started). */
  readonly outage: { from?: number; to?: number };
  /** The scenario's disruption window (API down, IP blocked), once it started. */
  readonly disruption: { from?: number; to?: number };
}

/**
 * A stretch of time in which the harness makes one or both of its servers unreachable: the API closes every
 * request unanswered (seed 002: the services are down), or the IdP and the API reset every connection
 * (seed 001: a blocked IP sees connection errors). It starts when `startWhen` first holds.
 */
export interface Disruption {
  readonly kind: 'api-down' | 'ip-block';
  readonly ms: number;
  readonly startWhen: (ctx: ScenarioContext) => boolean;
}

export interface ClientScenario {
  readonly name: string;
  /** One line: what the harness does to the client in this scenario (goes into the evidence). */
  readonly description: string;
  readonly ttlSeconds: number;
  readonly calls: number;
  readonly intervalMs: number;
  /** Hard bound on the run, from the client's start; then SIGTERM. */
  readonly maxMs: number;
  readonly script: Omit<ServerScript, 'ttlSeconds'>;
  /** The IdP goes down right after it issued its first token, for this long. */
  readonly outageMs?: number;
  /** The API goes down, or the client's IP is blocked, for a while (see Disruption). */
  readonly disruption?: Disruption;
  /** True once the harness has observed what the scenario's checks need: the client is stopped early. */
  readonly enough: (ctx: ScenarioContext) => boolean;
  /** Numbers the checks use (retry-after seconds, recovery bound): part of the scenario, not of the judge. */
  readonly params: Readonly<Record<string, number>>;
}

/** How long after the IdP returns a client has to fetch a new token and call the API successfully. */
export const RECOVERY_MS = 8_000;
/** Pause between calls the harness asks for: short, so a few seconds hold many calls. */
const INTERVAL_MS = 100;
/** A client that sends more than this many requests in one scenario is looping: the harness stops it. */
export const FLOOD_LIMIT = 400;
/** How long a client told to make N calls may take to exit after reporting the last one. */
export const EXIT_AFTER_LAST_CALL_MS = 2_000;

const results = (ctx: ScenarioContext) => ctx.timeline.results().length;
const firstWith = (ctx: ScenarioContext, pick: (r: RecordedRequest) => boolean) => ctx.timeline.requests().find(pick);
const since = (ctx: ScenarioContext, at: number | undefined, ms: number) => at !== undefined && ctx.timeline.now() >= at + ms;

/** A client left alone: long-lived tokens, a fixed number of calls, then it exits by itself. */
export function steady(calls = 5, ttlSeconds = 60): ClientScenario {
  return {
    name: 'steady',
    description: `tokens live ${ttlSeconds} s; the client makes ${calls} calls and exits`,
    ttlSeconds,
    calls,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: {},
    // It should exit by itself after its last call; give it EXIT_AFTER_LAST_CALL_MS to do so.
    enough: (ctx) => since(ctx, ctx.timeline.results()[calls - 1]?.at, EXIT_AFTER_LAST_CALL_MS),
    params: { calls, ttlSeconds },
  };
}

/** Calls until told to stop: the harness sends SIGTERM after `afterResults` results. */
export function untilStopped(afterResults = 3): ClientScenario {
  return {
    name: 'until-sigterm',
    description: `tokens live 60 s; the client calls until SIGTERM, sent after ${afterResults} results`,
    ttlSeconds: 60,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: {},
    enough: (ctx) => results(ctx) >= afterResults,
    params: { afterResults },
  };
}

/** The API answers call `atCall` with a 307 to another host (127.0.0.2): the token must not follow. */
export function redirectToForeignHost(atCall = 2): ClientScenario {
  return {
    name: 'redirect-to-foreign-host',
    description: `the API answers API request #${atCall} with 307 Location: another host`,
    ttlSeconds: 60,
    calls: atCall + 2,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: { api: (n): ApiAction | undefined => (n === atCall ? { kind: 'redirect-foreign' } : undefined) },
    enough: (ctx) => results(ctx) >= atCall + 2,
    params: { atCall },
  };
}

/**
 * Tokens live `ttlSeconds`; the client calls until the harness has seen its first renewal and, when the renewal
 * came before expiry, enough of its API calls after the new token was delivered to see which token they carry
 * (renewedTokenUse); or until the first token expired a second ago without a renewal.
 */
export function renewal(ttlSeconds = 5): ClientScenario {
  return {
    name: 'renewal',
    description: `tokens live ${ttlSeconds} s (expires_in ${ttlSeconds}); the client calls every ${INTERVAL_MS} ms`,
    ttlSeconds,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: ttlSeconds * 1000 * 2 + 10_000,
    script: {},
    enough: (ctx) => {
      const first = ctx.timeline.tokens[0];
      if (!first) return false;
      const use = renewedTokenUse(ctx.timeline);
      if (!use?.renewal) return ctx.timeline.now() >= first.expiresAt + 1_000;
      // A renewal after expiry fails REQ-CLI-07 whatever the client does next: nothing more to watch.
      if (use.renewal.at >= first.expiresAt) return true;
      if (!use.fresh) return false;
      return use.after.length >= RENEWAL_USE_CALLS || ctx.timeline.now() >= use.fresh.issuedAt + RENEWAL_USE_WATCH_MS;
    },
    params: { ttlSeconds },
  };
}

/**
 * A call the client had already sent when the renewed token reached it carries the old token, rightly. Such a
 * call is told apart by order and by time, both needed on a loaded 2-core machine:
 * - order: the first API request that arrives after the harness sent the new token may have been sent before
 *   the client read it; a request arriving after the harness ANSWERED that one was sent after the client got that
 *   answer, which the harness wrote after the token response, and (for a client following the contract) after
 *   the 100 ms pause between calls, in which its event loop has read the token response;
 * - time: RENEWAL_USE_GRACE_MS after the token response was sent, for a client whose calls overlap or that
 *   stores the token asynchronously (400 ms, the renewal window's late tolerance: the same scheduling delays).
 */
export const RENEWAL_USE_GRACE_MS = 400;
/** Calls after that point that show which token the client now uses (the scenario stops once it has them). */
export const RENEWAL_USE_CALLS = 3;
/** A client that makes no call for this long after the new token was delivered is not watched longer. */
const RENEWAL_USE_WATCH_MS = 3_000;

/**
 * The first renewal (the first token request after token#1 was issued), the token it delivered, and the API
 * calls the client sent after it surely had that token (see RENEWAL_USE_GRACE_MS): `stale` are those that still
 * carried a token issued before the renewal's.
 */
export function renewedTokenUse(timeline: Timeline) {
  const first = timeline.tokens[0];
  if (!first) return undefined;
  const renewal = timeline.requests('idp').find((r) => r.at > first.issuedAt);
  const fresh = renewal?.response?.issued;
  if (!renewal || !fresh) return { first, renewal, fresh: undefined, after: [] as RecordedRequest[], stale: [] as RecordedRequest[] };
  const api = timeline.requests('api');
  const inFlight = api.find((r) => r.at > fresh.issuedAt);
  const settledAt = inFlight?.response ? Math.max(inFlight.response.at, fresh.issuedAt + RENEWAL_USE_GRACE_MS) : undefined;
  const after = settledAt === undefined ? [] : api.filter((r) => r.at > settledAt);
  const older = new Set(timeline.tokens.filter((t) => t.issuedAt < fresh.issuedAt).map((t) => t.value));
  const stale = after.filter((r) => r.bearer !== undefined && older.has(r.bearer));
  return { first, renewal, fresh, inFlight, settledAt, after, stale };
}

/** The API refuses API request #atCall with 401 invalid_token (and revokes that token). */
export function invalidTokenOnce(atCall = 2): ClientScenario {
  return {
    name: 'invalid-token-once',
    description: `the API answers API request #${atCall} with 401 WWW-Authenticate: Bearer error="invalid_token" and revokes that token`,
    ttlSeconds: 60,
    calls: atCall + 3,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: {
      api: (n): ApiAction | undefined => (n === atCall ? { kind: 'refuse', status: 401, error: 'invalid_token' } : undefined),
    },
    enough: (ctx) => results(ctx) >= atCall + 3,
    params: { atCall },
  };
}

/** The API refuses every call with 401 invalid_token, whatever token it carries. */
export function invalidTokenAlways(observeMs = 2_000): ClientScenario {
  return {
    name: 'invalid-token-always',
    description: 'the API answers every request with 401 WWW-Authenticate: Bearer error="invalid_token"',
    ttlSeconds: 60,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: { api: (): ApiAction => ({ kind: 'refuse', status: 401, error: 'invalid_token' }) },
    enough: (ctx) => since(ctx, firstWith(ctx, (r) => r.server === 'api')?.at, observeMs),
    params: { observeMs },
  };
}

/** From API request #fromCall on, the API refuses with 403 insufficient_scope or 400 invalid_request. */
export function refusing(status: 403 | 400, fromCall = 2, observeMs = 2_000): ClientScenario {
  const error = status === 403 ? 'insufficient_scope' : 'invalid_request';
  return {
    name: `refusing-${status}`,
    description: `the API answers API request #${fromCall} and later with ${status} WWW-Authenticate: Bearer error="${error}"`,
    ttlSeconds: 60,
    calls: fromCall + 5,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: { api: (n): ApiAction | undefined => (n >= fromCall ? { kind: 'refuse', status, error } : undefined) },
    enough: (ctx) =>
      results(ctx) >= fromCall + 5 ||
      since(ctx, firstWith(ctx, (r) => r.server === 'api' && r.response?.status === status)?.at, observeMs),
    params: { status, fromCall, observeMs },
  };
}

/** The token endpoint or the API answers one request with 429 and Retry-After. */
export function rateLimited(server: 'idp' | 'api', retryAfterSeconds = 2): ClientScenario {
  const at = server === 'idp' ? 1 : 2;
  const limited = (ctx: ScenarioContext) => firstWith(ctx, (r) => r.server === server && r.response?.status === 429);
  return {
    name: `rate-limited-${server}`,
    description: `the ${server === 'idp' ? 'token endpoint' : 'API'} answers ${server === 'idp' ? 'token' : 'API'} request #${at} with 429 Retry-After: ${retryAfterSeconds}`,
    ttlSeconds: 60,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: retryAfterSeconds * 1000 + 12_000,
    script:
      server === 'idp'
        ? { idp: (n): IdpAction | undefined => (n === at ? { kind: 'rate-limit', retryAfterSeconds } : undefined) }
        : { api: (n): ApiAction | undefined => (n === at ? { kind: 'rate-limit', retryAfterSeconds } : undefined) },
    enough: (ctx) => {
      const r429 = limited(ctx);
      if (!r429) return false;
      const next = ctx.timeline.requests(server).find((r) => r.at > r429.at);
      // Seen the next request to the limited server and one API call after it; or waited long enough.
      const apiAfter = next && ctx.timeline.requests('api').some((r) => r.at > next.at && r.response?.status === 200);
      return Boolean(apiAfter) || since(ctx, r429.at, retryAfterSeconds * 1000 + 3_000);
    },
    params: { retryAfterSeconds, at },
  };
}

/** The IdP goes down right after issuing the first token (lifetime ttlSeconds), for outageMs, then returns. */
export function idpOutage(ttlSeconds = 2, outageMs = 4_000): ClientScenario {
  return {
    name: 'idp-outage',
    description: `tokens live ${ttlSeconds} s; right after the first token the IdP closes every token request for ${outageMs / 1000} s, then answers again`,
    ttlSeconds,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: outageMs + RECOVERY_MS + 10_000,
    script: {},
    outageMs,
    enough: (ctx) => {
      const back = ctx.outage.to;
      if (back === undefined) return false;
      if (ctx.timeline.now() >= back + RECOVERY_MS) return true;
      return recoveredAfter(ctx.timeline, back) !== undefined;
    },
    params: { ttlSeconds, outageMs, recoveryMs: RECOVERY_MS },
  };
}

/**
 * Recovery after `back`: a token issued after it, an API call with that token answered 200, and then a result
 * line from the API. Returns the three events, or undefined.
 */
export function recoveredAfter(timeline: Timeline, back: number) {
  const token = timeline.tokens.find((t) => t.issuedAt >= back);
  if (!token) return undefined;
  const call = timeline.requests('api').find((r) => r.bearer === token.value && r.response?.status === 200);
  if (!call) return undefined;
  const result = timeline.results().find((r) => r.at >= call.at && r.line.source === 'api' && (r.line.status ?? 0) >= 200 && (r.line.status ?? 0) < 300);
  if (!result) return undefined;
  return { token, call, result };
}

// ---- issue 22: what seeds 001 and 002 leave to the client when things go wrong (REQ-CLI-16..21) ---------------------

/**
 * The client reported a call the API served with 200: it works, and the answer has reached it (starting the
 * disruption on the harness's own 200 could reset the connection before that answer is written).
 */
const apiServed = (ctx: ScenarioContext) => ctx.timeline.results().some((r) => r.line.source === 'api' && r.line.status === 200);

/** From API request #fromCall on, the API answers 401 with a bare `Bearer realm="..."` challenge: no error details. */
export function bareUnauthorized(fromCall = 2, observeMs = 2_000): ClientScenario {
  return {
    name: 'refusing-401-bare',
    description: `the API answers API request #${fromCall} and later with 401 WWW-Authenticate: Bearer realm="auth-ctk-harness" (no error attribute)`,
    ttlSeconds: 60,
    calls: fromCall + 5,
    intervalMs: INTERVAL_MS,
    maxMs: 15_000,
    script: { api: (n): ApiAction | undefined => (n >= fromCall ? { kind: 'refuse-bare' } : undefined) },
    enough: (ctx) =>
      results(ctx) >= fromCall + 5 || since(ctx, firstWith(ctx, (r) => r.server === 'api' && r.response?.status === 401)?.at, observeMs),
    params: { status: 401, fromCall, observeMs },
  };
}

/**
 * How many connection attempts per second, per server, a client that backs off makes at most while its IP is
 * blocked (REQ-CLI-18). The harness asks for a call every 100 ms: a client that tries once per call makes 10.
 * Exponential back-off from 500 ms makes about 1.
 */
export const BLOCKED_ATTEMPTS_PER_SECOND = 2;

/**
 * Seed 001's IP block: tokens live `ttlSeconds` (so the client needs the token endpoint during the block); after
 * the first API call answered 200 the IdP and the API reset every connection for `blockMs`, then accept again.
 */
export function ipBlocked(ttlSeconds = 2, blockMs = 3_000): ClientScenario {
  return {
    name: 'ip-blocked',
    description: `tokens live ${ttlSeconds} s; once the client reported a 200 from the API, the IdP and the API reset every connection for ${blockMs / 1000} s (the client's IP is blocked)`,
    ttlSeconds,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: blockMs + 12_000,
    script: {},
    disruption: { kind: 'ip-block', ms: blockMs, startWhen: apiServed },
    enough: (ctx) => since(ctx, ctx.disruption.to, 200),
    params: { ttlSeconds, blockMs, perSecond: BLOCKED_ATTEMPTS_PER_SECOND },
  };
}

/** How many token requests per second a client whose secret was refused (invalid_client) still makes at most (REQ-CLI-19). */
export const REJECTED_ATTEMPTS_PER_SECOND = 1;

/**
 * Seed 002's secret rotation seen from a client that still has the old secret: the first token is issued
 * (lifetime `ttlSeconds`), every later token request is answered 401 invalid_client. Observed for
 * `observeMs` after the first invalid_client.
 */
export function secretRotated(ttlSeconds = 2, observeMs = 4_000): ClientScenario {
  const firstRejection = (ctx: ScenarioContext) => firstWith(ctx, (r) => r.server === 'idp' && r.response?.status === 401);
  return {
    name: 'secret-rotated',
    description: `tokens live ${ttlSeconds} s; the secret is rotated after the first token: every later token request is answered 401 invalid_client`,
    ttlSeconds,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: ttlSeconds * 1000 + observeMs + 10_000,
    script: { idp: (n): IdpAction | undefined => (n >= 2 ? { kind: 'reject-client' } : undefined) },
    enough: (ctx) => {
      const rejected = firstRejection(ctx);
      if (rejected) return since(ctx, rejected.at, observeMs);
      // A client that never asks again cannot be judged; give up 3 s after its token expired.
      const first = ctx.timeline.tokens[0];
      return first !== undefined && ctx.timeline.now() >= first.expiresAt + 3_000;
    },
    params: { ttlSeconds, observeMs, perSecond: REJECTED_ATTEMPTS_PER_SECOND },
  };
}

/** After the first API call answered 200, the API closes every request unanswered for `outageMs`, then answers again. */
export function apiOutage(outageMs = 4_000): ClientScenario {
  return {
    name: 'api-outage',
    description: `tokens live 60 s; once the client reported a 200 from the API, the API closes every request for ${outageMs / 1000} s, then answers again`,
    ttlSeconds: 60,
    calls: 0,
    intervalMs: INTERVAL_MS,
    maxMs: outageMs + RECOVERY_MS + 10_000,
    script: {},
    disruption: { kind: 'api-down', ms: outageMs, startWhen: apiServed },
    enough: (ctx) => {
      const back = ctx.disruption.to;
      if (back === undefined) return false;
      return ctx.timeline.now() >= back + RECOVERY_MS || apiRecoveredAfter(ctx.timeline, back) !== undefined;
    },
    params: { outageMs, recoveryMs: RECOVERY_MS },
  };
}

/** After `back`: an API request answered 200, then a result line from the API with a 2xx. */
export function apiRecoveredAfter(timeline: Timeline, back: number) {
  const call = timeline.requests('api').find((r) => r.at >= back && r.response?.status === 200);
  if (!call) return undefined;
  const result = timeline.results().find((r) => r.at >= call.at && r.line.source === 'api' && (r.line.status ?? 0) >= 200 && (r.line.status ?? 0) < 300);
  return result ? { call, result } : undefined;
}
