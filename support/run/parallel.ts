/**
 * How a run with several cucumber workers (`auth-ctk run --parallel n`, the default on a machine with 2+ cores)
 * shares the machine without changing a verdict.
 *
 * Two kinds of scenario measure time, and they are treated differently:
 *   - BURST scenarios (the rate limits: requirements bound to the token endpoint's, the other OAuth endpoints' or the
 *     gateway's rate-limiting capability) send paced bursts and judge what a per-second window let through. Two bursts at once would
 *     compete for the target's and this machine's CPU, and a limiter may count per process rather than per IP:
 *     they run one at a time, never next to another burst (the rest of the suite may run beside them: it sends a
 *     few requests a second from the run's own address, never from a burst's address).
 *   - WAITING scenarios (a short token's expiry, an IP block's failed logins and its end) send a handful of
 *     requests and wait at least the stated time: running other scenarios beside them is what makes the wait
 *     free. They carry no restriction (each IP-block scenario has source addresses of its own).
 * Scenarios that change what every other scenario relies on, or that read what every other scenario writes, run
 * ALONE: a signing-key rotation (@rotation: another worker's token would be signed with a key the rotation
 * scenario just retired or not yet published), the audit log's (@audit: another worker's attempt at the same
 * moment could be taken for this scenario's own entry — a pass no check earned), and the changes of the rotation
 * client's secret (@rotation-client). No other scenario uses clients.rotation, but a deployment that ties its
 * signing key to client secrets drops the key with the secret (fault secret-rotation-revokes-tokens): every token
 * another worker held at that moment stops verifying. Measured in a whole run of that fault with these scenarios
 * beside the rest: REQ-MTLS-06 failed on a bound token issued just before a rotation, REQ-ID-03 and -04 were not
 * testable — findings of a cause REQ-ROT-03 reports.
 * The JWKS scenarios (@jwks-relay) switch the kit's JWKS relay off and count its requests, but call only the gateway
 * whose jwks_uri is the relay, which no other scenario calls: they run beside anything, one at a time among themselves
 * (they share the relay's counter and switch) — and alone where the relay's gateway is the target's own
 * (jwksRelay.shared, a profile that points its only gateway at the relay).
 * Order: cucumber hands a finished worker the first scenario of the queue it may run, and a worker that gets
 * none stays idle for the rest of the run. So, after the few scenarios that judge whether valid credentials obtain a
 * token (see runRank), the bursts go first (one worker works through that chain of
 * bursts and waits while the other takes the rest), then the long ones (a browser, a token's lifetime, an IP
 * block; isTimingSensitive), then everything else, and the run-alone scenarios LAST: by the time one of them is due, only they (and maybe the
 * tail of the burst chain) are left, so the worker that idles has nothing else it could have done. The order of
 * scenarios never decides a verdict against a correct target: each sets up its own state (test/parallel-run.test.ts).
 * Against one that refuses valid credentials it did: the client IPs the run may fail from are few, and whichever
 * scenario came last found none — hence the judges of valid credentials first.
 */
import { isTimingSensitive } from '../shard/partition.ts';
import { tagsBindCapability } from '../requirements/catalogue.ts';
import type { TargetDescription } from '../target/target.ts';
import { JUDGES_VALID_CREDENTIALS } from '../requirements/valid-credential-judges.ts';

interface TaggedPickle {
  readonly tags: readonly { readonly name: string }[];
}

const tagsOf = (pickle: TaggedPickle): string[] => pickle.tags.map((t) => t.name);

/** Tags of scenarios that run with no other scenario beside them (see above). */
export const RUNS_ALONE_TAGS: readonly string[] = ['@rotation', '@audit', '@rotation-client'];

const runsAlone = (pickle: TaggedPickle): boolean => tagsOf(pickle).some((t) => RUNS_ALONE_TAGS.includes(t));

/** Capabilities whose checks send bursts: the token endpoint's rate limit, the other OAuth endpoints' and the gateway's. */
export const BURST_CAPABILITIES: readonly string[] = ['rate-limiting', 'gateway-rate-limiting', 'oauth-endpoints-rate-limiting'];

