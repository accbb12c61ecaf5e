/**
 * Judges: one function per requirement, reading a recorded run and saying whether the client did what the
 * clause asks. Each returns what a conforming client does (`expected`), what this one did (`observed`, with
 * the timeline lines that show it, redacted) and whether it held; or "not testable" when the run never
 * reached the situation the requirement is about (the client died before the 401 was served, ...).
 * The steps hand judgements to check(), which grades a miss by the requirement's level.
 */
import { ITEMS_PATH } from './contract.ts';
import { apiRecoveredAfter, recoveredAfter, renewedTokenUse, RENEWAL_USE_GRACE_MS } from './scenarios.ts';
import { describeExit, type ClientRun } from './run.ts';
import { describeEvent, type RecordedRequest, type TimelineEvent } from './timeline.ts';

export type Judgement =
  | {
      readonly kind: 'judged';
      readonly requirement: string;
      readonly expected: string;
      readonly observed: string;
      readonly holds: boolean;
    }
  | { readonly kind: 'not-testable'; readonly requirement: string; readonly reason: string; readonly remedy?: string };

/**
 * Scheduling tolerances for the renewal window (REQ-CLI-08), for a loaded 2-core machine:
 * - early: a client may count the lifetime from when it SENT the token request (conservative), so its
 *   renewal can come one token round trip before the harness's 80% mark; 150 ms covers a slow first request.
 * - late: timers fire late under load and the request needs a moment to arrive; 400 ms of a 5 s lifetime.
 */
export const RENEWAL_EARLY_TOLERANCE_MS = 150;
export const RENEWAL_LATE_TOLERANCE_MS = 400;
/** Retry-After is whole seconds; the harness's clock and the client's may differ by timer granularity. */
export const RETRY_AFTER_TOLERANCE_MS = 50;

const judged = (requirement: string, expected: string, holds: boolean, observed: string): Judgement => ({
  kind: 'judged',
  requirement,
  expected,
  observed,
  holds,
});
const notTestable = (requirement: string, reason: string, remedy?: string): Judgement => ({
  kind: 'not-testable',
  requirement,
  reason,
  ...(remedy ? { remedy } : {}),
});

/** A few timeline lines, redacted, to quote in a finding. */
function lines(run: ClientRun, events: readonly (TimelineEvent | undefined)[]): string {
  return events
    .filter((e): e is TimelineEvent => e !== undefined)
    .slice(0, 4)
    .map((e) => describeEvent(e, run.timeline, run.secret).replace(/\s+/g, ' ').trim())
    .join(' | ');
}

const ms = (n: number) => `${Math.round(n)} ms`;

/** How the client ended, for "not testable" reasons and observations: exit and the last stderr line. */
function clientState(run: ClientRun): string {
  const stderr = run.timeline.events.filter((e) => e.kind === 'output' && e.stream === 'stderr' && e.text.trim());
  const telling = stderr.filter((e) => e.kind === 'output' && /\b(error|exception|fatal|panic|refused|denied)\b/i.test(e.text)).at(-1) ?? stderr.at(-1);
  const tail = telling ? `; stderr: ${describeEvent(telling, run.timeline, run.secret).split('stderr: ').slice(1).join('stderr: ').trim().slice(0, 200)}` : '';
  return `${describeExit(run.exit)}${tail}`;
}

function contractRemedy(): string {
  return 'make the client follow the harness contract (README, "Certifying a client"); REQ-CLI-01 reports what is missing';
}

const api = (run: ClientRun) => run.timeline.requests('api');
const idp = (run: ClientRun) => run.timeline.requests('idp');
const paramsOf = (r: RecordedRequest) => {
  try {
    return new URLSearchParams(r.body);
  } catch {
    return new URLSearchParams();
  }
};
const queryOf = (r: RecordedRequest) => new URL(r.url, 'http://h').searchParams;

// ---- REQ-CLI-01: the harness contract ------------------------------------------------------------------------

/** The client made its calls and reported one well-formed result line per call (steady: AUTH_CTK_CALLS=n). */
export function judgeContractCalls(run: ClientRun): Judgement {
  const calls = run.scenario.params.calls ?? 0;
  const expected = `the client starts, calls GET ${ITEMS_PATH} ${calls} times, prints one JSON result line per call ({"call":1..${calls},"source":...}) and exits with code 0`;
  const results = run.timeline.results();
  const numbers = results.map((r) => r.line.call);
  const garbage = run.timeline.events.filter((e) => e.kind === 'output' && e.stream === 'stdout').length;
  const problems: string[] = [];
  if (api(run).length === 0) problems.push('it made no API call');
  const missing = Array.from({ length: calls }, (_, i) => i + 1).filter((n) => !numbers.includes(n));
  if (missing.length > 0) problems.push(`no result line for call ${missing.join(', ')} (${results.length} result lines${garbage ? `, ${garbage} other stdout lines` : ''})`);
  if (numbers.length !== new Set(numbers).size) problems.push(`some calls were reported twice (${numbers.join(', ')})`);
  if (run.stopRequestedAt !== undefined) problems.push(`it did not exit by itself after ${calls} calls (the harness stopped it: ${run.endedBecause})`);
  else if (!run.exit.spawnError && run.exit.code !== 0) problems.push(`exit code ${run.exit.code ?? run.exit.signal}`);
  if (run.exit.spawnError) return judged('REQ-CLI-01', expected, false, `it could not be started (${run.exit.spawnError})`);
  return judged('REQ-CLI-01', expected, problems.length === 0, problems.length ? `${problems.join('; ')} — ${clientState(run)}` : `${calls} calls reported; ${describeExit(run.exit)}`);
}

