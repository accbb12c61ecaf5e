/**
 * Seed 003 for deletes (REQ-ID-15): a human token "darf nur das, was der hinterlegte Kunde darf", so a DELETE of
 * another customer's data is refused like a read or a write. A DELETE that a broken target honours destroys data, so
 * the check runs only on the one disposable record the profile names (gateway.routes.customerDelete) and never
 * deletes anything on a conforming target: the record's owner reads it (the positive control: it is there and the
 * path is right), another test customer's DELETE must be refused, and the owner reads it again (it must still be there).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import type { TestUser } from '../target/target.ts';
import { bearer, callGateway, isSuccess } from '../gateway/gateway-client.ts';
import { customerDataOutcome } from './customer-data.ts';
import { humanAccessToken } from './human-login.ts';
import { humanTokenNamesItsCustomer, wrongIdentityBehindCustomerData } from './verdicts.ts';
import { presentedTokenOf } from '../jwt/unpublished-key.ts';

export type DeleteAttempt =
  | { readonly kind: 'attempted'; readonly owner: TestUser; readonly other: TestUser; readonly before: Exchange; readonly deletion?: Exchange; readonly after?: Exchange }
  | { readonly kind: 'not-testable'; readonly reason: string; readonly remedy: string };

/** The record's owner and another test customer, as the profile names them. */
function parties(world: CtkWorld): { owner: TestUser; other: TestUser } | { reason: string; remedy: string } {
  const record = world.target.gateway?.routes.customerDelete;
  if (!record) return { reason: 'the target profile names no disposable record (gateway.routes.customerDelete)', remedy: 'name a record the kit may delete in gateway.routes.customerDelete' };
  const owner = world.target.users.find((u) => u.customerId === record.customerId);
  const other = world.target.users.find((u) => u.customerId !== record.customerId);
  if (!owner || !other) return { reason: `the profile names no test user of customer ${record.customerId} and another one`, remedy: 'name two test users (users[]), one of them the record\'s customer' };
  return { owner, other };
}

export async function deleteAnotherCustomersRecord(world: CtkWorld): Promise<DeleteAttempt> {
  const who = parties(world);
  if ('reason' in who) return { kind: 'not-testable', ...who };
  const ownerToken = await humanAccessToken(world, who.owner);
  if (ownerToken.kind === 'unavailable') return { kind: 'not-testable', reason: ownerToken.reason, remedy: ownerToken.remedy };
  const read = () => callGateway(world, { route: 'customer record', authorization: bearer(ownerToken.token), keepAsLast: false });
  const before = await read();
  if (!isSuccess(before)) return { kind: 'attempted', ...who, before };
  const otherToken = await humanAccessToken(world, who.other);
  if (otherToken.kind === 'unavailable') return { kind: 'not-testable', reason: otherToken.reason, remedy: otherToken.remedy };
  const deletion = await callGateway(world, { route: 'customer record delete', authorization: bearer(otherToken.token) });
  return { kind: 'attempted', ...who, before, deletion, after: await read() };
}

export async function judgeOtherCustomerDeleteRefused(world: CtkWorld, requirement: string, attempt: Extract<DeleteAttempt, { kind: 'attempted' }>): Promise<void> {
  const record = world.target.gateway!.routes.customerDelete!;
  const expected = `a DELETE by customer ${attempt.other.customerId} of record ${record.recordId} of ${record.customerId} is refused (a 4xx) and the record is still there for its owner: seed 003, a customer may only do what that customer may`;
  if (!attempt.deletion || !attempt.after) {
    couldNotJudge(world, {
      requirement,
      expected,
      why: `the positive control failed: the record's owner could not read it (${describeOutcome(attempt.before)}), so it is not there or the path is wrong; nothing was deleted`,
    });
    return;
  }
  const outcome = customerDataOutcome(attempt.deletion);
  // A DELETE honoured for a customer the gateway passed on as the system (or as nobody, or as somebody else) follows
  // from that identity: REQ-ID-03's (or REQ-ID-06's) one finding, as for a read (fault forward-human-as-system
  // failed REQ-ID-15 beside REQ-ID-03). The echo is asked only after a DELETE that was not refused.
  // First the token itself: one that does not name its customer (REQ-ID-02) explains what is done with it, the
  // identity the gateway then passes on included (fault human-sub-is-client failed REQ-ID-15 beside REQ-ID-02).
  const token = presentedTokenOf(attempt.deletion);
  if (outcome.kind !== 'refused' && token !== undefined && !(await humanTokenNamesItsCustomer(world, token, attempt.other))) return;
  if (outcome.kind !== 'refused' && (await wrongIdentityBehindCustomerData(world, attempt.deletion, { requirement, expected }, { human: attempt.other }))) return;
  check(
    world,
    {
      requirement,
      expected,
      observed: `owner's read before: ${describeOutcome(attempt.before)}; other customer's DELETE: ${describeOutcome(attempt.deletion)}; owner's read after: ${describeOutcome(attempt.after)}`,
    },
    () => {
      expect(outcome.kind, 'the DELETE refused with a 4xx (a 2xx, a 5xx or no answer is no refusal)').to.equal('refused');
      expect(isSuccess(attempt.after!), 'the record still there for its owner').to.equal(true);
    },
  );
}
