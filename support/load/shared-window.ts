/**
 * The load cap's one-second window, shared by every cucumber worker of a run. The workers are threads of the CLI's
 * process; each used to get an equal share of limits.maxRequestsPerSecond (a third with three workers), because
 * they could not see each other's requests. But the bursts never run two at once (support/run/parallel.ts), so the
 * worker that sends one was held to a third of the rate the profile allows while the others sent almost nothing:
 * every burst of the chain waited ~1 s for its own previous one to leave that small window (measured: 11.6 s of
 * waits in a reference run), and REQ-RL-14's bursts ended at 66 requests instead of 3N.
 *
 * So the CLI's main thread creates one SharedArrayBuffer before the workers start (worker_threads'
 * setEnvironmentData: every worker gets the same memory), and every worker's LoadCap counts its sends in it:
 * the run as a whole still never sends more than maxRequestsPerSecond within any second, whichever worker sends.
 *
 * The run budget (limits.maxRequestsPerRun) is counted here too. Split in equal shares, it held the worker that
 * happened to send the bursts to a third of it while the others used almost none: measured in a whole run of
 * gateway-rate-limit-not-enforced (the gateway's bursts ran to 3N without a 429), REQ-RL-08 was not testable, "only
 * 157 of the run's load budget are left", at 1525 of that worker's 1666 with the run's 5000 barely touched. A plan
 * RESERVES its upper bound before its first request (so no plan stops half-way for want of budget, whatever the
 * other workers send meanwhile), spends its sends from that reservation, and gives back what it did not send when
 * its scenario ends (LoadCap.release, an After hook) or, at the latest, when its worker plans again.
 *
 * Layout: Int32 [lock, count, head, used, reserved], then a Float64 ring of send times (ms since the epoch: each
 * thread's performance.now() has its own origin, performance.timeOrigin + now() is the same clock in all of them).
 * A spin lock (Atomics.compareExchange) guards the few reads and writes; the critical section is a handful of array
 * operations, never an await.
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

/** The key under which the main thread hands the buffer to the workers. */
export const SHARED_LOAD_WINDOW_KEY = 'auth-ctk:load-window';
/** Slots in the ring: the most a shared window can count within one second. A higher cap falls back to shares. */
export const SHARED_WINDOW_CAPACITY = 4096;

const LOCK = 0;
const COUNT = 1;
const HEAD = 2;
/** Requests sent through the run budget. */
const USED = 3;
/** Requests reserved by plans and not yet sent. */
const RESERVED = 4;
/** Five Int32 rounded up to the Float64 ring's alignment. */
const HEADER_BYTES = 24;

const epochNow = (): number => performance.timeOrigin + performance.now();

export class SharedLoadWindow {
  private readonly header: Int32Array;
  private readonly times: Float64Array;
  private readonly now: () => number;

  constructor(buffer: SharedArrayBuffer, now: () => number = epochNow) {
    this.header = new Int32Array(buffer, 0, 5);
    this.times = new Float64Array(buffer, HEADER_BYTES);
    this.now = now;
  }

  static allocate(capacity = SHARED_WINDOW_CAPACITY): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + capacity * Float64Array.BYTES_PER_ELEMENT);
  }

  get capacity(): number {
    return this.times.length;
  }

  /**
   * Counts `count` sends now if they keep the last second within `perSecond`, and returns 0; else returns how long
   * (ms) until the oldest send leaves the window. All or none: requests that must leave together take their slots
   * in one step, so another thread cannot take the second slot between them.
   */
  take(perSecond: number, count = 1): number {
    return this.locked((now) => {
      if (this.header[COUNT]! + count <= perSecond) {
        for (let i = 0; i < count; i++) this.times[(this.header[HEAD]! + this.header[COUNT]! + i) % this.capacity] = now;
        this.header[COUNT] = this.header[COUNT]! + count;
        return 0;
      }
      return this.times[this.header[HEAD]!]! + 1000 - now + 0.5;
    });
  }

  /** 0 when `needed` sends could leave at once within `perSecond`; else how long (ms) until one more slot frees. */
  waitForRoom(needed: number, perSecond: number): number {
    return this.locked((now) => (perSecond - this.header[COUNT]! >= needed ? 0 : this.times[this.header[HEAD]!]! + 1000 - now + 0.5));
  }

  /**
   * Gives back `release` (the unsent rest of this worker's last plan), then reserves `count` if the run's sends and
   * reservations stay within `total`. All under the lock: two workers cannot both take the last of the budget.
   */
  reserve(total: number, release: number, count: number): boolean {
    return this.locked(() => {
      this.header[RESERVED] = Math.max(0, this.header[RESERVED]! - release);
      if (this.header[USED]! + this.header[RESERVED]! + count > total) return false;
      this.header[RESERVED] = this.header[RESERVED]! + count;
      return true;
    });
  }

  /**
   * Counts `count` sends, `fromReservation` of them out of this worker's reservation; the rest must fit within
   * `total` beside everything sent and reserved. False (nothing counted) when they do not.
   */
  spend(total: number, count: number, fromReservation: number): boolean {
    return this.locked(() => {
      const extra = count - fromReservation;
      if (extra > 0 && this.header[USED]! + this.header[RESERVED]! + extra > total) return false;
      this.header[RESERVED] = Math.max(0, this.header[RESERVED]! - fromReservation);
      this.header[USED] = this.header[USED]! + count;
      return true;
    });
  }

  /** The run budget so far: sent, and reserved by plans not yet sent. */
  budget(): { readonly used: number; readonly reserved: number } {
    return this.locked(() => ({ used: this.header[USED]!, reserved: this.header[RESERVED]! }));
  }

  /** Under the lock, with the sends older than one second dropped. */
  private locked<T>(body: (now: number) => T): T {
    while (Atomics.compareExchange(this.header, LOCK, 0, 1) !== 0) {
      // Another thread holds it for a few array operations: spin.
    }
    try {
      const now = this.now();
      while (this.header[COUNT]! > 0 && this.times[this.header[HEAD]!]! <= now - 1000) {
        this.header[HEAD] = (this.header[HEAD]! + 1) % this.capacity;
        this.header[COUNT] = this.header[COUNT]! - 1;
      }
      return body(now);
    } finally {
      Atomics.store(this.header, LOCK, 0);
    }
  }
}

/**
 * The main thread, before the workers start: one window for all of them (under `key`: the load cap's, or another
 * sliding-second count they share, as the own address's pacing).
 */
export function offerSharedLoadWindow(key = SHARED_LOAD_WINDOW_KEY, capacity = SHARED_WINDOW_CAPACITY): void {
  setEnvironmentData(key, SharedLoadWindow.allocate(capacity));
}

/** The window the main thread offered under `key`, when it did and it can count `perSecond` (else the workers take shares). */
export function sharedLoadWindow(perSecond: number, key = SHARED_LOAD_WINDOW_KEY): SharedLoadWindow | undefined {
  const buffer = getEnvironmentData(key);
  if (!(buffer instanceof SharedArrayBuffer)) return undefined;
  const window = new SharedLoadWindow(buffer);
  return perSecond <= window.capacity ? window : undefined;
}
