/**
 * The IP-block procedures of seed 001 ("continuous failed login attempts from the same IP: the IP will be
 * temporarily blocked. When this happens, you will start seeing connection errors, ssl/tls handshake errors or
 * something similar"). The failed logins are wrong client secrets — the failed login an integration makes —
 * sent from a fresh source address of the scenario's own, so the run's own address (and every other scenario)
 * is never blocked. Everything goes through the load cap.
 *
 * "Blocked" is any outcome without a token: no HTTP answer (reset, refused, TLS failure, timeout) or a refusal
 * (403, 429, 503, even 401). "Served" is a token.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { tokenResponseOf, warmUpTokenRequests, wrongSecret } from '../oauth/token-client.ts';
import type { ClientCredentials } from '../target/target.ts';
import { planLoad, type LoadCap } from './load-cap.ts';
import { cappedTokenRequest } from './paced-requests.ts';
import type { Unavailable } from './rate-limit.ts';
import { pauseFor, pauseUntil } from './pause.ts';
import { earningABlock } from './block-reach.ts';

export const isServed = (exchange: Exchange): boolean => tokenResponseOf(exchange) !== undefined;

/** The client whose secret the kit gets wrong: the read-only one where described (the least used), else the system. */
export const ipBlockClient = (world: CtkWorld): ClientCredentials => world.target.clients.readOnly ?? world.target.clients.system;

/** The longest block the kit waits out; beyond it REQ-RL-05 is not testable. Its step allows for it. */
export const MAX_BLOCK_WAIT_SECONDS = 120;
/** After the block time, the target gets 1 s + 25 % to let the IP in again (timers tick; bans are swept). */
export const unblockToleranceMs = (blockSeconds: number): number => 1000 + blockSeconds * 250;
/** The longest a stated block may keep an IP out: the block time and the tolerance. */
export const blockOverMs = (blockSeconds: number): number => blockSeconds * 1000 + unblockToleranceMs(blockSeconds);
const POLL_MS = 250;

export interface BlockedAddress {
  readonly address: string;
  readonly cap: LoadCap;
  readonly failures: readonly Exchange[];
  /** The correct-credentials request after the failures. */
  readonly probe: Exchange;
  /** performance.now() of the last request sent from the address (the block is counted from there). */
  readonly lastRequestAt: number;
  /**
   * performance.now() just before the last failure was sent: the stated block cannot have begun earlier, so it lasts
   * at least until this + blockSeconds (REQ-RL-05's half-way request is timed from here).
   */
  readonly lastFailureSentAt: number;
}

export function blockSettings(world: CtkWorld): { failedAttempts: number; blockSeconds: number } | Unavailable {
  const block = world.target.limits.ipBlock;
  if (!block) return { reason: 'the target profile states no IP block (limits.ipBlock.failedAttempts, blockSeconds)', remedy: 'state limits.ipBlock in the target profile' };
  return block;
}

/** Spacing of the failed logins: well under the rate limit, so they are failures and not 429s. */
function failureSpacingMs(world: CtkWorld): number {
  const limit = world.target.limits.tokenRequestsPerSecond;
  return limit ? 2000 / limit : 50;
}

/**
 * The address is served before the check starts. If not, it may still be blocked — from an earlier run, or by a
 * target that blocks more than the one IP — so the kit waits out one block time (when that is short enough) and
 * asks once more. Only then is the address called unusable.
 */