/** The client stops when the harness sends SIGTERM (AUTH_CTK_CALLS=0), within the grace period. */
export function judgeContractStop(run: ClientRun, graceMs: number): Judgement {
  const expected = `with AUTH_CTK_CALLS=0 the client keeps calling until SIGTERM, then exits within ${graceMs / 1000} s`;
  if (run.exit.spawnError) return judged('REQ-CLI-01', expected, false, `it could not be started (${run.exit.spawnError})`);
  if (run.stopRequestedAt === undefined) {
    return judged('REQ-CLI-01', expected, false, `it stopped before the harness asked it to, after ${run.timeline.results().length} result lines: ${clientState(run)}`);
  }
  const took = run.exit.at - run.stopRequestedAt;
  return judged('REQ-CLI-01', expected, !run.exit.killed, run.exit.killed ? `it ignored SIGTERM and was killed after ${ms(took)}` : `it exited ${ms(took)} after SIGTERM`);
}

// ---- REQ-CLI-02..05: how tokens are obtained and where credentials go -----------------------------------------

export function judgeTokenBeforeFirstCall(run: ClientRun): Judgement {
  const expected = 'the first API call comes after a token was issued, and every API call carries a token the IdP issued';
  const calls = api(run);
  if (calls.length === 0) return notTestable('REQ-CLI-02', `the client made no API call: ${clientState(run)}`, contractRemedy());
  const first = calls[0]!;
  const firstToken = run.timeline.tokens[0];
  if (!firstToken || firstToken.issuedAt > first.at) {
    return judged('REQ-CLI-02', expected, false, `it called the API before it had a token: ${lines(run, [first])}`);
  }
  const bare = calls.find((r) => !run.timeline.tokenByValue(r.bearer));
  if (bare) return judged('REQ-CLI-02', expected, false, `an API call without an issued token: ${lines(run, [bare])}`);
  return judged('REQ-CLI-02', expected, true, `token#1 at +${ms(firstToken.issuedAt)}, first API call at +${ms(first.at)}; ${calls.length} calls, each with a token`);
}

export function judgeTokenRequestForm(run: ClientRun): Judgement {
  const expected = 'every token request is a POST with Content-Type application/x-www-form-urlencoded and grant_type=client_credentials in the body';
  const requests = idp(run);
  if (requests.length === 0) return notTestable('REQ-CLI-03', `the client made no token request: ${clientState(run)}`, contractRemedy());
  for (const r of requests) {
    const problems: string[] = [];
    if (r.method !== 'POST') problems.push(`method ${r.method}`);
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(r.headers['content-type'] ?? '')) problems.push(`Content-Type ${r.headers['content-type'] ?? '(none)'}`);
    if (paramsOf(r).get('grant_type') !== 'client_credentials') {
      problems.push(queryOf(r).get('grant_type') ? 'grant_type in the URI, not the body' : `grant_type=${paramsOf(r).get('grant_type') ?? '(missing)'}`);
    }
    if (problems.length) return judged('REQ-CLI-03', expected, false, `token request #${r.n}: ${problems.join(', ')}: ${lines(run, [r])}`);
  }
  return judged('REQ-CLI-03', expected, true, `${requests.length} token requests, all POST form-urlencoded with grant_type=client_credentials`);
}

export function judgeClientAuthentication(run: ClientRun): Judgement {
  const expected = 'each token request authenticates the client one way: HTTP Basic, or client_id and client_secret in the form body; nothing in the URI';
  const requests = idp(run);
  if (requests.length === 0) return notTestable('REQ-CLI-04', `the client made no token request: ${clientState(run)}`, contractRemedy());
  for (const r of requests) {
    const basic = /^basic\s/i.test(r.headers.authorization ?? '');
    const body = paramsOf(r).has('client_secret');
    const inUri = queryOf(r).has('client_secret') || queryOf(r).has('client_id');
    const problem = inUri
      ? 'client credentials in the request URI'
      : basic && body
        ? 'two methods at once (HTTP Basic and client_secret in the body)'
        : !basic && !body
          ? 'no client authentication'
          : undefined;
    if (problem) return judged('REQ-CLI-04', expected, false, `token request #${r.n}: ${problem}: ${lines(run, [r])}`);
  }
  const method = /^basic\s/i.test(requests[0]!.headers.authorization ?? '') ? 'HTTP Basic' : 'credentials in the body';
  return judged('REQ-CLI-04', expected, true, `${requests.length} token requests, each with ${method} only`);
}

