import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadCap, LoadBudgetExhaustedError, loadSwitchedOff } from '../support/load/load-cap.ts';
import { addressBudget, addressPool, SourceAddressAllocator, workerShare } from '../support/load/source-addresses.ts';
import {
  beyondLimitThreshold,
  judgeBeyondLimit,
  judgeWithinLimit,
  retryAfterSeconds,
  statsOf,
  withinLimitPacing,
  type TimedExchange,
} from '../support/load/rate-analysis.ts';
import type { Exchange } from '../support/http/exchange.ts';
import type { TargetDescription } from '../support/target/target.ts';
import { endpointOutcome, endpointRequest } from '../support/load/oauth-endpoint-limits.ts';
import type { CtkWorld } from '../support/world.ts';
import { fakeClock } from './helpers/fake-clock.ts';


test('the cap never lets more than maxRequestsPerSecond leave within any one-second window', async () => {
  const clock = fakeClock();
  const cap = new LoadCap({ maxRequestsPerSecond: 10, maxRequestsPerRun: 1000 }, { id: 0, total: 1 }, clock);
  const times: number[] = [];
  for (let i = 0; i < 35; i++) {
    await cap.acquire();
    times.push(clock.t);
  }
  for (let i = 0; i < times.length; i++) {
    const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
    assert.ok(inWindow <= 10, `${inWindow} sends within one second from ${times[i]} ms`);
  }
  assert.equal(cap.used, 35);
  assert.ok(clock.t >= 3000, 'the 35 sends took at least three seconds');
});

test('concurrent acquire() calls cannot share a slot', async () => {
  const clock = fakeClock();
  const cap = new LoadCap({ maxRequestsPerSecond: 5, maxRequestsPerRun: 100 }, { id: 0, total: 1 }, clock);
  const times: number[] = [];
  await Promise.all(Array.from({ length: 12 }, () => cap.acquire().then(() => times.push(clock.t))));
  assert.equal(times.filter((t) => t < 1000).length, 5);
});

test('the run budget is never exceeded: remaining tells a plan before it starts, acquire refuses after', async () => {
  const cap = new LoadCap({ maxRequestsPerSecond: 100, maxRequestsPerRun: 3 }, { id: 0, total: 1 }, fakeClock());
  assert.equal(cap.remaining, 3);
  await cap.acquire();
  await cap.acquire();
  await cap.acquire();
  assert.equal(cap.remaining, 0);
  await assert.rejects(cap.acquire(), LoadBudgetExhaustedError);
  await assert.rejects(cap.acquire(), LoadBudgetExhaustedError);
});

test('parallel workers share both limits', () => {
  const cap = new LoadCap({ maxRequestsPerSecond: 200, maxRequestsPerRun: 5000 }, { id: 1, total: 4 });
  assert.equal(cap.perSecond, 50);
  assert.equal(cap.perRun, 1250);
  assert.deepEqual(workerShare({ CUCUMBER_WORKER_ID: '2', CUCUMBER_TOTAL_WORKERS: '3' }), { id: 2, total: 3 });
  assert.deepEqual(workerShare({}), { id: 0, total: 1 });
});

const target = (tokenEndpoint: string, sourceAddresses: string[], capabilities: Record<string, boolean> = { 'ip-blocking': true }): TargetDescription =>
  ({ name: 't', tokenEndpoint, sourceAddresses, authorizationEndpoint: tokenEndpoint, capabilities }) as unknown as TargetDescription;

