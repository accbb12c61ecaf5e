/**
 * RFC 6750 §3's challenge on the refusal of a token that does not enable access (REQ-BEARER-20, MUST), judged beside
 * §3.1's status and error code (REQ-BEARER-05 / -07, SHOULD) on the same answer (support/gateway/verdicts.ts
 * judgeTokenRefusal). One cause, one finding: a missing challenge is one finding — REQ-BEARER-13's on a 401,
 * REQ-BEARER-20's on any other refusal — and the SHOULD clause is left its status alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expect } from 'chai';
import { judgeTokenRefusal, type TokenRefusalClause } from '../support/gateway/verdicts.ts';
import { errorCodeOf } from '../support/gateway/bearer-challenge.ts';
import { explainingRoot } from '../support/verdict/media-types.ts';
import type { Exchange, HttpResponse } from '../support/http/exchange.ts';
import { recordingWorld } from './helpers/recording-world.ts';

const world = recordingWorld;

function answer(status: number, challenge?: string): Exchange {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(challenge ? { 'www-authenticate': challenge } : {}) };
  return {
    request: { method: 'GET', url: 'http://127.0.0.1/api/items' },
    response: { status, body: '{}', headers, rawHeaders: Object.entries(headers) } as HttpResponse,
    startedAt: 0,
    durationMs: 1,
  };
}

const clause = (exchange: Exchange, requirement = 'REQ-BEARER-05', status = 401, error = 'invalid_token'): TokenRefusalClause => ({
  requirement,
  status,
  expected: `${status} with Bearer error="${error}"`,
  situation: 'a JWT with a tampered signature',
  assertion: (reading) => {
    expect(exchange.response?.status).to.equal(status);
    expect(errorCodeOf(reading)).to.equal(error);
  },
});
const outcomes = (w: ReturnType<typeof world>) => w.checks.map((c) => `${c.requirementId} ${c.outcome}`);
const TAGS = ['REQ-BEARER-04', 'REQ-BEARER-05', 'REQ-BEARER-20'];

test('401 with Bearer error="invalid_token": both clauses hold', () => {
  const w = world(TAGS);
  const ex = answer(401, 'Bearer realm="api", error="invalid_token"');
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(outcomes(w), ['REQ-BEARER-05 holds', 'REQ-BEARER-20 holds']);
});

test('403 without any challenge for an invalid token: the status is REQ-BEARER-05\'s warning, the challenge REQ-BEARER-20\'s failure (in passing: the scenario goes on, its earlier checks stand)', () => {
  const w = world(TAGS);
  const ex = answer(403);
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(w.warnings.map((f) => f.requirementId), ['REQ-BEARER-05']);
  assert.match(w.warnings[0]!.expected, /^HTTP 401 \(the missing Bearer challenge, and its error code with it, is REQ-BEARER-20's finding\)$/);
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-20']);
  assert.match(w.violations[0]!.diagnosis, /RFC 6750 §3 .*\[MUST\] — expected a refusal carrying WWW-Authenticate with a Bearer challenge .*; got HTTP 403/);
});

test('403 whose only challenge is another scheme: no Bearer challenge (RFC 6750 §3: challenges MUST use "Bearer")', () => {
  const w = world(TAGS);
  const ex = answer(403, 'Basic realm="api"');
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-20']);
});

test('403 with a Bearer challenge for an invalid token: the challenge holds, the status is a warning', () => {
  const w = world(TAGS);
  const ex = answer(403, 'Bearer realm="api", error="invalid_token"');
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(outcomes(w), ['REQ-BEARER-05 does-not-hold', 'REQ-BEARER-20 holds']);
  assert.deepEqual(w.violations, []);
});

test('403 without a challenge for a token lacking the scope: REQ-BEARER-20\'s one finding, REQ-BEARER-07 not judged on it', () => {
  const w = world(['REQ-BEARER-07', 'REQ-BEARER-08', 'REQ-BEARER-20']);
  const ex = answer(403);
  judgeTokenRefusal(w, ex, clause(ex, 'REQ-BEARER-07', 403, 'insufficient_scope'));
  assert.deepEqual(w.warnings, []);
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-20']);
  assert.deepEqual(outcomes(w), ['REQ-BEARER-07 could-not-judge', 'REQ-BEARER-20 does-not-hold']);
  assert.equal(explainingRoot(w.checks[0]!), 'REQ-BEARER-20');
});

test('401 without a challenge: REQ-BEARER-13\'s one finding (in passing); REQ-BEARER-05 and -20 are not judged on it', () => {
  const w = world(TAGS);
  const ex = answer(401);
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-13']);
  assert.deepEqual(w.warnings, []);
  assert.deepEqual(outcomes(w), ['REQ-BEARER-05 could-not-judge', 'REQ-BEARER-13 does-not-hold', 'REQ-BEARER-20 could-not-judge']);
  assert.equal(explainingRoot(w.checks[2]!), 'REQ-BEARER-13');
});

test('401 without a challenge for a token lacking the scope: REQ-BEARER-13\'s finding, and REQ-BEARER-07\'s status its own warning', () => {
  const w = world(['REQ-BEARER-07', 'REQ-BEARER-08', 'REQ-BEARER-20']);
  const ex = answer(401);
  judgeTokenRefusal(w, ex, clause(ex, 'REQ-BEARER-07', 403, 'insufficient_scope'));
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-13']);
  assert.deepEqual(w.warnings.map((f) => f.requirementId), ['REQ-BEARER-07']);
});

test('a scenario that does not judge REQ-BEARER-20 still reports the missing challenge, once and in passing', () => {
  const w = world(['REQ-BEARER-04', 'REQ-BEARER-05']);
  const ex = answer(400);
  judgeTokenRefusal(w, ex, clause(ex));
  assert.deepEqual(w.violations.map((f) => f.requirementId), ['REQ-BEARER-20']);
  assert.deepEqual(w.warnings.map((f) => f.requirementId), ['REQ-BEARER-05']);
});

test('no refusal (2xx, 5xx): REQ-BEARER-20 is not judged — an admission is REQ-BEARER-04/-08\'s, a 5xx REQ-BEARER-12\'s', () => {
  for (const status of [200, 500]) {
    const w = world(TAGS);
    const ex = answer(status);
    judgeTokenRefusal(w, ex, clause(ex));
    assert.deepEqual(outcomes(w), ['REQ-BEARER-20 could-not-judge', 'REQ-BEARER-05 does-not-hold'], `HTTP ${status}`);
    assert.deepEqual(w.violations, []);
  }
});
