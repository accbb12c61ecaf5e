/**
 * A block that reaches other IPs is REQ-RL-06's one finding (support/load/block-reach.ts): a request that gets no
 * HTTP answer from another address while an IP-block check's window is open is blocked on REQ-RL-06, never failed;
 * the block's own address, an answered request, a closed window and the scenarios judging REQ-RL-06 are left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../support/http/exchange.ts';
import { BLOCK_WINDOWS_BYTES, anotherAddressBlockedDuring, blockOnForeignIpBlock, openBlockWindow, resetBlockWindows } from '../support/load/block-reach.ts';
import { PrerequisiteBlocked } from '../support/verdict/blocked.ts';

/** A target whose gateway is on another origin than its IdP. */
const TARGET = { gateway: { baseUrl: 'http://127.0.0.1:2' } } as never;

const unanswered = (sourceAddress: string | undefined, startedAt = Date.now()): Exchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1:1/token', ...(sourceAddress ? { sourceAddress } : {}) },
  transportError: { code: 'UND_ERR_SOCKET', message: 'other side closed' },
  startedAt,
  durationMs: 2,
});

test("a request unanswered while another address is blocked is REQ-RL-06's, not its scenario's", () => {
  resetBlockWindows(new SharedArrayBuffer(BLOCK_WINDOWS_BYTES));
  try {
    const before = unanswered(undefined, Date.now() - 60_000);
    const window = openBlockWindow('127.0.0.17');
    assert.throws(
      () => blockOnForeignIpBlock(unanswered(undefined), ['REQ-TOK-01'], TARGET),
      (error: unknown) => error instanceof PrerequisiteBlocked && error.blockedBy === 'REQ-RL-06' && /from the run's own address while an IP-block check/.test(error.reason),
    );
    assert.throws(() => blockOnForeignIpBlock(unanswered('127.0.0.16'), ['REQ-RL-04'], TARGET), PrerequisiteBlocked, "another check's address too");
    assert.doesNotThrow(() => blockOnForeignIpBlock(unanswered('127.0.0.17'), ['REQ-RL-04'], TARGET), "the blocked address's own requests are its check's evidence");
    assert.doesNotThrow(() => blockOnForeignIpBlock(unanswered('127.0.0.16'), ['REQ-RL-06'], TARGET), "REQ-RL-06's bystander: its missing answer is the finding");
    assert.doesNotThrow(() => blockOnForeignIpBlock(unanswered(undefined), ['REQ-TLS-03'], TARGET), 'a TLS check judges its connections itself');
    assert.doesNotThrow(() => blockOnForeignIpBlock({ ...unanswered(undefined), transportError: undefined, response: { status: 403, headers: {}, body: '' } } as Exchange, ['REQ-TOK-01'], TARGET), 'an HTTP refusal is judged as such');
    assert.doesNotThrow(() => blockOnForeignIpBlock(before, ['REQ-TOK-01'], TARGET), 'unanswered before the window opened: not the block');
    const gateway = { ...unanswered(undefined), request: { method: 'GET', url: 'http://127.0.0.1:2/protected' } };
    assert.doesNotThrow(() => blockOnForeignIpBlock(gateway, ['REQ-BEARER-01'], TARGET), "the gateway dropping a connection is the gateway's own finding");
    const mtlsAlias = { ...unanswered(undefined), request: { method: 'POST', url: 'https://127.0.0.1:3/token' } };
    assert.throws(() => blockOnForeignIpBlock(mtlsAlias, ['REQ-MTLS-01'], TARGET), PrerequisiteBlocked, "the IdP's other origins (its mTLS alias) share its block");
    openBlockWindow('127.0.0.18').closeAfter(-60_000);
    assert.doesNotThrow(() => blockOnForeignIpBlock(unanswered('127.0.0.18'), ['REQ-RL-05'], TARGET), 'an address blocked earlier in the run: its own block explains it (a block never lifted)');
    window.closeAfter(-1);
    assert.equal(anotherAddressBlockedDuring(undefined, Date.now() + 10, Date.now() + 20), false, 'closed: later requests are their own');
    assert.equal(anotherAddressBlockedDuring(undefined, Date.now() - 50, Date.now()), true, 'a request sent while it was open still is the block\'s');
  } finally {
    resetBlockWindows();
  }
});

test('the windows are shared by the workers through the memory the main thread offers', () => {
  const memory = new SharedArrayBuffer(BLOCK_WINDOWS_BYTES);
  resetBlockWindows(memory);
  openBlockWindow('127.0.0.30');
  resetBlockWindows(new SharedArrayBuffer(BLOCK_WINDOWS_BYTES));
  assert.equal(anotherAddressBlockedDuring(undefined, Date.now() - 5, Date.now()), false, 'another run\'s memory: nothing open');
  resetBlockWindows(memory);
  assert.equal(anotherAddressBlockedDuring(undefined, Date.now() - 5, Date.now()), true, "the worker that reads the offered memory sees the other's window");
  resetBlockWindows();
});
