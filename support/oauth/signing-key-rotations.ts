/**
 * How many signing-key rotations the run has made, shared by its workers. A token a worker keeps for reuse
 * (accessTokenFor) is "a valid token of the system client" only while the key that signed it is the issuer's current
 * one: after a rotation a target may rightly stop publishing the old key (REQ-JWT-10 is a SHOULD), and a positive
 * control sent with the kept token would then read the old key's refusal as the route's. Measured against fault
 * key-rotation-drops-old-key: REQ-JWT-11, whose new key the gateway does accept, was "not testable" on a control
 * that sent the token the worker had kept from before the rotation. A kept token is used only while this count is
 * the one it was issued under.
 *
 * The rotation scenarios run alone (support/run/parallel.ts), but the next scenario may land on any worker: the
 * count lives in memory the CLI's main thread offers the workers before they start (one worker: its own).
 */
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

/** The key under which the main thread hands the workers the shared count. */
export const SIGNING_KEY_ROTATIONS_KEY = 'auth-ctk:signing-key-rotations';

/** The main thread, before the workers start. */
export function offerSharedSigningKeyRotations(): void {
  setEnvironmentData(SIGNING_KEY_ROTATIONS_KEY, new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

let cell: Int32Array | undefined;
const count = (): Int32Array => {
  if (cell) return cell;
  const offered = getEnvironmentData(SIGNING_KEY_ROTATIONS_KEY);
  cell = new Int32Array(offered instanceof SharedArrayBuffer ? offered : new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  return cell;
};

/** The rotations made so far, run-wide. */
export const signingKeyRotations = (): number => Atomics.load(count(), 0);

/** A rotation was made: every token kept from before it is stale for every worker. */
export function signingKeyRotated(): void {
  Atomics.add(count(), 0, 1);
}

/** For the kit's own tests. */
export function resetSigningKeyRotations(shared?: SharedArrayBuffer): void {
  cell = shared ? new Int32Array(shared) : undefined;
}
