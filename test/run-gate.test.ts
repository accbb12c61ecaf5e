/** The fault runs' gate (test/fault-injection/run-gate.ts): a run "alone" never overlaps another run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunGate } from './fault-injection/run-gate.ts';

test('a run alone waits for the runs beside it, holds new ones back, and never overlaps another run alone', async () => {
  const gate = new RunGate();
  const events: string[] = [];
  let inFlight = 0;
  let overlapWithAlone = false;
  let aloneRunning = 0;
  const run = (name: string, ms: number, alone: boolean) => async () => {
    if (aloneRunning > 0 || (alone && inFlight > 0)) overlapWithAlone = true;
    inFlight++;
    if (alone) aloneRunning++;
    events.push(`start ${name}`);
    await sleep(ms);
    events.push(`end ${name}`);
    inFlight--;
    if (alone) aloneRunning--;
  };
  const a = gate.beside(run('a', 30, false));
  const b = gate.beside(run('b', 10, false));
  await sleep(1);
  const x = gate.alone(run('x', 10, true));
  const y = gate.alone(run('y', 10, true));
  const c = gate.beside(run('c', 5, false));
  await Promise.all([a, b, x, y, c]);
  assert.equal(overlapWithAlone, false, events.join(', '));
  assert.ok(events.indexOf('start x') > events.indexOf('end a'), `x started before a ended: ${events.join(', ')}`);
  assert.ok(events.indexOf('start c') > events.indexOf('end x') && events.indexOf('start c') > events.indexOf('end y'), `c went before the waiting runs alone: ${events.join(', ')}`);
});

test('a run that throws releases the gate', async () => {
  const gate = new RunGate();
  await assert.rejects(gate.alone(async () => Promise.reject(new Error('boom'))), /boom/);
  await assert.rejects(gate.beside(async () => Promise.reject(new Error('bang'))), /bang/);
  assert.equal(await gate.alone(async () => 'free'), 'free');
});
