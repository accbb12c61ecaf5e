/**
 * Keeps the kit's ordinary token requests under the target's token rate limit (seed 001: 50 requests per second
 * per IP, then 429). Every scenario of a run asks for tokens from the same default address; run back to back on
 * a fast machine they could pass 50 in a second, and a 429 in a scenario about something else would be a false
 * alarm. So requests from one address are spaced to at most `share` of the limit in any sliding second: a
 * sliding second that holds at most N requests guarantees that every fixed one-second window the server may use
 * holds at most N as well. The share leaves room for answers that arrive a little later than they were sent.
 *
 * The rate-limit scenarios measure the limit itself and send their bursts from their own addresses, unpaced.
 */
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