/** Every form the secret could take on the wire: raw, URL-encoded, inside a Basic header. */
function carriesSecret(r: RecordedRequest, secret: string): string | undefined {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  const where: [string, string][] = [['URI', r.url], ['body', r.body], ...Object.entries(r.headers).map(([k, v]) => [`header ${k}`, v] as [string, string])];
  for (const [place, text] of where) if (forms.some((f) => text.includes(f))) return place;
  const basic = /^basic\s+(\S+)/i.exec(r.headers.authorization ?? '');
  if (basic && Buffer.from(basic[1]!, 'base64').toString('utf8').includes(secret)) return 'header authorization (Basic)';
  return undefined;
}

export function judgeSecretOnlyToTokenEndpoint(run: ClientRun): Judgement {
  const expected = 'the client secret appears only in requests to the token endpoint';
  const others = run.timeline.requests().filter((r) => r.server !== 'idp');
  if (others.length === 0) return notTestable('REQ-CLI-05', `the client made no API call: ${clientState(run)}`, contractRemedy());
  for (const r of others) {
    const place = carriesSecret(r, run.secret);
    if (place) return judged('REQ-CLI-05', expected, false, `the secret went to the ${r.server === 'api' ? 'API' : 'other host'} in the ${place}: ${lines(run, [r])}`);
  }
  return judged('REQ-CLI-05', expected, true, `${others.length} requests to the API, none with the secret`);
}

export function judgeTokenOnlyToItsApi(run: ClientRun): Judgement {
  const expected = 'after the API redirects to another host, no request to that host carries an access token';
  const atCall = run.scenario.params.atCall ?? 2;
  const redirect = api(run).find((r) => r.n === atCall && r.response?.status === 307);
  if (!redirect) return notTestable('REQ-CLI-06', `the client made fewer than ${atCall} API calls, so the redirect was never served: ${clientState(run)}`, contractRemedy());
  const foreign = run.timeline.requests('foreign');
  const tokens = run.timeline.tokens.map((t) => t.value);
  for (const r of foreign) {
    const text = [r.url, r.body, ...Object.values(r.headers)].join('\n');
    const leaked = r.bearer !== undefined || tokens.some((t) => text.includes(t));
    if (leaked) return judged('REQ-CLI-06', expected, false, `the other host received a token: ${lines(run, [redirect, r])}`);
  }
  return judged('REQ-CLI-06', expected, true, foreign.length ? `followed the redirect ${foreign.length} time(s) without a token` : 'did not follow the redirect (no request reached the other host)');
}

// ---- REQ-CLI-07/08: proactive renewal ------------------------------------------------------------------------------

function renewalObservation(run: ClientRun) {
  const first = run.timeline.tokens[0];
  if (!first) return undefined;
  const renewal = idp(run).find((r) => r.at > first.issuedAt);
  const ranUntil = run.exit.at;
  return { first, renewal, ranUntil };
}

export function judgeRenewsBeforeExpiry(run: ClientRun): Judgement {
  const expected = `a new token is requested before the current one expires, and the API calls the client sends once it has the new token carry it (a call in flight when it arrived may carry the old one: the first API request after delivery, and any within ${RENEWAL_USE_GRACE_MS} ms)`;
  const o = renewalObservation(run);
  if (!o) return notTestable('REQ-CLI-07', `the client obtained no token: ${clientState(run)}`, contractRemedy());
  const { first, renewal } = o;
  if (renewal && renewal.at < first.expiresAt) return judgeRenewedTokenUsed(run, expected, `renewed at +${ms(renewal.at - first.issuedAt)} of a ${first.ttlMs / 1000} s lifetime`);
  if (!renewal && o.ranUntil < first.expiresAt) {
    return notTestable('REQ-CLI-07', `the client stopped ${ms(first.expiresAt - o.ranUntil)} before its token expired: ${clientState(run)}`, contractRemedy());
  }
  const expiredUse = api(run).find((r) => r.bearer === first.value && r.at >= first.expiresAt);
  return judged(
    'REQ-CLI-07',
    expected,
    false,
    `${first.label} (expires_in ${first.ttlMs / 1000} s) expired at +${ms(first.expiresAt)} with no renewal${renewal ? `; the next token request came ${ms(renewal.at - first.expiresAt)} after expiry` : ''}: ${lines(run, [expiredUse, renewal])}`,
  );
}

const s = (at: number) => `${(at / 1000).toFixed(1)} s`;

/**
 * A renewal is a new token in use, not a token request: a client that fetches the new token on time but keeps
 * sending the old one until the API refuses it renewed nothing. Calls in flight when the token arrived are
 * allowed (renewedTokenUse: by order and by time).
 */
