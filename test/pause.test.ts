/**
 * support/load/pause.ts: the rate-limit and block checks' waits never end before the time asked for. A timer that
 * fires a millisecond early (it does, on Node, measured by performance.now()) made a block that restarts on every
 * attempt look like one that never ends (test/ip-block-duration.test.ts failed in CI on it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pauseFor, pauseUntil } from '../support/load/pause.ts';

test('pauseUntil never resolves before the time asked for, at fractional milliseconds', async () => {
  for (let i = 0; i < 300; i++) {
    const at = performance.now() + 2 + Math.random();
    await pauseUntil(at);
    const now = performance.now();
    assert.ok(now >= at, `resolved ${(at - now).toFixed(3)} ms early`);
  }
});

test('pauseFor waits at least the time asked for; a time in the past resolves at once', async () => {
  const start = performance.now();
  await pauseFor(20.5);
  assert.ok(performance.now() - start >= 20.5);
  const before = performance.now();
  await pauseUntil(before - 1000);
  assert.ok(performance.now() - before < 50);
});
