/**
 * The load cap (issue 11, "Safety for external targets"): every request of a load-generating check (rate-limit
 * bursts, failed logins for the IP block, the probes around them) goes through one LoadCap per run, which
 *   - never lets more than limits.maxRequestsPerSecond leave within any sliding one-second window, and
 *   - never lets more than limits.maxRequestsPerRun leave in the whole run (a plan that does not fit is refused
 *     BEFORE its first request, so a check never stops half-way through a burst for lack of budget).
 * Other scenarios' ordinary requests (one token, one gateway call) do not go through it: they are not load.
 * With parallel cucumber workers the per-second limit is counted in one window all of them share (shared-window.ts,
 * offered by the CLI's main thread), so whichever worker sends a burst may use the whole rate, and so is the run
 * budget: a plan reserves its upper bound there before its first request (shared-window.ts). Where no shared window
 * was offered, each worker gets an equal share of both. Either way the run as a whole stays within both limits.
 * Before a plan sends anything, the run says what it is about to send (announce()).
 */
import type { CtkWorld } from '../world.ts';
import type { TargetDescription } from '../target/target.ts';
import { workerShare, type WorkerShare } from './source-addresses.ts';
import { sharedLoadWindow, type SharedLoadWindow } from './shared-window.ts';

export interface LoadLimits {
  readonly maxRequestsPerSecond: number;
  readonly maxRequestsPerRun: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export class LoadCap {
  readonly perSecond: number;
  readonly perRun: number;
  private readonly clock: Clock;
  /** Send times of the last second (ascending). */
  private readonly recent: number[] = [];
  private sent = 0;
  /** The unsent rest of this worker's current plan, reserved in the shared run budget. */
  private reservedHere = 0;
  /** Serialises acquire() so concurrent callers cannot both slip into the same free slot. */
  private queue: Promise<void> = Promise.resolve();
  /** The run's one window, shared by the workers; undefined: this worker counts its own share here. */
  private readonly shared: SharedLoadWindow | undefined;

  constructor(limits: LoadLimits, share: WorkerShare = { id: 0, total: 1 }, clock: Clock = realClock, shared?: SharedLoadWindow) {
    this.shared = shared;
    this.perSecond = Math.max(1, Math.floor(limits.maxRequestsPerSecond / (shared ? 1 : share.total)));
    this.perRun = Math.max(0, Math.floor(limits.maxRequestsPerRun / (shared ? 1 : share.total)));
    this.clock = clock;
  }

  /** Requests already sent through the cap in this run (by every worker, where the budget is shared). */
  get used(): number {
    return this.shared ? this.shared.budget().used : this.sent;
  }

  /**
   * Requests left in the run budget for a new plan of this worker (its own open reservation counts as free: a new
   * plan gives it back). Where the budget is shared, only reserve() can promise them.
   */
  get remaining(): number {
    if (!this.shared) return Math.max(0, this.perRun - this.sent);
    const { used, reserved } = this.shared.budget();
    return Math.max(0, this.perRun - used - (reserved - this.reservedHere));
  }

  /**
   * Before a plan's first request: true when its `requests` fit the run budget, and then they are kept for it. A
   * worker's scenarios run one after another, so its new plan gives back what its last one did not send.
   */
  reserve(requests: number): boolean {
    if (!this.shared) return requests <= this.remaining;
    const kept = this.shared.reserve(this.perRun, this.reservedHere, requests);
    this.reservedHere = kept ? requests : 0;
    return kept;
  }

  /**
   * At the end of a scenario: gives back the unsent rest of this worker's plan. Without it the rest stayed reserved
   * until the worker's next plan, and a worker with no further plan held it to the end of the run, out of reach of
   * the other workers' plans.
   */
  release(): void {
    if (!this.shared || this.reservedHere === 0) return;
    this.shared.reserve(this.perRun, this.reservedHere, 0);
    this.reservedHere = 0;
  }

  /**
   * Waits until one more request keeps every one-second window at or under perSecond, then counts it as sent.
   * Throws when the run budget is used up (a plan checks `remaining` first, so this is a kit bug guard).
   */
  acquire(): Promise<void> {
    return this.acquireTogether(1);
  }

  /**
   * acquire() for `count` requests that must leave at the same moment (a question asked from two addresses at
   * once): waits until all of them fit, then counts them in one step, so that the cap never lets the first out and
   * holds the second. Never more than perSecond: they could not leave together within the cap.
   */
  acquireTogether(count: number): Promise<void> {
    const needed = Math.max(1, count);
    if (needed > this.perSecond) return Promise.reject(new RangeError(`${needed} requests cannot leave together under a cap of ${this.perSecond} per second`));
    const turn = this.queue.then(async () => {
      if (this.shared) {
        const fromReservation = Math.min(needed, this.reservedHere);
        if (!this.shared.spend(this.perRun, needed, fromReservation)) throw new LoadBudgetExhaustedError(this.perRun, 'run');
        this.reservedHere -= fromReservation;
        for (let wait = this.shared.take(this.perSecond, needed); wait > 0; wait = this.shared.take(this.perSecond, needed)) await this.clock.sleep(wait);
        this.sent += needed;
        return;
      }
      if (this.sent + needed > this.perRun) throw new LoadBudgetExhaustedError(this.perRun, 'worker');
      for (;;) {
        const now = this.clock.now();
        while (this.recent.length > 0 && this.recent[0]! <= now - 1000) this.recent.shift();
        if (this.recent.length + needed <= this.perSecond) break;
        await this.clock.sleep(this.recent[0]! + 1000 - now + 0.5);
      }
      const now = this.clock.now();
      for (let i = 0; i < needed; i++) this.recent.push(now);
      this.sent += needed;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Waits until `count` requests (at most perSecond) could leave at once, so that a burst is not slowed by the cap
   * half-way: a burst whose duration is measured (REQ-RL-14) must last what the target took, not the cap's pacing.
   */
  async roomFor(count: number): Promise<void> {
    const needed = Math.min(count, this.perSecond);
    if (this.shared) {
      for (let wait = this.shared.waitForRoom(needed, this.perSecond); wait > 0; wait = this.shared.waitForRoom(needed, this.perSecond)) await this.clock.sleep(wait);
      return;
    }
    for (;;) {
      const now = this.clock.now();
      while (this.recent.length > 0 && this.recent[0]! <= now - 1000) this.recent.shift();
      if (this.perSecond - this.recent.length >= needed) return;
      await this.clock.sleep(this.recent[0]! + 1000 - now + 0.5);
    }
  }
}

/** Requests that must leave at the same moment (REQ-RL-07's question from two addresses): slots taken together, then all sent. */
export async function sendTogether<T>(cap: LoadCap, sends: readonly (() => Promise<T>)[]): Promise<T[]> {
  await cap.acquireTogether(sends.length);
  return Promise.all(sends.map((send) => send()));
}

export class LoadBudgetExhaustedError extends Error {
  constructor(perRun: number, of: 'run' | 'worker') {
    super(`the run's load budget (limits.maxRequestsPerRun, ${perRun} for ${of === 'run' ? 'the whole run' : 'this worker'}) is used up`);
    this.name = 'LoadBudgetExhaustedError';
  }
}

const caps = new Map<string, LoadCap>();

/** The one cap of this run (per worker process) for this target. */
export function loadCapFor(target: TargetDescription): LoadCap {
  const key = `${target.name}|${target.tokenEndpoint}`;
  let cap = caps.get(key);
  if (!cap) caps.set(key, (cap = new LoadCap(target.limits, workerShare(), realClock, sharedLoadWindow(target.limits.maxRequestsPerSecond))));
  return cap;
}

/** After each scenario: every cap of this worker gives back what its plan reserved and did not send. */
export function releaseLoadReservations(): void {
  for (const cap of caps.values()) cap.release();
}

export interface LoadPlan {
  /** What for, in one line: "a burst of token requests beyond the rate limit". */
  readonly purpose: string;
  readonly requests: number;
  readonly url: string;
  readonly sourceAddresses: readonly string[];
  /** The pace the plan keeps (requests per second), at most the cap's. */
  readonly ratePerSecond: number;
  /** The plan's upper bound in time (seconds). */
  readonly withinSeconds: number;
}

/** Says what a plan will send before it sends it: in the scenario's log always, on stderr for non-reference targets. */
export function announce(world: CtkWorld, cap: LoadCap, plan: LoadPlan): void {
  const line =
    `auth-ctk load: ${plan.purpose}: up to ${plan.requests} request(s) to ${plan.url} from ${plan.sourceAddresses.join(', ') || 'the default address'}, ` +
    `at most ${Math.round(plan.ratePerSecond)}/s (cap ${cap.perSecond}/s), within ${plan.withinSeconds.toFixed(1)} s; ` +
    `run budget: ${cap.used} of ${cap.perRun} used before this plan`;
  world.log(line);
  if (world.target.kind !== 'reference' || process.env.AUTH_CTK_LOAD_LOG === '1') process.stderr.write(`${line}\n`);
}

/** A target whose profile does not enable load scenarios has both caps at 0: nothing load-generating is sent. */
export function loadSwitchedOff(target: TargetDescription): { reason: string; remedy: string } | undefined {
  if (target.limits.maxRequestsPerRun > 0 && target.limits.maxRequestsPerSecond > 0) return undefined;
  return {
    reason: 'load-generating checks are switched off for this target (its load caps are 0)',
    remedy: 'set limits.loadScenarios: true with limits.maxRequestsPerSecond and limits.maxRequestsPerRun in the target profile',
  };
}

/**
 * Checks that a plan fits the run's remaining budget and announces it; returns the reason when it does not fit
 * (for "not testable"). `requests` is the plan's upper bound, probes included.
 */
export function planLoad(world: CtkWorld, plan: LoadPlan): { cap: LoadCap } | { reason: string; remedy: string } {
  const off = loadSwitchedOff(world.target);
  if (off) return off;
  const cap = loadCapFor(world.target);
  if (!cap.reserve(plan.requests)) {
    return {
      reason: `${plan.purpose} needs up to ${plan.requests} requests, but only ${cap.remaining} of the run's load budget (limits.maxRequestsPerRun) are left`,
      remedy: 'raise limits.maxRequestsPerRun in the target profile, or run fewer load checks at once (--tags)',
    };
  }
  announce(world, cap, plan);
  return { cap };
}
