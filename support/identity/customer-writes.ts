/**
 * Seed 003 for writes (REQ-ID-12): a human token "darf nur das, was der hinterlegte Kunde darf", so a write on
 * another customer's data is refused like a read. Only on the write route the profile names
 * (gateway.routes.customerWrite: POST, PUT or PATCH, never DELETE). The same write on the customer's own data comes
 * first: it is the positive control, without which a refusal proves nothing (a route that refuses every write).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import type { TestUser } from '../target/target.ts';
import { bearer, callGateway, isSuccess } from '../gateway/gateway-client.ts';
import { customerDataOutcome } from './customer-data.ts';
import { wrongIdentityBehindCustomerData } from './verdicts.ts';

export interface CustomerWriteAttempt {
  /** The write on the token's own customer's data (the control). */
  readonly own: Exchange;
  /** The write on the other customer's data, sent only when the control held. */
  readonly other?: Exchange;
}

export async function writeOwnThenOtherCustomerData(world: CtkWorld, human: { token: string; user: TestUser }, other: TestUser): Promise<CustomerWriteAttempt> {
  const write = (owner: TestUser) => callGateway(world, { route: 'customer write', customerId: owner.customerId, authorization: bearer(human.token) });
  const own = await write(human.user);
  if (!isSuccess(own)) return { own };
  return { own, other: await write(other) };
}

export async function judgeOtherCustomerWriteRefused(world: CtkWorld, requirement: string, attempt: CustomerWriteAttempt, human: { user: TestUser }, other: TestUser): Promise<void> {
  const expected = `a write by customer ${human.user.customerId} on the data of ${other.customerId} is refused (403, or 404 hiding the customer): seed 003, a customer may only do what that customer may`;
  if (!attempt.other) {
    couldNotJudge(world, { requirement, expected, why: `the positive control failed: the same write on the customer's own data (${human.user.customerId}) was not accepted (${describeOutcome(attempt.own)}), so a refusal would prove nothing` });
    return;
  }
  const outcome = customerDataOutcome(attempt.other);
  // The write went through because the customer's token reached the component as somebody else: REQ-ID-03's finding.
  if (outcome.kind === 'served' && (await wrongIdentityBehindCustomerData(world, attempt.other, { requirement, expected }, { human: human.user }))) return;
  check(world, { requirement, expected, observed: `own data: ${describeOutcome(attempt.own)}; other customer's data: ${describeOutcome(attempt.other)}` }, () =>
    expect(outcome.kind, 'refused with a 4xx (a 5xx or no answer is no refusal)').to.equal('refused'),
  );
}
