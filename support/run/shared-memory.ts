/**
 * Memory the CLI's main thread offers the cucumber workers (threads) before they start, for the run-wide counts and
 * windows they share: the signing-key rotations, the own address's refusals, the IP-block windows. A worker of a run
 * without it (one worker, `npm run cucumber`, a unit test) gets memory of its own: the same code, shared by nobody.
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

/** The memory offered under `key`, or a fresh one of this worker's own. */
export function sharedMemory(key: string, bytes: number): SharedArrayBuffer {
  const offered = getEnvironmentData(key);
  return offered instanceof SharedArrayBuffer ? offered : new SharedArrayBuffer(bytes);
}

/** One run-wide buffer under `key`, seen through `view` (an Int32Array, a BigInt64Array). */
export class SharedCells<T> {
  private seen: T | undefined;
  private readonly key: string;
  /** The memory it takes (a test that hands its own allocates this much). */
  readonly bytes: number;
  private readonly view: (memory: SharedArrayBuffer) => T;

  constructor(key: string, bytes: number, view: (memory: SharedArrayBuffer) => T) {
    this.key = key;
    this.bytes = bytes;
    this.view = view;
  }

  /** The main thread, before the workers start. */
  offer(): void {
    setEnvironmentData(this.key, new SharedArrayBuffer(this.bytes));
  }

  /** The cells: the offered memory, or this worker's own. */
  get cells(): T {
    return (this.seen ??= this.view(sharedMemory(this.key, this.bytes)));
  }

  /** For the kit's own tests: this memory from now on, or (none given) whatever is offered next. */
  reset(offered?: SharedArrayBuffer): void {
    this.seen = offered ? this.view(offered) : undefined;
  }
}
