/**
 * Keeps the kit's ordinary token requests under the target's token rate limit (seed 001: 50 requests per second
 * per IP, then 429). Every scenario of a run asks for tokens from the same default address; run back to back on
 * a fast machine they could pass 50 in a second, and a 429 in a scenario about something else would be a false
 * alarm. So requests from one address are spaced to at most `share` of the limit in any sliding second: a
 * sliding second that holds at most N requests guarantees that every fixed one-second window the server may use
 * holds at most N as well. The share leaves room for answers that arrive a little later than they were sent.
 *
 * The rate-limit scenarios measure the limit itself and send their bursts from their own addresses, unpaced.
 *
 * Parallel workers share the address. Each used to keep to an equal share of the budget (a third with three
 * workers: 8 token requests in any second), though their needs come in bursts: measured in a reference run, 172
 * token requests waited 9.5 s of worker time on their worker's share while the run as a whole sent ~7 a second, and
 * a fourth or fifth worker made it worse (a smaller share each), not better. Where the CLI's main thread offers one
 * window per address use (offerSharedPacing, before the workers start), every worker counts its requests there:
 * the run as a whole stays within the same budget, and whichever worker needs it may use all of it.
 */
import { offerSharedLoadWindow, sharedLoadWindow, type SharedLoadWindow } from '../load/shared-window.ts';
import { workerShare } from '../load/source-addresses.ts';

export const SHARE_OF_LIMIT = 0.7;
const WINDOW_MS = 1_000;

export class RequestPacer {
  private readonly perWindow: number;
  private readonly sent = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(limitPerSecond: number, options: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    this.perWindow = Math.max(1, Math.floor(limitPerSecond * SHARE_OF_LIMIT));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits (if needed) until one more request from `key` stays within the budget, then counts it. */
  async acquire(key: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const recent = (this.sent.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
      if (recent.length < this.perWindow) {
        recent.push(now);
        this.sent.set(key, recent);
        return;
      }
      this.sent.set(key, recent);
      await this.sleep(recent[0]! + WINDOW_MS - now + 1);
    }
  }
}

const pacers = new Map<number, RequestPacer>();

/** The process-wide pacer for a target's limit (one run = one target). */
export function pacerFor(limitPerSecond: number): RequestPacer {
  let pacer = pacers.get(limitPerSecond);
  if (!pacer) {
    pacer = new RequestPacer(limitPerSecond);
    pacers.set(limitPerSecond, pacer);
  }
  return pacer;
}

/** What the run's own address paces: its token requests and its gateway requests, each under its own limit. */
export type PacedUse = 'token' | 'gateway';
const PACED_USES: readonly PacedUse[] = ['token', 'gateway'];
const sharedPaceKey = (use: PacedUse): string => `auth-ctk:own-address-pace:${use}`;
/** Sends a shared pacing window can count within one second (a limit above it falls back to shares). */
const SHARED_PACE_CAPACITY = 1024;

/** The main thread, before the workers start: one pacing window per use of the address they all share. */
export function offerSharedPacing(): void {
  for (const use of PACED_USES) offerSharedLoadWindow(sharedPaceKey(use), SHARED_PACE_CAPACITY);
}

/** Per use and per-second count: the offered window (null: none, or too small), looked up once per worker. */
const sharedWindows = new Map<string, SharedLoadWindow | null>();

function sharedPaceWindow(use: PacedUse, perWindow: number): SharedLoadWindow | undefined {
  const key = `${use}|${perWindow}`;
  if (!sharedWindows.has(key)) sharedWindows.set(key, sharedLoadWindow(perWindow, sharedPaceKey(use)) ?? null);
  return sharedWindows.get(key) ?? undefined;
}

/**
 * Waits, if needed, so that the run's requests of this use from its own address stay within SHARE_OF_LIMIT of
 * `limitPerSecond` (the whole run's) in any sliding second: counted in the shared window where one was offered,
 * else within this worker's equal share.
 */
export async function paceOwnAddress(use: PacedUse, limitPerSecond: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  const perWindow = Math.max(1, Math.floor(limitPerSecond * SHARE_OF_LIMIT));
  const shared = sharedPaceWindow(use, perWindow);
  if (!shared) {
    await pacerFor(limitPerSecond / workerShare().total).acquire(use);
    return;
  }
  for (let wait = shared.take(perWindow); wait > 0; wait = shared.take(perWindow)) await sleep(wait);
}

/** For the kit's own tests: read the offered windows again. */
export function resetSharedPacing(): void {
  sharedWindows.clear();
}
