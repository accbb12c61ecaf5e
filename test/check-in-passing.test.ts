/**
 * checkInPassing: a requirement met in passing (a 401 without a challenge seen while judging another requirement)
 * is recorded as its finding, graded by its level, without stopping the scenario's own judgement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expect } from 'chai';
import { checkInPassing } from '../support/verdict/check.ts';
import { findingSink } from './helpers/recording-world.ts';

const sink = findingSink;

test('a MUST missed in passing is recorded as its violation and does not throw', () => {
  const s = sink();
  const held = checkInPassing(s, { requirement: 'REQ-BEARER-13', expected: 'a challenge', observed: 'none' }, () => expect(undefined).to.not.equal(undefined));
  assert.equal(held, false);
  assert.deepEqual(s.violations.map((v) => v.requirementId), ['REQ-BEARER-13']);
  assert.equal(s.checks[0]?.outcome, 'does-not-hold');
});

test('a check that holds in passing is recorded as held', () => {
  const s = sink();
  assert.equal(checkInPassing(s, { requirement: 'REQ-BEARER-13', expected: 'a challenge' }, () => expect(1).to.equal(1)), true);
  assert.equal(s.violations.length, 0);
  assert.equal(s.checks[0]?.outcome, 'holds');
});

test('an error that is no judgement (a kit bug) still propagates', () => {
  const s = sink();
  assert.throws(() => checkInPassing(s, { requirement: 'REQ-BEARER-13', expected: 'x' }, () => {
    throw new TypeError('kit bug');
  }), TypeError);
});
