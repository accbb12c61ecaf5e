/** A worker thread of test/shared-load-window.test.ts: takes slots of the shared window as fast as it can. */
import { parentPort, workerData } from 'node:worker_threads';
import { SharedLoadWindow } from '../../support/load/shared-window.ts';

const { buffer, attempts, perSecond } = workerData as { buffer: SharedArrayBuffer; attempts: number; perSecond: number };
// One frozen instant: every slot taken stays in the window, so the only way to exceed perSecond is a lost update.
const window = new SharedLoadWindow(buffer, () => 1);
let granted = 0;
for (let i = 0; i < attempts; i++) if (window.take(perSecond) === 0) granted++;
parentPort!.postMessage(granted);
