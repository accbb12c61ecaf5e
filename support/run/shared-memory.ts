/**
 * Memory the CLI's main thread offers the cucumber workers (threads) before they start, for the run-wide counts and
 * windows they share: the signing-key rotations, the own address's refusals, the IP-block windows. A worker of a run
 * without it (one worker, `npm run cucumber`, a unit test) gets memory of its own: the same code, shared by nobody.
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

/** The main thread, before the workers start. */
export function offerSharedMemory(key: string, bytes: number): void {
  setEnvironmentData(key, new SharedArrayBuffer(bytes));
}

/** The memory offered under `key`, or a fresh one of this worker's own. */
export function sharedMemory(key: string, bytes: number): SharedArrayBuffer {
  const offered = getEnvironmentData(key);
  return offered instanceof SharedArrayBuffer ? offered : new SharedArrayBuffer(bytes);
}