function judgeRenewedTokenUsed(run: ClientRun, expected: string, renewed: string): Judgement {
  const use = renewedTokenUse(run.timeline)!;
  if (!use.fresh) {
    return notTestable('REQ-CLI-07', `${renewed}, but the harness saw no answer to that token request before the client stopped, so its use of the new token could not be seen: ${clientState(run)}`, contractRemedy());
  }
  const { first, fresh, after, stale } = use;
  if (after.length === 0) {
    return notTestable(
      'REQ-CLI-07',
      `${renewed}, but the client made no API call after ${fresh.label} was delivered at +${s(fresh.issuedAt)} (beyond the one in flight), so whether it uses the new token could not be seen: ${clientState(run)}`,
      contractRemedy(),
    );
  }
  if (stale.length > 0) {
    const last = stale.at(-1)!;
    const label = run.timeline.tokenByValue(last.bearer)?.label ?? first.label;
    const issuedAt = run.timeline.tokenByValue(last.bearer)?.issuedAt ?? first.issuedAt;
    return judged(
      'REQ-CLI-07',
      expected,
      false,
      `${renewed}, but ${fresh.label} went unused: its calls ${s(last.at - fresh.issuedAt)} after the renewal still carried ${label}, the token issued at +${s(issuedAt)} (${stale.length} of its ${after.length} calls after ${fresh.label} was delivered at +${s(fresh.issuedAt)} and the call in flight was answered): ${lines(run, [use.renewal, use.inFlight, ...stale.slice(0, 2)])}`,
    );
  }
  const carried = [...new Set(after.map((r) => run.timeline.tokenByValue(r.bearer)?.label ?? 'no issued token'))].join(', ');
  return judged('REQ-CLI-07', expected, true, `${renewed}; ${fresh.label} delivered at +${s(fresh.issuedAt)}, and the ${after.length} calls after the one in flight carried ${carried}, none ${first.label}`);
}

/** The renewal request arrives when `fromPercent`-`toPercent` of the first token's lifetime has elapsed (seed 001: 80-90). */
export function judgeRenewalWindow(run: ClientRun, fromPercent = 80, toPercent = 90): Judgement {
  const o = renewalObservation(run);
  if (!o) return notTestable('REQ-CLI-08', `the client obtained no token: ${clientState(run)}`, contractRemedy());
  const { first, renewal } = o;
  const from = (first.ttlMs * fromPercent) / 100;
  const to = (first.ttlMs * toPercent) / 100;
  const expected = `the renewal request arrives when ${fromPercent}-${toPercent}% of the ${first.ttlMs / 1000} s lifetime has elapsed (${ms(from)}-${ms(to)} after issue; tolerance -${RENEWAL_EARLY_TOLERANCE_MS}/+${RENEWAL_LATE_TOLERANCE_MS} ms)`;
  if (!renewal) {
    if (o.ranUntil < first.issuedAt + to + RENEWAL_LATE_TOLERANCE_MS) {
      return notTestable('REQ-CLI-08', `the client stopped at +${ms(o.ranUntil - first.issuedAt)} after its token was issued, before the end of the renewal window: ${clientState(run)}`, contractRemedy());
    }
    return judged('REQ-CLI-08', expected, false, `no renewal at all while the client ran (${ms(o.ranUntil - first.issuedAt)} after issue)`);
  }
  const elapsed = renewal.at - first.issuedAt;
  const pct = Math.round((elapsed / first.ttlMs) * 100);
  const holds = elapsed >= from - RENEWAL_EARLY_TOLERANCE_MS && elapsed <= to + RENEWAL_LATE_TOLERANCE_MS;
  return judged('REQ-CLI-08', expected, holds, `renewal request ${ms(elapsed)} after issue (${pct}% of the lifetime)${holds ? '' : `: ${lines(run, [renewal])}`}`);
}

// ---- REQ-CLI-09/10: 401 invalid_token ------------------------------------------------------------------------------

function refused401(run: ClientRun) {
  const atCall = run.scenario.params.atCall ?? 2;
  return api(run).find((r) => r.n === atCall && r.response?.status === 401);
}

