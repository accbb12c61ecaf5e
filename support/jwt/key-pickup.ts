/**
 * One cause, one finding for a signing-key rollover at the gateway (RFC 7517 §5, RFC 9068 §4; support/verdict/check.ts
 * reportRootCause). A token issued before the rotation that the gateway refuses (REQ-JWT-10) may be refused because
 * its key was published after the gateway last fetched the JWK Set: a gateway that never fetches the set again for a
 * kid it does not hold refuses every newly published key, which is REQ-JWT-11's finding (a MUST: tokens of the new
 * key are accepted). The kit asks only after such a refusal: a fresh token of the current key, presented for as long
 * as REQ-JWT-11 gives a gateway to pick a new key up. Refused too: REQ-JWT-11's finding, and REQ-JWT-10 is not judged
 * on that answer. Admitted: the gateway picks new keys up and dropped the earlier one, REQ-JWT-10's own finding.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { freshToken, isNotTestable } from '../oauth/token-requests.ts';
import { presentUntilAdmitted } from './gateway.ts';
import { positiveControl } from '../gateway/positive-control.ts';

const NEW_KEY_ROOT = 'REQ-JWT-11';

/** True when it reported REQ-JWT-11's finding (the scenario stops there, a MUST). */
export async function newKeysNotPickedUp(world: CtkWorld, refused: Exchange, requirement: string, expected: string, pickupBoundMs: number): Promise<boolean> {
  if (isSuccess(refused) || !requirementApplies(world.target, NEW_KEY_ROOT)) return false;
  // A route that serves nothing proves nothing: its judge records that (underControl), no root is asked for.
  if (!(await positiveControl(world, 'protected')).held) return false;
  const fresh = await freshToken(world, 'system');
  if (isNotTestable(fresh) || !('token' in fresh)) return false;
  const kid = fresh.decoded?.header.kid;
  const probe = await presentUntilAdmitted(world, fresh.token, pickupBoundMs);
  if (isSuccess(probe)) return false;
  reportRootCause(
    world,
    { requirement: NEW_KEY_ROOT, expected: `the gateway serves a fresh token of the current signing key (kid ${JSON.stringify(kid)}) within ${pickupBoundMs / 1000} s`, observed: probe },
    () => expect(isSuccess(probe), 'admitted').to.equal(true),
    [{ requirement, expected }],
    { why: `a fresh token of the current key (kid ${JSON.stringify(kid)}) is refused too (${describeOutcome(probe)}): the gateway does not pick up keys published after it fetched the JWK Set` },
  );
  return true;
}
