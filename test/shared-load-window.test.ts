/**
 * The load cap's window shared by the workers of a run (support/load/shared-window.ts): the run as a whole never
 * sends more than the profile's rate within a second, whichever worker sends, and no send is lost or doubled when
 * threads take slots at the same moment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { LoadBudgetExhaustedError, LoadCap, sendTogether } from '../support/load/load-cap.ts';
import { SharedLoadWindow } from '../support/load/shared-window.ts';
import { fakeClock } from './helpers/fake-clock.ts';

/** Two workers' caps counting in one shared window (worker i of `total`), on the fake clock. */
function workersSharing(limits: { maxRequestsPerSecond: number; maxRequestsPerRun: number }, total: number, capacity: number) {
  const clock = fakeClock();
  const buffer = SharedLoadWindow.allocate(capacity);
  const worker = (id: number) => new LoadCap(limits, { id, total }, clock, new SharedLoadWindow(buffer, () => clock.t));
  return { clock, burstWorker: worker(0), otherWorker: worker(1) };
}

test('two workers counting in one window send no more than the rate together, and each may use all of it', async () => {
  const { clock, burstWorker, otherWorker } = workersSharing({ maxRequestsPerSecond: 30, maxRequestsPerRun: 1000 }, 3, 64);
  assert.equal(burstWorker.perSecond, 30, 'the whole rate, not a third of it');
  assert.equal(burstWorker.perRun, 1000, 'the whole run budget too, counted in the shared memory');
  for (let i = 0; i < 30; i++) await burstWorker.acquire();
  assert.equal(clock.t, 0, 'one worker alone takes the whole second at once');
  await otherWorker.acquire();
  assert.ok(clock.t >= 1000, `the other worker waited for the second to pass (t = ${clock.t})`);
  await burstWorker.roomFor(30);
  assert.ok(clock.t >= 1000, 'room for a whole burst once the window emptied, less the other worker\'s one');
});

test('roomFor waits until the shared window could let the burst out at once', async () => {
  const clock = fakeClock();
  const buffer = SharedLoadWindow.allocate(64);
  const window = new SharedLoadWindow(buffer, () => clock.t);
  for (let i = 0; i < 20; i++) {
    assert.equal(window.take(30), 0);
    clock.t += 10;
  }
  assert.ok(window.waitForRoom(15, 30) > 0, '10 free, 15 needed: wait');
  assert.equal(window.waitForRoom(10, 30), 0, '10 free, 10 needed: go');
  clock.t = 1060;
  assert.equal(window.waitForRoom(15, 30), 0, 'six of the twenty have left the window');
});

test('requests that must leave together take their slots together: never the first let out and the second held', async () => {
  const clock = fakeClock();
  const buffer = SharedLoadWindow.allocate(64);
  const window = new SharedLoadWindow(buffer, () => clock.t);
  for (let i = 0; i < 29; i++) window.take(30);
  assert.ok(window.take(30, 2) > 0, 'one slot free, two needed: neither is taken');
  assert.equal(window.take(30), 0, 'the one free slot is still there');
  // Through the cap, in either form: the two leave at the same (fake) moment, after the window has room for both.
  for (const shared of [true, false]) {
    const capClock = fakeClock();
    const cap = new LoadCap({ maxRequestsPerSecond: 10, maxRequestsPerRun: 100 }, { id: 0, total: 1 }, capClock, shared ? new SharedLoadWindow(SharedLoadWindow.allocate(64), () => capClock.t) : undefined);
    for (let i = 0; i < 9; i++) {
      await cap.acquire();
      capClock.t += 50;
    }
    const sentAt: number[] = [];
    await sendTogether(cap, [async () => sentAt.push(capClock.t), async () => sentAt.push(capClock.t)]);
    assert.equal(sentAt.length, 2);
    assert.equal(sentAt[0], sentAt[1], `${shared ? 'shared' : 'own'} window: the two left together`);
    assert.ok(sentAt[0]! >= 1000, `${shared ? 'shared' : 'own'} window: they waited until two slots were free (left at ${sentAt[0]} ms)`);
    assert.equal(cap.used, 11);
    await assert.rejects(cap.acquireTogether(11), RangeError);
  }
});

test('threads taking slots at the same moment: exactly the rate is granted, no slot lost or doubled', async () => {
  const buffer = SharedLoadWindow.allocate(1024);
  const counts = await Promise.all(
    Array.from({ length: 3 }, () => new Promise<number>((resolve, reject) => {
      const worker = new Worker(new URL('./helpers/take-load-slots.ts', import.meta.url), { workerData: { buffer, attempts: 400, perSecond: 700 } });
      worker.once('message', resolve);
      worker.once('error', reject);
    })),
  );
  assert.equal(counts.reduce((a, b) => a + b, 0), 700, `granted ${counts.join(' + ')}`);
  assert.ok(new SharedLoadWindow(buffer, () => 1).take(700) > 0, 'the window is full');
});

test('the run budget is shared: a plan reserves its upper bound, no plan of another worker can take it, the unsent rest comes back', async () => {
  const { burstWorker, otherWorker } = workersSharing({ maxRequestsPerSecond: 200, maxRequestsPerRun: 100 }, 3, 256);
  // Measured before: the burst worker held to a third (33) while the others sent nothing.
  assert.equal(burstWorker.reserve(60), true, 'one worker may plan more than a third of the run budget');
  assert.equal(otherWorker.remaining, 40);
  assert.equal(otherWorker.reserve(50), false, 'what another worker reserved is not free');
  assert.equal(otherWorker.reserve(40), true);
  for (let i = 0; i < 30; i++) await burstWorker.acquire();
  assert.equal(burstWorker.used, 30);
  assert.equal(otherWorker.remaining, 40, 'its own 40 only (its next plan gives them back): the burst worker\'s 30 unsent stay kept');
  assert.equal(burstWorker.remaining, 30, 'its own next plan gets them back');
  assert.equal(burstWorker.reserve(25), true);
  assert.equal(otherWorker.reserve(45), true, 'the burst worker gave back 5 with its new plan: 40 + 5 for the other');
  for (let i = 0; i < 25; i++) await burstWorker.acquire();
  await assert.rejects(burstWorker.acquire(), LoadBudgetExhaustedError, 'beyond its plan, nothing of the budget is left: the other worker kept 45');
  for (let i = 0; i < 45; i++) await otherWorker.acquire();
  assert.equal(otherWorker.used, 100, 'the run as a whole sent exactly its budget');
  await assert.rejects(otherWorker.acquire(), /100 for the whole run/);
});

test('a plan\'s unsent rest comes back at the end of its scenario, not only with its worker\'s next plan', async () => {
  const { burstWorker, otherWorker } = workersSharing({ maxRequestsPerSecond: 200, maxRequestsPerRun: 100 }, 2, 256);
  assert.equal(burstWorker.reserve(80), true);
  for (let i = 0; i < 20; i++) await burstWorker.acquire();
  // Its last plan: the worker plans nothing more in this run.
  assert.equal(otherWorker.reserve(60), false, 'the 60 unsent are still kept while the scenario runs');
  burstWorker.release();
  assert.equal(otherWorker.remaining, 80, 'after the scenario: all but the 20 sent');
  assert.equal(otherWorker.reserve(80), true);
  burstWorker.release();
  assert.equal(otherWorker.remaining, 80, 'a second release gives back nothing more');
});
