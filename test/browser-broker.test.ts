/**
 * The run's one Chromium for all cucumber workers (support/browser/broker.ts): workers are threads, the broker
 * answers them from the main thread. Real worker threads, and for the first test a real Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { openBrowserBroker } from '../support/browser/broker.ts';
import { BROWSER_BROKER_ENV, ChromiumUnavailableError, npmChromiumRuns } from '../support/browser/chromium.ts';

const CHROMIUM_MODULE = fileURLToPath(new URL('../support/browser/chromium.ts', import.meta.url));

interface WorkerResult {
  readonly version?: string;
  readonly rendered?: string;
  readonly error?: { readonly name: string; readonly message: string };
}

/** A worker thread that asks for the run's browser the way a cucumber worker's Before hook does. */
function workerAskingForBrowser(env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    (async () => {
      const { sharedChromium, closeSharedBrowser } = await import(${JSON.stringify(CHROMIUM_MODULE)});
      try {
        const { browser, identity } = await sharedChromium();
        const page = await (await browser.newContext()).newPage();
        await page.setContent('<p id="x">rendered in a worker</p>');
        parentPort.postMessage({ version: identity.version, rendered: await page.locator('#x').innerText() });
      } catch (error) {
        parentPort.postMessage({ error: { name: error.name, message: error.message } });
      } finally {
        await closeSharedBrowser();
      }
    })();`;
  const worker = new Worker(code, { eval: true, env });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate()) as Promise<WorkerResult>;
}

test('two workers of a parallel run share one Chromium, started by the broker on the first request', async (t) => {
  if (!npmChromiumRuns()) return t.skip(`the npm-shipped Chromium is a Linux x64 build; this is ${process.platform}/${process.arch}`);
  const env = { ...process.env };
  const broker = openBrowserBroker({ env });
  try {
    assert.ok(env[BROWSER_BROKER_ENV], 'the channel is published for the workers');
    const results = await Promise.all([workerAskingForBrowser(env), workerAskingForBrowser(env)]);
    for (const result of results) {
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.rendered, 'rendered in a worker');
      assert.match(result.version ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    }
    assert.equal(broker.launches, 1, 'one browser for both workers');
  } finally {
    await broker.close();
  }
  assert.equal(env[BROWSER_BROKER_ENV], undefined, 'closed: no worker started later looks for it');
});

test('a browser that cannot start is answered as such: the worker gets ChromiumUnavailableError (not testable), no launch of its own', async () => {
  const env = { ...process.env };
  let starts = 0;
  const broker = openBrowserBroker({
    env,
    start: async () => {
      starts += 1;
      throw new ChromiumUnavailableError('no Chromium could be started: test');
    },
  });
  try {
    const [first, second] = await Promise.all([workerAskingForBrowser(env), workerAskingForBrowser(env)]);
    for (const result of [first, second]) {
      assert.equal(result.error?.name, 'ChromiumUnavailableError');
      assert.match(result.error?.message ?? '', /no Chromium could be started: test/);
    }
    assert.equal(starts, 1, 'a failed start is kept for the run, not tried again per worker');
  } finally {
    await broker.close();
  }
});

test('a warmed broker starts the browser before any worker asks; a start that fails is still answered as unavailable', async () => {
  const env = { ...process.env };
  let starts = 0;
  let failed = false;
  const broker = openBrowserBroker({
    env,
    start: async () => {
      starts += 1;
      failed = true;
      throw new ChromiumUnavailableError('no Chromium could be started: warmed');
    },
  });
  try {
    broker.warm();
    broker.warm();
    // The rejection lands before anyone asks: no unhandled rejection (node --test would report it), no second start.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(failed, true, 'started at warm(), not at the first request');
    const result = await workerAskingForBrowser(env);
    assert.equal(result.error?.name, 'ChromiumUnavailableError');
    assert.match(result.error?.message ?? '', /warmed/);
    assert.equal(starts, 1, 'warming twice and a request later: one start');
  } finally {
    await broker.close();
  }
  const closed = openBrowserBroker({ env, start: async () => assert.fail('a closed broker starts nothing') });
  await closed.close();
  closed.warm();
});
