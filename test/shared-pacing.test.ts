/**
 * The run's own address paces its ordinary token and gateway requests under the target's limit (support/oauth/
 * pacing.ts). Parallel workers share the address: where the CLI offered one window, any worker may use the whole
 * budget (no worker waits on a third of it while the others send nothing), and all of them together stay within it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { offerSharedPacing, paceOwnAddress, resetSharedPacing, SHARE_OF_LIMIT } from '../support/oauth/pacing.ts';

class WouldWait extends Error {}
const noWait = async (): Promise<void> => {
  throw new WouldWait();
};

/** How many requests go out at once before the pacer asks to wait. */
async function sentWithoutWaiting(use: 'token' | 'gateway', limit: number): Promise<number> {
  let sent = 0;
  for (;;) {
    try {
      await paceOwnAddress(use, limit, noWait);
    } catch (error) {
      if (error instanceof WouldWait) return sent;
      throw error;
    }
    sent++;
  }
}

test('with the shared window one worker may use the whole budget of the address, and the budget is the run\'s', async () => {
  const before = process.env.CUCUMBER_TOTAL_WORKERS;
  process.env.CUCUMBER_TOTAL_WORKERS = '3';
  try {
    offerSharedPacing();
    resetSharedPacing();
    const budget = Math.floor(35 * SHARE_OF_LIMIT);
    assert.equal(await sentWithoutWaiting('token', 35), budget, `the whole ${budget}, not a third of it: measured, a worker's third made 172 token requests wait 9.5 s`);
    assert.equal(await sentWithoutWaiting('gateway', 20), Math.floor(20 * SHARE_OF_LIMIT), 'the gateway\'s own window: token requests do not use it up');
    // Another worker (a thread that got the same offered memory) finds the budget spent.
    const other = new Worker(
      `import('${new URL('../support/oauth/pacing.ts', import.meta.url).href}').then(async (m) => {
         let sent = 0;
         for (;;) {
           try { await m.paceOwnAddress('token', 35, async () => { throw new Error('wait'); }); sent++; }
           catch { break; }
         }
         require('node:worker_threads').parentPort.postMessage(sent);
       });`,
      { eval: true },
    );
    const sentByOther = await new Promise<number>((resolve, reject) => {
      other.once('message', resolve);
      other.once('error', reject);
    });
    await other.terminate();
    assert.equal(sentByOther, 0, 'the run as a whole stays within the budget: the other worker must wait');
  } finally {
    if (before === undefined) delete process.env.CUCUMBER_TOTAL_WORKERS;
    else process.env.CUCUMBER_TOTAL_WORKERS = before;
    resetSharedPacing();
  }
});
