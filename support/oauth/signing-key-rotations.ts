/**
 * How many signing-key rotations the run has made, shared by its workers. A token a worker keeps for reuse
 * (accessTokenFor) is "a valid token of the system client" only while the key that signed it is the issuer's current
 * one: after a rotation a target may rightly stop publishing the old key (REQ-JWT-10 is a SHOULD), and a positive
 * control sent with the kept token would then read the old key's refusal as the route's. Measured against fault
 * key-rotation-drops-old-key: REQ-JWT-11, whose new key the gateway does accept, was "not testable" on a control
 * that sent the token the worker had kept from before the rotation. A kept token is used only while this count is
 * the one it was issued under, and while no client-secret change is under way (see secretChange).
 *
 * The rotation scenarios run alone (support/run/parallel.ts), but the next scenario may land on any worker: the
 * count lives in memory the CLI's main thread offers the workers before they start (one worker: its own).
 */
import type { JWK } from 'jose';
import type { CtkWorld } from '../world.ts';
import { fetchJwks } from '../jwt/jwks.ts';
import { SharedCells } from '../run/shared-memory.ts';

/** The key under which the main thread hands the workers the shared count. */
export const SIGNING_KEY_ROTATIONS_KEY = 'auth-ctk:signing-key-rotations';

/** Cells: the rotations so far; the client-secret changes under way (secretChange). */
const ROTATIONS = 0;
const CHANGES_UNDER_WAY = 1;
const memory = new SharedCells(SIGNING_KEY_ROTATIONS_KEY, 2 * Int32Array.BYTES_PER_ELEMENT, (m) => new Int32Array(m));

/** The main thread, before the workers start. */
export const offerSharedSigningKeyRotations = (): void => memory.offer();

const shared = (): Int32Array => memory.cells;

/** The rotations made so far, run-wide: what a kept token records when it is issued. */
export const signingKeyRotations = (): number => Atomics.load(shared(), ROTATIONS);

/** A rotation was made: every token kept from before it is stale for every worker. */
export function signingKeyRotated(): void {
  Atomics.add(shared(), ROTATIONS, 1);
}

/**
 * Whether a token kept under `rotationsAtIssue` may still be reused as a valid one: no rotation since, and no
 * client-secret change under way on any worker (until it is over, nobody knows whether it took the key along).
 */
export const keptTokenCurrent = (rotationsAtIssue: number): boolean =>
  rotationsAtIssue === signingKeyRotations() && Atomics.load(shared(), CHANGES_UNDER_WAY) === 0;

/** The issuer's published keys, each by its kid (or its public members where it has none); undefined where unreadable. */
async function publishedKeys(world: CtkWorld): Promise<Set<string> | undefined> {
  const uri = world.target.jwksUri;
  if (uri === undefined) return undefined;
  try {
    const { keys } = await fetchJwks(world, uri);
    return keys ? new Set(keys.map(keyIdentity)) : undefined;
  } catch {
    return undefined;
  }
}

const keyIdentity = (key: JWK): string =>
  typeof key.kid === 'string' ? `kid:${key.kid}` : JSON.stringify([key.kty, key.crv, key.n, key.e, key.x, key.y]);

/**
 * A client-secret change (a control-plane rotation, a self-service one, the profile's secret put back). Seed 002
 * leaves issued tokens valid, but a deployment that ties its signing key to client secrets drops the key with the
 * secret (fault secret-rotation-revokes-tokens): a whole run had every later positive control fail on a kept token,
 * and REQ-ROT-03 itself "not testable" on one. So the change counts as a signing-key rotation where the issuer's
 * JWK Set lost a key it published before the change, or where the key set cannot be read before or after it (a
 * target without one: counted, the safe side). Counted even where the change itself fails: it may have happened.
 * A change that leaves every published key in place counts as none: measured on the reference, counting every
 * change made each identity scenario beside a self-service rotation log its customer in through the browser again.
 */
export async function secretChange<T>(world: CtkWorld, change: () => Promise<T>): Promise<T> {
  const before = await publishedKeys(world);
  Atomics.add(shared(), CHANGES_UNDER_WAY, 1);
  try {
    return await change();
  } finally {
    const after = before === undefined ? undefined : await publishedKeys(world);
    if (before === undefined || after === undefined || [...before].some((key) => !after.has(key))) signingKeyRotated();
    Atomics.sub(shared(), CHANGES_UNDER_WAY, 1);
  }
}

/** For the kit's own tests. */
export const resetSigningKeyRotations = (offered?: SharedArrayBuffer): void => memory.reset(offered);