export function judgeReauthOnceAfterInvalidToken(run: ClientRun): Judgement {
  const expected = 'after the 401 error="invalid_token", exactly one token request, before the next API call, whose token that call then carries';
  const refused = refused401(run);
  if (!refused) return notTestable('REQ-CLI-09', `the client made too few API calls for the scripted 401 to be served: ${clientState(run)}`, contractRemedy());
  const after = idp(run).filter((r) => r.at > refused.at);
  const nextCall = api(run).find((r) => r.at > refused.at);
  if (after.length === 0) {
    return judged('REQ-CLI-09', expected, false, `no new token was requested after the 401${nextCall ? `; it called the API again with ${run.timeline.tokenByValue(nextCall.bearer)?.label ?? 'no valid token'}` : ''}: ${lines(run, [refused, nextCall])} — ${clientState(run)}`);
  }
  if (nextCall && nextCall.at < after[0]!.at) {
    return judged('REQ-CLI-09', expected, false, `it called the API again before re-authenticating: ${lines(run, [refused, nextCall, after[0]])}`);
  }
  // Only the token requests up to the next API call answer the 401: a client that takes a token for every call
  // (openid-client's documented use) goes on doing so afterwards, and that is not caused by the refusal.
  const reauth = nextCall ? after.filter((r) => r.at < nextCall.at) : after;
  if (reauth.length > 1) {
    return judged('REQ-CLI-09', expected, false, `${reauth.length} token requests after one 401 before the next API call: ${lines(run, [refused, ...reauth])}`);
  }
  const fresh = run.timeline.tokens.find((t) => t.issuedAt > refused.at);
  if (nextCall && (!fresh || nextCall.bearer !== fresh.value)) {
    return judged('REQ-CLI-09', expected, false, `the next API call did not carry the new token: ${lines(run, [refused, after[0], nextCall])}`);
  }
  return judged('REQ-CLI-09', expected, true, `one token request ${ms(after[0]!.at - refused.at)} after the 401, then the API again with ${fresh?.label ?? 'a new token'}`);
}

export function judgeNoReauthLoopOnInvalidToken(run: ClientRun): Judgement {
  const expected = 'when the API refuses every token with 401 invalid_token, at most one re-authentication and one retry per call (2 token requests per call at most: the refused token is replaced, once)';
  const first = api(run).find((r) => r.response?.status === 401);
  if (!first) return notTestable('REQ-CLI-09', `the client made no API call: ${clientState(run)}`, contractRemedy());
  const tokensAfter = idp(run).filter((r) => r.at > first.at).length;
  const calls = Math.max(run.timeline.results().filter((r) => r.at > first.at).length, 1);
  const apiAfter = api(run).filter((r) => r.at >= first.at).length;
  const holds = tokensAfter <= 2 * calls + 2 && apiAfter <= 2 * calls + 2;
  return judged('REQ-CLI-09', expected, holds, `${tokensAfter} token requests and ${apiAfter} API requests for ${calls} reported calls${run.endedBecause.startsWith('flood') ? ' (the harness stopped the flood)' : ''}`);
}

export function judgeRetryAfterReauth(run: ClientRun): Judgement {
  const expected = 'the call refused with 401 invalid_token is sent again with the new token, and the application sees its 200 (result line {"source":"api","status":200})';
  const refused = refused401(run);
  if (!refused) return notTestable('REQ-CLI-10', `the client made too few API calls for the scripted 401 to be served: ${clientState(run)}`, contractRemedy());
  const fresh = run.timeline.tokens.find((t) => t.issuedAt > refused.at);
  if (!fresh) return notTestable('REQ-CLI-10', 'the client obtained no new token after the 401, so there was nothing to retry with (REQ-CLI-09 reports it)');
  const reported = run.timeline.results().find((r) => r.at > refused.at);
  if (!reported) return notTestable('REQ-CLI-10', `the client reported no result after the 401: ${clientState(run)}`, contractRemedy());
  const retry = api(run).find((r) => r.at > fresh.issuedAt && r.bearer === fresh.value && r.method === refused.method && r.url === refused.url && r.at <= reported.at);
  const ok = reported.line.source === 'api' && (reported.line.status ?? 0) >= 200 && (reported.line.status ?? 0) < 300;
  return judged(
    'REQ-CLI-10',
    expected,
    ok && retry !== undefined,
    ok && retry ? `retried ${ms(retry.at - refused.at)} after the 401 with ${fresh.label}; the application saw ${JSON.stringify(reported.line)}` : `the application saw ${JSON.stringify(reported.line)} for the refused call: ${lines(run, [refused, retry])}`,
  );
}

// ---- REQ-CLI-11/12: 403 insufficient_scope, 400 invalid_request ----------------------------------------------------

function refusals(run: ClientRun) {
  const status = run.scenario.params.status;
  const first = api(run).find((r) => r.response?.status === status);
  if (!first) return undefined;
  const tokensAfter = idp(run).filter((r) => r.at > first.at);
  const apiAfter = api(run).filter((r) => r.at >= first.at);
  const reported = run.timeline.results().filter((r) => r.at > first.at).length;
  return { status, first, tokensAfter, apiAfter, reported };
}

export function judgeNoLoopOnRefusal(run: ClientRun): Judgement {
  const s = refusals(run);
  const status = run.scenario.params.status;
  const expected = `after ${status} responses, at most one new token and one retry per refused call (no loop)`;
  if (!s) return notTestable('REQ-CLI-11', `the client made too few API calls for the scripted ${status} to be served: ${clientState(run)}`, contractRemedy());
  const calls = Math.max(s.reported, 1);
  const holds = s.tokensAfter.length <= calls + 1 && s.apiAfter.length <= 2 * calls + 2;
  return judged('REQ-CLI-11', expected, holds, `${s.tokensAfter.length} token requests and ${s.apiAfter.length} API requests after the first ${status}, for ${s.reported} reported calls${holds ? '' : `: ${lines(run, [s.first, ...s.tokensAfter.slice(0, 2)])}`}`);
}

