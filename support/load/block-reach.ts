/**
 * One cause, one finding for an IP block that reaches further than the IP that earned it. Seed 001 blocks the IP of
 * "continuous failed login attempts from the same IP" ("you will start seeing connection errors"); REQ-RL-06 judges
 * that another IP is not blocked with it. The IP-block checks earn their block from an address of their own, so on a
 * target that blocks per IP nothing else in the run notices. A target that blocks every IP instead (fault
 * block-every-ip) drops every other scenario's connections while the block lasts: measured in a whole run, REQ-TOK-01
 * FAILED on a token request that got no HTTP answer, REQ-CAUTH-06 warned, and some forty requirements were "not
 * testable" for want of a token — all of it REQ-RL-06's one finding.
 *
 * So each IP-block check opens a BLOCK WINDOW, run-wide (the workers share it, offered by the CLI's main thread),
 * from its first failed login until its stated block time and the unblock tolerance have passed after the last one.
 * A request to the IdP (any origin but the gateway's: its token endpoint, its mTLS alias, its introspection) that
 * gets no HTTP answer (a transport error: the seed's "connection errors") from ANOTHER address while a window is
 * open is blocked on REQ-RL-06: the scenario is not testable with that reason, never failed. A request to the
 * gateway is left alone: a gateway that drops connections is its own finding (REQ-BEARER-01), whatever the IdP
 * blocks at the time (measured: fault silent-protected-routes in a whole run, REQ-BEARER-01 alone). The
 * scenarios that judge REQ-RL-06 are exempt: their bystander's missing answer is their evidence. Nothing changes
 * where every request is answered (a target that blocks per IP, or an HTTP refusal, which the checks judge as such).
 */
import type { Exchange } from '../http/exchange.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { SharedCells } from '../run/shared-memory.ts';
import type { TargetDescription } from '../target/target.ts';

/** The key under which the main thread hands the workers the shared windows. */
export const BLOCK_WINDOWS_KEY = 'auth-ctk:ip-block-windows';

/** The requirements whose scenarios judge how far a block reaches (the token endpoint's, the gateway's). */
export const BLOCK_REACH_REQUIREMENTS: readonly string[] = ['REQ-RL-06', 'REQ-GRL-06'];

const SLOTS = 64;
/** Cells: [0] the next slot; then per slot: start (epoch ms), end (epoch ms; OPEN while failures go out), address. */
const PER_SLOT = 3;
const CELLS = 1 + SLOTS * PER_SLOT;
const OPEN = BigInt(Number.MAX_SAFE_INTEGER);

const memory = new SharedCells(BLOCK_WINDOWS_KEY, CELLS * BigInt64Array.BYTES_PER_ELEMENT, (m) => new BigInt64Array(m));

/** The memory the windows take (offered by the main thread; a test hands its own). */
export const BLOCK_WINDOWS_BYTES = memory.bytes;

export const offerSharedBlockWindows = (): void => memory.offer();

const shared = (): BigInt64Array => memory.cells;

/** For the kit's own tests. */
export const resetBlockWindows = (offered?: SharedArrayBuffer): void => memory.reset(offered);

/** An address as a number (FNV-1a, 52 bits), never 0 (an unused slot); the run's own address is "own". */
const addressKey = (address: string | undefined): bigint => {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(address ?? 'own')) hash = BigInt.asUintN(52, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash + 1n;
};

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

export interface BlockWindow {
  /** The failed logins are over: the window ends once `blockSeconds` and the tolerance have passed from now. */
  closeAfter(blockMs: number): void;
}

/** An IP-block check is about to send failed logins from `address` (to the token endpoint, or the login page). */
export function openBlockWindow(address: string): BlockWindow {
  const c = shared();
  const slot = Number(Atomics.add(c, 0, 1n) % BigInt(SLOTS));
  const base = 1 + slot * PER_SLOT;
  Atomics.store(c, base + 1, OPEN);
  Atomics.store(c, base, BigInt(Date.now()));
  Atomics.store(c, base + 2, addressKey(address));
  return {
    closeAfter(blockMs: number) {
      Atomics.store(c, base + 1, BigInt(Date.now() + Math.ceil(blockMs)));
    },
  };
}

/** Sends an IP-block check's failed logins from `address` in a block window that lasts `blockOverMs` after them. */
export async function earningABlock<T>(address: string, blockOverMs: number, sendFailures: () => Promise<T>): Promise<T> {
  const window = openBlockWindow(address);
  try {
    return await sendFailures();
  } finally {
    window.closeAfter(blockOverMs);
  }
}

/**
 * Whether a window opened from an address other than `address` overlaps [from, to] (epoch ms). Never for an address
 * that earned a block of its own in this run: its own block explains its missing answer (a target that never lifts
 * a block keeps it blocked after its window, fault never-unblock), whatever else was blocked at the time.
 */
export function anotherAddressBlockedDuring(address: string | undefined, from: number, to: number): boolean {
  const c = shared();
  const own = addressKey(address);
  let overlapping = false;
  for (let slot = 0; slot < SLOTS; slot++) {
    const base = 1 + slot * PER_SLOT;
    const key = Atomics.load(c, base + 2);
    if (key === 0n) continue;
    if (key === own) return false;
    if (Atomics.load(c, base) <= BigInt(to) && Atomics.load(c, base + 1) >= BigInt(from)) overlapping = true;
  }
  return overlapping;
}

/** The origins of the target's gateways (its own, the JWKS relay's): not the IdP that blocks. */
function gatewayOrigins(target: Pick<TargetDescription, 'gateway' | 'jwksRelay'>): string[] {
  return [target.gateway?.baseUrl, target.jwksRelay?.gatewayUrl].filter((url): url is string => url !== undefined).map(originOf);
}

/**
 * Throws PrerequisiteBlocked on REQ-RL-06 where `exchange`, sent to the IdP (not to one of the target's gateways), got
 * no HTTP answer while another address of the run was blocked, unless the scenario judges how far a block reaches
 * (`scenarioRequirements`) or a TLS requirement. Every request passes here (world.send): an answered one costs one test.
 */
export function blockOnForeignIpBlock(exchange: Exchange, scenarioRequirements: readonly string[], target: Pick<TargetDescription, 'gateway' | 'jwksRelay'>): void {
  if (!exchange.transportError || exchange.response) return;
  // The TLS checks judge connections themselves (a refused TLS version is their finding), as the RL-06 checks do.
  if (scenarioRequirements.some((id) => BLOCK_REACH_REQUIREMENTS.includes(id) || id.startsWith('REQ-TLS-'))) return;
  if (gatewayOrigins(target).includes(originOf(exchange.request.url))) return;
  const { sourceAddress } = exchange.request;
  if (!anotherAddressBlockedDuring(sourceAddress, exchange.startedAt, exchange.startedAt + exchange.durationMs)) return;
  throw new PrerequisiteBlocked(
    'REQ-RL-06',
    `blocked: no HTTP answer (${exchange.transportError.code}) to ${exchange.request.method} ${exchange.request.url} from ${sourceAddress ?? "the run's own address"} while an IP-block check of this run had its own address blocked: a block that reaches other IPs is REQ-RL-06's finding (seed 001: failed logins "from the same IP")`,
    'fix what REQ-RL-06 reports (block only the IP that failed); this requirement is judged once the other IPs are answered',
  );
}
