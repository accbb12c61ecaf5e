/**
 * REQ-AUTHZ-07..09 (issue 20, RFC 6749 §4.1.2) without a server: when the kit may wait out a code's declared lifetime,
 * how the declaration is judged, and when a reused code's tokens cannot be seen at all (not testable, never passed).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { CtkWorld } from '../support/world.ts';
import type { Exchange } from '../support/http/exchange.ts';
import type { CheckRecord, Finding } from '../support/verdict/media-types.ts';
import { NotTestableError } from '../support/verdict/not-testable.ts';
import { PrerequisiteBlocked } from '../support/verdict/blocked.ts';
import { codeExpiryWaitSeconds, CODE_EXPIRY_TOLERANCE_SECONDS, judgeDeclaredCodeLifetime, SHORT_WAIT_SECONDS } from '../support/authorization/code-lifetime.ts';
import { judgeReuseRevokes, watchFirstRedemption } from '../support/authorization/code-reuse.ts';

function world(limits: Record<string, unknown>, capabilities: Record<string, boolean> = {}) {
  const checks: CheckRecord[] = [];
  const warnings: Finding[] = [];
  const w = {
    target: { limits: { clockSkewSeconds: 1, requestTimeoutMs: 5000, maxRequestsPerSecond: 0, maxRequestsPerRun: 0, ...limits }, capabilities, clients: {} },
    recordCheck: (r: CheckRecord) => checks.push(r),
    recordWarning: (f: Finding) => warnings.push(f),
    recordViolation: () => undefined,
  };
  return { w: w as unknown as CtkWorld, checks, warnings };
}

const tokenAnswer = (body: Record<string, unknown>): Exchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1:1/token' },
  response: { status: 200, headers: { 'content-type': 'application/json' }, rawHeaders: [], body: JSON.stringify(body) },
  startedAt: 0,
  durationMs: 1,
});

describe('the wait past a code\'s declared lifetime (REQ-AUTHZ-08)', () => {
  test('the declared lifetime plus the tolerance, when that stays within the short wait', () => {
    assert.equal(codeExpiryWaitSeconds(world({ authorizationCodeSeconds: 10 }).w), 10 + CODE_EXPIRY_TOLERANCE_SECONDS);
  });
  test('no declared lifetime, or a wait beyond 15 s without longWaits: not testable, with the remedy', () => {
    assert.throws(() => codeExpiryWaitSeconds(world({}).w), (e: unknown) => e instanceof NotTestableError && /limits\.authorizationCodeSeconds/.test(e.reason));
    assert.throws(
      () => codeExpiryWaitSeconds(world({ authorizationCodeSeconds: SHORT_WAIT_SECONDS }).w),
      (e: unknown) => e instanceof NotTestableError && /limits\.longWaits/.test(e.reason) && /longWaits: true/.test(e.remedy ?? ''),
    );
  });
  test('with longWaits up to ten minutes, never more', () => {
    assert.equal(codeExpiryWaitSeconds(world({ authorizationCodeSeconds: 600, longWaits: true }).w), 600 + CODE_EXPIRY_TOLERANCE_SECONDS);
    assert.throws(() => codeExpiryWaitSeconds(world({ authorizationCodeSeconds: 900, longWaits: true }).w), NotTestableError);
  });
});

describe('the declared lifetime against the ten minutes (REQ-AUTHZ-09)', () => {
  test('600 s holds; 601 s is a warning (RECOMMENDED), never a failure', () => {
    const ok = world({ authorizationCodeSeconds: 600 });
    judgeDeclaredCodeLifetime(ok.w);
    assert.deepEqual(ok.checks.map((c) => c.outcome), ['holds']);
    const long = world({ authorizationCodeSeconds: 601 });
    judgeDeclaredCodeLifetime(long.w);
    assert.deepEqual(long.checks.map((c) => c.outcome), ['does-not-hold']);
    assert.match(long.warnings[0]!.diagnosis, /REQ-AUTHZ-09 RFC 6749 §4\.1\.2.*\[SHOULD\].*limits\.authorizationCodeSeconds: 601/);
  });
});

describe("a reused code's tokens (REQ-AUTHZ-07)", () => {
  test('nowhere to look (no introspection, no revocation bound, no refresh token): not testable, with each reason', async () => {
    const { w } = world({});
    await assert.rejects(watchFirstRedemption(w, tokenAnswer({ access_token: 'a', token_type: 'Bearer' })), (e: unknown) => {
      assert.ok(e instanceof NotTestableError && !(e instanceof PrerequisiteBlocked));
      assert.match(e.reason, /token introspection/);
      assert.match(e.reason, /limits\.revocationSeconds/);
      assert.match(e.reason, /no refresh token/);
      return true;
    });
  });
  test('a refresh token alone is somewhere to look', async () => {
    const { w } = world({});
    const watch = await watchFirstRedemption(w, tokenAnswer({ access_token: 'a', token_type: 'Bearer', refresh_token: 'r' }));
    assert.deepEqual(watch, { accessToken: 'a', refreshToken: 'r', introspection: false });
  });
  test('a second redemption that gives a token again blocks the check on REQ-PKCE-03', async () => {
    const { w, checks } = world({});
    await assert.rejects(
      judgeReuseRevokes(w, { accessToken: 'a', introspection: true }, tokenAnswer({ access_token: 'b', token_type: 'Bearer' })),
      (e: unknown) => e instanceof PrerequisiteBlocked && e.blockedBy === 'REQ-PKCE-03',
    );
    assert.deepEqual(checks, [], 'nothing judged');
  });
});
