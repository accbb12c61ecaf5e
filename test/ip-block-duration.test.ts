/**
 * REQ-RL-05 / REQ-GRL-05's timing (support/load/ip-block.ts): when the half-way request is sent, whether one can be,
 * and that waiting out a block from it passes a target that restarts its block on every attempt while a block lifted
 * early is seen by the half-way request. Where none could be sent, the block's minimum length was not judged: the
 * judges record could-not-judge beside the served-again check, so the requirement is "partly judged", never passed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HALF_WAY_MARGIN_MS, halfWayProbeAt, tooLongToWaitOut, unblockPolls, unblockToleranceMs, waitOutABlock, type BlockedAddress } from '../support/load/ip-block.ts';
import type { Exchange } from '../support/http/exchange.ts';
import type { FindingSink } from '../support/verdict/check.ts';
import type { CheckRecord } from '../support/verdict/media-types.ts';
import type { CtkWorld } from '../support/world.ts';
import { judgeServedAfterBlock, judgeStillBlockedHalfWay } from '../support/load/verdicts.ts';
import { judgeGatewayServedAfterBlock, judgeGatewayStillBlockedHalfWay } from '../support/load/gateway-verdicts.ts';

test('the half-way request: half the block time after the last failure was sent, never before the first answer + the margin', () => {
  assert.deepEqual(halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 1050 }, 2), { at: 2000 });
  assert.deepEqual(halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 1050 }, 10), { at: 6000 });
  // A slow first answer pushes it later, as long as a quarter of the block is left before its earliest end.
  assert.deepEqual(halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 2200 }, 2), { at: 2200 + HALF_WAY_MARGIN_MS });
  // A first probe that timed out past that (a block that drops packets), or a very short block: none is sent.
  assert.match((halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 6000 }, 2) as { reason: string }).reason, /no request could be sent half-way/);
  assert.ok('reason' in halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 1100 }, 0.4));
});

test('a block too long to wait out half of it, all of it again, and the tolerance is not testable; 60 s still is', () => {
  assert.equal(tooLongToWaitOut(60, 120), undefined);
  assert.match(tooLongToWaitOut(80, 120)!.reason, /longer than the kit waits \(120 s\)/);
  assert.ok(unblockPolls(2) >= 1 + Math.ceil(unblockToleranceMs(2) / 250), 'the load plan has room for the half-way request and the polls');
});

/** A fake target: the address is blocked until `blockedUntil()`; `send` records when each request came. */
function fakeTarget(blockedUntil: (sentAt: readonly number[]) => number) {
  const sentAt: number[] = [];
  const send = async (): Promise<Exchange> => {
    const now = performance.now();
    const served = now >= blockedUntil(sentAt);
    sentAt.push(now);
    return { served } as unknown as Exchange;
  };
  return { sentAt, send, served: (e: Exchange) => (e as unknown as { served: boolean }).served };
}

const blockedAt = (lastFailureSentAt: number): BlockedAddress =>
  ({ address: '127.0.0.9', failures: [], probe: {} as Exchange, lastFailureSentAt, lastRequestAt: lastFailureSentAt + 20 }) as unknown as BlockedAddress;

test('a block that restarts on every attempt passes: the half-way request is refused and the wait counts from it', async () => {
  const start = performance.now();
  const blockMs = 1000;
  const target = fakeTarget((sentAt) => (sentAt.length ? sentAt[sentAt.length - 1]! : start) + blockMs);
  const result = await waitOutABlock(blockedAt(start), 1, target.send, target.served);
  assert.equal(result.halfWay.sent, true);
  assert.equal(result.halfWay.sent && target.served(result.halfWay.exchange), false, 'refused half-way');
  assert.equal(result.served, true, 'served once the block from the half-way request is over');
  assert.ok(target.sentAt[0]! - start >= 480, `half-way request ${(target.sentAt[0]! - start).toFixed(0)} ms after the last failure`);
});

test('a block lifted early is served half-way: that is what REQ-RL-05 / REQ-GRL-05 judge', async () => {
  const start = performance.now();
  const target = fakeTarget(() => start + 200);
  const result = await waitOutABlock(blockedAt(start), 1, target.send, target.served);
  assert.equal(result.halfWay.sent && target.served(result.halfWay.exchange), true);
  assert.equal(result.served, true, 'and served after the block as well: only the half-way request tells');
});

/** Records the checks a judge writes (no HTTP, no Cucumber). */
class Sink implements FindingSink {
  readonly checks: CheckRecord[] = [];
  recordWarning(): void {}
  recordViolation(): void {}
  recordCheck(record: CheckRecord): void {
    this.checks.push(record);
  }
  log(): void {}
}

test('no half-way request: REQ-RL-05 / REQ-GRL-05 record could-not-judge with the reason, beside the served-again check', () => {
  const reason = (halfWayProbeAt({ lastFailureSentAt: 1000, lastRequestAt: 1100 }, 0.4) as { reason: string }).reason;
  const answered = { request: { method: 'POST', url: 'http://127.0.0.1/token' }, response: { status: 200, body: '{}', headers: {}, rawHeaders: [] }, startedAt: 0, durationMs: 1 } as unknown as Exchange;
  const unblocking = { served: true, attempts: [answered], afterMs: 450, halfWay: { sent: false as const, reason } };
  const cases = [
    { id: 'REQ-RL-05', halfWay: judgeStillBlockedHalfWay, after: judgeServedAfterBlock },
    { id: 'REQ-GRL-05', halfWay: judgeGatewayStillBlockedHalfWay, after: judgeGatewayServedAfterBlock },
  ];
  for (const { id, halfWay, after } of cases) {
    const sink = new Sink();
    const world = sink as unknown as CtkWorld;
    halfWay(world, id, unblocking, '127.0.0.9', 0.4);
    after(world, id, unblocking, '127.0.0.9', 0.4);
    // One could-not-judge beside one held check: support/report/verdicts.ts makes that "not testable (partly judged:
    // <why>)" (test/report-verdicts.test.ts pins the rule), so the minimum block length is never passed unseen.
    assert.deepEqual(sink.checks.map((c) => [c.requirementId, c.outcome]), [[id, 'could-not-judge'], [id, 'holds']]);
    assert.match(sink.checks[0]!.observed, /^the block's duration was not observed: no request could be sent half-way through the stated block of 0.4 s/);
    assert.match(sink.checks[0]!.expected, /half-way through the stated block of 0.4 s is still (blocked|refused)/);
  }
});