export async function baselineFrom(world: CtkWorld, cap: LoadCap, client: ClientCredentials, address: string): Promise<Exchange | Unavailable> {
  // From the run's ordinary address, outside this check's plan: learns whether the client's requests need their
  // declared scopes, so the check's own requests are not refused for a reason that has nothing to do with blocking.
  await warmUpTokenRequests(world, client);
  const first = await cappedTokenRequest(world, cap, client, address);
  if (isServed(first)) return first;
  const block = world.target.limits.ipBlock;
  const waitMs = block ? blockOverMs(block.blockSeconds) : 0;
  if (block && waitMs <= BASELINE_MAX_WAIT_MS) {
    world.log(`${address} got no token before the check (${describeOutcome(first)}); waiting ${(waitMs / 1000).toFixed(1)} s (one block time) and asking again`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const second = await cappedTokenRequest(world, cap, client, address);
    if (isServed(second)) return second;
  }
  return {
    reason: `${client.clientId} gets no token from ${address} before any failed login of this check (${describeOutcome(first)}): the address is unusable or still blocked`,
    remedy: `wait ${block?.blockSeconds ?? 'the block time of'} s and run again, or check sourceAddresses and clients in the target profile`,
  };
}

/** The longest the kit waits for a still-blocked address to be usable before a check. */
const BASELINE_MAX_WAIT_MS = 20_000;

/** Load plan for a bystander's baseline (two requests at most). */
export function bystanderBaseline(world: CtkWorld, address: string): Promise<Exchange | Unavailable> {
  const planned = planLoad(world, {
    purpose: 'a token request from a second client IP, to see it is served before the check',
    requests: 2,
    url: world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 1,
    withinSeconds: BASELINE_MAX_WAIT_MS / 1000,
  });
  if ('reason' in planned) return Promise.resolve(planned);
  return baselineFrom(world, planned.cap, ipBlockClient(world), address);
}

/**
 * Baseline (the address is served: not blocked from an earlier run), then `failedAttempts` wrong secrets, then one
 * request with the correct secret. Returns the outcome, or why the check cannot run.
 */
export async function failLoginsFrom(world: CtkWorld, address: string, extraProbes: number): Promise<BlockedAddress | Unavailable> {
  const settings = blockSettings(world);
  if ('reason' in settings) return settings;
  const client = ipBlockClient(world);
  const planned = planLoad(world, {
    purpose: `${settings.failedAttempts} failed logins (wrong secret of ${client.clientId}) to get a client IP blocked`,
    requests: settings.failedAttempts + 3 + extraProbes,
    url: world.target.tokenEndpoint,
    sourceAddresses: [address],
    ratePerSecond: 1000 / failureSpacingMs(world),
    withinSeconds: ((settings.failedAttempts + 2) * (failureSpacingMs(world) + world.target.limits.requestTimeoutMs)) / 1000,
  });
  if ('reason' in planned) return planned;
  const { cap } = planned;

  const baseline = await baselineFrom(world, cap, client, address);
  if ('reason' in baseline) return baseline;
  const wrong = wrongSecret();
  const failures: Exchange[] = [];
  let lastFailureSentAt = performance.now();
  await earningABlock(address, blockOverMs(settings.blockSeconds), async () => {
    for (let i = 0; i < settings.failedAttempts; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, failureSpacingMs(world)));
      lastFailureSentAt = performance.now();
      failures.push(await cappedTokenRequest(world, cap, client, address, { secret: wrong, keepAsLast: false }));
    }
  });
  const probe = await cappedTokenRequest(world, cap, client, address);
  return { address, cap, failures, probe, lastRequestAt: performance.now(), lastFailureSentAt };
}

export interface Unblocking {
  readonly served: boolean;
  readonly attempts: readonly Exchange[];
  /** ms from the last request before the wait to the first served request (or to giving up). */
  readonly afterMs: number;
  /** The correct request sent half-way through the stated block time (REQ-RL-05 / REQ-GRL-05: not yet served). */
  readonly halfWay: HalfWayProbe;
}

/** The half-way request, or why none could be sent while the stated block surely lasted. */
export type HalfWayProbe =
  | { readonly sent: true; readonly exchange: Exchange; /** ms from sending the last failure to sending it. */ readonly sentAfterMs: number; readonly roundTripMs: number }
  | { readonly sent: false; readonly reason: string };

/** The half-way request comes at least this long after the first probe's answer, so it is a second observation. */
export const HALF_WAY_MARGIN_MS = 250;

/**
 * When to send the half-way request: half the stated block time after the last failure was sent (the block cannot
 * have begun before it), but not before the first probe's answer + HALF_WAY_MARGIN_MS. It must leave a quarter of
 * the block time before the block's earliest possible end, for the request to reach the target on a loaded machine
 * (on the reference, blockSeconds 2, that is 500 ms; the half-way request's round trip there is a few ms to some tens
 * of ms). A block too short for that (well under 1 s), or a first probe that took longer than that (a block that
 * drops packets until the request times out), leaves no such moment: the half-way request is then not sent, and the
 * scenario says so.
 */
