/**
 * Load safety for external targets (issue 11): the profile's switch and caps reach the run's one load cap
 * (support/load/load-cap.ts). Without `limits.loadScenarios: true` nothing load-generating may be sent; with it,
 * the caps hold in every one-second window and for the whole run, and a plan is announced before it sends.
 * Virtual time: no sleeping, deterministic on a loaded machine.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ExternalTargetProvider } from '../support/target/external.ts';
import { LoadCap, LoadBudgetExhaustedError, planLoad, type Clock } from '../support/load/load-cap.ts';
import { closeConnections } from '../support/http/exchange.ts';
import type { CtkWorld } from '../support/world.ts';
import type { TargetDescription } from '../support/target/target.ts';

let server: Server;
let base: string;
let dir: string;

before(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = mkdtempSync(join(tmpdir(), 'ctk-load-'));
});

after(async () => {
  server.close();
  await closeConnections();
  rmSync(dir, { recursive: true, force: true });
});

async function describe(name: string, limits: Record<string, unknown>): Promise<TargetDescription> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    stringify({
      name,
      idp: { issuer: base, tokenEndpoint: `${base}/${name}/token`, jwksUri: `${base}/jwks` },
      gateway: { baseUrl: base, audience: 'aud', routes: { protected: '/p', public: '/pub', scoped: { method: 'GET', path: '/p', scope: 's' } } },
      clients: { system: { clientId: 'c', clientSecret: '${LOAD_TEST_SECRET}', scopes: ['s'] } },
      limits,
    }),
  );
  process.env.LOAD_TEST_SECRET = 'load-test-secret';
  return (await new ExternalTargetProvider(file).start({ log: () => undefined })).description;
}

/** Virtual time: sleep() moves the clock instead of waiting. */
function virtualClock(): Clock & { sleeps: number } {
  let now = 0;
  const clock = {
    sleeps: 0,
    now: () => now,
    sleep: async (ms: number) => {
      clock.sleeps++;
      now += Math.max(0, ms);
    },
  };
  return clock;
}

function fakeWorld(target: TargetDescription, logs: string[]): CtkWorld {
  return { target, log: (line: string) => logs.push(line) } as unknown as CtkWorld;
}

const plan = (target: TargetDescription, requests: number) => ({
  purpose: 'a burst of token requests beyond the rate limit',
  requests,
  url: target.tokenEndpoint,
  sourceAddresses: ['127.0.0.9'],
  ratePerSecond: 5,
  withinSeconds: 3,
});

test('load not switched on in the profile: caps of 0, and a load plan is refused before anything is sent', async () => {
  const target = await describe('load-off', { tokenRequestsPerSecond: 50 });
  assert.equal(target.limits.maxRequestsPerSecond, 0);
  assert.equal(target.limits.maxRequestsPerRun, 0);
  const logs: string[] = [];
  const planned = planLoad(fakeWorld(target, logs), plan(target, 3));
  assert.ok('reason' in planned, 'the plan is refused (the check becomes not testable)');
  assert.deepEqual(logs, [], 'nothing announced, nothing sent');
  await assert.rejects(new LoadCap(target.limits, { id: 0, total: 1 }, virtualClock()).acquire(), LoadBudgetExhaustedError);
});

test('the profile\'s caps hold: at most maxRequestsPerSecond in any one-second window, maxRequestsPerRun in all', async () => {
  const target = await describe('load-on', { loadScenarios: true, maxRequestsPerSecond: 5, maxRequestsPerRun: 23 });
  const clock = virtualClock();
  const cap = new LoadCap(target.limits, { id: 0, total: 1 }, clock);
  const sent: number[] = [];
  for (let i = 0; i < 23; i++) {
    await cap.acquire();
    sent.push(clock.now());
  }
  for (const t of sent) {
    const inWindow = sent.filter((s) => s > t - 1000 && s <= t).length;
    assert.ok(inWindow <= 5, `${inWindow} requests in the second before ${t} ms`);
  }
  assert.ok(clock.sleeps > 0, 'the cap made the sender wait');
  await assert.rejects(cap.acquire(), LoadBudgetExhaustedError, 'request 24 is refused');
  assert.equal(cap.used, 23);
});

test('parallel workers share the caps', async () => {
  const target = await describe('load-split', { loadScenarios: true, maxRequestsPerSecond: 10, maxRequestsPerRun: 100 });
  const worker = new LoadCap(target.limits, { id: 1, total: 2 }, virtualClock());
  assert.equal(worker.perSecond, 5);
  assert.equal(worker.perRun, 50);
});

test('a plan is announced before it sends: what, how many, where from, how fast, and the budget', async () => {
  const target = await describe('load-announce', { loadScenarios: true, maxRequestsPerSecond: 5, maxRequestsPerRun: 40 });
  const logs: string[] = [];
  const stderr = process.stderr.write;
  const printed: string[] = [];
  process.stderr.write = ((chunk: string) => (printed.push(String(chunk)), true)) as typeof process.stderr.write;
  let planned;
  try {
    planned = planLoad(fakeWorld(target, logs), plan(target, 12));
  } finally {
    process.stderr.write = stderr;
  }
  assert.ok('cap' in planned, 'the plan fits the budget');
  assert.match(logs[0] ?? '', /auth-ctk load: a burst of token requests beyond the rate limit: up to 12 request\(s\) to http:\/\/127\.0\.0\.1:\d+\/load-announce\/token from 127\.0\.0\.9, at most 5\/s \(cap 5\/s\)/);
  assert.ok(printed.join('').includes('auth-ctk load:'), 'an external target also gets the line on stderr');
  assert.ok('reason' in planLoad(fakeWorld(target, []), plan(target, 41)), 'a plan larger than the run budget is refused up front');
});