export function judgeNoReauthOnRefusal(run: ClientRun): Judgement {
  const s = refusals(run);
  const status = run.scenario.params.status;
  const expected = `no token request because of a ${status} (a new token does not change scope or fix a malformed request)`;
  if (!s) return notTestable('REQ-CLI-12', `the client made too few API calls for the scripted ${status} to be served: ${clientState(run)}`, contractRemedy());
  // A client that takes a new token for every call did so before the refusals too: then the refusals are to blame
  // only for token requests beyond one per later call.
  const idpBefore = idp(run).filter((r) => r.at < s.first.at).length;
  const apiBefore = api(run).filter((r) => r.at < s.first.at).length;
  const perCall = apiBefore >= 1 && idpBefore >= apiBefore + 1;
  const allowed = perCall ? Math.max(s.apiAfter.length - 1, 0) : 0;
  const holds = s.tokensAfter.length <= allowed;
  const habit = perCall ? ` (it took a token for each of its ${apiBefore + 1} calls up to the first ${status}, so one per later call is its habit, not the refusal's doing)` : '';
  return judged(
    'REQ-CLI-12',
    expected,
    holds,
    holds
      ? `${s.tokensAfter.length} token requests in ${s.apiAfter.length} refused calls${habit}`
      : `${s.tokensAfter.length} token requests after the first ${status}${habit}: ${lines(run, [s.first, s.tokensAfter[0]])}`,
  );
}

// ---- REQ-CLI-13: Retry-After ---------------------------------------------------------------------------------------

export function judgeRetryAfter(run: ClientRun, server: 'idp' | 'api'): Judgement {
  const seconds = run.scenario.params.retryAfterSeconds ?? 2;
  const name = server === 'idp' ? 'token endpoint' : 'API';
  const expected = `no request to the ${name} until ${seconds} s (Retry-After: ${seconds}) after its 429`;
  const limited = run.timeline.requests(server).find((r) => r.response?.status === 429);
  if (!limited) return notTestable('REQ-CLI-13', `the client never sent the request the ${name} was to refuse with 429: ${clientState(run)}`, contractRemedy());
  const answeredAt = limited.response!.at;
  const next = run.timeline.requests(server).find((r) => r.at > limited.at);
  if (!next) return judged('REQ-CLI-13', expected, true, `no further request to the ${name} in the ${ms(run.exit.at - answeredAt)} after the 429`);
  const waited = next.at - answeredAt;
  const holds = waited >= seconds * 1000 - RETRY_AFTER_TOLERANCE_MS;
  return judged('REQ-CLI-13', expected, holds, `next request to the ${name} ${ms(waited)} after the 429${holds ? '' : `: ${lines(run, [limited, next])}`}`);
}

// ---- REQ-CLI-14/15: the IdP is down (seed 002) -----------------------------------------------------------------------

export function judgeServedWhileIdpDown(run: ClientRun): Judgement {
  const first = run.timeline.tokens[0];
  const { from, to } = run.outage;
  if (!first || from === undefined || to === undefined) return notTestable('REQ-CLI-14', `the client obtained no token, so the outage never started: ${clientState(run)}`, contractRemedy());
  const expected = `while the IdP is down (+${ms(from)} to +${ms(to)}) every call is served, from the API with the still-valid token or from the cache, and calls go on after the token expired (+${ms(first.expiresAt)})`;
  const during = run.timeline.results().filter((r) => r.at >= from && r.at <= to);
  const unserved = during.find((r) => !(r.line.source === 'cache' || (r.line.source === 'api' && (r.line.status ?? 0) >= 200 && (r.line.status ?? 0) < 300)));
  if (unserved) return judged('REQ-CLI-14', expected, false, `call ${unserved.line.call} was not served: ${JSON.stringify(unserved.line)} at +${ms(unserved.at)}`);
  const afterExpiry = during.filter((r) => r.at >= first.expiresAt + 300);
  if (afterExpiry.length === 0) {
    return judged('REQ-CLI-14', expected, false, `no call was reported between the token's expiry and the IdP's return (${during.length} results during the outage): ${clientState(run)}`);
  }
  const fromCache = during.filter((r) => r.line.source === 'cache').length;
  return judged('REQ-CLI-14', expected, true, `${during.length} calls served during the outage (${fromCache} from the cache, ${during.length - fromCache} from the API)`);
}