/** A scenario that judges a rate limit: it sends bursts. */
export const sendsBursts = (tags: readonly string[]): boolean => tagsBindCapability(tags, BURST_CAPABILITIES);

/**
 * Capabilities whose checks earn an IP block (failed logins, invalid tokens) from an address of their own: never two
 * at once. On a target that blocks per IP they never meet; on one whose block reaches every IP (fault
 * block-every-ip) one check's block met the next one's baseline, and REQ-RL-06 — the requirement that judges it —
 * was left not testable in a whole run, its bystander's baseline unanswered under another check's block.
 */
export const IP_BLOCK_CAPABILITIES: readonly string[] = ['ip-blocking', 'gateway-ip-blocking'];

const earnsIpBlock = (pickle: TaggedPickle): boolean => tagsBindCapability(tagsOf(pickle), IP_BLOCK_CAPABILITIES);

/** Tag of the scenarios that drive the kit's JWKS relay: never two at once (see above). */
export const JWKS_RELAY_TAG = '@jwks-relay';

const drivesRelay = (pickle: TaggedPickle): boolean => tagsOf(pickle).includes(JWKS_RELAY_TAG);

export interface ParallelOptions {
  /** The relay's gateway is the target's own: an outage would reach every other scenario, so they run alone. */
  readonly jwksRelayShared?: boolean;
}

/** The options a target gives the scheduler; none without a target (the hooks' own reference shares neither). */
export function parallelOptionsOf(target: Pick<TargetDescription, 'jwksRelay'> | undefined): ParallelOptions {
  if (!target) return {};
  return { jwksRelayShared: target.jwksRelay?.shared === true };
}

/** cucumber's setParallelCanAssign: key and secret rotations and audit reads alone; at most one burst, one JWKS relay and one IP-block scenario at a time. */
export function canRunAlongside(pickle: TaggedPickle, running: readonly TaggedPickle[], options: ParallelOptions = {}): boolean {
  const alone = (p: TaggedPickle) => runsAlone(p) || (options.jwksRelayShared === true && drivesRelay(p));
  if (running.some(alone)) return false;
  if (alone(pickle)) return running.length === 0;
  if (drivesRelay(pickle) && running.some(drivesRelay)) return false;
  if (earnsIpBlock(pickle) && running.some(earnsIpBlock)) return false;
  if (!sendsBursts(tagsOf(pickle))) return true;
  return !running.some((other) => sendsBursts(tagsOf(other)));
}

/**
 * Rank in the run order: the bursts, the long ones, the rest, and the ones that run alone, the signing-key rotations
 * last of all (each makes every worker drop the tokens it kept: the human ones cost a browser login each to replace).
 * Before all of them the few scenarios that judge whether valid credentials obtain a token, REQ-TOK-01's first
 * (support/requirements/valid-credential-judges.ts): against a target that refuses valid credentials, every other
 * scenario's requests use up the client IPs the run may fail from, and a judge that came late found none left —
 * measured, a whole run against fault token-endpoint-refuses-everything-401 reported REQ-TOK-01 itself "blocked" and
 * nothing failed. They are a few quick requests; the bursts start a moment later.
 * The JWKS relay's scenarios are long ones (each waits out a key-set cache or an outage): early, so their
 * one-at-a-time chain overlaps the rest.
 */
export function runRank(tags: readonly string[]): number {
  if (tags.includes('@rotation')) return 4;
  if (tags.some((t) => RUNS_ALONE_TAGS.includes(t))) return 3;
  const judge = JUDGES_VALID_CREDENTIALS.findIndex((id) => tags.includes(`@${id}`));
  if (judge >= 0) return judge === 0 ? -2 : -1;
  if (sendsBursts(tags)) return 0;
  if (tags.includes('@browser') || tags.includes(JWKS_RELAY_TAG) || isTimingSensitive(tags)) return 1;
  return 2;
}

/** Stable: within a rank, the features' own order. */
export function orderForParallelRun<T extends { readonly pickle: TaggedPickle }>(pickles: readonly T[]): T[] {
  return pickles
    .map((p, index) => ({ p, index, rank: runRank(tagsOf(p.pickle)) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ p }) => p);
}