export function halfWayProbeAt(blocked: Pick<BlockedAddress, 'lastFailureSentAt' | 'lastRequestAt'>, blockSeconds: number): { at: number } | { reason: string } {
  const blockMs = blockSeconds * 1000;
  const at = Math.max(blocked.lastFailureSentAt + blockMs / 2, blocked.lastRequestAt + HALF_WAY_MARGIN_MS);
  const latest = blocked.lastFailureSentAt + (blockMs * 3) / 4;
  if (at <= latest) return { at };
  return {
    reason:
      `no request could be sent half-way through the stated block of ${blockSeconds} s: the first probe's answer came ` +
      `${((blocked.lastRequestAt - blocked.lastFailureSentAt) / 1000).toFixed(2)} s after the last failure was sent, and a request ` +
      `${HALF_WAY_MARGIN_MS} ms after it would leave less than a quarter of the block time before the block's earliest end`,
  };
}

/**
 * REQ-RL-05 / REQ-GRL-05, for either endpoint (`send` one correct request from the blocked address, `served` reads
 * it): one correct request half-way through the stated block time (halfWayProbeAt), which must not be served; then
 * the stated block time counted from the last request the address sent — that half-way request, if it was sent, as a
 * target may restart the block on every attempt, so the kit does not knock again while it waits — then a request
 * every 250 ms until served or the tolerance is over.
 */
export async function waitOutABlock(blocked: BlockedAddress, blockSeconds: number, send: () => Promise<Exchange>, served: (exchange: Exchange) => boolean): Promise<Unblocking> {
  const planned = halfWayProbeAt(blocked, blockSeconds);
  let halfWay: HalfWayProbe;
  let lastRequestAt = blocked.lastRequestAt;
  if ('at' in planned) {
    await pauseUntil(planned.at);
    const sentAt = performance.now();
    const exchange = await send();
    lastRequestAt = performance.now();
    halfWay = { sent: true, exchange, sentAfterMs: sentAt - blocked.lastFailureSentAt, roundTripMs: lastRequestAt - sentAt };
  } else {
    halfWay = { sent: false, reason: planned.reason };
  }
  const firstTry = lastRequestAt + blockSeconds * 1000;
  const deadline = firstTry + unblockToleranceMs(blockSeconds);
  const attempts: Exchange[] = [];
  await pauseUntil(firstTry);
  while (true) {
    const exchange = await send();
    attempts.push(exchange);
    if (served(exchange)) return { served: true, attempts, afterMs: performance.now() - lastRequestAt, halfWay };
    if (performance.now() + POLL_MS > deadline) return { served: false, attempts, afterMs: performance.now() - lastRequestAt, halfWay };
    await pauseFor(POLL_MS);
  }
}

/** REQ-RL-05 at the token endpoint: waitOutABlock with correct credentials; served = a token. */
export function waitOutTheBlock(world: CtkWorld, blocked: BlockedAddress, blockSeconds: number): Promise<Unblocking> {
  const client = ipBlockClient(world);
  return waitOutABlock(blocked, blockSeconds, () => cappedTokenRequest(world, blocked.cap, client, blocked.address), isServed);
}

/**
 * Why a block of `blockSeconds` is too long to wait out (half of it to the half-way request, the whole of it again
 * from there, and the tolerance), or undefined when it is short enough.
 */
export function tooLongToWaitOut(blockSeconds: number, maxSeconds: number): Unavailable | undefined {
  const waitSeconds = blockSeconds * 1.5 + unblockToleranceMs(blockSeconds) / 1000;
  if (waitSeconds <= maxSeconds) return undefined;
  return {
    reason: `the stated block lasts ${blockSeconds} s: waiting half of it, then all of it from the half-way request, and the tolerance takes ${waitSeconds.toFixed(0)} s, longer than the kit waits (${maxSeconds} s)`,
    remedy: 'run this check against a deployment with a shorter block time',
  };
}

/** How many requests waitOutTheBlock may send at most (for the load plan): the half-way request and the polls. */
export const unblockPolls = (blockSeconds: number): number => 1 + Math.ceil(unblockToleranceMs(blockSeconds) / POLL_MS) + 2;

export const describeFailures = (failures: readonly Exchange[]): string => {
  const kinds = new Map<string, number>();
  for (const f of failures) {
    const key = describeOutcome(f).split(',')[0]!;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} × ${k}`).join(', ');
};