export function judgeRecoversWhenIdpReturns(run: ClientRun): Judgement {
  const recoveryMs = run.scenario.params.recoveryMs ?? 8_000;
  const back = run.outage.to;
  const expected = `within ${recoveryMs / 1000} s after the IdP is back, a new token is obtained and an API call with it succeeds (result {"source":"api","status":200})`;
  if (back === undefined) return notTestable('REQ-CLI-15', `the client obtained no token, so the outage never started: ${clientState(run)}`, contractRemedy());
  const recovered = recoveredAfter(run.timeline, back);
  if (recovered && recovered.result.at - back <= recoveryMs) {
    return judged('REQ-CLI-15', expected, true, `${recovered.token.label} ${ms(recovered.token.issuedAt - back)} after the IdP returned; API answered 200 ${ms(recovered.call.at - back)} after`);
  }
  const attempts = idp(run).filter((r) => r.at >= back);
  const lastDown = idp(run).filter((r) => r.at < back).at(-1);
  const why = attempts.length === 0
    ? `no token request after the IdP returned (last attempt at +${lastDown ? ms(lastDown.at) : '-'}, during the outage)`
    : `token requests after the return: ${attempts.length}, but no successful API call with a new token`;
  return judged('REQ-CLI-15', expected, false, `${why}; ${clientState(run)}`);
}

// ---- REQ-CLI-16: a 401 without error details (seed 001: "may require further investigation") ----------------------

export function judgeNoLoopOnBare401(run: ClientRun): Judgement {
  const expected = 'after 401 responses with no error in WWW-Authenticate, at most one new token and one retry per refused call (no re-authentication loop)';
  const first = api(run).find((r) => r.response?.status === 401);
  if (!first) return notTestable('REQ-CLI-16', `the client made too few API calls for the scripted 401 to be served: ${clientState(run)}`, contractRemedy());
  const tokensAfter = idp(run).filter((r) => r.at > first.at);
  const apiAfter = api(run).filter((r) => r.at >= first.at);
  const reported = run.timeline.results().filter((r) => r.at > first.at).length;
  const calls = Math.max(reported, 1);
  const holds = tokensAfter.length <= calls + 1 && apiAfter.length <= 2 * calls + 2;
  const flood = run.endedBecause.startsWith('flood') ? ' (the harness stopped the flood)' : '';
  return judged(
    'REQ-CLI-16',
    expected,
    holds,
    `${tokensAfter.length} token requests and ${apiAfter.length} API requests after the first bare 401, for ${reported} reported calls${flood}${holds ? '' : `: ${lines(run, [first, ...tokensAfter.slice(0, 2)])}`}`,
  );
}

// ---- REQ-CLI-17/18: the client's IP is blocked (seed 001: "connection errors, ssl/tls handshake errors") -------------

function blockWindow(run: ClientRun) {
  const { from } = run.disruption;
  if (from === undefined) return undefined;
  const to = run.disruption.to ?? run.exit.at;
  // Tenths of a second: a block of 3000.4 ms is a 3 s block, not a 3.0004 s one (the bound rounds up).
  const seconds = Math.max(Math.round((to - from) / 100) / 10, 0.1);
  const attempts = (server: 'idp' | 'api') => run.timeline.refusedConnections(server).filter((c) => c.at >= from && c.at <= to);
  const calls = run.timeline.results().filter((r) => r.at >= from && r.at <= to).length;
  return { from, to, seconds, calls, attempts: { idp: attempts('idp'), api: attempts('api') } };
}

/** At most this many attempts per server in the block: `perSecond` over its length, plus the first attempt. */
function backoffBound(seconds: number, perSecond: number): number {
  return Math.ceil(seconds * perSecond) + 1;
}

const notBlocked = (requirement: string, run: ClientRun) =>
  notTestable(requirement, `the client never reported a call the API served with 200, so its IP was never blocked: ${clientState(run)}`, contractRemedy());

export function judgeNoReconnectLoopWhenBlocked(run: ClientRun): Judgement {
  const w = blockWindow(run);
  if (!w) return notBlocked('REQ-CLI-17', run);
  const perSecond = run.scenario.params.perSecond ?? 2;
  const pace = backoffBound(w.seconds, perSecond);
  const expected = `while every connection is reset (${ms(w.to - w.from)}), per server no more connection attempts than one try and two retries per call the client reports (3 × calls + 2: a call in flight at the block's end is not reported yet), unless they stay within a back-off pace (${perSecond}/s: ${pace})`;
  const bound = Math.max(3 * w.calls + 2, pace);
  const over = (['idp', 'api'] as const).filter((s) => w.attempts[s].length > bound);
  const counts = `${w.attempts.idp.length} connection attempts to the IdP and ${w.attempts.api.length} to the API in ${w.seconds.toFixed(1)} s, ${w.calls} calls reported`;
  const flood = run.endedBecause.startsWith('flood') ? ' (the harness stopped the flood)' : '';
  return judged('REQ-CLI-17', expected, over.length === 0, over.length ? `${counts}: more than ${bound} to the ${over.map((s) => (s === 'idp' ? 'IdP' : 'API')).join(' and ')}${flood}` : counts);
}

