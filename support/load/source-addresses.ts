/**
 * Distinct client IPs for the rate-limit and IP-block checks (seed 001 limits and blocks per IP). The kit sends
 * from the loopback addresses the target lists (sourceAddresses, 127.0.0.x), so that:
 *   - a burst or a block never hits the address every other scenario uses (127.0.0.1, the default);
 *   - no two scenarios share an address: each gets a FRESH one, never handed out again in this run (an address
 *     that was blocked stays blocked for ipBlock.blockSeconds, a rate-limited one for its window);
 *   - parallel cucumber workers never share one: they take the next address from one cursor in memory they all
 *     share (offered by the CLI's main thread, as the load window), so whichever worker runs a burst scenario may
 *     use what the others did not (the bursts run one at a time, on any worker: a fixed share per worker ran out
 *     under load, where slow bursts are sent again from fresh addresses). Without that memory (a worker started by
 *     something else), worker i of n takes every n-th address (CUCUMBER_WORKER_ID, CUCUMBER_TOTAL_WORKERS);
 *   - the addresses of others are left alone, and the list is budgeted across the whole run (addressBudget): the
 *     browser login's two (the last, support/browser/source-addresses.ts), the single failed logins' (kept under
 *     the block count, support/oauth/source-address.ts) and the rest for the load checks. Only the addresses the
 *     others can use are kept from the load checks: none for a remote target, one for failures when the target
 *     does not block (one address takes them all), the upper half when it does.
 * A loopback source address can only reach a loopback target; for any other target the list must hold addresses
 * of this machine's own interfaces.
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import type { TargetDescription } from '../target/target.ts';
import { browserSourceAddress } from '../browser/source-addresses.ts';

const isLoopbackAddress = (address: string): boolean => /^127\./.test(address) || address === '::1';
const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);

export interface WorkerShare {
  readonly id: number;
  readonly total: number;
}

export function workerShare(env: NodeJS.ProcessEnv = process.env): WorkerShare {
  const total = Math.max(1, Number.parseInt(env.CUCUMBER_TOTAL_WORKERS ?? '1', 10) || 1);
  const id = Math.min(total - 1, Math.max(0, Number.parseInt(env.CUCUMBER_WORKER_ID ?? '0', 10) || 0));
  return { id, total };
}

/**
 * The run's source addresses, split between their users before any is handed out (the whole list, not per worker):
 *   browser   the browser login's, when it can use them (loopback login and token endpoint);
 *   failures  single refused requests (support/oauth/source-address.ts): only on a loopback target (a loopback
 *             address reaches nothing else); one address when the target does not block (it takes every failure),
 *             else the upper half below the browser's, as many failures as the run has need their rations;
 *   load      everything else: the rate-limit and IP-block checks, a fresh address per scenario.
 * So a remote canvas reached from a machine with 8 addresses gives all 8 to the load checks, not half.
 */
export function addressBudget(target: TargetDescription): { load: string[]; failures: string[]; browser: string[] } {
  const list = target.sourceAddresses;
  const browser = [browserSourceAddress(target, 'wrong-password'), browserSourceAddress(target, 'ip-block')].filter((a): a is string => a !== undefined);
  const rest = list.filter((a) => !browser.includes(a));
  const hosts = [target.tokenEndpoint, ...(target.gateway ? [target.gateway.baseUrl] : [])].map((u) => new URL(u).hostname);
  if (!hosts.every(isLoopbackHost)) return { load: rest, failures: [], browser };
  if (target.capabilities?.['ip-blocking'] !== true) return { load: rest.slice(0, -1), failures: rest.slice(-1), browser };
  const half = Math.floor(list.length / 2);
  return { load: rest.filter((a) => list.indexOf(a) < half), failures: rest.filter((a) => list.indexOf(a) >= half), browser };
}

/** The addresses this worker may use for load checks against this target, in order. */
export function addressPool(target: TargetDescription, share: WorkerShare = workerShare()): string[] {
  const loopbackTarget = isLoopbackHost(new URL(target.tokenEndpoint).hostname);
  return addressBudget(target)
    .load.filter((a) => loopbackTarget || !isLoopbackAddress(a))
    .filter((_, i) => i % share.total === share.id);
}

/**
 * The run's own address, for the rate-limit checks of a target that offers no other (sourceAddresses: []): a
 * deployment reached from one machine sees one client IP, whatever addresses the machine has. The text is what
 * the verdicts say where they name the address. Only rate-limit checks use it (a 429 passes; an IP block would
 * lock the rest of the run out, so the IP-block checks never do), only with one cucumber worker (parallel
 * workers share the address), and they run last or after the cool-down the profile states (ownAddressQuiet).
 */
export const OWN_ADDRESS = "the run's own address (the profile lists no sourceAddresses)";

/** Request options for sending "from" an address: the run's own address is the default, no bind. */
export const sendFrom = (address: string): { sourceAddress?: string } => (address === OWN_ADDRESS ? {} : { sourceAddress: address });

/** When the run's own address may send token requests again after a rate-limit check used it (performance.now()). */
let ownAddressQuietAt = 0;

/**
 * After a rate-limit series from the run's own address: no ordinary token request leaves from it before its limit
 * is over: what the last 429 asked for (at least the seed's one-second window), or the profile's cool-down.
 */
