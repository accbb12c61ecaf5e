/**
 * Waits for the rate-limit and block checks. Node's timers may fire up to a millisecond before the time asked for,
 * as performance.now() measures it (libuv rounds its loop clock down to whole ms). "Never before the wait is over"
 * is what makes a target that restarts its block on every attempt pass: one request a millisecond early restarts
 * the block, and every poll after it restarts it again. So pauseUntil checks the clock and waits the rest.
 */

/** Resolves no earlier than `at` (a performance.now() time). */
export async function pauseUntil(at: number): Promise<void> {
  for (let left = at - performance.now(); left > 0; left = at - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

/** Resolves no earlier than `ms` from now. */
export const pauseFor = (ms: number): Promise<void> => pauseUntil(performance.now() + ms);
