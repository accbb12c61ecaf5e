/**
 * REQ-RL-14 (support/load/rate-limit-location.ts): the bound's arithmetic against the common limiters' admissions,
 * the multi-burst decision, and the burst itself against a small limiter on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  burstUntilFirst429,
  IN_FLIGHT,
  classifyBurst,
  decideLocation,
  describeBurst,
  locationBound,
  MAX_BURSTS,
  MAX_EXTRA_BURSTS,
  type BurstSummary,
} from '../support/load/rate-limit-location.ts';

/**
 * A token bucket per key, as Envoy's local_ratelimit: `limit` tokens, refilled continuously at `limit` a second.
 * (No reference variation: the variations run all at once and sliding-window-rate-limit owns the same limiter.)
 */
class TokenBucket {
  private readonly limit: number;
  private readonly now: () => number;
  private tokens: number;
  private at: number;
  constructor(limit: number, now: () => number) {
    this.limit = limit;
    this.now = now;
    this.tokens = limit;
    this.at = now();
  }
  take(): boolean {
    this.tokens = Math.min(this.limit, this.tokens + ((this.now() - this.at) * this.limit) / 1000);
    this.at = this.now();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const N = 50;
const burst = (served: number, durationMs: number, more: Partial<BurstSummary> = {}): BurstSummary => ({
  address: `127.0.9.${served}`,
  served,
  sent: served + 1,
  count: 3 * N,
  limited: true,
  durationMs,
  other: 0,
  ...more,
});

test('the bound: N + ceil(N × seconds) + max(2, 10 %)', () => {
  assert.equal(locationBound(50, 0), 55);
  assert.equal(locationBound(50, 100), 60);
  assert.equal(locationBound(50, 500), 80);
  assert.equal(locationBound(50, 101), 61, 'the refill rounds up');
  assert.equal(locationBound(10, 0), 12, 'at least 2 of tolerance');
  assert.equal(locationBound(20, 1000), 42);
});

test('the bound admits what every common limiter of N/s serves a fresh IP, and not a limiter at 80/s', () => {
  for (const d of [20, 100, 250, 500]) {
    const bound = locationBound(N, d);
    // Token bucket of N refilled at N/s: N at once, N × d more while the burst lasts.
    assert.ok(N + Math.floor((N * d) / 1000) <= bound, `token bucket, ${d} ms`);
    // Fixed window opened by the IP's first request, sliding log: N.
    assert.ok(N <= bound, `fixed window / sliding log, ${d} ms`);
    // nginx limit_req rate=N r/s burst=B nodelay, B = N - 1: B + 1 at once, then N × d.
    assert.ok(N - 1 + 1 + Math.floor((N * d) / 1000) <= bound, `nginx burst=${N - 1} nodelay, ${d} ms`);
    // A fixed window at 80/s (the fault), or 100/s (two replicas counting 50 each), in a burst under 0.45 s.
    if (d < 450) assert.ok(80 > bound, `80/s caught in a ${d} ms burst`);
    assert.ok(100 > bound, `100/s caught in a ${d} ms burst`);
  }
  // A token bucket driven by a clock: back to back at 700/s (the reference's pace on loopback).
  let now = 0;
  const bucket = new TokenBucket(N, () => now);
  let served = 0;
  while (bucket.take()) {
    served++;
    now += 1000 / 700;
  }
  assert.ok(served > N && served <= locationBound(N, now), `${served} served in ${now.toFixed(0)} ms, bound ${locationBound(N, now)}`);
});

test('one burst within the bound passes at once; a limit below the stated one passes too (REQ-RL-01 reports it)', () => {
  assert.equal(decideLocation([burst(50, 120)], N).verdict, 'pass');
  assert.equal(decideLocation([burst(20, 60)], N).verdict, 'pass');
  assert.equal(decideLocation([burst(0, 5)], N).verdict, 'pass', 'a 429 from the first request is no higher limit');
});

test('a burst over the bound (a straddled fixed window) is sent again; the first within passes', () => {
  const straddled = burst(95, 150);
  assert.equal(classifyBurst(straddled, N), 'exceeded');
  assert.equal(decideLocation([straddled], N).verdict, 'undecided');
  assert.equal(decideLocation([straddled, straddled, burst(50, 100)], N).verdict, 'pass');
});

test('fail only when no usable burst was within the bound and at least 3 exceeded it; every count quoted', () => {
  const five = Array.from({ length: MAX_BURSTS }, (_, i) => burst(80, 100 + i * 50));
  const all = decideLocation(five, N);
  assert.equal(all.verdict, 'fail');
  for (const b of five) assert.match(all.detail, new RegExp(`80 token\\(s\\) in ${b.durationMs} ms`));
  // Three over the bound, two too slow to count: sent again in their place (a load spike may pass), up to
  // MAX_EXTRA_BURSTS more; three over the bound and the rest too slow is still a higher limit.
  const mixed = [burst(80, 120), burst(80, 700), burst(80, 130), burst(80, 900), burst(80, 140)];
  assert.equal(decideLocation(mixed, N).verdict, 'undecided');
  const slowExtras = Array.from({ length: MAX_EXTRA_BURSTS }, () => burst(80, 800));
  assert.equal(decideLocation([...mixed, ...slowExtras], N).verdict, 'fail');
  assert.equal(decideLocation([...mixed, burst(80, 110), burst(80, 150)], N).verdict, 'fail', 'five counted: decided');
  // Two over the bound, the rest too slow: not enough to tell a higher limit from two straddled windows.
  const loaded = [burst(80, 120), burst(80, 700), burst(80, 800), burst(80, 900), burst(80, 140), ...slowExtras];
  assert.equal(decideLocation(loaded.slice(0, MAX_BURSTS), N).verdict, 'undecided');
  const verdict = decideLocation(loaded, N);
  assert.equal(verdict.verdict, 'not-testable');
  assert.ok('remedy' in verdict && /less loaded|alone/.test(verdict.remedy));
  // Every burst too slow: sent again up to MAX_BURSTS + MAX_EXTRA_BURSTS, then not testable, never a pass.
  assert.equal(decideLocation(Array.from({ length: MAX_BURSTS }, () => burst(50, 800)), N).verdict, 'undecided');
  assert.equal(decideLocation(Array.from({ length: MAX_BURSTS + MAX_EXTRA_BURSTS }, () => burst(50, 800)), N).verdict, 'not-testable');
  // Fresh addresses ran out (locateLimit): the bursts sent decide alone, no extra asked for.
  assert.equal(decideLocation([burst(80, 120), burst(80, 700), burst(80, 130), burst(80, 140)], N, 4, '@REQ-RL-14', 0).verdict, 'fail');
  // A slow burst is not counted as within, even when its count is.
  assert.equal(decideLocation([burst(50, 800)], N).verdict, 'undecided');
});

test('one cause, one finding: no 429 within 3N is REQ-RL-02\'s; a load cap that ended the burst is judged by what it served', () => {
  assert.equal(decideLocation([burst(150, 200, { sent: 150, limited: false })], N).verdict, 'no-limit');
  // The load cap allowed 66 a second: 66 served without 429 in 100 ms is over the bound (60): a higher limit or none.
  const capped = burst(66, 100, { sent: 66, count: 66, limited: false });
  assert.equal(classifyBurst(capped, N), 'exceeded');
  // A cap too low to exceed the bound locates nothing.
  const lowBurst = burst(55, 100, { sent: 55, count: 55, limited: false });
  assert.equal(decideLocation([lowBurst], N).verdict, 'undecided', 'sent again: a faster burst may exceed the bound');
  const low = decideLocation(Array.from({ length: MAX_BURSTS }, () => lowBurst), N);
  assert.equal(low.verdict, 'not-testable');
  assert.ok('remedy' in low && /maxRequestsPerSecond/.test(low.remedy));
  assert.equal(decideLocation([burst(0, 100, { sent: 150, limited: false, other: 150 })], N).verdict, 'not-testable');
});

test("one cause, one finding: more than 2N + tolerance within one second is the burst check's (REQ-RL-02, REQ-GRL-02)", () => {
  // A limiter at 2.5 N: 125 served before the first 429, in 180 ms. No limiter of N/s admits that within one second.
  const farBeyond = burst(125, 180);
  assert.equal(classifyBurst(farBeyond, N), 'far-beyond');
  const decision = decideLocation([farBeyond], N);
  assert.equal(decision.verdict, 'far-beyond', 'decided at once: no straddled window explains it');
  assert.match(decision.detail, /more than 105 served within one second/);
  // 2N exactly (a fixed window straddled at its edge) is no such proof: sent again.
  assert.equal(classifyBurst(burst(100, 180), N), 'exceeded');
  // Slower than one second, a token bucket of N may serve N + N × d > 2N: not far beyond, and not usable either.
  assert.equal(classifyBurst(burst(125, 1500), N), 'slow');
});

test('the remedies name the requirement located: REQ-RL-14 by default, the gateway\'s when asked', () => {
  const lowBurst = burst(55, 100, { sent: 55, count: 55, limited: false });
  const low = decideLocation(Array.from({ length: MAX_BURSTS }, () => lowBurst), N, MAX_BURSTS, '@REQ-GRL-09');
  assert.ok('remedy' in low && low.remedy.includes('--tags @REQ-GRL-09'), JSON.stringify(low));
  assert.match(describeBurst({ ...burst(50, 90), servedAs: 'served' }, N), /50 served in 90 ms before the first 429/);
});

/** A token endpoint on loopback with a fixed window of `limit` opened by the first request (the reference's design). */
async function limitedServer(limit: number): Promise<{ server: Server; url: string }> {
  let windowStart = 0;
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count > limit) {
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'a.b.c', token_type: 'Bearer', expires_in: 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token` };
}

test('a burst until the first 429 counts the tokens served; without a limit it stops at 3N', async () => {
  const limited = await limitedServer(30);
  const unlimited = await limitedServer(1_000);
  try {
    const request = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials', address: '127.0.0.1', limit: 20 };
    const located = await burstUntilFirst429({ ...request, url: limited.url });
    assert.equal(located.limited, true);
    assert.equal(located.served, 30, `${located.served} served in ${located.durationMs.toFixed(0)} ms`);
    assert.ok(located.sent <= 30 + IN_FLIGHT, 'stops with the requests in flight at the first 429');
    assert.equal(classifyBurst(located, 20) === 'exceeded' || located.durationMs > 500, true, '30 served is over the bound of a stated 20/s');
    const none = await burstUntilFirst429({ ...request, url: unlimited.url });
    assert.equal(none.limited, false);
    assert.equal(none.sent, 60);
    assert.equal(decideLocation([none], 20).verdict, 'no-limit');
    const capped = await burstUntilFirst429({ ...request, url: unlimited.url, count: 25 });
    assert.equal(capped.sent, 25, 'a load cap below 3N ends the burst');
  } finally {
    limited.server.close();
    unlimited.server.close();
  }
});

test('the load cap makes room for a whole burst before it starts, so the cap never slows a measured burst', async () => {
  const { LoadCap } = await import('../support/load/load-cap.ts');
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += Math.max(0, ms);
    },
  };
  const cap = new LoadCap({ maxRequestsPerSecond: 66, maxRequestsPerRun: 1_000 }, { id: 0, total: 1 }, clock);
  // The previous burst: 54 requests at t = 0.
  for (let i = 0; i < 54; i++) await cap.acquire();
  await cap.roomFor(150);
  assert.ok(clock.t >= 1000, `waited until the last burst left the cap's second (t = ${clock.t})`);
  const start = clock.t;
  for (let i = 0; i < 66; i++) await cap.acquire();
  assert.equal(clock.t, start, 'the whole burst (the cap\'s 66) leaves without a wait');
});

test('a limiter above 1.5 N can never pass on one burst; a burst over the bound counts up to 0.5 s', () => {
  for (let d = 0; d <= 400; d += 10) assert.ok(80 > locationBound(N, d), `80 served in ${d} ms exceeds ${locationBound(N, d)}`);
  assert.equal(locationBound(N, 490), 80, 'a 0.49 s burst\'s bound would let 80 through');
  assert.equal(classifyBurst(burst(80, 490), N), 'inconclusive', 'so a burst within the bound slower than 0.4 s is no pass');
  assert.equal(decideLocation([burst(50, 450)], N).verdict, 'undecided', 'sent again');
  // ... but it stands against a failure: not every usable burst exceeded the bound (it is sent again in its place).
  const againstFailure = [burst(80, 100), burst(80, 100), burst(80, 100), burst(80, 100), burst(50, 450)];
  assert.equal(decideLocation(againstFailure, N).verdict, 'undecided');
  assert.equal(decideLocation([...againstFailure, burst(80, 100)], N).verdict, 'not-testable');
  assert.equal(classifyBurst(burst(80, 470), N), 'exceeded', 'over the bound (79) at 0.47 s: evidence');
  assert.equal(classifyBurst(burst(90, 510), N), 'slow', 'slower than 0.5 s: not counted at all');
});