export function ownAddressUsedUntil(target: TargetDescription, lastAnswerAt: number, retryAfterSeconds = 1): void {
  const waitMs = Math.max(1, retryAfterSeconds, target.limits.ownAddressCoolDownSeconds ?? 0) * 1000 + 250;
  ownAddressQuietAt = Math.max(ownAddressQuietAt, lastAnswerAt + waitMs);
}

/** Waits until the run's own address is out of any limit a rate-limit check put it in. */
export async function ownAddressQuiet(now: () => number = () => performance.now()): Promise<void> {
  const wait = ownAddressQuietAt - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** For the kit's tests. */
export const resetOwnAddress = (): void => {
  ownAddressQuietAt = 0;
};

/** Where the next address of a pool is: this worker's own count, or a cell of memory the workers share. */
export interface AddressCursor {
  /** The index to hand out now; the cursor moves past it. */
  take(): number;
  peek(): number;
}

const ownCursor = (): AddressCursor => {
  let next = 0;
  return { take: () => next++, peek: () => next };
};

export class SourceAddressAllocator {
  private readonly pool: readonly string[];
  private readonly cursor: AddressCursor;

  constructor(pool: readonly string[], cursor: AddressCursor = ownCursor()) {
    this.pool = pool;
    this.cursor = cursor;
  }

  /** A fresh address, or undefined when the run has used them all. */
  allocate(): string | undefined {
    if (this.cursor.peek() >= this.pool.length) return undefined;
    return this.pool[this.cursor.take()];
  }

  get remaining(): number {
    return Math.max(0, this.pool.length - this.cursor.peek());
  }

  get size(): number {
    return this.pool.length;
  }
}

/** The key under which the main thread hands the workers the shared cursors. */
export const SHARED_ADDRESS_CURSORS_KEY = 'auth-ctk:address-cursors';
const CURSOR_CELLS = 16;

/** The main thread, before the workers start: one cursor per target, shared by all of them. */
export function offerSharedAddressCursors(): void {
  setEnvironmentData(SHARED_ADDRESS_CURSORS_KEY, new SharedArrayBuffer(CURSOR_CELLS * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * A cursor in the shared memory for the target named `key` (a cell chosen by its hash: every worker picks the same
 * one; two targets in one cell only skip addresses, never hand one out twice). Atomics.add hands each index once.
 */
export function sharedAddressCursor(key: string, buffer: unknown = getEnvironmentData(SHARED_ADDRESS_CURSORS_KEY)): AddressCursor | undefined {
  if (!(buffer instanceof SharedArrayBuffer)) return undefined;
  const cells = new Int32Array(buffer);
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  const cell = Math.abs(hash) % cells.length;
  return { take: () => Atomics.add(cells, cell, 1), peek: () => Atomics.load(cells, cell) };
}

const allocators = new Map<string, SourceAddressAllocator>();

/** The run's allocator for this target, one per process: per cucumber worker, over the workers' shared cursor when the run offered one. */
export function allocatorFor(target: TargetDescription): SourceAddressAllocator {
  const key = `${target.name}|${target.tokenEndpoint}`;
  let allocator = allocators.get(key);
  if (!allocator) {
    const shared = sharedAddressCursor(key);
    // Shared: every worker sees the whole list and takes the next free address; else this worker's share.
    allocator = shared ? new SourceAddressAllocator(addressPool(target, { id: 0, total: 1 }), shared) : new SourceAddressAllocator(addressPool(target));
    allocators.set(key, allocator);
  }
  return allocator;
}

/**
 * Fresh addresses for one scenario, or the reason there are not enough (for "not testable"). `ownAddress`: a
 * rate-limit check that may send from the run's own address when the target offers no other (see OWN_ADDRESS).
 */
export function freshAddresses(
  target: TargetDescription,
  count: number,
  options: { ownAddress?: boolean; share?: WorkerShare } = {},
): { addresses: string[] } | { reason: string; remedy: string } {
  const allocator = allocatorFor(target);
  if (options.ownAddress && count === 1 && target.sourceAddresses.length === 0) {
    if ((options.share ?? workerShare()).total > 1) {
      return {
        reason: "the profile lists no sourceAddresses, and with parallel workers the run's own address is shared, so a rate-limit check from it would hit the other workers' requests",
        remedy: 'run the rate-limit checks with one worker (no --parallel), or list sourceAddresses in the target profile',
      };
    }
    return { addresses: [OWN_ADDRESS] };
  }
  if (allocator.remaining < count) {
    const why =
      allocator.size === 0
        ? target.sourceAddresses.length === 0
          ? 'the target profile lists no source addresses to act as distinct client IPs'
          : `none of the listed source addresses can reach ${new URL(target.tokenEndpoint).host} from this machine (loopback addresses reach loopback targets only)`
        : `this run has used up its ${allocator.size} source addresses (each scenario takes fresh ones)`;
    return { reason: `${why}; this check needs ${count} distinct client IP(s) of its own`, remedy: 'list more sourceAddresses in the target profile (addresses of this machine the target sees as distinct client IPs)' };
  }
  return { addresses: Array.from({ length: count }, () => allocator.allocate()!) };
}
