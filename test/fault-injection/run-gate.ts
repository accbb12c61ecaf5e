/**
 * Fault runs share the 2-core machine two at a time (faults.test.ts). A timing check (a rate limit located from
 * bursts, a block window) that could not judge because the machine was too loaded is run once more ALONE: the
 * gate starts an exclusive run only once the runs in flight have ended, and holds new runs back until it is done.
 * A shared / exclusive lock within one process (node:test runs the tests of a describe concurrently here).
 */
export class RunGate {
  private runningBeside = 0;
  private exclusive = false;
  /** Exclusive runs waiting go before any new shared run (no starvation behind a stream of shared runs). */
  private waitingAlone = 0;
  private readonly waiters: (() => void)[] = [];

  /** Runs `work` beside other runs of the gate, never beside one that runs alone. */
  async beside<T>(work: () => Promise<T>): Promise<T> {
    await this.take(
      () => !this.exclusive && this.waitingAlone === 0,
      () => this.runningBeside++,
    );
    try {
      return await work();
    } finally {
      this.runningBeside--;
      this.wake();
    }
  }

  /** Runs `work` with no other run of the gate in flight. */
  async alone<T>(work: () => Promise<T>): Promise<T> {
    this.waitingAlone++;
    await this.take(
      () => !this.exclusive && this.runningBeside === 0,
      () => {
        this.waitingAlone--;
        this.exclusive = true;
      },
    );
    try {
      return await work();
    } finally {
      this.exclusive = false;
      this.wake();
    }
  }

  /** Waits until `ready`, then `claim`s in the same synchronous slice: no other waiter can slip in between. */
  private async take(ready: () => boolean, claim: () => void): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    claim();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