test('source addresses: a blocking loopback target gives the load checks the first half (the rest is others\'), workers get disjoint shares, none is handed out twice', () => {
  const addresses = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 2}`);
  const t = target('http://127.0.0.1:8080/token', addresses);
  const all = addressPool(t, { id: 0, total: 1 });
  assert.deepEqual(all, addresses.slice(0, 8));
  const w0 = addressPool(t, { id: 0, total: 2 });
  const w1 = addressPool(t, { id: 1, total: 2 });
  assert.deepEqual([...w0, ...w1].sort(), [...all].sort());
  assert.equal(w0.filter((a) => w1.includes(a)).length, 0);
  const allocator = new SourceAddressAllocator(w0);
  const handed = [allocator.allocate(), allocator.allocate(), allocator.allocate(), allocator.allocate()];
  assert.equal(new Set(handed).size, 4);
  assert.equal(allocator.allocate(), undefined);
});

test('source addresses over the shared cursor: any worker may take any address of the list, and none is handed out twice', async () => {
  const { Worker } = await import('node:worker_threads');
  const { sharedAddressCursor } = await import('../support/load/source-addresses.ts');
  const pool = Array.from({ length: 300 }, (_, i) => `127.0.${1 + Math.floor(i / 200)}.${2 + (i % 200)}`);
  const buffer = new SharedArrayBuffer(64);
  // One worker that runs the whole burst chain may use the whole list, not 1/n of it.
  const alone = new SourceAddressAllocator(pool.slice(0, 10), sharedAddressCursor('alone|token', new SharedArrayBuffer(64)));
  const tookAlone = Array.from({ length: 10 }, () => alone.allocate());
  assert.equal(new Set(tookAlone).size, 10);
  assert.equal(alone.remaining, 0);
  assert.equal(alone.allocate(), undefined);
  // Three threads taking as fast as they can.
  const taken = await Promise.all(
    Array.from({ length: 3 }, () => new Promise<string[]>((resolve, reject) => {
      const worker = new Worker(new URL('./helpers/take-addresses.ts', import.meta.url), { workerData: { buffer, pool } });
      worker.once('message', resolve);
      worker.once('error', reject);
    })),
  );
  const all = taken.flat();
  assert.equal(all.length, pool.length, `taken ${taken.map((t) => t.length).join(' + ')}`);
  assert.equal(new Set(all).size, pool.length, 'no address handed out twice');
  assert.equal(sharedAddressCursor('x', undefined), undefined, 'no shared memory offered: each worker keeps its share');
});

test('source addresses: loopback addresses are not offered for a target that is not on loopback', () => {
  assert.deepEqual(addressPool(target('https://idp.example.com/token', ['127.0.0.2', '10.1.2.3', '10.1.2.4', '10.1.2.5']), { id: 0, total: 1 }), ['10.1.2.3', '10.1.2.4', '10.1.2.5']);
});

test('source addresses are budgeted across the run: only what the others can use is kept from the load checks', () => {
  const eight = Array.from({ length: 8 }, (_, i) => `10.0.0.${i + 11}`);
  // A remote canvas: failed logins and the browser cannot use them (they would not be distinct there): all 8 to load.
  const remote = addressBudget(target('https://idp.example.com/token', eight));
  assert.deepEqual(remote, { load: eight, failures: [], browser: [] });
  // A loopback target that does not block: one address takes every failure, the browser keeps its two.
  const loop = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
  const lenient = addressBudget(target('http://127.0.0.1:8080/token', loop, {}));
  assert.deepEqual(lenient.browser, ['127.0.0.8', '127.0.0.9']);
  assert.deepEqual(lenient.failures, ['127.0.0.7']);
  assert.deepEqual(lenient.load, loop.slice(0, 5));
  // A blocking one: failures need rations of failedAttempts - 1, so they keep the upper half below the browser's.
  const blocking = addressBudget(target('http://127.0.0.1:8080/token', loop));
  assert.deepEqual(blocking, { load: loop.slice(0, 4), failures: ['127.0.0.6', '127.0.0.7'], browser: ['127.0.0.8', '127.0.0.9'] });
  for (const b of [remote, lenient, blocking]) {
    const all = [...b.load, ...b.failures, ...b.browser];
    assert.equal(new Set(all).size, all.length, 'no address has two users');
  }
});

// --- rate analysis ------------------------------------------------------------------------------------------

const answer = (status: number, headers: Record<string, string> = {}): Exchange => ({
  request: { method: 'POST', url: 'http://idp.invalid/token' },
  response: {
    status,
    headers,
    rawHeaders: Object.entries(headers),
    body: status === 200 ? JSON.stringify({ access_token: 'x', token_type: 'Bearer' }) : JSON.stringify({ error: 'too_many_requests' }),
  },
  startedAt: 0,
  durationMs: 1,
});
const noAnswer: Exchange = { request: { method: 'POST', url: 'http://idp.invalid/token' }, transportError: { code: 'ECONNRESET', message: 'reset' }, startedAt: 0, durationMs: 1 };

/** `count` requests every `interval` ms, each answered `latency` ms later with `outcome(i)`. */
function series(count: number, interval: number, outcome: (i: number) => Exchange, latency = 5): TimedExchange[] {
  return Array.from({ length: count }, (_, i) => ({ index: i, sentAt: i * interval, doneAt: i * interval + latency, exchange: outcome(i) }));
}

test('within the limit: all served at the pace passes; any refusal fails; too slow a pace is not testable', () => {
  const { intervalMs } = withinLimitPacing(50);
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs, () => answer(200))), 50).verdict, 'pass');
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs, (i) => answer(i === 49 ? 429 : 200))), 50).verdict, 'fail');
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs, (i) => (i === 10 ? noAnswer : answer(200)))), 50).verdict, 'fail');
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs * 2, () => answer(200))), 50).verdict, 'not-testable');
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs, () => noAnswer)), 50).verdict, 'not-testable');
});

test('the within-the-limit pace: scheduled under the limit, catch-up gaps bounded', () => {
  const { intervalMs, minSpacingMs, fullGapMs } = withinLimitPacing(50);
  assert.ok(intervalMs > 1000 / 50);
  assert.equal(fullGapMs, 1000 / 50);
  assert.ok(minSpacingMs < fullGapMs && minSpacingMs >= fullGapMs / 2);
});

test('within the limit: a refusal right after the kit\'s own catch-up gap is not held against the target', () => {
  const { intervalMs, fullGapMs } = withinLimitPacing(50);
  // Request 20 went out 15 ms after request 19 (a late timer caught up with) and was refused.
  const records = series(50, intervalMs, (i) => answer(i === 20 ? 429 : 200)).map((r) => (r.index === 20 ? { ...r, sentAt: r.sentAt - 6 } : r));
  assert.equal(judgeWithinLimit(statsOf(records, fullGapMs), 50).verdict, 'not-testable');
  // The same refusal after a full gap is a finding.
  assert.equal(judgeWithinLimit(statsOf(series(50, intervalMs, (i) => answer(i === 20 ? 429 : 200)), fullGapMs), 50).verdict, 'fail');
});

test('beyond the limit: any 429 passes; none at a rate every common limiter refuses fails; none at a lower rate is not testable', () => {
  assert.equal(judgeBeyondLimit(statsOf(series(60, 5, (i) => answer(i >= 50 ? 429 : 200))), 50).verdict, 'pass');
  // 150 at 200/s: 150 handled in the first second, more than 2 x 50 + 5.
  assert.equal(judgeBeyondLimit(statsOf(series(150, 5, () => answer(200))), 50).verdict, 'fail');
  // 150 at 100/s: only 100 in the first second: a fixed window straddling two windows could admit them all.
  assert.equal(judgeBeyondLimit(statsOf(series(150, 10, () => answer(200))), 50).verdict, 'not-testable');
  // The excess refused, but not with 429.
  assert.equal(judgeBeyondLimit(statsOf(series(150, 5, (i) => (i >= 50 ? answer(503) : answer(200)))), 50).verdict, 'fail');
  // Slow answers: a request counts in the first second only when its answer also came within it.
  assert.equal(statsOf(series(150, 5, () => answer(200), 900)).handledInFirstSecond, 20);
  assert.equal(beyondLimitThreshold(50), 105);
});

test('beyond the limit: a 429 that comes only after more than twice the limit was served within one second fails', () => {
  // @fastify/rate-limit set to max 50 where the profile claims 20/s (product matrix, fastify-rate-limit): a burst of
  // 60 at 80/s from a fresh IP, 50 served, then 429 — a limit exists, but 2.5 times the stated one.
  const overAdmitting = statsOf(series(60, 12.5, (i) => answer(i >= 50 ? 429 : 200)));
  assert.equal(overAdmitting.mostServedInOneSecond, 50);
  const verdict = judgeBeyondLimit(overAdmitting, 20);
  assert.equal(verdict.verdict, 'fail');
  assert.match(verdict.detail, /50 token\(s\) within one second, more than 42 .* before the 429s/);
  // A fixed window straddled by the burst admits 2N within one second: that is the stated limit, and passes.
  const straddled = statsOf(series(60, 12.5, (i) => answer(i < 40 ? 200 : 429)));
  assert.equal(judgeBeyondLimit(straddled, 20).verdict, 'pass');
  // The stated limit exactly (fastify-rate-limit as configured): 20 served, then 429.
  assert.equal(judgeBeyondLimit(statsOf(series(60, 12.5, (i) => answer(i < 20 ? 200 : 429))), 20).verdict, 'pass');
  // Served requests count only when their whole exchange lies within the second: slow answers cannot make a false alarm.
  assert.equal(judgeBeyondLimit(statsOf(series(60, 12.5, (i) => answer(i >= 50 ? 429 : 200), 700)), 20).verdict, 'pass');
});

test('Retry-After: delay-seconds and HTTP-dates are read; anything else is invalid', () => {
  assert.equal(retryAfterSeconds('1'), 1);
  assert.equal(retryAfterSeconds(' 120 '), 120);
  const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
  assert.equal(retryAfterSeconds('Sun, 06 Nov 1994 08:49:37 GMT', now), 7);
  assert.equal(retryAfterSeconds('Sunday, 06-Nov-94 08:49:37 GMT', now), 7);
  assert.equal(retryAfterSeconds('Sun Nov  6 08:49:37 1994', now), 7);
  assert.equal(retryAfterSeconds('Sun, 06 Nov 1994 08:49:37 GMT', 0, 'Sun, 06 Nov 1994 08:49:35 GMT'), 2);
  for (const bad of [undefined, '', '-1', '1.5', 'soon', '2024-01-01T00:00:00Z']) assert.equal(retryAfterSeconds(bad), undefined, String(bad));
});

test('a target whose load caps are 0 (loadScenarios off) gets no load at all, with the remedy', () => {
  const off = loadSwitchedOff({ limits: { maxRequestsPerSecond: 0, maxRequestsPerRun: 0 } } as unknown as TargetDescription);
  assert.match(off?.remedy ?? '', /loadScenarios: true/);
  assert.equal(loadSwitchedOff({ limits: { maxRequestsPerSecond: 200, maxRequestsPerRun: 5000 } } as unknown as TargetDescription), undefined);
});

test('the other OAuth endpoints (issue 22): what counts as served, and the authorization request goes to the IdP itself', () => {
  const answer = (status: number, headers: Record<string, string> = {}, url = 'http://idp.test/auth?client_id=web'): Exchange =>
    ({ request: { method: 'GET', url }, response: { status, headers, rawHeaders: [], body: '' }, startedAt: 0, durationMs: 1 }) as Exchange;
  const authorization = endpointOutcome('authorization');
  assert.equal(authorization(answer(200)), 'token', 'a login page');
  assert.equal(authorization(answer(303, { location: '/interaction/abc' })), 'token', 'a redirect to the login page');
  assert.equal(authorization(answer(302, { location: 'http://127.0.0.1/callback?error=temporarily_unavailable&state=s' })), 'refused', 'an OAuth error is no service');
  assert.equal(authorization(answer(302, { location: 'http://127.0.0.1/callback#error=server_error' })), 'refused', 'nor in the fragment');
  assert.equal(authorization(answer(429)), 'rate-limited');
  assert.equal(endpointOutcome('jwks')(answer(302, { location: '/elsewhere' })), 'refused', 'the JWKS serves with a 2xx only');
  assert.equal(endpointOutcome('discovery')(answer(200)), 'token');
  assert.equal(endpointOutcome('discovery')({ request: { method: 'GET', url: 'x' }, transportError: { code: 'ECONNRESET', message: '' }, startedAt: 0, durationMs: 1 }), 'no-answer');

  const target = {
    authorizationEndpoint: 'http://idp.test/auth',
    browserLogin: { loginUrl: 'http://front.test/login', extraParams: { audience: 'api' } },
    clients: { web: { clientId: 'web', clientSecret: '', scopes: ['openid'], redirectUri: 'http://127.0.0.1/cb' } },
    jwksUri: 'http://idp.test/jwks',
  };
  const request = endpointRequest({ target } as unknown as CtkWorld, 'authorization');
  assert.ok('url' in request);
  const url = new URL(request.url);
  assert.equal(url.origin + url.pathname, 'http://idp.test/auth', 'never the front end\'s login URL');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('audience'), 'api');
  const none = endpointRequest({ target: { ...target, authorizationEndpoint: undefined } } as unknown as CtkWorld, 'authorization');
  assert.ok('reason' in none && /idp\.authorizationEndpoint/.test(none.remedy));
  const noDiscovery = endpointRequest({ target } as unknown as CtkWorld, 'discovery');
  assert.ok('reason' in noDiscovery && /discoveryUrl/.test(noDiscovery.remedy));
});

test('beyond the limit, measured: a burst the machine sent too slowly to judge is sent again from a fresh address; a 429 is judged at once', async () => {
  const { burstJudged, measuredSeries } = await import('../support/load/rate-limit.ts');
  const addresses = Array.from({ length: 8 }, (_, i) => `127.0.9.${i + 2}`);
  const logs: string[] = [];
  const world = { target: target('http://127.0.0.1:8181/token', addresses, {}), log: (line: string) => logs.push(line) } as unknown as CtkWorld;
  // CI, loaded: 60 sent at 40/s (not the 80/s planned) against a gateway that never refuses: 32 handled within one second.
  const tooSlow = statsOf(series(60, 25, () => answer(200), 200));
  const fastEnough = statsOf(series(60, 5, () => answer(200)));
  assert.equal(burstJudged(tooSlow, 20), false);
  assert.equal(burstJudged(fastEnough, 20), true);
  const sentFrom: string[] = [];
  const attempts = [tooSlow, fastEnough];
  const judged = await measuredSeries(world, 'first', 3, async (address) => ({ address, stats: attempts[sentFrom.push(address) - 1]! }), (s) => burstJudged(s.stats, 20));
  assert.equal(sentFrom.length, 2);
  assert.notEqual(sentFrom[1], 'first', 'the second burst comes from a fresh address');
  assert.equal(judgeBeyondLimit((judged as { stats: typeof fastEnough }).stats, 20).verdict, 'fail', 'the gateway without a limit is caught');
  assert.match(logs.join('\n'), /could not keep the pace from first/);
  // A burst that met a 429 is judged on the first attempt.
  sentFrom.length = 0;
  const limited = statsOf(series(60, 16, (i) => answer(i >= 20 ? 429 : 200), 200));
  await measuredSeries(world, 'first', 3, async (address) => ({ address, stats: [limited][sentFrom.push(address) - 1]! }), (s) => burstJudged(s.stats, 20));
  assert.deepEqual(sentFrom, ['first']);
});

test('a bystander asked when the first address was served again: the burst is sent once more from a fresh address and both ask again; not testable only if that fails too', async () => {
  const { askTheBystanderWhileLimited } = await import('../support/load/bystander.ts');
  const addresses = Array.from({ length: 8 }, (_, i) => `127.0.9.${i + 2}`);
  const logs: string[] = [];
  const world = { target: target('http://127.0.0.1:8181/token', addresses, {}), log: (line: string) => logs.push(line) } as unknown as CtkWorld;
  const metA429 = statsOf(series(60, 5, (i) => answer(i >= 50 ? 429 : 200)));
  const noLimit = statsOf(series(60, 5, () => answer(200)));
  const limitedWhenAsked = (answers: number[][], again = metA429) => {
    const asked: string[] = [];
    const bursts: string[] = [];
    return {
      asked,
      bursts,
      question: {
        series: { address: 'first', stats: metA429 },
        second: 'bystander',
        // Each round: [the limited address's status, the bystander's status] — a limiter counting every IP together.
        askBoth: async (series: { address: string }) => {
          const [first, second] = answers[asked.push(series.address) - 1]!;
          return { first: answer(first!), second: answer(second!) };
        },
        stillLimited: (_series: { address: string }, first: Exchange) => first.response?.status === 429,
        burstAgain: async (address: string) => (bursts.push(address), { address, stats: again }),
        alone: '--tags @REQ-RL-07',
      },
    };
  };
  // The window reset before the question (first served, bystander served): the second burst shows the shared counter.
  const straddled = limitedWhenAsked([[200, 200], [429, 429]]);
  const caught = await askTheBystanderWhileLimited(world, straddled.question);
  assert.ok(!('reason' in caught));
  assert.equal(straddled.bursts.length, 1);
  assert.ok(!['first', 'bystander'].includes(straddled.bursts[0]!), 'the burst is sent again from a fresh address');
  assert.deepEqual(straddled.asked, ['first', straddled.bursts[0]]);
  assert.equal((caught as { second: Exchange }).second.response?.status, 429, 'the bystander refused while the new address is limited: the verdict can fail');
  assert.equal((caught as { series: { address: string } }).series.address, straddled.bursts[0], 'the verdict names the address that was limited');
  assert.match(logs.join('\n'), /first was served again .* sent once more from 127\.0\.9\./);
  // Limited at once: no second burst.
  const atOnce = limitedWhenAsked([[429, 200]]);
  assert.ok(!('reason' in (await askTheBystanderWhileLimited(world, atOnce.question))));
  assert.deepEqual(atOnce.bursts, []);
  // Served again both times: not testable, saying what the first address got each time.
  const never = limitedWhenAsked([[200, 200], [200, 200]]);
  const why = await askTheBystanderWhileLimited(world, never.question);
  assert.ok('reason' in why);
  assert.match(why.reason, /no longer rate-limited when the second asked \(it got HTTP 200, also after the burst was sent again from 127\.0\.9\.\d+\)/);
  assert.match(why.remedy, /--tags @REQ-RL-07/);
  // A burst sent again that meets no 429 proves nothing either.
  const unlimited = limitedWhenAsked([[200, 200]], noLimit);
  const noLimitAgain = await askTheBystanderWhileLimited(world, unlimited.question);
  assert.ok('reason' in noLimitAgain && /met no 429/.test(noLimitAgain.reason));
});

test('a paced series starts once the cap could let out its first second: a burst is never paced by the previous one', async () => {
  const { createServer } = await import('node:http');
  const { sendPacedRequests } = await import('../support/load/paced-requests.ts');
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const clock = fakeClock();
    const cap = new LoadCap({ maxRequestsPerSecond: 10, maxRequestsPerRun: 1000 }, { id: 0, total: 1 }, clock);
    // The previous series used every slot of the last second, one every 100 ms: slots free one at a time.
    for (let i = 0; i < 10; i++) {
      await cap.acquire();
      clock.t += 100;
    }
    const world = { target: { limits: { requestTimeoutMs: 5_000 } }, record: () => undefined } as unknown as CtkWorld;
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/token`;
    const called = clock.now();
    const series = await sendPacedRequests(world, cap, { count: 8, intervalMs: 1, minSpacingMs: 0, sourceAddress: '127.0.0.1', request: { method: 'POST', url }, classify: () => 'token' }, clock);
    const sends = series.records.map((r) => series.origin + r.sentAt - called);
    assert.ok(Math.min(...sends) >= 700, `the first request left ${Math.min(...sends)} ms after the call, before the cap had room for eight`);
    assert.ok(Math.max(...sends) - Math.min(...sends) < 50, 'then the eight left together, not at the cap\'s pace');
    assert.equal(Math.min(...series.records.map((r) => r.sentAt)), 0, 'the schedule (and its times) starts after the wait');
  } finally {
    server.close();
  }
});