export function judgeBacksOffWhenBlocked(run: ClientRun): Judgement {
  const w = blockWindow(run);
  if (!w) return notBlocked('REQ-CLI-18', run);
  const perSecond = run.scenario.params.perSecond ?? 2;
  const bound = backoffBound(w.seconds, perSecond);
  const expected = `while every connection is reset (${ms(w.to - w.from)}), at most ${perSecond} connection attempts a second to each server (${bound} in the block), whatever the application's pace`;
  const over = (['idp', 'api'] as const).filter((s) => w.attempts[s].length > bound);
  const counts = `${w.attempts.idp.length} connection attempts to the IdP and ${w.attempts.api.length} to the API in ${w.seconds.toFixed(1)} s (${w.calls} calls reported)`;
  return judged('REQ-CLI-18', expected, over.length === 0, over.length ? `${counts}: more than ${bound} to the ${over.map((s) => (s === 'idp' ? 'IdP' : 'API')).join(' and ')}` : counts);
}

// ---- REQ-CLI-19: invalid_client after a secret rotation --------------------------------------------------------------

export function judgeStopsAfterInvalidClient(run: ClientRun): Judgement {
  const observeMs = run.scenario.params.observeMs ?? 4_000;
  const perSecond = run.scenario.params.perSecond ?? 1;
  // One a second over the window, plus one: a retry straight after the refusal, then back-off, is not a loop.
  const allowed = Math.floor((observeMs / 1000) * perSecond) + 1;
  const expected = `after the token endpoint's first 401 invalid_client, at most ${allowed} more token requests in the next ${observeMs / 1000} s (${perSecond} a second, plus one at once): the rejected secret is not sent again and again`;
  const rejected = idp(run).find((r) => r.response?.status === 401);
  if (!rejected) {
    return notTestable('REQ-CLI-19', `the client asked for no second token, so the rotated secret was never refused (${idp(run).length} token requests): ${clientState(run)}`, contractRemedy());
  }
  const end = Math.min(rejected.at + observeMs, run.exit.at);
  const again = idp(run).filter((r) => r.at > rejected.at && r.at <= rejected.at + observeMs);
  if (again.length <= allowed && end < rejected.at + observeMs - 500) {
    return notTestable('REQ-CLI-19', `the client stopped ${ms(end - rejected.at)} after the first invalid_client, before the ${observeMs / 1000} s the check watches: ${clientState(run)}`, contractRemedy());
  }
  const holds = again.length <= allowed;
  return judged(
    'REQ-CLI-19',
    expected,
    holds,
    `${again.length} token requests in the ${ms(end - rejected.at)} after the first invalid_client${holds ? '' : `: ${lines(run, [rejected, ...again.slice(0, 3)])}`}`,
  );
}

// ---- REQ-CLI-20/21: the API is down (seed 002: "any of these services are down") --------------------------------------

export function judgeServedWhileApiDown(run: ClientRun): Judgement {
  const { from, to } = run.disruption;
  if (from === undefined || to === undefined) {
    return notTestable('REQ-CLI-20', `the client never reported a call the API served with 200, so the API never went down: ${clientState(run)}`, contractRemedy());
  }
  const expected = `while the API is down (+${ms(from)} to +${ms(to)}) the client goes on reporting calls, each served (from its cache)`;
  const during = run.timeline.results().filter((r) => r.at > from && r.at <= to);
  const served = (line: { source: string; status?: number }) => line.source === 'cache' || (line.source === 'api' && (line.status ?? 0) >= 200 && (line.status ?? 0) < 300);
  const unserved = during.find((r) => !served(r.line));
  if (unserved) return judged('REQ-CLI-20', expected, false, `call ${unserved.line.call} was not served: ${JSON.stringify(unserved.line)} at +${ms(unserved.at)}`);
  if (during.length === 0) return judged('REQ-CLI-20', expected, false, `no call was reported while the API was down: ${clientState(run)}`);
  const fromCache = during.filter((r) => r.line.source === 'cache').length;
  return judged('REQ-CLI-20', expected, true, `${during.length} calls served while the API was down (${fromCache} from the cache)`);
}

export function judgeRecoversWhenApiReturns(run: ClientRun): Judgement {
  const recoveryMs = run.scenario.params.recoveryMs ?? 8_000;
  const back = run.disruption.to;
  const expected = `within ${recoveryMs / 1000} s after the API is back, the client calls it again and the application sees its 200 (result {"source":"api","status":200})`;
  if (back === undefined) return notTestable('REQ-CLI-21', `the client never reported a call the API served with 200, so the API never went down: ${clientState(run)}`, contractRemedy());
  const recovered = apiRecoveredAfter(run.timeline, back);
  if (recovered && recovered.result.at - back <= recoveryMs) {
    return judged('REQ-CLI-21', expected, true, `API answered 200 ${ms(recovered.call.at - back)} after it returned; reported ${ms(recovered.result.at - back)} after`);
  }
  const attempts = api(run).filter((r) => r.at >= back);
  const why = attempts.length === 0 ? 'no API request after the API returned' : `${attempts.length} API requests after the return, none answered 200 and reported`;
  return judged('REQ-CLI-21', expected, false, `${why}; ${clientState(run)}`);
}
